/// Finding where a closed polygon's edges cross, by a sweep over the edges (Shamos and Hoey): edges
/// enter and leave a status ordered by height at the sweep line, and only neighbours in it are tested.
/// The status holds the edges the sweep line crosses at once, few for real contours, so a long contour
/// costs O(n log n) rather than the O(n²) of testing every pair.
public enum SelfIntersection {
    /// A point where two edges of the closed ring `points` that are not neighbours meet (or neighbours
    /// overlap beyond their shared corner); nil for a simple polygon.
    public static func firstCrossing(of points: [Point]) -> Point? {
        var tests = 0
        return firstCrossing(of: points, pairTests: &tests)
    }

    /// The same, counting the pairs of edges it tested (a sweep tests O(n) pairs, every-pair O(n²)).
    static func firstCrossing(of points: [Point], pairTests: inout Int) -> Point? {
        var ring = points
        // CVAT never repeats the first point at the end, but a closing copy is no crossing.
        if ring.count > 3, let first = ring.first, let last = ring.last, first == last { ring.removeLast() }
        let count = ring.count
        guard count >= 4 else { return nil }
        var edges: [Edge] = []
        edges.reserveCapacity(count)
        for index in 0..<count {
            let a = ring[index]
            let b = ring[(index + 1) % count]
            guard a != b else { continue }  // a repeated point is no edge
            edges.append(Edge(index: edges.count, a: a, b: b))
        }
        let edgeCount = edges.count
        guard edgeCount >= 3 else { return nil }
        // Most polygons an import stage writes (converted ellipses and cuboids) and many drawn ones are convex:
        // one pass over the corners settles them.
        if edges.withUnsafeBufferPointer(goesRoundOnceConvexly) { return nil }
        // A short contour is cheaper to test pair by pair than to sort: the sweep pays off on long ones.
        if edgeCount <= 16 {
            return edges.withUnsafeBufferPointer { edges in
                for first in 0..<edgeCount {
                    for second in (first + 1)..<edgeCount {
                        pairTests += 1
                        if let point = crossing(edges[first], edges[second], count: edgeCount) { return point }
                    }
                }
                return nil
            }
        }
        // Non-finite numbers (geometry-invalid's to report) cannot be ordered for a sweep.
        guard ring.allSatisfy({ $0.x.isFinite && $0.y.isFinite }) else { return nil }
        var events: [(x: Double, y: Double, entering: Bool, edge: Int)] = []
        events.reserveCapacity(edges.count * 2)
        for (position, edge) in edges.enumerated() {
            events.append((edge.left.x, edge.left.y, true, position))
            events.append((edge.right.x, edge.right.y, false, position))
        }
        // Left to right; at one point, entering edges first, so that edges meeting there are neighbours once.
        events.sort { ($0.x, $0.y, $0.entering ? 0 : 1) < ($1.x, $1.y, $1.entering ? 0 : 1) }
        var status: [Int] = []
        for event in events {
            let edge = edges[event.edge]
            if event.entering {
                let slot = insertionSlot(for: edge, in: status, edges: edges, at: event.x)
                status.insert(event.edge, at: slot)
                pairTests += 2
                if slot > 0, let point = crossing(edge, edges[status[slot - 1]], count: edgeCount) { return point }
                if slot + 1 < status.count, let point = crossing(edge, edges[status[slot + 1]], count: edgeCount) { return point }
            } else {
                guard let slot = status.firstIndex(of: event.edge) else { continue }
                status.remove(at: slot)
                pairTests += 1
                if slot > 0, slot < status.count,
                   let point = crossing(edges[status[slot - 1]], edges[status[slot]], count: edgeCount) { return point }
            }
        }
        return nil
    }

    /// Whether the ring (its edges in order, each ending where the next starts) turns the same way, clearly, at
    /// every corner and goes round once: then it is convex, and no two of its edges meet but neighbours at their corner.
    ///
    /// Every turn is then between 0 and 180 degrees, so the edges' direction goes round a whole number of times;
    /// once exactly when the sign of the edges' x extent changes twice on the way round (twice per turn: a
    /// step under 180 degrees skips no half turn). A corner too near straight or reversed is left to the sweep,
    /// as rounding could flip its sign; so is a non-finite number, which compares false.
    static func goesRoundOnceConvexly(_ edges: UnsafeBufferPointer<Edge>) -> Bool {
        var turning = 0.0
        var firstDX = 0.0
        var lastDX = 0.0
        var xSignChanges = 0
        for (position, edge) in edges.enumerated() {
            let next = edges[position + 1 == edges.count ? 0 : position + 1]
            let (ax, ay) = (edge.b.x - edge.a.x, edge.b.y - edge.a.y)
            let (bx, by) = (next.b.x - next.a.x, next.b.y - next.a.y)
            let turn = ax * by - ay * bx
            guard abs(turn) > 1e-9 * (abs(ax) + abs(ay)) * (abs(bx) + abs(by)) else { return false }
            if turning == 0 {
                turning = turn
            } else if (turn > 0) != (turning > 0) {
                return false
            }
            if ax != 0 {
                if lastDX != 0, (ax > 0) != (lastDX > 0) { xSignChanges += 1 }
                if firstDX == 0 { firstDX = ax }
                lastDX = ax
            }
        }
        if (firstDX > 0) != (lastDX > 0) { xSignChanges += 1 }
        return xSignChanges <= 2
    }

