import CVATLint

/// Every image the XML names, and every video frame it annotates, needs its file under `images/`.
final class MediaMissing: Rule {
    static let description = RuleDescription(
        id: "media-missing",
        defaultSeverity: .error,
        category: .media,
        summary: "media named in the XML has no file, matches only after a mapping, or the export has no (or an empty) images/",
        rationale: """
            With "save images", CVAT writes images/<name> (task, job) or images/<subset>/<name> (project), and \
            video frames as images/frame_NNNNNN.PNG for the XML name frame_NNNNNN. An image with no file \
            cannot be imported; a name that matches only without its extension needs a mapping (Encord's \
            map_filename_to_cvat_name); an export made without "save images" has no images/ at all, which \
            Encord's SDK refuses, as it refuses an images/ with no file in it and a folder named Images/ (it \
            compares names case-sensitively). Matching is exact first, then by name without extension in any case.
            """,
        issueTypes: [.init("media_missing", profile: "media.missing"), .init("media_name_ambiguous", profile: "media.missing"), .init("media_name_needs_mapping", profile: "media.mapped"), .init("media_name_normalization", profile: "media.mapped"), .init("media_not_saved", profile: "media.no_images"), .init("media_folder_misnamed", profile: "media.no_images"),
                     .init("media_folder_empty", profile: "media.no_images")],
        actions: ["mapMediaName", "mapMediaNames", "reexport"],
        triggering: [
            RuleExample.fixture("an export folder with images/ that lacks a named image", "media-missing-file", target: "cvat"),
            RuleExample.fixture("an export without images/, for Encord", "media-no-images-folder"),
            RuleExample.fixture("an export whose media folder is Images/, for Encord", "media-folder-misnamed"),
        ],
        nonTriggering: [
            RuleExample.fixture("every named image has its file", "task-images-every-shape"),
            RuleExample("a bare annotations.xml: there is no media to check", xml: RuleExample.document(
                meta: "", body: RuleExample.imageElement(""))),
        ])

    private let context: RuleContext

    init(context: RuleContext) { self.context = context }

    func visitImage(_ image: ImageRecord) {
        // No name is no file to look for: an empty one is id-duplicate's to report, a missing one the schema's.
        guard let resolution = context.facts.imageMedia, !image.name.isEmpty else { return }
        report(resolution, name: image.name, at: image.location) {
            $0.image = image.name
            $0.imageID = image.id
            $0.subset = image.subset
            $0.taskID = image.taskID
        }
    }

    func visitTrackShape(_ shape: Shape, of track: TrackRecord) {
        guard context.target.media.framesNeedFiles != false,
              let resolution = context.facts.newFrameMedia, let frame = shape.frame else { return }
        report(resolution, name: frameName(frame), at: shape.location) {
            $0.frame = frame
            $0.trackID = track.id
            $0.subset = track.subset
        }
    }

    /// A systematic reason names need mapping: the same change of ending (or of Unicode normalisation).
    private struct MappingCause: Hashable {
        var from: String
        var to: String
        var normalization: String?
    }

    private struct FirstMapping {
        var name: String
        var file: String
        var place: FindingLocation
    }

    private var mappings = Occurrences<MappingCause>()
    private var firstMappings: [MappingCause: FirstMapping] = [:]

    private func report(_ resolution: MediaResolution, name: String, at location: SourceLocation,
                        context place: (inout FindingLocation) -> Void) {
        let expectations = context.target.media
        switch resolution {
        case .exact:
            break
        case let .mapped(file):
            guard expectations.mapped != nil else { return }
            note(MappingCause(from: MediaIndex.fileExtension(name), to: MediaIndex.fileExtension(file.path), normalization: nil),
                 name: name, file: file, at: location, context: place)
        case let .normalized(file):
            guard expectations.mapped ?? expectations.missing != nil else { return }
            let decomposed = file.path.decomposedStringWithCanonicalMapping.utf8.elementsEqual(file.path.utf8)
            note(MappingCause(from: "", to: "", normalization: decomposed ? "NFD" : "NFC"), name: name, file: file,
                 at: location, context: place)
        case let .ambiguous(chosen, others):
            guard let severity = expectations.missing else { return }
            let lost = others.map(\.path).joined(separator: ", ")
            context.report("'\(name)' matches \(chosen.path) and \(lost) without their extensions: a name mapping picks "
                           + "\(chosen.path) (first by name) and \(lost) \(others.count == 1 ? "is" : "are") lost",
                           at: location, severity: severity, issueType: "media_name_ambiguous",
                           action: .mapMediaName(file: chosen.path, name: name), context: place)
        case let .missing(expected):
            guard let severity = expectations.missing else { return }
            context.report("'\(name)' has no file: expected \(expected)", at: location, severity: severity,
                           issueType: "media_missing", context: place)
        }
    }

