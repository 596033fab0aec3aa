import CVATLint

/// Images and video frames with no annotation: one finding per task or subset, with a count and the first names.
final class ImageUnannotated: Rule {
    static let description = RuleDescription(
        id: "image-unannotated",
        defaultSeverity: .info,
        category: .structure,
        summary: "images or video frames with no annotation, counted per task or subset with the first names",
        rationale: """
            CVAT XML cannot tell "not labelled yet" from "labelled, nothing there": both are an <image> with \
            no shapes (or, in a video export, a frame no track is visible on). Trained on as negatives, \
            unfinished images teach a model to miss objects; so the count and the first names are given, \
            once per task or subset, for the user to decide.
            """,
        issueTypes: [.init("image_unannotated"), .init("frame_unannotated")],
        triggering: [
            RuleExample("b.jpg holds nothing", xml: RuleExample.document(
                meta: RuleExample.task(labels: ["car"]),
                body: RuleExample.imageElement(#"<box label="car" xtl="1" ytl="1" xbr="5" ybr="5"/>"#)
                    + RuleExample.imageElement("", name: "b.jpg").replacingOccurrences(of: "  <image id=\"0\"", with: "  ↓<image id=\"1\""))),
            RuleExample("a 3-frame video task whose only track leaves after frame 0", xml: RuleExample.document(
                meta: RuleExample.task(mode: "interpolation", labels: ["car"], marked: true)
                    .replacingOccurrences(of: "<size>1</size>", with: "<size>3</size>"), body: """
                  <track id="0" label="car">
                    <box frame="0" keyframe="1" outside="0" xtl="1" ytl="1" xbr="5" ybr="5"/>
                    <box frame="1" keyframe="1" outside="1" xtl="1" ytl="1" xbr="5" ybr="5"/>
                  </track>

                """)),
        ],
        nonTriggering: [
            RuleExample("every image holds a shape or a tag", xml: RuleExample.document(
                meta: RuleExample.task(labels: ["car"]),
                body: RuleExample.imageElement(#"<box label="car" xtl="1" ytl="1" xbr="5" ybr="5"/>"#)
                    + RuleExample.imageElement(#"<tag label="car"/>"#, name: "b.jpg").replacingOccurrences(of: "id=\"0\"", with: "id=\"1\""))),
        ])

    private struct Scope: Hashable {
        var taskID: Int?
        var subset: String?
    }

    private struct Empty {
        var count = 0
        var total = 0
        var first: SourceLocation?
        var names: [String] = []
    }

    private let context: RuleContext
    private var images: [Scope: Empty] = [:]
    private var scopeOrder: [Scope] = []
    private var sawTracks = false

    init(context: RuleContext) { self.context = context }

    /// The scope counted last, held here while its images stream past (one task's images come together).
    @exclusivity(unchecked) private var current: (scope: Scope, empty: Empty)?

    private func flush() {
        if let current { images[current.scope] = current.empty }
        current = nil
    }

    func visitImage(_ image: ImageRecord) {
        let scope = Scope(taskID: image.taskID, subset: image.subset)
        if current?.scope != scope {
            flush()
            if images[scope] == nil { scopeOrder.append(scope) }
            current = (scope, images[scope] ?? Empty())
        }
        current?.empty.total += 1
        guard image.shapes.isEmpty else { return }
        current?.empty.count += 1
        if current?.empty.first == nil { current?.empty.first = image.location }
        if (current?.empty.names.count ?? 0) < context.options.thresholds.unannotatedExamples {
            current?.empty.names.append(image.name)
        }
    }

    func visitTrackStart(_ track: TrackRecord) { sawTracks = true }

    func finish() {
        flush()
        for scope in scopeOrder {
            guard let empty = images[scope], empty.count > 0 else { continue }
            let place = [scope.taskID.map { "task \($0)" }, scope.subset.map { "subset \($0)" }].compactMap { $0 }
            let names = empty.names.map { "'\($0)'" }.joined(separator: ", ") + (empty.count > empty.names.count ? ", …" : "")
            context.report("\(empty.count) of \(counted(empty.total, "image"))\(place.isEmpty ? "" : " in " + place.joined(separator: ", ")) "
                           + "\(empty.count == 1 ? "has" : "have") no annotation (\(names)): unlabelled, or labelled empty?",
                           at: empty.first, issueType: "image_unannotated", count: empty.count) {
                $0.taskID = scope.taskID
                $0.subset = scope.subset
            }
        }
        guard sawTracks else { return }
        let facts = context.facts
        for (task, offset) in facts.taskFrameOffsets {
            // CVAT leaves start_frame out of old exports; it is then 0.
            let start = task.startFrame ?? 0
            guard let size = task.size, size > 0, size <= 10_000_000 else { continue }
            // The facts hold the frames tracks show an object on; a frame they lack is bare.
            var shown = facts.shownFrames(subset: task.subset)
            var bare: [Int] = []
            var count = 0
            for index in 0..<size {
                let frame = offset + start + index * task.frameStep
                // insert answers whether the frame was absent: then no track showed anything on it.
                if shown.insert(frame) {
                    count += 1
                    if bare.count < context.options.thresholds.unannotatedExamples { bare.append(frame) }
                }
            }
            guard count > 0 else { continue }
            let frames = bare.map(String.init).joined(separator: ", ") + (count > bare.count ? ", …" : "")
            // A job's <meta> names no task id: its frames are the job's.
            let owner = task.id.map { "task \($0)" } ?? "the \(facts.frameOwner)"
            context.report("\(count) of \(counted(size, "frame")) of \(owner) show no object (frames \(frames))",
                           at: task.location, issueType: "frame_unannotated", count: count) {
                $0.taskID = task.id
                $0.subset = task.subset
                $0.frame = bare.first
            }
        }
    }
}
