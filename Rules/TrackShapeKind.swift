import CVATLint

/// Tracks whose frames change shape kind, mask tracks, which CVAT imports as one shape, and tracks of a kind
/// the target refuses in a track (Datumaro: masks and skeletons).
final class TrackShapeKind: Rule {
    static let description = RuleDescription(
        id: "track-shape-kind",
        defaultSeverity: .error,
        category: .tracks,
        summary: "a track mixes shape kinds across its frames, tracks a mask over several frames, or is of a kind the target refuses in a track",
        rationale: """
            A track is one object drawn with one shape kind; CVAT's interpolation raises NotImplementedError \
            when two frames of a track differ in kind. CVAT keeps masks as shapes only: its importer turns a \
            mask track into one mask shape on the track's first keyframe and drops every other frame without \
            a word. Datumaro's CVAT reader stops on a mask in a track (it sizes the mask by its image, and a \
            track has none) and on a skeleton in a track (it asks the skeleton's elements for a frame).
            """,
        issueTypes: [.init("track_mixes_shape_kinds"), .init("mask_track_collapsed", severity: .warning),
                     .init("*_track_unsupported", profile: "track_shapes")],
        actions: ["dropAnnotation"],
        triggering: [
            RuleExample.inTrack("a box frame then a polygon frame", """
                <box frame="0" keyframe="1" outside="0" xtl="1" ytl="1" xbr="5" ybr="5"/>
                ↓<polygon frame="1" keyframe="1" outside="0" points="1,1;5,1;3,4"/>
                """),
            RuleExample.inTrack("a mask in a track, for Datumaro (its reader sizes masks by their image and stops)", target: "datumaro",
                                marking: .track, #"<mask frame="0" keyframe="1" outside="0" rle="4" left="1" top="1" width="2" height="2"/>"#),
            RuleExample.inTrack("a mask tracked over two frames: CVAT keeps the first", target: "cvat", marking: .track, """
                <mask frame="0" keyframe="1" outside="0" rle="4" left="1" top="1" width="2" height="2"/>
                <mask frame="1" keyframe="1" outside="0" rle="4" left="2" top="1" width="2" height="2"/>
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
    /// The current track's visible mask frames.
    @exclusivity(unchecked) private var maskFrames = 0
    private var collapsed = Occurrences<String>()
    /// Tracks of a kind the target refuses in a track, per label and kind.
    private var refused = Occurrences<String>()
    private var refusedKinds: [String: ShapeKind] = [:]
    private var lostFrames = 0

    init(context: RuleContext) { self.context = context }

    func visitTrackStart(_ track: TrackRecord) {
        kind = nil
        reported = false
        maskFrames = 0
    }

    func visitTrackEnd(_ track: TrackRecord) {
        // Only where the target keeps video as tracks (one that takes images only makes each frame a shape).
        guard MaskTrackCollapse.losesFrames(visibleMaskFrames: maskFrames, target: context.target) else { return }
        collapsed.note("", at: track.location, example: track.displayName)
        context.noteInstance("mask_track_collapsed", at: track.location)
        lostFrames += maskFrames - 1
    }

    func finish() {
        reportRefused()
        guard let entry = collapsed.all.first?.entry else { return }
        let tracks = entry.count > 1 ? " (\(counted(entry.count, "mask track")) in all)" : ""
        context.report("\(entry.example ?? "a track") tracks a mask over several frames\(tracks): CVAT keeps masks as shapes, "
                       + "and its importer keeps only each mask track's first keyframe; \(counted(lostFrames, "frame")) would be lost "
                       + "(apply writes each frame as a track of its own)",
                       at: entry.first, issueType: "mask_track_collapsed", count: entry.count)
    }

    func visitTrackShape(_ shape: Shape, of track: TrackRecord) {
        if shape.kind == .mask, !shape.outside { maskFrames += 1 }
        guard let first = kind else {
            kind = shape.kind
            if let support = context.target.trackShapes?[shape.kind.rawValue], !support.isKept {
                let key = "\(track.label)\u{0}\(shape.kind.rawValue)"
                refused.note(key, at: track.location, example: track.label)
                refusedKinds[key] = shape.kind
            }
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

    /// One finding per label and kind the target refuses in a track, with how many tracks.
    private func reportRefused() {
        for (key, entry) in refused.all {
            guard let kind = refusedKinds[key], let support = context.target.trackShapes?[kind.rawValue] else { continue }
            let label = entry.example ?? ""
            context.report("\(counted(entry.count, "track")) of '\(label)' \(entry.count == 1 ? "tracks a" : "track") \(kind.rawValue)"
                           + (entry.count == 1 ? "" : "s") + "; " + (support.note ?? "\(context.target.name) does not take it in a track"),
                           at: entry.first, severity: support.severity, issueType: "\(kind.rawValue)_track_unsupported",
                           action: .dropAnnotation(label: label, shape: kind.rawValue), count: entry.count) { $0.label = label }
        }
    }
}
