import Foundation

/// The area an annotation covers, in the form its overlap with another of its kind is measured in.
public enum Region: Sendable {
    /// A convex outline (a box, rotated or not; an ellipse as a 64-gon), counter-clockwise.
    case convex([Point])
    /// Any simple or not outline (a polygon).
    case polygon([Point])
    /// Mask pixels: a row-major bit per pixel of the `width` × `height` box at (`left`, `top`).
    case mask(left: Int, top: Int, width: Int, height: Int, bits: [Bool])
    /// Vertices that must each lie close to the other's (points, polylines, cuboids).
    case vertices([Point])
}

extension Shape {
    /// The region the shape covers, for overlap tests; nil for kinds compared otherwise (tags,
    /// skeletons) and for shapes whose numbers do not parse.
    public var region: Region? {
        switch kind {
        case .box:
            guard let corners = outline, corners.count == 4 else { return nil }
            return .convex(Overlap.counterClockwise(corners))
        case .ellipse:
            guard let cx = geometry[0], let cy = geometry[1], let rx = geometry[2], let ry = geometry[3], rx > 0, ry > 0 else { return nil }
            let angle = (rotation ?? 0) * .pi / 180
            let points = (0..<64).map { step -> Point in
                let t = Double(step) / 64 * 2 * .pi
                let (x, y) = (rx * cos(t), ry * sin(t))
                return Point(x: cx + x * cos(angle) - y * sin(angle), y: cy + x * sin(angle) + y * cos(angle))
            }
            return .convex(Overlap.counterClockwise(points))
        case .polygon:
            return points.map { .polygon($0) }
        case .points, .polyline:
            return points.map { .vertices($0) }
        case .cuboid:
            return outline.map { .vertices($0) }
        case .mask:
            // A bit per pixel is a byte here: masks past a 4K frame are not compared (memory stays bounded).
            guard let (left, top, width, height, bits) = maskPixels(limit: 9_000_000) else { return nil }
            return .mask(left: left, top: top, width: width, height: height, bits: bits)
        case .skeleton, .tag:
            return nil
        }
    }
}

extension Shape {
    /// A mask's box and pixels from its RLE (runs alternate background and foreground, row-major in the
    /// box); nil when its numbers do not read or the box holds more than `limit` pixels.
    public func maskPixels(limit: Int) -> (left: Int, top: Int, width: Int, height: Int, bits: [Bool])? {
        guard kind == .mask, geometry.count == 4, let rle = self["rle"], let left = geometry[0], let top = geometry[1],
              let width = geometry[2], let height = geometry[3], abs(left) < 1e9, abs(top) < 1e9,
              width >= 1, height >= 1, width * height <= Double(limit) else { return nil }
        let (w, h) = (Int(width), Int(height))
        var bits = [Bool](repeating: false, count: w * h)
        var position = 0
        var value = false
        guard Self.forEachRun(of: rle, { run in
            let end = min(bits.count, position + run)
            if value, position < end { for index in position..<end { bits[index] = true } }
            position = end
            value.toggle()
            return true
        }) else { return nil }
        return (Int(left), Int(top), w, h, bits)
    }

    /// Calls `body` with each run of an RLE (`"3, 5, 2"`: comma-separated counts, spaces or tabs around them, empty
    /// parts skipped) while it returns true; false when a count does not read. Scans the bytes: Foundation's
    /// trimming was a hot spot of apply.
    static func forEachRun(of rle: String, _ body: (Int) -> Bool) -> Bool {
        var current = 0
        var digits = 0
        var characters = 0
        var spaceAfterDigits = false
        var plus = false
        var minus = false
        /// Ends a part: true to go on.
        func close() -> Bool? {
            defer { (current, digits, characters, spaceAfterDigits, plus, minus) = (0, 0, 0, false, false, false) }
            if characters == 0 { return true }
            // A sign reads as Int reads it; a negative run is no run, but "-0" is 0.
            guard digits > 0, !(minus && current != 0) else { return nil }
            return body(current)
        }
        for byte in rle.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                guard !spaceAfterDigits else { return false }
                let (times, overflow1) = current.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = times.addingReportingOverflow(Int(byte - UInt8(ascii: "0")))
                guard !overflow1, !overflow2 else { return false }
                current = sum
                digits += 1
                characters += 1
            case UInt8(ascii: "+") where digits == 0 && !plus && !minus, UInt8(ascii: "-") where digits == 0 && !plus && !minus:
                if byte == UInt8(ascii: "+") { plus = true } else { minus = true }
                characters += 1
            case UInt8(ascii: " "), UInt8(ascii: "\t"):
                guard !(plus || minus) || digits > 0 else { return false }
                if digits > 0 { spaceAfterDigits = true }
                characters += 1
            case UInt8(ascii: ","):
                guard let goOn = close() else { return false }
                if !goOn { return true }
            default:
                return false
            }
        }
        return close() != nil
    }
}

