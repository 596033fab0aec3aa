import CVATLint

/// Track frames that go backwards, repeat, or fall off the task's frame grid.
final class TrackFrames: Rule {
    static let description = RuleDescription(
        id: "track-frames",
        defaultSeverity: .error,
        category: .tracks,
        summary: "a track's frames do not strictly increase, or fall off the task's frame grid",
        rationale: """
            CVAT interpolates between a track's frames and asserts that they increase. Each frame must be a \
            frame of the task: start_frame + k·step with k < size (step from frame_filter), or the import \
            fails with "Unknown frame N". Project exports offset frames per task, so the grid is checked for \
            task and job exports only.
            """,
        issueTypes: [.init("track_frame_off_grid"), .init("track_frames_not_increasing")],
        triggering: [
            RuleExample.inTrack("frames that go back", """
                <box frame="3" keyframe="1" outside="0" xtl="1" ytl="1" xbr="5" ybr="5"/>
                ↓<box frame="2" keyframe="1" outside="0" xtl="2" ytl="1" xbr="6" ybr="5"/>
                """),
            RuleExample.inTrack("a frame past the end of a 1-frame task",
                                meta: RuleExample.task(mode: "interpolation", labels: ["car"]),
                                #"↓<box frame="5" keyframe="1" outside="0" xtl="1" ytl="1" xbr="5" ybr="5"/>"#),
        ],
        nonTriggering: [
            RuleExample.inTrack("increasing frames", """
                <box frame="0" keyframe="1" outside="0" xtl="1" ytl="1" xbr="5" ybr="5"/>
                <box frame="1" keyframe="0" outside="1" xtl="2" ytl="1" xbr="6" ybr="5"/>
                """),
        ])

    private let context: RuleContext
    @exclusivity(unchecked) private var lastFrame: Int?
    private var offGrid = Occurrences<Int>()

    init(context: RuleContext) { self.context = context }

    func visitTrackStart(_ track: TrackRecord) { lastFrame = nil }

    func visitTrackShape(_ shape: Shape, of track: TrackRecord) {
        guard let frame = shape.frame else { return }
        if let last = lastFrame, frame <= last {
            context.report("\(track.displayName): frame \(frame) comes after frame \(last); frames must strictly increase",
                           at: shape.location, issueType: "track_frames_not_increasing") {
                $0.trackID = track.id
                $0.frame = frame
                $0.label = track.label
            }
        }
        lastFrame = frame
        if context.facts.level != .project, let task = context.facts.task(id: track.taskID), !Self.isOnGrid(frame, task) {
            offGrid.note(track.id ?? -1, at: shape.location, example: String(frame))
            context.noteInstance("track_frame_off_grid", at: shape.location)
        }
    }

    /// Whether an absolute frame is one of the task's: start + k·step, 0 ≤ k < size.
    static func isOnGrid(_ frame: Int, _ task: TaskMeta) -> Bool {
        guard let start = task.startFrame ?? (task.node.child("start_frame") == nil ? 0 : nil), let size = task.size else { return true }
        let step = task.frameStep
        let offset = frame - start
        return offset >= 0 && offset % step == 0 && offset / step < size
    }

    func finish() {
        for (trackID, entry) in offGrid.all {
            let task = context.facts.task(id: nil)
            // CVAT's job import refuses frames outside the job.
            let owner = context.facts.frameOwner
            let grid = task.map { "start \($0.startFrame ?? 0), step \($0.frameStep), size \($0.size ?? 0)" } ?? "the \(owner)'s frames"
            context.report("track \(trackID): frame \(entry.example ?? "?") is not a frame of the \(owner) (\(grid))"
                           + (entry.count > 1 ? "; \(counted(entry.count, "frame")) of this track are off the grid" : ""),
                           at: entry.first, issueType: "track_frame_off_grid") { $0.trackID = trackID }
        }
    }
}
