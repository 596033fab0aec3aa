/// `clipToImage`: a shape reaching outside its image clipped to it; what cannot be clipped as itself stays.
enum ClipToImage {
    /// The attributes of a shape clipped to the image; nil when it lies inside, or cannot be clipped and stay
    /// itself (an ellipse, a cuboid, a rotated box, a mask, or a polygon whose clip is no simple polygon).
    static func clipped(_ shape: Shape, size: (width: Double, height: Double)) -> [XMLAttribute]? {
        guard let outline = shape.outline, let extent = Extent(outline), extent.overhang(width: size.width, height: size.height) > 0 else {
            return nil
        }
        switch shape.kind {
        case .box where (shape.rotation ?? 0) == 0:
            // A box wholly outside has nothing inside to keep: it stays as drawn.
            guard extent.maxX > 0, extent.minX < size.width, extent.maxY > 0, extent.minY < size.height else { return nil }
            return shape.xmlAttributes.map { attribute in
                guard attribute.role.field == .geometry, let value = parseNumber(attribute.value) else { return attribute }
                let limit = ShapeRepairs.isHorizontal(attribute.name) ? size.width : size.height
                return XMLAttribute(name: attribute.name, value: CVATStyle.number(min(max(value, 0), limit)))
            }
        case .points, .polyline:
            guard let points = shape.points else { return nil }
            let clamped = points.map { GeometryEdit.clamp($0, width: size.width, height: size.height) }
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
              let ring = GeometryEdit.clip(points, width: size.width, height: size.height),
              SelfIntersection.firstCrossing(of: ring) == nil else { return nil }
        return ring
    }

    static func replacingPoints(_ attributes: [XMLAttribute], with points: [Point]) -> [XMLAttribute] {
        attributes.map { $0.role.field == .points ? XMLAttribute(name: $0.name, value: ShapeRepairs.text(points)) : $0 }
    }
}