/// How much two regions of one kind coincide.
public enum Overlap {
    /// Intersection over union of two areas (0…1); for vertex regions, 1 when every vertex lies within
    /// `tolerance` of its counterpart and 0 otherwise. Polygons that cannot reach `atLeast` (their areas
    /// and the overlap of their extents bound it) are not measured: the bound, under `atLeast`, is returned.
    public static func iou(_ a: Region, _ b: Region, tolerance: Double = 1, atLeast: Double = 0) -> Double {
        switch (a, b) {
        case let (.vertices(first), .vertices(second)):
            guard first.count == second.count else { return 0 }
            return zip(first, second).allSatisfy { hypot($0.x - $1.x, $0.y - $1.y) <= tolerance } ? 1 : 0
        case let (.convex(first), .convex(second)):
            let (areaA, areaB) = (area(first), area(second))
            let inter = area(clip(first, by: second))
            return ratio(inter, areaA + areaB - inter)
        case let (.mask(l1, t1, w1, h1, bits1), .mask(l2, t2, w2, h2, bits2)):
            let count1 = bits1.lazy.filter { $0 }.count
            let count2 = bits2.lazy.filter { $0 }.count
            var inter = 0
            for y in max(t1, t2)..<max(max(t1, t2), min(t1 + h1, t2 + h2)) {
                for x in max(l1, l2)..<max(max(l1, l2), min(l1 + w1, l2 + w2))
                where bits1[(y - t1) * w1 + (x - l1)] && bits2[(y - t2) * w2 + (x - l2)] {
                    inter += 1
                }
            }
            return ratio(Double(inter), Double(count1 + count2 - inter))
        default:
            guard let first = outline(a), let second = outline(b), let e1 = Extent(first), let e2 = Extent(second) else { return 0 }
            let (areaA, areaB) = (area(first), area(second))
            // The shared area, sampled on a 64 × 64 grid over where the extents overlap (general polygons).
            let (minX, minY) = (max(e1.minX, e2.minX), max(e1.minY, e2.minY))
            let (maxX, maxY) = (min(e1.maxX, e2.maxX), min(e1.maxY, e2.maxY))
            guard maxX > minX, maxY > minY else { return 0 }
            // The shared area is at most the smaller area and the extents' overlap; IoU grows with it. (For a
            // self-intersecting outline the shoelace area is no area, and no measure is either: that is
            // polygon-self-intersecting's finding.)
            let most = min(areaA, areaB, (maxX - minX) * (maxY - minY))
            let bound = ratio(most, areaA + areaB - most)
            if bound < atLeast { return bound }
            let steps = 64
            let inside = sampledInside(first, second, steps: steps, minX: minX, minY: minY, maxX: maxX, maxY: maxY)
            let inter = Double(inside) / Double(steps * steps) * (maxX - minX) * (maxY - minY)
            return ratio(inter, areaA + areaB - inter)
        }
    }

