import CVATLint

/// Shapes after an outside frame that are not keyframes: CVAT drops them on import.
final class TrackOutsideGap: Rule {
    static let description = RuleDescription(
        id: "track-outside-gap",
        defaultSeverity: .warning,
        category: .tracks,
        summary: "a track has non-keyframe shapes after an outside frame",
        rationale: """
            An outside keyframe ends a visible run; CVAT writes nothing after it until the next keyframe. \
            Non-keyframe shapes there cannot come from CVAT's exporter, and its importer keeps keyframes \
            only, so they are lost: the object stays hidden until the next keyframe.
            """,
        issueTypes: [.init("track_shapes_after_outside")],
        triggering: [
            RuleExample.inTrack("an interpolated frame after the object left", """
                <box frame="0" keyframe="1" outside="0" xtl="1" ytl="1" xbr="5" ybr="5"/>
                <box frame="1" keyframe="1" outside="1" xtl="1" ytl="1" xbr="5" ybr="5"/>
                ↓<box frame="2" keyframe="0" outside="0" xtl="1" ytl="1" xbr="5" ybr="5"/>
                """),
        ],
        nonTriggering: [
            RuleExample.inTrack("the object comes back on a keyframe", """
                <box frame="0" keyframe="1" outside="0" xtl="1" ytl="1" xbr="5" ybr="5"/>
                <box frame="1" keyframe="1" outside="1" xtl="1" ytl="1" xbr="5" ybr="5"/>
                <box frame="4" keyframe="1" outside="0" xtl="1" ytl="1" xbr="5" ybr="5"/>
                """),
        ])

    private let context: RuleContext
    @exclusivity(unchecked) private var hidden = false
    private var gaps = Occurrences<Int>()

    init(context: RuleContext) { self.context = context }

    func visitTrackStart(_ track: TrackRecord) { hidden = false }

    func visitTrackShape(_ shape: Shape, of track: TrackRecord) {
        if shape.keyframe == true {
            hidden = shape.outside
        } else if hidden {
            gaps.note(track.id ?? -1, at: shape.location, example: shape.frame.map(String.init))
        }
    }

    func finish() {
        for (trackID, entry) in gaps.all {
            context.report("track \(trackID): \(counted(entry.count, "non-keyframe shape")) after an outside frame, "
                           + "from frame \(entry.example ?? "?"); importers keep keyframes only",
                           at: entry.first, issueType: "track_shapes_after_outside") { $0.trackID = trackID }
        }
    }
}
