import Foundation

/// Splits a self-intersecting ring into simple rings that cover the same area, as GEOS's make-valid does
/// for a bow-tie or a loop: every crossing (and every vertex touching another edge) becomes a node of both
/// edges, and the noded ring is cut into loops wherever it passes a node a second time.
///
/// What it cannot split (edges overlapping along a line) it returns as one ring; the caller keeps what is
/// simple and reports the rest.
public enum PolygonRepair {
    /// The simple rings (at least 3 points each) the ring falls into, largest first; `minimumArea` drops
    /// slivers, whose count is returned beside. Nil for a ring too tangled to split within `Budget`.
    public static func pieces(of ring: [Point], minimumArea: Double) -> (pieces: [[Point]], slivers: Int)? {
        guard let noded = node(deduplicated(ring)) else { return nil }
        var loops: [[Point]] = []
        var path: [Point] = []
        // Where each point of the path stands: looked up by a scan on the short rings of most polygons,
        // where hashing a point costs more than comparing a few; by an index on long ones.
        let indexed = noded.count > 64
        var positions: [Point: Int] = [:]
        for point in noded {
            if let start = indexed ? positions[point] : path.firstIndex(of: point) {
                // The path came back to a node: the stretch since is a loop of its own.
                let loop = Array(path[start...])
                if indexed {
                    for dropped in path[(start + 1)...] { positions[dropped] = nil }
                }
                path.removeSubrange((start + 1)...)
                loops.append(loop)
            } else {
                if indexed { positions[point] = path.count }
                path.append(point)
            }
        }
        loops.append(path)
        var pieces: [[Point]] = []
        var slivers = 0
        for loop in loops {
            let ring = deduplicated(loop)
            guard ring.count >= 3 else {
                if ring.count > 0 { slivers += 1 }
                continue
            }
            if abs(area(ring)) < minimumArea { slivers += 1 } else { pieces.append(ring) }
        }
        // Each area once, not once per comparison.
        let sorted = pieces.map { (ring: $0, area: abs(area($0))) }.sorted { $0.area > $1.area }.map(\.ring)
        return (sorted, slivers)
    }

    /// The signed area (shoelace).
    public static func area(_ ring: [Point]) -> Double {
        guard ring.count >= 3 else { return 0 }
        var sum = 0.0
        for index in ring.indices {
            let (a, b) = (ring[index], ring[(index + 1) % ring.count])
            sum += a.x * b.y - b.x * a.y
        }
        return sum / 2
    }

    /// Without consecutive repeats (the closing point included).
    static func deduplicated(_ ring: [Point]) -> [Point] {
        var out: [Point] = []
        out.reserveCapacity(ring.count)
        for point in ring where out.last != point { out.append(point) }
        while out.count > 1, out.first == out.last { out.removeLast() }
        return out
    }

    /// How much work noding one ring may take. A scribble whose every edge crosses every other has O(n²)
    /// crossings: a 16,000-point one took 3.6 s and 140 MB, a 200,000-point one would take most of an hour.
    /// Past either bound the ring is given up (unrepairable) instead; real contours stay far below both.
    enum Budget {
        /// Pairs of edges tested for a crossing (a few nanoseconds each).
        static let pairTests = 20_000_000
        /// Crossings inserted, each a node of two edges and, after the split, a piece of its own at most.
        static let crossings = 20_000
    }

    /// The ring with every crossing inserted into both edges, in order along each edge; nil past `Budget`.
    static func node(_ ring: [Point]) -> [Point]? {
        guard ring.count >= 4 else { return ring }
        switch nodeSweepingX(ring) {
        case let .noded(points):
            return points
        case .tooManyCrossings:
            return nil
        case .tooManyPairs:
            // A contour of long horizontal runs (a traced mask of stripes) overlaps everywhere in x and hardly
            // at all in y: swept along y instead (x and y swapped, exactly). Only then, as the pairs met in
            // another order may compute a crossing along its other edge, a rounding error away.
            guard sweepsAlongY(ring), case let .noded(points) = nodeSweepingX(ring.map(\.transposed)) else { return nil }
            return points.map(\.transposed)
        }
    }

