import CVATLint

/// Video frames whose pixel size nothing states: no `original_size` for their task (or job) and no file.
final class FrameSizeUnknown: Rule {
    static let description = RuleDescription(
        id: "frame-size-unknown",
        defaultSeverity: .warning,
        category: .media,
        summary: "a video frame with annotations whose pixel size neither <meta> (original_size) nor a media file states",
        rationale: """
            CVAT writes a video's frame size as original_size: inside <task> for task and project exports, \
            directly under <meta> for job exports. Where a file lost it and holds no frames beside it, a \
            frame's size is unknowable. An import that makes the frames images (Encord, apply's reexport) \
            needs each image's width and height to place coordinates, and no placeholder can stand in for \
            them. Reported per task with the frames affected. Datumaro's CVAT reader sizes every track by the \
            first original_size in <meta>, files or not, and stops on a track when there is none: where a video \
            task's frame files show a size, apply writes it as original_size. It reads that first original_size \
            with Python's int() and stops when its width or height is missing or not a whole number, tracks or \
            not: apply writes the size the task's frame files show in its place.
            """,
        issueTypes: [.init("frame_size_unknown"), .init("tracks_size_unstated", severity: .info), .init("original_size_invalid")],
        actions: ["declareOriginalSize"],
        triggering: [
            RuleExample.inTrack("a track in a file with no original_size and no frames beside it", meta: """
                <task>
                  <id>1</id>
                  <size>2</size>
                  <mode>interpolation</mode>
                </task>
                """, """
                ↓<box frame="0" keyframe="1" outside="0" xtl="1" ytl="1" xbr="5" ybr="5"/>
                <box frame="1" keyframe="1" outside="1" xtl="1" ytl="1" xbr="5" ybr="5"/>
                """),
            RuleExample.inTrack("the first original_size without a width", meta: """
                <task>
                  <id>1</id>
                  <size>2</size>
                  <mode>interpolation</mode>
                  ↓<original_size>
                    <height>48</height>
                  </original_size>
                </task>
                """, """
                <box frame="0" keyframe="1" outside="0" xtl="1" ytl="1" xbr="5" ybr="5"/>
                """),
        ],
        nonTriggering: [
            RuleExample.inTrack("a job export: original_size directly under <meta>", meta: """
                <job>
                  <id>1</id>
                  <size>2</size>
                  <mode>interpolation</mode>
                </job>
                <original_size>
                  <width>64</width>
                  <height>48</height>
                </original_size>
                """, """
                <box frame="0" keyframe="1" outside="0" xtl="1" ytl="1" xbr="5" ybr="5"/>
                <box frame="1" keyframe="1" outside="1" xtl="1" ytl="1" xbr="5" ybr="5"/>
                """),
            RuleExample.fixture("frames saved beside the XML", "task-video-tracks"),
        ])

    private let context: RuleContext
    /// Frames without a size, per task (-1 for none named): the count and the first place.
    private var unknown = Occurrences<Int>()
    /// Frames judged already, per task: each frame once, whichever track shows it first.
    @exclusivity(unchecked) private var judged: [Int: IntegerBitSet] = [:]

    /// The first track, when `<meta>` states no frame size at all.
    private var firstUnsizedTrack: SourceLocation?
    private var unsizedTracks = 0
    /// The first frame file that shows a size, with its track's task: what apply writes as `<original_size>`.
    private var firstFileSize: (task: Int?, width: Int, height: Int)?

    /// The first `<original_size>` in `<meta>` when its width or height is unreadable: where, whose, and which parts.
    private var invalidSize: (location: SourceLocation, task: Int?, parts: [String])?
    /// The size a frame file of that `<original_size>`'s task shows: what apply writes in its place.
    private var invalidTaskFileSize: (width: Int, height: Int)?

    init(context: RuleContext) { self.context = context }

    func visitMeta(_ meta: ExportMeta) {
        guard let (node, task) = FrameSizes.firstStated(in: meta.node) else { return }
        let parts = FrameSizes.unreadableParts(of: node)
        if !parts.isEmpty { invalidSize = (node.location, task, parts) }
    }

    func visitTrackStart(_ track: TrackRecord) {
        guard context.facts.meta != nil, !context.facts.frameSizes.declaresAny else { return }
        unsizedTracks += 1
        if firstUnsizedTrack == nil { firstUnsizedTrack = track.location }
        // Where the target stops on it, --drop-invalid leaves each such track out.
        context.noteInstance("tracks_size_unstated", at: track.location)
    }

    func visitTrackShape(_ shape: Shape, of track: TrackRecord) {
        guard !shape.outside, let frame = shape.frame, frame >= 0 else { return }
        let task = track.taskID ?? -1
        guard context.facts.frameSizes.declared(taskID: track.taskID) == nil,
              judged[task, default: IntegerBitSet()].insert(frame) else { return }
        if let file = context.facts.media?.resolve(name: frameName(frame), subset: track.subset, level: context.facts.level).file,
           !file.isSymlink, let size = (try? context.mediaHeader(file))?.displayedSize, size.width > 0, size.height > 0 {
            // An image task exported as video holds images of many sizes: none may stand for every track.
            let owner = context.facts.task(id: track.taskID)
            if owner?.mode != .annotation {
                if firstFileSize == nil { firstFileSize = (track.taskID, size.width, size.height) }
                if let invalidSize, invalidTaskFileSize == nil, invalidSize.task == nil || invalidSize.task == owner?.id {
                    invalidTaskFileSize = size
                }
            }
            return
        }
        unknown.note(task, at: shape.location, example: String(frame))
    }

    func finish() {
        if let first = firstUnsizedTrack {
            // Any one size lets a reader that takes the first for every track read them all; a frame file gives one.
            let size = firstFileSize
            context.report("\(counted(unsizedTracks, "track")) but no original_size anywhere in <meta>"
                           + (size.map { "; the frame files show \(ImportAction.sizeText($0.width, $0.height))" } ?? ""),
                           at: first, issueType: "tracks_size_unstated",
                           action: size.map { .declareOriginalSize(task: $0.task, width: $0.width, height: $0.height) }, count: unsizedTracks)
        }
        if let invalid = invalidSize {
            let owner = invalid.task.map { "task \($0)'s" } ?? "<meta>'s"
            // Where tracks_size_unstated plans a size, that one write (the same action) replaces this original_size too.
            let size = firstUnsizedTrack == nil ? invalidTaskFileSize.map { (invalid.task, $0.width, $0.height) } : firstFileSize
            context.report("the first original_size in <meta> (\(owner)) has no whole-number \(invalid.parts.joined(separator: " or "))"
                           + (size.map { "; a frame file shows \(ImportAction.sizeText($0.width, $0.height))" } ?? ""),
                           at: invalid.location, issueType: "original_size_invalid",
                           action: size.map { .declareOriginalSize(task: $0.task, width: $0.width, height: $0.height) })
        }
        for (task, entry) in unknown.all {
            let scope = task >= 0 ? "task \(task)" : "the video"
            context.report("\(scope): \(counted(entry.count, "frame")) with annotations \(entry.count == 1 ? "has" : "have") no known size "
                           + "(no original_size in <meta>, no frame file), from frame \(entry.example ?? "?")",
                           at: entry.first, issueType: "frame_size_unknown", count: entry.count) {
                $0.taskID = task >= 0 ? task : nil
            }
        }
    }
}
