import CVATLint

/// Tracks with no keyframe: CVAT's importer crashes on them.
final class TrackKeyframe: Rule {
    static let description = RuleDescription(
        id: "track-keyframe",
        defaultSeverity: .error,
        category: .tracks,
        summary: "a track has no keyframe",
        rationale: """
            CVAT imports only the keyframe shapes of a track and indexes the first one: a track without a \
            keyframe fails the whole import (IndexError). Exports always start a track on a keyframe.
            """,
        issueTypes: [.init("track_without_keyframe")],
        triggering: [
            RuleExample.inTrack("a track of interpolated frames only", marking: .track, """
                <box frame="0" keyframe="0" outside="0" xtl="1" ytl="1" xbr="5" ybr="5"/>
                """),
        ],
        nonTriggering: [
            RuleExample.inTrack("a track that starts on a keyframe", """
                <box frame="0" keyframe="1" outside="0" xtl="1" ytl="1" xbr="5" ybr="5"/>
                <box frame="1" keyframe="0" outside="0" xtl="2" ytl="1" xbr="6" ybr="5"/>
                """),
        ])

    private let context: RuleContext
    @exclusivity(unchecked) private var sawKeyframe = false
    @exclusivity(unchecked) private var sawShape = false

    init(context: RuleContext) { self.context = context }

    func visitTrackStart(_ track: TrackRecord) {
        sawKeyframe = false
        sawShape = false
    }

    func visitTrackShape(_ shape: Shape, of track: TrackRecord) {
        sawShape = true
        if shape.keyframe == true { sawKeyframe = true }
    }

    func visitTrackEnd(_ track: TrackRecord) {
        // A track with no shapes at all is the schema's finding.
        guard sawShape, !sawKeyframe else { return }
        context.report("\(track.displayName) ('\(track.label)') has no keyframe; CVAT's importer fails on it",
                       at: track.location, issueType: "track_without_keyframe") {
            $0.trackID = track.id
            $0.label = track.label
        }
    }
}