    struct Edge {
        let index: Int
        let a: Point
        let b: Point
        /// The end first in (x, y) order, and the other; the lower and higher y: kept, as every test of a
        /// pair reads them.
        let left: Point
        let right: Point
        let low: Double
        let high: Double

        init(index: Int, a: Point, b: Point) {
            self.index = index
            self.a = a
            self.b = b
            (left, right) = (a.x, a.y) <= (b.x, b.y) ? (a, b) : (b, a)
            // A NaN end lies on nothing and crosses nothing: the other end's y alone stands for the edge.
            if a.y.isNaN || b.y.isNaN {
                (low, high) = a.y.isNaN ? (b.y, b.y) : (a.y, a.y)
            } else {
                (low, high) = a.y < b.y ? (a.y, b.y) : (b.y, a.y)
            }
        }

        /// The edge's height where the sweep line stands (its lower end for an upright edge).
        func y(at x: Double) -> Double {
            guard right.x != left.x else { return min(left.y, right.y) }
            return left.y + (right.y - left.y) * (x - left.x) / (right.x - left.x)
        }

        var slope: Double {
            right.x == left.x ? .infinity : (right.y - left.y) / (right.x - left.x)
        }
    }

    /// Where `edge` goes in the status, by height at `x`, then by slope (edges from one point).
    private static func insertionSlot(for edge: Edge, in status: [Int], edges: [Edge], at x: Double) -> Int {
        let height = edge.y(at: x)
        var low = 0
        var high = status.count
        while low < high {
            let middle = (low + high) / 2
            let other = edges[status[middle]]
            let otherHeight = other.y(at: x)
            if otherHeight < height || (otherHeight == height && other.slope < edge.slope) {
                low = middle + 1
            } else {
                high = middle
            }
        }
        return low
    }

    private static func cross(_ o: Point, _ a: Point, _ b: Point) -> Double {
        (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x)
    }

    private static func onSegment(_ p: Point, _ a: Point, _ b: Point) -> Bool {
        min(a.x, b.x) <= p.x && p.x <= max(a.x, b.x) && min(a.y, b.y) <= p.y && p.y <= max(a.y, b.y)
    }

    /// Where two edges meet, unless they are neighbours meeting only at their shared corner.
    static func crossing(_ first: Edge, _ second: Edge, count: Int) -> Point? {
        let (p1, p2, p3, p4) = (first.a, first.b, second.a, second.b)
        // Apart along x or y: no crossing and no touch (most pairs of a contour). A NaN end lies on nothing
        // and crosses nothing, so an edge with one is held apart by its other end alone.
        if first.right.x < second.left.x || second.right.x < first.left.x { return nil }
        if first.high < second.low || second.high < first.low { return nil }
        let d1 = cross(p3, p4, p1)
        let d2 = cross(p3, p4, p2)
        let d3 = cross(p1, p2, p3)
        let d4 = cross(p1, p2, p4)
        if ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0)) {
            let t = d1 / (d1 - d2)
            return Point(x: p1.x + (p2.x - p1.x) * t, y: p1.y + (p2.y - p1.y) * t)
        }
        // Touching or collinear: a point of one edge lies on the other; the first of them, in this order.
        let touch1 = d1 == 0 && onSegment(p1, p3, p4)
        let touch2 = d2 == 0 && onSegment(p2, p3, p4)
        let touch3 = d3 == 0 && onSegment(p3, p1, p2)
        let touch4 = d4 == 0 && onSegment(p4, p1, p2)
        guard touch1 || touch2 || touch3 || touch4 else { return nil }
        let neighbours = (first.index + 1) % count == second.index || (second.index + 1) % count == first.index
        guard neighbours else { return touch1 ? p1 : touch2 ? p2 : touch3 ? p3 : p4 }
        // Neighbours share one corner; they cross only when they also overlap (the contour doubles back).
        guard d1 == 0, d2 == 0, let shared = first.b == second.a ? first.b : (second.b == first.a ? first.a : nil) else {
            return nil
        }
        for (touches, point) in [(touch1, p1), (touch2, p2), (touch3, p3), (touch4, p4)] where touches && point != shared {
            return point
        }
        return nil
    }
}
