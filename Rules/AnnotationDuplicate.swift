import CVATLint
import Foundation

/// Two annotations of one label and kind that coincide on one image, or two tracks that do on the same frames.
final class AnnotationDuplicate: Rule {
    static let description = RuleDescription(
        id: "annotation-duplicate",
        defaultSeverity: .warning,
        category: .geometry,
        summary: "two annotations of one label and kind coincide on an image or frame (IoU ≥ 0.95, or vertices within 1 px)",
        rationale: """
            A double import, or a model's annotation kept beside the manual one, leaves the same object \
            twice: training then counts it twice and evaluation calls one of them a false positive. Boxes, \
            polygons, ellipses and masks coincide when their intersection over union reaches \
            thresholds.duplicate_iou (0.95); points, polylines and cuboids when each vertex lies within \
            thresholds.duplicate_distance (1 px). Tracks are compared by their extents on their keyframes \
            and on every 8th frame (a doubled track coincides on all of them; CVAT writes every frame, \
            so this keeps the cost of long videos down), and each pair of tracks is reported once with \
            its frames. Shapes are found by a sweep over their left edges, not by comparing every pair, so an image with \
            thousands of shapes stays cheap.
            """,
        issueTypes: [.init("annotation_duplicate"), .init("track_duplicate")],
        triggering: [
            RuleExample.inImage("the same box twice, a hair apart", """
                <box label="car" xtl="10" ytl="10" xbr="50" ybr="40"/>
                ↓<box label="car" xtl="10.2" ytl="10" xbr="50.1" ybr="40"/>
                """),
            RuleExample.inImage("a polyline repeated within a pixel", """
                <polyline label="lane" points="1,1;20,20;40,25"/>
                ↓<polyline label="lane" points="1.5,1;20,20.5;40,25"/>
                """),
            RuleExample("two tracks on the same frames", xml: RuleExample.document(meta: "", body: """
                  <track id="0" label="car">
                    <box frame="0" keyframe="1" outside="0" xtl="10" ytl="10" xbr="50" ybr="40"/>
                    <box frame="1" keyframe="1" outside="0" xtl="12" ytl="10" xbr="52" ybr="40"/>
                  </track>
                  <track id="1" label="car">
                    ↓<box frame="0" keyframe="1" outside="0" xtl="10" ytl="10.5" xbr="50" ybr="40"/>
                    <box frame="1" keyframe="1" outside="0" xtl="12" ytl="10" xbr="52" ybr="40.5"/>
                  </track>

                """)),
        ],
        nonTriggering: [
            RuleExample.inImage("two overlapping boxes that are two objects", """
                <box label="car" xtl="10" ytl="10" xbr="50" ybr="40"/>
                <box label="car" xtl="30" ytl="10" xbr="70" ybr="40"/>
                """),
            RuleExample.inImage("one place, two labels", """
                <box label="car" xtl="10" ytl="10" xbr="50" ybr="40"/>
                <box label="truck" xtl="10" ytl="10" xbr="50" ybr="40"/>
                """),
        ])

    private struct Key: Hashable {
        var label: String
        var kind: ShapeKind
    }

    /// One track frame, as spilled for the cross-track comparison: plain data only, 40 bytes.
    struct TrackBox: SortKeyed {
        var key: UInt64
        var track: Int32
        var frame: Int32
        var line: Int32
        var column: Int32
        var minX: Float, minY: Float, maxX: Float, maxY: Float
        var sortKey: UInt64 { key }
    }

    private struct TrackPair: Hashable {
        var first: Int
        var second: Int
    }

    private struct TrackPairRun {
        var label: String
        var kind: ShapeKind
        var firstFrame: Int
        var lastFrame: Int
        var frames = 0
        var location: SourceLocation
    }

    private let context: RuleContext
    private var pairs = Occurrences<Key>()
    private let trackBoxes = SpillingSorter<TrackBox>()
    private var threshold: Double { context.options.thresholds.duplicateIoU }
    private var distance: Double { context.options.thresholds.duplicateDistance }

    init(context: RuleContext) { self.context = context }

    func visitImage(_ image: ImageRecord) {
        guard image.shapes.count >= 2 else { return }
        // One sweep over the whole image: shapes meet only neighbours of their own label and kind.
        for (shape, other, iou) in Self.coinciding(image.shapes, threshold: threshold, distance: distance).pairs {
            let key = Key(label: shape.label, kind: shape.kind)
            pairs.note(key, at: shape.location, example: "on '\(image.name)', lines \(other.location.line) and \(shape.location.line)"
                 + (key.kind == .points || key.kind == .polyline || key.kind == .cuboid ? "" : " (IoU \(iou.rounded(toPlaces: 3)))"))
        }
    }

