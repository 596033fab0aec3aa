import Foundation

/// An axis-aligned rectangle in image coordinates.
public struct Extent: Sendable, Equatable {
    public var minX: Double
    public var minY: Double
    public var maxX: Double
    public var maxY: Double

    /// The smallest extent holding these points; nil for none.
    public init?(_ points: [Point]) {
        guard let first = points.first else { return nil }
        minX = first.x
        maxX = first.x
        minY = first.y
        maxY = first.y
        for point in points.dropFirst() {
            minX = min(minX, point.x)
            maxX = max(maxX, point.x)
            minY = min(minY, point.y)
            maxY = max(maxY, point.y)
        }
    }

    /// How far the extent reaches outside `0…width × 0…height`, in pixels (0 when inside).
    public func overhang(width: Double, height: Double) -> Double {
        max(0, -minX, -minY, maxX - width, maxY - height)
    }
}

/// The 16 cuboid coordinate names, front face then back face.
public let cuboidCoordinates = ["xtl1", "ytl1", "xbl1", "ybl1", "xtr1", "ytr1", "xbr1", "ybr1",
                                "xtl2", "ytl2", "xbl2", "ybl2", "xtr2", "ytr2", "xbr2", "ybr2"]

extension Shape {

    /// The points that outline the shape (corners of a rotated box, the bounding corners of an ellipse),
    /// nil when its numbers do not parse.
    public var outline: [Point]? {
        switch kind {
        case .box:
            guard geometry.count == 4, let xtl = geometry[0], let ytl = geometry[1], let xbr = geometry[2],
                  let ybr = geometry[3] else { return nil }
            let corners = [Point(x: xtl, y: ytl), Point(x: xbr, y: ytl), Point(x: xbr, y: ybr), Point(x: xtl, y: ybr)]
            return rotated(corners, about: Point(x: (xtl + xbr) / 2, y: (ytl + ybr) / 2))
        case .ellipse:
            guard geometry.count == 4, let cx = geometry[0], let cy = geometry[1], let rx = geometry[2],
                  let ry = geometry[3] else { return nil }
            // The extent of a rotated ellipse: half-widths from the rotation angle.
            let angle = (rotation ?? 0) * .pi / 180
            let halfWidth = (pow(rx * cos(angle), 2) + pow(ry * sin(angle), 2)).squareRoot()
            let halfHeight = (pow(rx * sin(angle), 2) + pow(ry * cos(angle), 2)).squareRoot()
            return [Point(x: cx - halfWidth, y: cy - halfHeight), Point(x: cx + halfWidth, y: cy + halfHeight)]
        case .cuboid:
            let numbers = geometry.compactMap { $0 }
            guard numbers.count == cuboidCoordinates.count else { return nil }
            return stride(from: 0, to: numbers.count, by: 2).map { Point(x: numbers[$0], y: numbers[$0 + 1]) }
        case .mask:
            guard geometry.count == 4, let left = geometry[0], let top = geometry[1], let width = geometry[2],
                  let height = geometry[3] else { return nil }
            return [Point(x: left, y: top), Point(x: left + width, y: top + height)]
        case .polygon, .polyline, .points:
            return points
        case .skeleton:
            let elementPoints = elements.compactMap(\.points).flatMap { $0 }
            return elementPoints.isEmpty ? nil : elementPoints
        case .tag:
            return nil
        }
    }

    private func rotated(_ points: [Point], about center: Point) -> [Point] {
        guard let degrees = rotation, degrees != 0 else { return points }
        let angle = degrees * .pi / 180
        return points.map { point in
            let dx = point.x - center.x
            let dy = point.y - center.y
            return Point(x: center.x + dx * cos(angle) - dy * sin(angle), y: center.y + dx * sin(angle) + dy * cos(angle))
        }
    }
}

extension Shape {
    /// The shape's extent, worked out without building an outline (it is asked of every shape by
    /// several rules); nil when its numbers do not parse.
    public var extent: Extent? {
        switch kind {
        case .box:
            guard geometry.count == 4, let xtl = geometry[0], let ytl = geometry[1], let xbr = geometry[2], let ybr = geometry[3] else { return nil }
            guard let degrees = rotation, degrees != 0 else { return Extent(minX: xtl, minY: ytl, maxX: xbr, maxY: ybr) }
            let angle = degrees * .pi / 180
            let (c, s) = (abs(cos(angle)), abs(sin(angle)))
            let (halfWidth, halfHeight) = ((xbr - xtl) / 2, (ybr - ytl) / 2)
            let (cx, cy) = ((xtl + xbr) / 2, (ytl + ybr) / 2)
            let (dx, dy) = (halfWidth * c + halfHeight * s, halfWidth * s + halfHeight * c)
            return Extent(minX: cx - dx, minY: cy - dy, maxX: cx + dx, maxY: cy + dy)
        case .ellipse:
            guard geometry.count == 4, let cx = geometry[0], let cy = geometry[1], let rx = geometry[2], let ry = geometry[3] else { return nil }
            guard let degrees = rotation, degrees != 0 else { return Extent(minX: cx - rx, minY: cy - ry, maxX: cx + rx, maxY: cy + ry) }
            let angle = degrees * .pi / 180
            let halfWidth = (pow(rx * cos(angle), 2) + pow(ry * sin(angle), 2)).squareRoot()
            let halfHeight = (pow(rx * sin(angle), 2) + pow(ry * cos(angle), 2)).squareRoot()
            return Extent(minX: cx - halfWidth, minY: cy - halfHeight, maxX: cx + halfWidth, maxY: cy + halfHeight)
        case .mask:
            guard geometry.count == 4, let left = geometry[0], let top = geometry[1], let width = geometry[2], let height = geometry[3] else { return nil }
            return Extent(minX: left, minY: top, maxX: left + width, maxY: top + height)
        case .polygon, .polyline, .points:
            return points.flatMap(Extent.init)
        case .cuboid, .skeleton, .tag:
            return outline.flatMap(Extent.init)
        }
    }
}

extension Extent {
    public init(minX: Double, minY: Double, maxX: Double, maxY: Double) {
        self.minX = minX
        self.minY = minY
        self.maxX = maxX
        self.maxY = maxY
    }
}
