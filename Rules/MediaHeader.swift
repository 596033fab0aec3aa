import CVATLint

/// Media whose header disagrees with the XML: another pixel size, an empty file, not an image at all.
final class MediaHeaderMismatch: Rule {
    static let description = RuleDescription(
        id: "media-header",
        defaultSeverity: .error,
        category: .media,
        summary: "a media file's pixel size differs from the declared width and height, or it is empty or not an image",
        rationale: """
            Coordinates are pixels of the image CVAT had; targets normalise them by the image size (Encord \
            stores fractions). If the file's real size differs from <image width height> (or from the \
            video's original_size), every coordinate on it is suspect. CVAT declares the size an image is \
            shown at: a JPEG or TIFF with EXIF orientation 5–8 is declared transposed. Only headers are read \
            (PNG, JPEG, GIF, BMP, WebP, TIFF, AVIF and HEIF by their ispe), never whole images; symbolic \
            links are never followed.
            """,
        issueTypes: [.init("media_empty"), .init("media_not_image"), .init("media_size_mismatch"), .init("media_unreadable", severity: .warning), .init("media_header_unreadable", severity: .warning)],
        actions: ["rescaleToMedia"],
        triggering: [
            RuleExample.fixture("an image that is 64 × 48 where the XML says 640 × 480", "media-header-size-mismatch"),
        ],
        nonTriggering: [
            RuleExample.fixture("every image as large as declared", "task-images-every-shape"),
        ])

    private struct Mismatch: Hashable {
        var declared: String
        var actual: String
        /// Declared and file size as `rescaleToMedia` names them, when an image's file is the declared one scaled
        /// by one ratio on both axes (to a pixel of rounding): resized after annotation, which that action mends.
        var rescale: [String]?
    }

    private let context: RuleContext
    private var mismatches = Occurrences<Mismatch>()

    init(context: RuleContext) { self.context = context }

    func visitImage(_ image: ImageRecord) {
        guard let file = context.facts.imageMedia?.file else { return }
        check(file, width: image.width, height: image.height, at: image.location, isImage: true) {
            $0.image = image.name
            $0.imageID = image.id
        }
    }

    func visitTrackShape(_ shape: Shape, of track: TrackRecord) {
        guard let frame = shape.frame else { return }
        guard let file = context.facts.newFrameMedia?.file else { return }
        checkFrame(file, taskID: track.taskID, at: shape.location, frame: frame)
    }

    private func checkFrame(_ file: MediaFile, taskID: Int?, at location: SourceLocation, frame: Int) {
        let declared = context.facts.frameSizes.declared(taskID: taskID)
        check(file, width: declared?.width, height: declared?.height, at: location) { $0.frame = frame }
    }

    /// Whether `file` is `declared` scaled by one ratio, each axis within a pixel of what the other's ratio gives.
    static func isUniform(declared: (width: Int, height: Int), file: (width: Int, height: Int)) -> Bool {
        guard declared.width > 0, declared.height > 0, file.width > 0, file.height > 0, declared != file else { return false }
        let ratioX = Double(file.width) / Double(declared.width), ratioY = Double(file.height) / Double(declared.height)
        return abs(Double(declared.width) * ratioY - Double(file.width)) <= 1 && abs(Double(declared.height) * ratioX - Double(file.height)) <= 1
    }

    private func check(_ file: MediaFile, width: Int?, height: Int?, at location: SourceLocation, isImage: Bool = false,
                       context place: (inout FindingLocation) -> Void) {
        guard !file.isSymlink else { return }
        if file.size == 0 {
            context.report("\(file.path) is an empty file", at: location, issueType: "media_empty", context: place)
            return
        }
        let header: ImageHeader
        do {
            header = try context.mediaHeader(file)
        } catch {
            context.report("\(file.path) cannot be read: \(error)", at: location, severity: .warning,
                           issueType: "media_unreadable", context: place)
            return
        }
        switch header {
        case let .image(format, storedWidth, storedHeight, orientation):
            guard let width, let height, let shown = header.displayedSize,
                  width != shown.width || height != shown.height else { return }
            // CVAT declares the size an image is shown at (EXIF orientations 5–8 transpose it).
            let actual: String
            if orientation > 4, width == storedWidth, height == storedHeight {
                actual = "rotated by EXIF (orientation \(orientation)): stored \(storedWidth) × \(storedHeight), shown and declared by CVAT as \(shown.width) × \(shown.height) (\(format))"
            } else if width == shown.height, height == shown.width {
                actual = "\(shown.width) × \(shown.height) (\(format)), width and height swapped"
            } else {
                actual = "\(shown.width) × \(shown.height) (\(format))" + (orientation > 4 ? " as shown (EXIF orientation \(orientation))" : "")
            }
            let rescale = isImage && orientation <= 4 && Self.isUniform(declared: (width, height), file: shown)
                ? [ImportAction.sizeText(width, height), ImportAction.sizeText(shown.width, shown.height)] : nil
            mismatches.note(Mismatch(declared: "\(width) × \(height)", actual: actual, rescale: rescale), at: location, example: file.path)
            context.noteInstance("media_size_mismatch", at: location)
        case .notImage:
            context.report("\(file.path) is not an image (no PNG, JPEG, GIF, BMP, WebP, TIFF, AVIF or HEIF signature)", at: location,
                           issueType: "media_not_image", context: place)
        case let .unreadable(format), let .needMore(format, _):
            context.report("\(file.path) looks like \(format) but its size cannot be read from its header", at: location,
                           severity: .warning, issueType: "media_header_unreadable", context: place)
        }
    }

    func finish() {
        for (mismatch, entry) in mismatches.all {
            let more = entry.count > 1 ? " (\(counted(entry.count, "file")) alike)" : ""
            let resized = mismatch.rescale == nil ? "every coordinate on it is suspect"
                : "one ratio on both axes: resized after annotation, so its coordinates scale to the file"
            context.report("\(entry.example ?? "a file") is \(mismatch.actual) but the XML says \(mismatch.declared)\(more); "
                           + resized, at: entry.first, issueType: "media_size_mismatch",
                           action: mismatch.rescale.map { .rescaleToMedia(from: $0[0], to: $0[1], count: entry.count) })
        }
    }
}
