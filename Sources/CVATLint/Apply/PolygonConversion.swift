import Foundation

/// Turns shapes a target cannot take into polygons.
///
/// Error bounds, as the README states them: a box becomes its four (rotated) corners, exactly; an
/// ellipse an inscribed polygon whose vertices lie on it, with enough vertices that no point of the
/// ellipse is more than `ellipseTolerance` px from the polygon; a cuboid the convex hull of its eight
/// corners (its outline as drawn); a mask one polygon per piece, traced along pixel edges, so that the
/// polygons' areas add up to the mask's pixel count exactly.
enum PolygonConversion {
    /// Largest distance from an ellipse to its polygon, in pixels.
    static let ellipseTolerance = 0.25
    /// Masks larger than this many pixels (a 4K frame) are not traced.
    static let maximumMaskPixels = 9_000_000

    /// The polygons standing for `shape` (several for a mask in pieces); nil when it cannot be converted.
    static func polygons(for shape: Shape) -> [[Point]]? {
        switch shape.kind {
        case .box:
            guard let corners = shape.outline, corners.count == 4 else { return nil }
            return [corners]
        case .ellipse:
            return ellipse(shape).map { [$0] }
        case .cuboid:
            guard let corners = shape.outline, corners.count == 8 else { return nil }
            let hull = convexHull(corners)
            return hull.count >= 3 ? [hull] : nil
        case .mask:
            guard case let .mask(left, top, width, height, bits)? = shape.region, width * height <= maximumMaskPixels else {
                return nil
            }
            let traced = MaskTracer(width: width, height: height, bits: bits).polygons()
            guard !traced.isEmpty else { return nil }
            return traced.map { $0.map { Point(x: Double(left + $0.x), y: Double(top + $0.y)) } }
        default:
            return nil
        }
    }

    /// Vertices on the ellipse, as many as keep the chord's sagitta r·(1 − cos(π/n)) under the tolerance.
    static func ellipse(_ shape: Shape) -> [Point]? {
        guard shape.geometry.count == 4, let cx = shape.geometry[0], let cy = shape.geometry[1],
              let rx = shape.geometry[2], let ry = shape.geometry[3], rx > 0, ry > 0, rx.isFinite, ry.isFinite else {
            return nil
        }
        let radius = max(rx, ry)
        let ratio = max(-1, min(1, 1 - ellipseTolerance / radius))
        let count = min(720, max(8, Int((Double.pi / acos(ratio)).rounded(.up))))
        let angle = (shape.rotation ?? 0) * .pi / 180
        return (0..<count).map { step in
            let t = Double(step) / Double(count) * 2 * .pi
            let (x, y) = (rx * cos(t), ry * sin(t))
            return Point(x: cx + x * cos(angle) - y * sin(angle), y: cy + x * sin(angle) + y * cos(angle))
        }
    }

    /// The convex hull, counter-clockwise in y-down coordinates as drawn (Andrew's monotone chain).
    static func convexHull(_ points: [Point]) -> [Point] {
        let sorted = points.sorted { ($0.x, $0.y) < ($1.x, $1.y) }
        guard sorted.count > 2 else { return sorted }
        func cross(_ o: Point, _ a: Point, _ b: Point) -> Double { (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x) }
        var lower: [Point] = []
        for point in sorted {
            while lower.count >= 2, cross(lower[lower.count - 2], lower[lower.count - 1], point) <= 0 { lower.removeLast() }
            lower.append(point)
        }
        var upper: [Point] = []
        for point in sorted.reversed() {
            while upper.count >= 2, cross(upper[upper.count - 2], upper[upper.count - 1], point) <= 0 { upper.removeLast() }
            upper.append(point)
        }
        return Array(lower.dropLast() + upper.dropLast())
    }
}

/// Traces a mask's pixels into simple polygons along pixel edges.
///
/// Each 4-connected piece is traced; a piece whose edges close in more than one loop (it has holes) or
/// pass a corner twice (pixels touching only diagonally) is cut in two at its middle column and each
/// half traced again, so every polygon is simple and without holes, and their areas add up to the pixel
/// count. A piece one pixel wide is a column of runs and always traces simply, so the cutting ends.
struct MaskTracer {
    struct Vertex: Hashable {
        var x: Int
        var y: Int
    }

    let width: Int
    let height: Int
    let bits: [Bool]