    /// The shapes that coincide with an earlier one of their label and kind, each with that one and their
    /// overlap, and how many pairs were measured. A sweep: shapes sorted by their left edge, each meets
    /// only those whose left edge lies within a quarter of its width (coinciding shapes share their
    /// edges), so the cost stays near linear and hashes nothing.
    static func coinciding(_ shapes: [Shape], threshold: Double, distance: Double)
        -> (pairs: [(Shape, Shape, Double)], measured: Int) {
        // Tags and skeletons have no region to compare.
        let extents: [Extent?] = shapes.map { $0.kind == .tag || $0.kind == .skeleton ? nil : $0.extent }
        let order = shapes.indices.filter { extents[$0].map { $0.minX.isFinite && $0.maxX.isFinite } ?? false }
            .sorted { (extents[$0]?.minX ?? 0, $0) < (extents[$1]?.minX ?? 0, $1) }
        // Regions (outlines, mask bits) are built only for shapes whose extents come close to another's.
        var regions: [Region??] = Array(repeating: nil, count: shapes.count)
        func region(_ index: Int) -> Region? {
            if let known = regions[index] { return known }
            let built = shapes[index].region
            regions[index] = .some(built)
            return built
        }
        var matched: [Int: (Int, Double)] = [:]
        var measured = 0
        for (rank, index) in order.enumerated() {
            guard let extent = extents[index] else { continue }
            let reach = max(distance, (extent.maxX - extent.minX) / 4)
            for other in order[(rank + 1)...] {
                guard let otherExtent = extents[other] else { continue }
                if otherExtent.minX - extent.minX > reach { break }
                guard shapes[other].kind == shapes[index].kind, Self.mayCoincide(extent, otherExtent, distance: distance),
                      shapes[other].label == shapes[index].label, let mine = region(index), let theirs = region(other) else { continue }
                measured += 1
                let iou = Overlap.iou(mine, theirs, tolerance: distance, atLeast: threshold)
                guard iou >= threshold else { continue }
                // The later of the two in the file is the repeat.
                let (first, second) = index < other ? (index, other) : (other, index)
                if matched[second] == nil { matched[second] = (first, iou) }
            }
        }
        let pairs = matched.keys.sorted().compactMap { second in
            matched[second].map { (shapes[second], shapes[$0.0], $0.1) }
        }
        return (pairs, measured)
    }

    /// Whether two extents are close enough for their shapes to be worth measuring: vertices within
    /// `distance` keep every side within it, and shapes that coincide have extents that mostly overlap.
    /// (A cheap first look, lenient on purpose: the measure decides.)
    static func mayCoincide(_ a: Extent, _ b: Extent, distance: Double) -> Bool {
        let sides = max(abs(a.minX - b.minX), abs(a.minY - b.minY), abs(a.maxX - b.maxX), abs(a.maxY - b.maxY))
        if sides <= distance { return true }
        let width = min(a.maxX, b.maxX) - max(a.minX, b.minX)
        let height = min(a.maxY, b.maxY) - max(a.minY, b.minY)
        guard width > 0, height > 0 else { return false }
        let inter = width * height
        let union = (a.maxX - a.minX) * (a.maxY - a.minY) + (b.maxX - b.minX) * (b.maxY - b.minY) - inter
        let smaller = min((a.maxX - a.minX) * (a.maxY - a.minY), (b.maxX - b.minX) * (b.maxY - b.minY))
        return union > 0 && inter >= smaller * 0.5
    }

    /// The current track's label, kind and subset, hashed once per track (and kind), not per frame.
    @exclusivity(unchecked) private var trackKey: (kind: ShapeKind, hash: UInt64)?

    func visitTrackStart(_ track: TrackRecord) { trackKey = nil }

    func visitTrackShape(_ shape: Shape, of track: TrackRecord) {
        // Keyframes, and a sample of the interpolated frames between them.
        guard !shape.outside, let frame = shape.frame, shape.keyframe == true || frame % Self.frameSample == 0,
              let id = track.id, shape.kind != .skeleton,
              let extent = shape.extent, let id32 = Int32(exactly: id), let frame32 = Int32(exactly: frame) else { return }
        if trackKey?.kind != shape.kind {
            trackKey = (shape.kind, Fingerprint.hash64("\(track.label)\u{1F}\(shape.kind.rawValue)\u{1F}\(track.subset ?? "")"))
            lastTrackKind[id] = (track.label, shape.kind)
        }
        // The frame mixed into the track's hash: one group per label, kind, subset and frame.
        let key = ((trackKey?.hash ?? 0) ^ UInt64(UInt32(bitPattern: frame32))) &* 0x9E3779B97F4A7C15
        trackBoxes.add(TrackBox(key: key, track: id32, frame: frame32, line: Int32(clamping: shape.location.line),
                                column: Int32(clamping: shape.location.column), minX: Float(extent.minX), minY: Float(extent.minY),
                                maxX: Float(extent.maxX), maxY: Float(extent.maxY)))
    }

    /// Interpolated frames are compared on every this many frames.
    static let frameSample = 8

    /// The label and kind of each track seen (a few dozen bytes per track, not per frame).
    private var lastTrackKind: [Int: (String, ShapeKind)] = [:]