    /// How many of the `steps` × `steps` cell centres over the box lie in both polygons (even-odd), row
    /// by row: each polygon's crossings of a row are found once and sorted, and the centres walk along
    /// them. The crossings are computed as `contains` computes them, so the count is the one testing
    /// every centre against every edge would give, at a fraction of the work.
    static func sampledInside(_ first: [Point], _ second: [Point], steps: Int,
                              minX: Double, minY: Double, maxX: Double, maxY: Double) -> Int {
        var inside = 0
        var crossingsA: [Double] = [], crossingsB: [Double] = []
        for j in 0..<steps {
            let y = minY + (Double(j) + 0.5) * (maxY - minY) / Double(steps)
            crossings(of: first, at: y, into: &crossingsA)
            crossings(of: second, at: y, into: &crossingsB)
            guard !crossingsA.isEmpty, !crossingsB.isEmpty else { continue }
            // Crossings at or left of the centre, counted as the centres move right: the centre is inside
            // when an odd number lie strictly right of it.
            var passedA = 0, passedB = 0
            for i in 0..<steps {
                let x = minX + (Double(i) + 0.5) * (maxX - minX) / Double(steps)
                while passedA < crossingsA.count, !(x < crossingsA[passedA]) { passedA += 1 }
                while passedB < crossingsB.count, !(x < crossingsB[passedB]) { passedB += 1 }
                if (crossingsA.count - passedA) % 2 == 1, (crossingsB.count - passedB) % 2 == 1 { inside += 1 }
            }
        }
        return inside
    }

    /// The x of every edge crossing the horizontal line at `y`, sorted, as `contains` tests them.
    private static func crossings(of polygon: [Point], at y: Double, into xs: inout [Double]) {
        xs.removeAll(keepingCapacity: true)
        var j = polygon.count - 1
        for i in polygon.indices {
            let (a, b) = (polygon[i], polygon[j])
            if (a.y > y) != (b.y > y) {
                // A NaN crossing (numbers past Double's range) never toggles `contains`: left out alike.
                let x = (b.x - a.x) * (y - a.y) / (b.y - a.y) + a.x
                if !x.isNaN { xs.append(x) }
            }
            j = i
        }
        xs.sort()
    }

    private static func ratio(_ part: Double, _ whole: Double) -> Double { whole > 0 ? min(1, max(0, part / whole)) : 0 }

    private static func outline(_ region: Region) -> [Point]? {
        switch region {
        case let .convex(points), let .polygon(points): points
        default: nil
        }
    }

    /// The shoelace area, signed: positive when the points run counter-clockwise (y up).
    static func signedArea(_ points: [Point]) -> Double {
        guard points.count >= 3 else { return 0 }
        var twice = 0.0
        for (index, point) in points.enumerated() {
            let next = points[(index + 1) % points.count]
            twice += point.x * next.y - next.x * point.y
        }
        return twice / 2
    }

    /// The absolute shoelace area.
    public static func area(_ points: [Point]) -> Double { abs(signedArea(points)) }

    static func counterClockwise(_ points: [Point]) -> [Point] {
        signedArea(points) < 0 ? points.reversed() : points
    }

    /// Sutherland–Hodgman: the part of convex `subject` inside convex `clip` (both counter-clockwise).
    static func clip(_ subject: [Point], by clip: [Point]) -> [Point] {
        var output = subject
        for (index, a) in clip.enumerated() {
            let b = clip[(index + 1) % clip.count]
            let input = output
            output = []
            guard let last = input.last else { break }
            var previous = last
            func inside(_ p: Point) -> Bool { (b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x) >= 0 }
            func meet(_ p: Point, _ q: Point) -> Point {
                let (dx1, dy1) = (q.x - p.x, q.y - p.y)
                let (dx2, dy2) = (b.x - a.x, b.y - a.y)
                let denominator = dx1 * dy2 - dy1 * dx2
                guard denominator != 0 else { return q }
                let t = ((a.x - p.x) * dy2 - (a.y - p.y) * dx2) / denominator
                return Point(x: p.x + t * dx1, y: p.y + t * dy1)
            }
            for current in input {
                if inside(current) {
                    if !inside(previous) { output.append(meet(previous, current)) }
                    output.append(current)
                } else if inside(previous) {
                    output.append(meet(previous, current))
                }
                previous = current
            }
        }
        return output
    }

    /// Even-odd point in polygon.
    static func contains(_ polygon: [Point], _ point: Point) -> Bool {
        var inside = false
        var j = polygon.count - 1
        for i in polygon.indices {
            let (a, b) = (polygon[i], polygon[j])
            if (a.y > point.y) != (b.y > point.y),
               point.x < (b.x - a.x) * (point.y - a.y) / (b.y - a.y) + a.x {
                inside.toggle()
            }
            j = i
        }
        return inside
    }
}
