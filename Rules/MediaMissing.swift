import CVATLint

/// Every image the XML names, and every video frame it annotates, needs its file under `images/`.
final class MediaMissing: Rule {
    static let description = RuleDescription(
        id: "media-missing",
        defaultSeverity: .error,
        category: .media,
        summary: "media named in the XML has no file, matches only after a mapping, or the export has no images/",
        rationale: """
            With "save images", CVAT writes images/<name> (task, job) or images/<subset>/<name> (project), and \
            video frames as images/frame_NNNNNN.PNG for the XML name frame_NNNNNN. An image with no file \
            cannot be imported; a name that matches only without its extension needs a mapping (Encord's \
            map_filename_to_cvat_name); an export made without "save images" has no images/ at all, which \
            Encord's SDK refuses. Matching is exact first, then by name without extension in any case.
            """,
        triggering: [
            RuleExample.fixture("an export folder with images/ that lacks a named image", "media-missing-file", target: "cvat"),
            RuleExample.fixture("an export without images/, for Encord", "media-no-images-folder"),
        ],
        nonTriggering: [
            RuleExample.fixture("every named image has its file", "task-images-every-shape"),
            RuleExample("a bare annotations.xml: there is no media to check", xml: RuleExample.document(
                meta: "", body: RuleExample.imageElement(""))),
        ])

    private let context: RuleContext

    init(context: RuleContext) { self.context = context }

    func visitImage(_ image: ImageRecord) {
        guard let resolution = context.facts.imageMedia else { return }
        report(resolution, name: image.name, at: image.location) {
            $0.image = image.name
            $0.imageID = image.id
            $0.subset = image.subset
            $0.taskID = image.taskID
        }
    }

    func visitTrackShape(_ shape: Shape, of track: TrackRecord) {
        guard let resolution = context.facts.newFrameMedia, let frame = shape.frame else { return }
        report(resolution, name: frameName(frame), at: shape.location) {
            $0.frame = frame
            $0.trackID = track.id
            $0.subset = track.subset
        }
    }

    private func report(_ resolution: MediaResolution, name: String, at location: SourceLocation,
                        context place: (inout FindingLocation) -> Void) {
        let expectations = context.target.media
        switch resolution {
        case .exact:
            break
        case let .mapped(file):
            guard let severity = expectations.mapped else { return }
            context.report("'\(name)' matches \(file.path) only without its extension: the import needs a name mapping "
                           + "(e.g. map_filename_to_cvat_name=lambda p: str(Path(p).with_suffix('')))",
                           at: location, severity: severity, issueType: "media_name_needs_mapping",
                           action: .mapMediaName(file: file.path, name: name), context: place)
        case let .missing(expected):
            guard let severity = expectations.missing else { return }
            context.report("'\(name)' has no file: expected \(expected)", at: location, severity: severity,
                           issueType: "media_missing", context: place)
        }
    }

    func finish() {
        let facts = context.facts
        if facts.media == nil, context.container != .xml {
            let expectations = context.target.media
            guard let severity = expectations.noImages else { return }
            context.report("the export has no images/ folder: it was made without \"save images\""
                           + (expectations.requiresImages ? "; \(context.target.name) needs the media: export again with it on" : ""),
                           at: facts.meta?.node.location, severity: severity, issueType: "media_not_saved",
                           action: expectations.requiresImages ? .reexport(format: "CVAT for images 1.1", level: facts.level?.rawValue) : nil)
            return
        }
        // A video export saves every frame of its range, annotated or not: those files are named too.
        guard let media = facts.media, facts.format != .images, facts.level != .project else { return }
        for task in facts.meta?.tasks ?? [] {
            guard let start = task.startFrame, let size = task.size, size > 0, size <= 10_000_000 else { continue }
            for index in 0..<size {
                _ = media.markFrame(start + index * task.frameStep, subset: nil, level: facts.level)
            }
        }
    }
}