    /// How a sweep ended.
    private enum Noding {
        case noded([Point])
        case tooManyPairs
        case tooManyCrossings
    }

    /// Whether the edges' extents, summed, cover the ring's height fewer times than its width.
    private static func sweepsAlongY(_ ring: [Point]) -> Bool {
        var (spanX, spanY) = (0.0, 0.0)
        var (low, high) = (ring[0], ring[0])
        for (index, a) in ring.enumerated() {
            let b = ring[(index + 1) % ring.count]
            spanX += abs(b.x - a.x)
            spanY += abs(b.y - a.y)
            low = Point(x: min(low.x, a.x), y: min(low.y, a.y))
            high = Point(x: max(high.x, a.x), y: max(high.y, a.y))
        }
        // Overlaps in x per unit of width against overlaps in y per unit of height, cross-multiplied.
        return spanY * (high.x - low.x) < spanX * (high.y - low.y)
    }

    /// The noding, testing each edge against the edges after it in order of their left end that overlap it in x.
    private static func nodeSweepingX(_ ring: [Point]) -> Noding {
        let count = ring.count
        var inserts: [[(t: Double, point: Point)]] = Array(repeating: [], count: count)
        var (pairTests, crossings) = (0, 0)
        // Edges sorted by their left end: each is tested only against the edges that overlap it in x.
        let order = (0..<count).sorted { min(ring[$0].x, ring[($0 + 1) % count].x) < min(ring[$1].x, ring[($1 + 1) % count].x) }
        for (rank, i) in order.enumerated() {
            let (a, b) = (ring[i], ring[(i + 1) % count])
            let right = max(a.x, b.x)
            for j in order[(rank + 1)...] {
                let (c, d) = (ring[j], ring[(j + 1) % count])
                if min(c.x, d.x) > right { break }
                if (i + 1) % count == j || (j + 1) % count == i { continue }
                pairTests += 1
                guard pairTests <= Budget.pairTests else { return .tooManyPairs }
                guard let (t, u) = crossing(a, b, c, d) else { continue }
                crossings += 1
                guard crossings <= Budget.crossings else { return .tooManyCrossings }
                let onA = t <= epsilon ? a : (t >= 1 - epsilon ? b : nil)
                let onC = u <= epsilon ? c : (u >= 1 - epsilon ? d : nil)
                // One point for both edges: an end where the crossing falls on one, else the computed point.
                let point = onA ?? onC ?? Point(x: a.x + t * (b.x - a.x), y: a.y + t * (b.y - a.y))
                if onA == nil { inserts[i].append((t, point)) }
                if onC == nil { inserts[j].append((u, point)) }
            }
        }
        var noded: [Point] = []
        noded.reserveCapacity(count * 2)
        for index in 0..<count {
            noded.append(ring[index])
            for insert in inserts[index].sorted(by: { $0.t < $1.t }) where noded.last != insert.point {
                noded.append(insert.point)
            }
        }
        return .noded(noded)
    }

    private static let epsilon = 1e-12

    /// Where segments a→b and c→d meet, as fractions along each; nil when they do not or are parallel.
    static func crossing(_ a: Point, _ b: Point, _ c: Point, _ d: Point) -> (Double, Double)? {
        let (rx, ry) = (b.x - a.x, b.y - a.y)
        let (sx, sy) = (d.x - c.x, d.y - c.y)
        let denominator = rx * sy - ry * sx
        guard denominator != 0, denominator.isFinite else { return nil }
        let (qx, qy) = (c.x - a.x, c.y - a.y)
        let t = (qx * sy - qy * sx) / denominator
        let u = (qx * ry - qy * rx) / denominator
        guard t >= -epsilon, t <= 1 + epsilon, u >= -epsilon, u <= 1 + epsilon else { return nil }
        return (min(1, max(0, t)), min(1, max(0, u)))
    }
}

private extension Point {
    /// The point mirrored across the diagonal (x and y swapped), for sweeping along y.
    var transposed: Point { Point(x: y, y: x) }
}