    func finish() {
        for (key, pair) in pairs.all {
            let more = pair.count > 1 ? "; \(counted(pair.count, "pair")) alike in all" : ""
            context.report("label '\(key.label)': two \(key.kind == .box ? "boxes" : key.kind.rawValue + (key.kind == .points ? " shapes" : "s")) coincide \(pair.example ?? "")\(more)",
                           at: pair.first, issueType: "annotation_duplicate", count: pair.count) { $0.label = key.label }
        }
        reportTracks()
    }

    /// Pairs of coinciding tracks listed at most: n tracks drawn alike make n(n-1)/2 pairs, and 2,000 of them
    /// took 3.7 GB. Frames of pairs past it are counted in one finding per label.
    static let maximumTrackPairs = 10_000

    private func reportTracks() {
        var runs: [TrackPair: TrackPairRun] = [:]
        var runOrder: [TrackPair] = []
        // Per label (both tracks of a pair have it): frames of pairs past the bound, and the first place.
        var unlisted: [String: (frames: Int, first: SourceLocation)] = [:]
        trackBoxes.forEachGroup { group in
            guard group.count >= 2 else { return }
            let sorted = group.sorted { $0.minX < $1.minX }
            for (index, box) in sorted.enumerated() {
                for other in sorted[(index + 1)...] {
                    // Past this, no box further right can overlap enough.
                    if Double(other.minX - box.minX) > Double(box.maxX - box.minX) * (1 - threshold) + distance { break }
                    // Keys are hashes: a collision between two frames or labels is ruled out here.
                    // Keys hash label, kind, subset and frame: equal frames rule out the one likely collision.
                    guard other.track != box.track, other.frame == box.frame, Self.iou(box, other) >= threshold else { continue }
                    let pair = TrackPair(first: Int(min(box.track, other.track)), second: Int(max(box.track, other.track)))
                    let later = box.line > other.line ? box : other
                    let place = SourceLocation(line: Int(later.line), column: Int(later.column))
                    if runs.count >= Self.maximumTrackPairs, runs[pair] == nil {
                        let label = lastTrackKind[Int(box.track)]?.0 ?? "?"
                        let known = unlisted[label]
                        unlisted[label] = ((known?.frames ?? 0) + 1, min(known?.first ?? place, place))
                        continue
                    }
                    var run = runs[pair] ?? {
                        runOrder.append(pair)
                        let (label, kind) = lastTrackKind[Int(box.track)] ?? ("?", .box)
                        return TrackPairRun(label: label, kind: kind, firstFrame: Int(box.frame), lastFrame: Int(box.frame), location: place)
                    }()
                    run.firstFrame = min(run.firstFrame, Int(box.frame))
                    run.lastFrame = max(run.lastFrame, Int(box.frame))
                    run.frames += 1
                    if place < run.location { run.location = place }
                    runs[pair] = run
                }
            }
        }
        for pair in runOrder.sorted(by: { (runs[$0]?.location ?? .init(line: 0, column: 0)) < (runs[$1]?.location ?? .init(line: 0, column: 0)) }) {
            guard let run = runs[pair] else { continue }
            context.report("label '\(run.label)': tracks \(pair.first) and \(pair.second) coincide on frames \(run.firstFrame)–\(run.lastFrame) "
                           + "(\(counted(run.frames, "frame")) compared: keyframes and every \(Self.frameSample)th)", at: run.location, issueType: "track_duplicate",
                           count: run.frames) {
                $0.label = run.label
                $0.trackID = pair.second
                $0.frame = run.firstFrame
            }
        }
        for (label, rest) in unlisted.sorted(by: { $0.value.first < $1.value.first }) {
            context.report("label '\(label)': \(counted(rest.frames, "more frame")) of coinciding tracks not listed: only the first "
                           + "\(Self.maximumTrackPairs) pairs of tracks are", at: rest.first, issueType: "track_duplicate", count: rest.frames) {
                $0.label = label
            }
        }
    }

    static func iou(_ a: TrackBox, _ b: TrackBox) -> Double {
        let (a, b) = (TrackExtent(a), TrackExtent(b))
        let width = min(a.maxX, b.maxX) - max(a.minX, b.minX)
        let height = min(a.maxY, b.maxY) - max(a.minY, b.minY)
        let areaA = (a.maxX - a.minX) * (a.maxY - a.minY)
        let areaB = (b.maxX - b.minX) * (b.maxY - b.minY)
        // Points and lines have no area: their extents coincide when they are within a pixel or so.
        if areaA <= 0 || areaB <= 0 {
            return max(abs(a.minX - b.minX), abs(a.minY - b.minY), abs(a.maxX - b.maxX), abs(a.maxY - b.maxY)) <= 1 ? 1 : 0
        }
        guard width > 0, height > 0 else { return 0 }
        let inter = width * height
        return inter / (areaA + areaB - inter)
    }
}

/// A spilled extent in doubles, for arithmetic.
private struct TrackExtent {
    var minX: Double, minY: Double, maxX: Double, maxY: Double
    init(_ box: AnnotationDuplicate.TrackBox) {
        (minX, minY, maxX, maxY) = (Double(box.minX), Double(box.minY), Double(box.maxX), Double(box.maxY))
    }
}
