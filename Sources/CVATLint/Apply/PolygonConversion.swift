import Foundation

/// Turns shapes a target cannot take into polygons.
///
/// Error bounds, as the README states them: a box becomes its four (rotated) corners, exactly; an
/// ellipse an inscribed polygon whose vertices lie on it, with enough vertices that no point of the
/// ellipse is more than `ellipseTolerance` px from the polygon; a cuboid the convex hull of its eight
/// corners (its outline as drawn); a mask one polygon per piece, traced along pixel edges, so that the
/// polygons' areas add up to the mask's pixel count exactly.
public enum PolygonConversion {
    /// Largest distance from an ellipse to its polygon, in pixels.
    public static let ellipseTolerance = 0.25
    /// Masks larger than this many pixels (an 8K frame) are not traced.
    public static let maximumMaskPixels = 40_000_000
    /// Masks in more pieces than this are not traced: each piece is a polygon with the shape's attributes,
    /// about a kilobyte held while the shape is written, and a speckled 1000 × 1000 mask has half a million.
    public static let maximumMaskPolygons = 20_000

    /// The polygons standing for `shape` (several for a mask in pieces); nil when it cannot be converted.
    public static func polygons(for shape: Shape) -> [[Point]]? {
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
            guard let (left, top, width, height, bits) = shape.maskPixels(limit: maximumMaskPixels) else { return nil }
            guard let traced = MaskTracer(width: width, height: height, bits: bits).polygons(atMost: maximumMaskPolygons),
                  !traced.isEmpty else { return nil }
            return traced.map { $0.map { Point(x: Double(left + $0.x), y: Double(top + $0.y)) } }
        default:
            return nil
        }
    }

    /// Vertices on the ellipse, as many as keep the chord's sagitta r·(1 − cos(π/n)) under the tolerance.
    public static func ellipse(_ shape: Shape) -> [Point]? {
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
/// Work is proportional to the pieces' bounding boxes, times the depth of cutting.
public struct MaskTracer {
    public struct Vertex: Hashable, Sendable {
        public var x: Int
        public var y: Int
    }

    let width: Int
    let height: Int
    let bits: [Bool]

    /// A `width` × `height` mask, row-major.
    public init(width: Int, height: Int, bits: [Bool]) {
        self.width = width
        self.height = height
        self.bits = bits
    }

    /// The simple polygons covering the mask; nil once they are more than `limit` (checked as pieces are
    /// found and as they are traced, so that a speckled mask stops early rather than filling memory).
    public func polygons(atMost limit: Int = .max) -> [[Vertex]]? {
        var result: [[Vertex]] = []
        let pieces: [[Int]]?
        if bits.count == width * height {
            // The mask is its own bitmap: its pieces come out as `pieces(of:)` finds them within a bounding box.
            var map = bits
            pieces = Self.floodPieces(&map, columns: width, rows: height, offset: (0, 0), width: width, limit: limit)
        } else {
            pieces = self.pieces(of: bits.indices.filter { bits[$0] }, limit: limit)
        }
        guard let pieces else { return nil }
        for piece in pieces {
            trace(piece, into: &result)
            if result.count > limit { return nil }
        }
        return result
    }

    /// Simple polygons covering exactly `pixels` (indices into the mask: one 4-connected piece).
    private func trace(_ pixels: [Int], into result: inout [[Vertex]]) {
        let box = Box(pixels, width: width)
        var cuts: [Int]
        switch simpleLoop(pixels, box: box) {
        case let .loop(loop):
            result.append(loop)
            return
        case let .cut(columns):
            // At every corner that breaks the loop at once: a hole's leftmost column opens it, a pinch's
            // column parts its two pixels. The middle column as well, so that each round narrows the piece.
            cuts = columns.map { min(max($0, box.minX + 1), box.maxX) }
        }
        guard box.maxX > box.minX else { return }
        cuts.append((box.minX + box.maxX + 1) / 2)
        let bounds = Array(Set(cuts)).sorted()
        var strips = [[Int]](repeating: [], count: bounds.count + 1)
        for pixel in pixels {
            let x = pixel % width
            var low = 0, high = bounds.count
            while low < high {
                let middle = (low + high) / 2
                if bounds[middle] <= x { low = middle + 1 } else { high = middle }
            }
            strips[low].append(pixel)
        }
        for strip in strips where !strip.isEmpty {
            for piece in pieces(of: strip) ?? [] { trace(piece, into: &result) }
        }
    }

    private enum Traced {
        case loop([Vertex])
        /// No single simple loop: cut the piece at these columns and try each part.
        case cut([Int])
    }

    /// The bounding box of some pixels, and a bitmap of them over it.
    private struct Box {
        var minX = Int.max, minY = Int.max, maxX = Int.min, maxY = Int.min

        init(_ pixels: [Int], width: Int) {
            for pixel in pixels {
                let (x, y) = (pixel % width, pixel / width)
                minX = min(minX, x); maxX = max(maxX, x); minY = min(minY, y); maxY = max(maxY, y)
            }
        }

        var columns: Int { maxX - minX + 1 }
        var rows: Int { maxY - minY + 1 }

        func bitmap(_ pixels: [Int], width: Int) -> [Bool] {
            var map = [Bool](repeating: false, count: columns * rows)
            for pixel in pixels { map[(pixel / width - minY) * columns + (pixel % width - minX)] = true }
            return map
        }
    }

    /// The 4-connected pieces of some pixels; nil past `limit` of them.
    private func pieces(of pixels: [Int], limit: Int = .max) -> [[Int]]? {
        guard !pixels.isEmpty else { return [] }
        let box = Box(pixels, width: width)
        var map = box.bitmap(pixels, width: width)
        return Self.floodPieces(&map, columns: box.columns, rows: box.rows, offset: (box.minX, box.minY), width: width, limit: limit)
    }

    /// The 4-connected pieces of the pixels set in `map` (`columns` × `rows`, row-major, cleared as it is
    /// read), in row order of their first pixel, as indices into the mask (`map` placed at `offset`); nil
    /// past `limit` of them.
    private static func floodPieces(_ map: inout [Bool], columns: Int, rows: Int, offset: (x: Int, y: Int), width: Int,
                                    limit: Int) -> [[Int]]? {
        var result: [[Int]] = []
        var stack: [Int] = []
        for start in map.indices where map[start] {
            guard result.count < limit else { return nil }
            var piece: [Int] = []
            stack.append(start)
            map[start] = false
            while let index = stack.popLast() {
                let (x, y) = (index % columns, index / columns)
                piece.append((y + offset.y) * width + (x + offset.x))
                if x > 0, map[index - 1] { map[index - 1] = false; stack.append(index - 1) }
                if x + 1 < columns, map[index + 1] { map[index + 1] = false; stack.append(index + 1) }
                if y > 0, map[index - columns] { map[index - columns] = false; stack.append(index - columns) }
                if y + 1 < rows, map[index + columns] { map[index + columns] = false; stack.append(index + columns) }
            }
            result.append(piece)
        }
        return result
    }

    /// The piece's boundary as one loop of corners (collinear corners removed), or where to cut it when
    /// its edges make several loops (holes) or leave a corner twice (pixels touching at a corner).
    private func simpleLoop(_ pixels: [Int], box: Box) -> Traced {
        let map = box.bitmap(pixels, width: width)
        let (columns, rows) = (box.columns, box.rows)
        let stride = columns + 1
        // Directed boundary edges with the piece on their right (y grows downwards), by corner index.
        var next = [Int32](repeating: -1, count: stride * (rows + 1))
        var edges = 0
        var pinches: [Int] = []
        func filled(_ x: Int, _ y: Int) -> Bool { x >= 0 && y >= 0 && x < columns && y < rows && map[y * columns + x] }
        func add(_ fromX: Int, _ fromY: Int, _ toX: Int, _ toY: Int) {
            let from = fromY * stride + fromX
            guard next[from] < 0 else {
                pinches.append(fromX)
                return
            }
            next[from] = Int32(toY * stride + toX)
            edges += 1
        }
        for y in 0..<rows {
            for x in 0..<columns where map[y * columns + x] {
                if !filled(x, y - 1) { add(x, y, x + 1, y) }
                if !filled(x + 1, y) { add(x + 1, y, x + 1, y + 1) }
                if !filled(x, y + 1) { add(x + 1, y + 1, x, y + 1) }
                if !filled(x - 1, y) { add(x, y + 1, x, y) }
            }
        }
        guard let start = next.firstIndex(where: { $0 >= 0 }) else { return .cut([box.minX + 1]) }
        // The first edge in row order lies on the outer boundary; every other loop is a hole. A walked
        // edge is marked -2 in `next`.
        func walk(from first: Int, _ visit: (Int) -> Void) {
            var cursor = first
            while next[cursor] >= 0 {
                let following = Int(next[cursor])
                next[cursor] = -2
                visit(cursor)
                cursor = following
            }
        }
        var loop: [Int] = []
        loop.reserveCapacity(edges)
        walk(from: start) { loop.append($0) }
        guard pinches.isEmpty, loop.count == edges else {
            // Each hole opens at its leftmost column: the other loops are walked for that alone.
            var holes: [Int] = []
            for first in next.indices where next[first] >= 0 {
                var leftmost = Int.max
                walk(from: first) { leftmost = min(leftmost, $0 % stride) }
                holes.append(leftmost + box.minX)
            }
            return .cut(pinches.map { $0 + box.minX } + holes)
        }
        // Corners where the boundary turns: a corner between two steps along one row or column is none.
        var turns: [Vertex] = []
        turns.reserveCapacity(loop.count)
        for (index, corner) in loop.enumerated() {
            let previous = loop[(index + loop.count - 1) % loop.count], following = loop[(index + 1) % loop.count]
            let (x, y) = (corner % stride, corner / stride)
            let straight = (previous % stride == x && following % stride == x) || (previous / stride == y && following / stride == y)
            if !straight { turns.append(Vertex(x: x + box.minX, y: y + box.minY)) }
        }
        return .loop(turns)
    }
}