    func polygons() -> [[Vertex]] {
        var seen = [Bool](repeating: false, count: bits.count)
        var result: [[Vertex]] = []
        for start in bits.indices where bits[start] && !seen[start] {
            // One 4-connected piece, by flood fill.
            var piece: [Int] = []
            var stack = [start]
            seen[start] = true
            while let index = stack.popLast() {
                piece.append(index)
                let (x, y) = (index % width, index / width)
                for (nx, ny) in [(x - 1, y), (x + 1, y), (x, y - 1), (x, y + 1)]
                where nx >= 0 && ny >= 0 && nx < width && ny < height {
                    let next = ny * width + nx
                    if bits[next], !seen[next] {
                        seen[next] = true
                        stack.append(next)
                    }
                }
            }
            result += trace(Set(piece.map { Vertex(x: $0 % width, y: $0 / width) }))
        }
        return result
    }

    /// Simple polygons covering exactly `pixels` (one 4-connected piece, or a cut part of one).
    private func trace(_ pixels: Set<Vertex>) -> [[Vertex]] {
        if let loop = simpleLoop(pixels) { return [loop] }
        let columns = pixels.map(\.x)
        guard let low = columns.min(), let high = columns.max(), high > low else { return [] }
        let middle = (low + high + 1) / 2
        var result: [[Vertex]] = []
        for half in [pixels.filter { $0.x < middle }, pixels.filter { $0.x >= middle }] {
            for part in pieces(of: half) { result += trace(part) }
        }
        return result
    }

    /// The 4-connected pieces of a set of pixels.
    private func pieces(of pixels: Set<Vertex>) -> [Set<Vertex>] {
        var left = pixels
        var result: [Set<Vertex>] = []
        while let start = left.first {
            var piece: Set<Vertex> = [start]
            var stack = [start]
            left.remove(start)
            while let pixel = stack.popLast() {
                for next in [Vertex(x: pixel.x - 1, y: pixel.y), Vertex(x: pixel.x + 1, y: pixel.y),
                             Vertex(x: pixel.x, y: pixel.y - 1), Vertex(x: pixel.x, y: pixel.y + 1)]
                where left.remove(next) != nil {
                    piece.insert(next)
                    stack.append(next)
                }
            }
            result.append(piece)
        }
        return result
    }

    /// The piece's boundary as one loop of corners (clockwise on screen, collinear corners removed),
    /// or nil when its edges make several loops or visit a corner twice.
    private func simpleLoop(_ pixels: Set<Vertex>) -> [Vertex]? {
        // Directed boundary edges with the piece on their right (y grows downwards).
        var next: [Vertex: Vertex] = [:]
        var edges = 0
        func add(_ from: Vertex, _ to: Vertex) -> Bool {
            guard next[from] == nil else { return false }
            next[from] = to
            edges += 1
            return true
        }
        for p in pixels {
            let (x, y) = (p.x, p.y)
            if !pixels.contains(Vertex(x: x, y: y - 1)), !add(Vertex(x: x, y: y), Vertex(x: x + 1, y: y)) { return nil }
            if !pixels.contains(Vertex(x: x + 1, y: y)), !add(Vertex(x: x + 1, y: y), Vertex(x: x + 1, y: y + 1)) { return nil }
            if !pixels.contains(Vertex(x: x, y: y + 1)), !add(Vertex(x: x + 1, y: y + 1), Vertex(x: x, y: y + 1)) { return nil }
            if !pixels.contains(Vertex(x: x - 1, y: y)), !add(Vertex(x: x, y: y + 1), Vertex(x: x, y: y)) { return nil }
        }
        guard let start = next.keys.min(by: { ($0.y, $0.x) < ($1.y, $1.x) }) else { return nil }
        var loop: [Vertex] = [start]
        var cursor = next[start] ?? start
        while cursor != start {
            loop.append(cursor)
            guard loop.count <= edges, let following = next[cursor] else { return nil }
            cursor = following
        }
        // Every edge in this one loop: no holes, no corner passed twice.
        guard loop.count == edges else { return nil }
        return loop.indices.compactMap { index in
            let previous = loop[(index + loop.count - 1) % loop.count], vertex = loop[index], following = loop[(index + 1) % loop.count]
            let straight = (previous.x == vertex.x && vertex.x == following.x) || (previous.y == vertex.y && vertex.y == following.y)
            return straight ? nil : vertex
        }
    }
}
