/// `clipToImage`: a shape reaching outside its image clipped to it; what cannot be clipped as itself stays.
enum ClipToImage {
    /// The attributes of a shape clipped to the image; nil when it lies inside, or cannot be clipped and stay
    /// itself (an ellipse, a cuboid, a rotated box, a mask, or a polygon whose clip is no simple polygon).
    static func clipped(_ shape: Shape, size: (width: Double, height: Double)) -> [XMLAttribute]? {
        guard shape.clipsAsItself, let outline = shape.outline, let extent = Extent(outline),
              extent.overhang(width: size.width, height: size.height) > 0 else {
            return nil
        }
        switch shape.kind {
        case .box:
            // A box wholly outside has nothing inside to keep: it stays as drawn.
            guard extent.maxX > 0, extent.minX < size.width, extent.maxY > 0, extent.minY < size.height else { return nil }
            return shape.xmlAttributes.map { attribute in
                guard attribute.role.field == .geometry, let value = parseNumber(attribute.value) else { return attribute }
                let limit = ShapeRepairs.isHorizontal(attribute.name) ? size.width : size.height
                return XMLAttribute(name: attribute.name, value: CVATStyle.number(min(max(value, 0), limit)))
            }
        case .points, .polyline:
            guard let points = shape.points else { return nil }
            let clamped = points.map { clamp($0, width: size.width, height: size.height) }
            return replacingPoints(shape.xmlAttributes, with: clamped)
        case .polygon:
            guard let points = shape.points, let ring = clippedPolygon(points, size: size) else { return nil }
            return replacingPoints(shape.xmlAttributes, with: ring)
        default:
            return nil
        }
    }

    /// A polygon clipped to the image; nil when it lies inside, or its clip is no simple polygon.
    static func clippedPolygon(_ points: [Point], size: (width: Double, height: Double)) -> [Point]? {
        guard let extent = Extent(points), extent.overhang(width: size.width, height: size.height) > 0,
              let ring = clip(points, width: size.width, height: size.height),
              SelfIntersection.firstCrossing(of: ring) == nil else { return nil }
        return ring
    }

    static func replacingPoints(_ attributes: [XMLAttribute], with points: [Point]) -> [XMLAttribute] {
        attributes.map { $0.role.field == .points ? XMLAttribute(name: $0.name, value: ShapeRepairs.text(points)) : $0 }
    }
}

extension ClipToImage {
    /// The polygon clipped to the rectangle [0, width] × [0, height] (Sutherland–Hodgman: exact for a convex
    /// clip region); nil when nothing of it is inside.
    static func clip(_ ring: [Point], width: Double, height: Double) -> [Point]? {
        var output = ring
        let edges: [(inside: (Point) -> Bool, cut: (Point, Point) -> Point)] = [
            ({ $0.x >= 0 }, { a, b in Point(x: 0, y: a.y + (b.y - a.y) * (0 - a.x) / (b.x - a.x)) }),
            ({ $0.x <= width }, { a, b in Point(x: width, y: a.y + (b.y - a.y) * (width - a.x) / (b.x - a.x)) }),
            ({ $0.y >= 0 }, { a, b in Point(x: a.x + (b.x - a.x) * (0 - a.y) / (b.y - a.y), y: 0) }),
            ({ $0.y <= height }, { a, b in Point(x: a.x + (b.x - a.x) * (height - a.y) / (b.y - a.y), y: height) }),
        ]
        for edge in edges {
            let input = output
            output = []
            guard let last = input.last else { return nil }
            var previous = last
            for point in input {
                if edge.inside(point) {
                    if !edge.inside(previous) { output.append(edge.cut(previous, point)) }
                    output.append(point)
                } else if edge.inside(previous) {
                    output.append(edge.cut(previous, point))
                }
                previous = point
            }
        }
        let ring = PolygonRepair.deduplicated(output)
        return ring.count >= 3 ? ring : nil
    }

    /// A point moved onto the rectangle [0, width] × [0, height].
    static func clamp(_ point: Point, width: Double, height: Double) -> Point {
        Point(x: min(max(point.x, 0), width), y: min(max(point.y, 0), height))
    }
}

extension Shape {
    /// Whether `clipToImage` can clip it and keep its kind: an unrotated box, points, a polyline or a polygon (clipped,
    /// an ellipse, a cuboid, a rotated box, a mask or a skeleton would be another shape, so it stays as drawn).
    public var clipsAsItself: Bool {
        switch kind {
        case .box: (rotation ?? 0) == 0
        case .points, .polyline, .polygon: true
        case .ellipse, .cuboid, .mask, .skeleton, .tag: false
        }
    }
}
