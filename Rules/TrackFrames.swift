import CVATLint

/// Track frames that go backwards, repeat, or fall off the task's frame grid.
final class TrackFrames: Rule {
    static let description = RuleDescription(
        id: "track-frames",
        defaultSeverity: .error,
        category: .tracks,
        summary: "a track's frames repeat, do not increase, or fall off the task's frame grid",
        rationale: """
            CVAT's import splits each track into its task's jobs reading the shapes in the order written \
            (annotation.py, _is_track_inside and _slice_track): frames out of order can leave the track, or \
            its outside frames, out without a word. Where it interpolates it sorts the shapes by frame and \
            asserts that no frame comes twice, so a repeated frame breaks the import of a track that spans \
            jobs and every later export. Each frame must be a frame of the task: start_frame + k·step with \
            k < size (step from frame_filter), or the import fails with "Unknown frame N". Project exports \
            offset frames per task, so the grid is checked for task and job exports only.
            """,
        issueTypes: [.init("track_frame_off_grid"), .init("track_frame_repeated"), .init("track_frames_not_increasing")],
        triggering: [
            RuleExample.inTrack("frames that go back", """
                <box frame="3" keyframe="1" outside="0" xtl="1" ytl="1" xbr="5" ybr="5"/>
                ↓<box frame="2" keyframe="1" outside="0" xtl="2" ytl="1" xbr="6" ybr="5"/>
                """),
            RuleExample.inTrack("a frame written twice, out of order", """
                <box frame="2" keyframe="1" outside="0" xtl="1" ytl="1" xbr="5" ybr="5"/>
                <box frame="0" keyframe="1" outside="0" xtl="1" ytl="1" xbr="5" ybr="5"/>
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
    /// The current track's frames so far, while they increase (a repeat is then only ever the frame before).
    @exclusivity(unchecked) private var frames: [Int] = []
    /// The same frames as a set, from the first that goes back on: from there any earlier one can come again.
    private var unordered: Set<Int>?
    private var offGrid = Occurrences<Int>()

    init(context: RuleContext) { self.context = context }

    func visitTrackStart(_ track: TrackRecord) {
        lastFrame = nil
        frames.removeAll(keepingCapacity: true)
        unordered = nil
    }

    func visitTrackShape(_ shape: Shape, of track: TrackRecord) {
        guard let frame = shape.frame else { return }
        if let last = lastFrame, frame <= last || unordered != nil {
            if unordered == nil { unordered = Set(frames) }
            if unordered?.insert(frame).inserted == false {
                report(track, shape, frame, "track_frame_repeated",
                       "\(track.displayName): frame \(frame) is written again; a track holds one shape per frame, so keep one of the two")
            } else if frame < last {
                report(track, shape, frame, "track_frames_not_increasing",
                       "\(track.displayName): frame \(frame) comes after frame \(last); frames should increase")
            }
        } else {
            frames.append(frame)
        }
        lastFrame = frame
        if context.facts.level != .project, let task = context.facts.task(id: track.taskID), !Self.isOnGrid(frame, task) {
            offGrid.note(track.id ?? -1, at: shape.location, example: String(frame))
            context.noteInstance("track_frame_off_grid", at: shape.location)
        }
    }

    private func report(_ track: TrackRecord, _ shape: Shape, _ frame: Int, _ issueType: String, _ message: String) {
        context.report(message, at: shape.location, issueType: issueType) {
            $0.trackID = track.id
            $0.frame = frame
            $0.label = track.label
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
