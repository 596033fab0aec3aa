import CVATLint

/// What the chosen export format lost: tracks flattened into per-frame shapes (video task as images),
/// image names and tags (image task as video), or both in a project that mixes the two.
final class InterpolationLost: Rule {
    static let description = RuleDescription(
        id: "interpolation-lost",
        defaultSeverity: .warning,
        category: .format,
        summary: "the export format lost tracks (video task as images) or image names and tags (image task as video)",
        rationale: """
            "CVAT for images" flattens every track into one shape per frame: track identity, keyframes, \
            outside frames and the track/frame attribute split are gone, and re-importing gives N×M \
            independent shapes. "CVAT for video" turns every image shape into a pseudo-track and drops \
            image names, per-image sizes and tags. A project that mixes image and video tasks cannot keep \
            both in either format. Encord's importer takes "CVAT for images" only, so a video export is an \
            error there: re-export as CVAT for images 1.1 (tracks then become per-frame shapes).
            """,
        issueTypes: [.init("interpolation_lost"), .init("interpolation_possibly_lost", severity: .info), .init("video_format_unsupported", profile: "formats"), .init("images_as_video"), .init("project_mixes_modes")],
        actions: ["reexport"],
        triggering: [
            RuleExample("a video (interpolation) task exported as CVAT for images", target: "cvat", xml: RuleExample.document(
                meta: RuleExample.task(mode: "interpolation", labels: ["car"], marked: true),
                body: RuleExample.imageElement(#"<box label="car" xtl="1" ytl="1" xbr="5" ybr="5"/>"#, name: "frame_000000"))),
            RuleExample.inTrack("a CVAT for video export, for Encord", meta: RuleExample.task(mode: "interpolation", labels: ["car"]),
                                marking: .meta,
                                #"<box frame="0" keyframe="1" outside="0" xtl="1" ytl="1" xbr="5" ybr="5"/>"#),
        ],
        nonTriggering: [
            RuleExample("an image task exported as CVAT for images", xml: RuleExample.document(
                meta: RuleExample.task(mode: "annotation", labels: ["car"]),
                body: RuleExample.imageElement(#"<box label="car" xtl="1" ytl="1" xbr="5" ybr="5"/>"#))),
            RuleExample.inTrack("a video task exported as CVAT for video, for CVAT itself", target: "cvat",
                                meta: RuleExample.task(mode: "interpolation", labels: ["car"]),
                                #"<box frame="0" keyframe="1" outside="0" xtl="1" ytl="1" xbr="5" ybr="5"/>"#),
            RuleExample("a video task with neither an image nor a track: no format to judge (CVAT for images writes every frame)",
                        target: "cvat", xml: RuleExample.document(meta: RuleExample.task(mode: "interpolation", labels: ["car"]), body: "")),
        ])

    private let context: RuleContext
    /// Images whose name is a bare video frame name (`frame_000042`): the sign of a video task when meta is absent.
    @exclusivity(unchecked) private var frameNamedImages = 0
    private var firstFrameNamedImage: SourceLocation?

    init(context: RuleContext) { self.context = context }

    func visitImage(_ image: ImageRecord) {
        guard Self.isFrameName(image.name) else { return }
        frameNamedImages += 1
        if firstFrameNamedImage == nil { firstFrameNamedImage = image.location }
    }

    static func isFrameName(_ name: String) -> Bool {
        name.count == 12 && name.hasPrefix("frame_") && name.dropFirst(6).allSatisfy(\.isNumber)
    }

    func finish() {
        let facts = context.facts
        let tasks = facts.meta?.tasks ?? []
        let videoTasks = tasks.filter { $0.mode == .interpolation }
        let imageTasks = tasks.filter { $0.mode == .annotation }
        // A file with neither images nor tracks tells no format: CVAT for images writes an <image> for every frame,
        // empty or not, so it is rather a video export with no track (or all of them left out by apply).
        let hasImages = facts.imageCount > 0

        if facts.format != .video, hasImages {
            for task in videoTasks {
                context.report("\(Self.describe(task)) is a video (interpolation) task exported as CVAT for images: "
                               + "its tracks became one shape per frame; track identity, keyframes, outside frames and "
                               + "the track/frame attribute split are lost",
                               at: task.location, issueType: "interpolation_lost") { $0.taskID = task.id; $0.subset = task.subset }
            }
            if tasks.isEmpty, frameNamedImages > 0 {
                context.report("\(counted(frameNamedImages, "image")) \(frameNamedImages == 1 ? "is" : "are") named like video frames (frame_NNNNNN) and there is no "
                               + "<meta> to tell: if they come from a video task, its tracks were flattened",
                               at: firstFrameNamedImage, severity: .info, issueType: "interpolation_possibly_lost")
            }
        }

        if facts.format == .video || facts.format == .mixed {
            let support = context.target.format(facts.format)
            if support.status == .unsupported || support.status == .dropped {
                context.report("this is a CVAT for video export; " + (support.note ?? "the target does not take it"),
                               at: facts.headLocation, severity: support.severity ?? .error,
                               issueType: "video_format_unsupported",
                               action: .reexport(format: "CVAT for images 1.1", level: nil))
            }
            for task in imageTasks {
                context.report("\(Self.describe(task)) is an image (annotation) task exported as CVAT for video: image "
                               + "names, per-image sizes and tags are lost, and each shape became a one-frame pseudo-track",
                               at: task.location, issueType: "images_as_video") { $0.taskID = task.id; $0.subset = task.subset }
            }
        }

        if facts.level == .project, !videoTasks.isEmpty, !imageTasks.isEmpty {
            context.report("the project mixes image tasks (\(imageTasks.map(Self.describe).joined(separator: ", "))) and "
                           + "video tasks (\(videoTasks.map(Self.describe).joined(separator: ", "))): no single export "
                           + "format keeps both; export the video tasks separately to keep their tracks",
                           at: facts.meta?.section?.location, issueType: "project_mixes_modes")
        }
    }

    private static func describe(_ task: TaskMeta) -> String {
        let id = task.id.map { "task \($0)" } ?? (task.isJob ? "the job" : "the task")
        return task.name.map { "\(id) '\($0)'" } ?? id
    }
}