    private func note(_ cause: MappingCause, name: String, file: MediaFile, at location: SourceLocation,
                      context place: (inout FindingLocation) -> Void) {
        mappings.note(cause, at: location)
        if firstMappings[cause] == nil {
            var first = FindingLocation(file: context.annotationsPath, at: location)
            place(&first)
            firstMappings[cause] = FirstMapping(name: name, file: file.path, place: first)
        }
    }

    /// One finding and one action per systematic cause, however many names it applies to.
    private func reportMappings() {
        let expectations = context.target.media
        for (cause, entry) in mappings.all {
            guard let first = firstMappings[cause] else { continue }
            let more = entry.count > 1 ? " (and \(counted(entry.count - 1, "more name")) alike)" : ""
            let action: ImportAction = entry.count == 1
                ? .mapMediaName(file: first.file, name: first.name)
                : .mapMediaNames(from: cause.from, to: cause.to, normalization: cause.normalization, count: entry.count,
                                 example: first.name)
            let message: String
            let issueType: String
            let severity: Severity?
            if let normalization = cause.normalization {
                message = "'\(first.name)' matches \(first.file) only after Unicode normalisation (the file's name is \(normalization))"
                    + "\(more): importers that compare bytes (Encord's SDK, Datumaro) find no file; map the names"
                issueType = "media_name_normalization"
                severity = expectations.mapped ?? expectations.missing
            } else {
                let change = cause.from.isEmpty ? "with \(cause.to) added" : "with \(cause.from) as \(cause.to.isEmpty ? "nothing" : cause.to)"
                message = "'\(first.name)' matches \(first.file) only \(change)\(more): the import needs a name mapping "
                    + "(e.g. map_filename_to_cvat_name=lambda p: str(Path(p).with_suffix('')))"
                issueType = "media_name_needs_mapping"
                severity = expectations.mapped
            }
            guard let severity else { continue }
            context.report(message, at: entry.first, severity: severity, issueType: issueType, action: action,
                           count: entry.count) { $0 = first.place }
        }
    }

    func finish() {
        reportMappings()
        let facts = context.facts
        // A target that reads no frame files needs none for an export of tracks alone.
        guard facts.imageCount > 0 || context.target.media.framesNeedFiles != false else { return markFrames() }
        if facts.media == nil, context.container != .xml {
            let expectations = context.target.media
            guard let severity = expectations.noImages else { return }
            context.report("the export has no images/ folder: it was made without \"save images\""
                           + (expectations.requiresImages ? "; \(context.target.name) needs the media: export again with it on" : ""),
                           at: facts.headLocation, severity: severity, issueType: "media_not_saved",
                           action: expectations.requiresImages ? .reexport(format: "CVAT for images 1.1", level: facts.level?.rawValue) : nil)
            return
        }
        if let media = facts.media, media.files.isEmpty, let severity = context.target.media.noImages {
            context.report("images/ holds no file: \(context.target.name) has no image to import",
                           at: facts.headLocation, severity: severity, issueType: "media_folder_empty")
        }
        if let folder = facts.misnamedImagesFolder, let severity = context.target.media.noImages {
            context.report("the media folder is named \(folder)/, not images/: \(context.target.name) looks for exactly 'images' "
                           + "(its case counts, even where the file system ignores it); apply writes the media under images/",
                           at: facts.headLocation, severity: severity, issueType: "media_folder_misnamed")
        }
        markFrames()
    }

    /// A video export saves every frame of its range, annotated or not: those files are named too.
    private func markFrames() {
        let facts = context.facts
        guard let media = facts.media, facts.format != .images else { return }
        for (task, offset) in facts.taskFrameOffsets {
            guard let start = task.startFrame, let size = task.size, size > 0, size <= 10_000_000 else { continue }
            for index in 0..<size {
                _ = media.markFrame(offset + start + index * task.frameStep, subset: task.subset, level: facts.level)
            }
        }
    }
}
