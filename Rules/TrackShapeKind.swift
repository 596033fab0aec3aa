import CVATLint

/// Tracks whose frames change shape kind.
final class TrackShapeKind: Rule {
    static let description = RuleDescription(
        id: "track-shape-kind",
        defaultSeverity: .error,
        category: .tracks,
        summary: "a track mixes shape kinds across its frames",
        rationale: """
            A track is one object drawn with one shape kind; CVAT's interpolation raises NotImplementedError \
            when two frames of a track differ in kind.
            """,
        issueTypes: [.init("track_mixes_shape_kinds")],
        triggering: [
            RuleExample.inTrack("a box frame then a polygon frame", """
                <box frame="0" keyframe="1" outside="0" xtl="1" ytl="1" xbr="5" ybr="5"/>
                ↓<polygon frame="1" keyframe="1" outside="0" points="1,1;5,1;3,4"/>
                """),
        ],
        nonTriggering: [
            RuleExample.inTrack("boxes throughout", """
                <box frame="0" keyframe="1" outside="0" xtl="1" ytl="1" xbr="5" ybr="5"/>
                <box frame="1" keyframe="1" outside="0" xtl="2" ytl="1" xbr="6" ybr="5"/>
                """),
        ])

    private let context: RuleContext
    @exclusivity(unchecked) private var kind: ShapeKind?
    @exclusivity(unchecked) private var reported = false

    init(context: RuleContext) { self.context = context }

    func visitTrackStart(_ track: TrackRecord) {
        kind = nil
        reported = false
    }

    func visitTrackShape(_ shape: Shape, of track: TrackRecord) {
        guard let first = kind else {
            kind = shape.kind
            return
        }
        guard shape.kind != first else { return }
        context.noteInstance("track_mixes_shape_kinds", at: shape.location)
        guard !reported else { return }
        reported = true
        context.report("\(track.displayName) starts as \(first.rawValue) and has a \(shape.kind.rawValue) at frame \(shape.frame.map(String.init) ?? "?")",
                       at: shape.location, issueType: "track_mixes_shape_kinds") {
            $0.trackID = track.id
            $0.frame = shape.frame
            $0.label = track.label
        }
    }
}
