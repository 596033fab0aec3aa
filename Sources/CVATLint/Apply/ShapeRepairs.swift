import Foundation

/// Where a shape lies, for the repairs that need to know.
struct ShapePlace {
    /// The image's (or video frame's) pixel size as written to the output; nil when unknown.
    var size: (width: Double, height: Double)?
    /// The factors an image's coordinates are scaled by (`rescaleToMedia`), when its file is another size.
    var scale: (x: Double, y: Double)?
}

/// The repairs that keep an annotation by mending it: coordinates scaled to the media (`rescaleToMedia`)
/// and clipped to the image (`clipToImage`), values written in their declared spelling
/// (`mapAttributeValue`), and, after conversions, self-intersecting polygons split (`repairPolygon`).
enum ShapeRepairs {
    /// The shape with the program's repairs made, and the steps made (empty: the shape as it was).
    static func apply(_ shape: Shape, label: String, program: ApplyProgram, place: ShapePlace) -> (Shape, [String]) {
        var steps: [String] = []
        var attributes = shape.xmlAttributes
        var values = shape.attributes
        var elements = shape.elements
        if let scale = place.scale, scale.x != 1 || scale.y != 1 {
            attributes = scaled(attributes, kind: shape.kind, shape: shape, by: scale)
            elements = elements.map { $0.with(attributes: scaled($0.xmlAttributes, kind: $0.kind, shape: $0, by: scale)) }
            steps.append("rescaleToMedia")
        }
        if program.clippedLabels.contains(label), let size = place.size {
            let current = steps.isEmpty ? shape : shape.with(attributes: attributes)
            if let clipped = clipped(current, size: size) {
                attributes = clipped
                steps.append("clipToImage")
            }
            var elementsClipped = false
            elements = elements.map { element in
                guard let clamped = clipped(element, size: size) else { return element }
                elementsClipped = true
                return element.with(attributes: clamped)
            }
            if elementsClipped, !steps.contains("clipToImage") { steps.append("clipToImage") }
        }
        if respell(&values, label: label, program: program) { steps.append("mapAttributeValue") }
        var elementsRespelled = false
        elements = elements.map { element in
            var elementValues = element.attributes
            guard respell(&elementValues, label: element.label, program: program) else { return element }
            elementsRespelled = true
            return element.with(attributes: element.xmlAttributes, values: elementValues)
        }
        if elementsRespelled, !steps.contains("mapAttributeValue") { steps.append("mapAttributeValue") }
        guard !steps.isEmpty else { return (shape, []) }
        let repaired = shape.with(attributes: attributes, values: values)
        repaired.elements = elements
        repaired.span = shape.span
        return (repaired, steps)
    }

    /// Whether a value the shape (or an element) holds is one a `declareAttributeValue` adds to its list:
    /// the shape keeps its bytes, and is counted as repaired.
    static func holdsDeclaredValue(_ shape: Shape, label: String, program: ApplyProgram) -> Bool {
        guard !program.declaredValues.isEmpty else { return false }
        func declares(_ values: [AttributeValue], _ label: String) -> Bool {
            guard let attributes = program.declaredValues[label] else { return false }
            return values.contains { attributes[$0.name]?.contains(trimmed($0.value)) == true }
        }
        return declares(shape.attributes, label) || shape.elements.contains { declares($0.attributes, $0.label) }
    }

    /// The pieces a self-intersecting polygon of a repaired label falls into; nil when it is simple or not
    /// repaired (`slivers`: pieces under `min_area` left out).
    static func polygonPieces(_ points: [Point], label: String, program: ApplyProgram) -> (pieces: [[Point]], slivers: Int)? {
        guard program.polygonRepairs.contains(label), points.count >= 4, SelfIntersection.firstCrossing(of: points) != nil else {
            return nil
        }
        let split = PolygonRepair.pieces(of: points, minimumArea: program.minimumArea)
        // A polygon of slivers only keeps its largest: nothing is lost that a repair could keep.
        if split.pieces.isEmpty {
            let all = PolygonRepair.pieces(of: points, minimumArea: 0).pieces
            guard let largest = all.first else { return nil }
            return ([largest], max(0, split.slivers - 1))
        }
        return split
    }

    private static func trimmed(_ value: String) -> String {
        value.hasASCIISpaceAtEdge ? String(value.trimmingASCIISpaces()) : value
    }

    /// Writes mapped spellings into `values`; true when one changed.
    private static func respell(_ values: inout [AttributeValue], label: String, program: ApplyProgram) -> Bool {
        guard let spellings = program.valueSpellings[label] else { return false }
        var changed = false
        for index in values.indices {
            if let spelling = spellings[values[index].name]?[trimmed(values[index].value)] {
                values[index].value = spelling
                changed = true
            }
        }
        return changed
    }

    // MARK: - Geometry

    /// Whether a geometry attribute measures along x (`xtl`, `cx`, `rx`, `left`, `width`, …).
    private static func isHorizontal(_ name: String) -> Bool {
        name.hasPrefix("x") || name == "cx" || name == "rx" || name == "left" || name == "width"
    }

    private static func text(_ points: [Point]) -> String {
        points.map { CVATStyle.number($0.x) + "," + CVATStyle.number($0.y) }.joined(separator: ";")
    }

    /// The attributes with every coordinate multiplied by the factors (a mask resampled, nearest pixel).
    private static func scaled(_ attributes: [XMLAttribute], kind: ShapeKind, shape: Shape, by scale: (x: Double, y: Double)) -> [XMLAttribute] {
        if kind == .mask, let mask = scaledMask(shape, by: scale) {
            return attributes.map { attribute in
                switch attribute.name {
                case "rle": XMLAttribute(name: "rle", value: mask.rle)
                case "left": XMLAttribute(name: "left", value: String(mask.left))
                case "top": XMLAttribute(name: "top", value: String(mask.top))
                case "width": XMLAttribute(name: "width", value: String(mask.width))
                case "height": XMLAttribute(name: "height", value: String(mask.height))
                default: attribute
                }
            }
        }
        return attributes.map { attribute in
            switch attribute.role.field {
            case .points:
                guard let points = parsePoints(attribute.value) else { return attribute }
                return XMLAttribute(name: attribute.name, value: text(points.map { Point(x: $0.x * scale.x, y: $0.y * scale.y) }))
            case .geometry where kind != .mask:
                guard let value = parseNumber(attribute.value) else { return attribute }
                return XMLAttribute(name: attribute.name, value: CVATStyle.number(value * (isHorizontal(attribute.name) ? scale.x : scale.y)))
            default:
                return attribute
            }
        }
    }

    /// A mask resampled to the scaled size (nearest pixel), as CVAT's RLE from a run of background.
    private static func scaledMask(_ shape: Shape, by scale: (x: Double, y: Double)) -> (left: Int, top: Int, width: Int, height: Int, rle: String)? {
        guard let (left, top, width, height, bits) = shape.maskPixels(limit: PolygonConversion.maximumMaskPixels) else { return nil }
        let newWidth = max(1, Int((Double(width) * scale.x).rounded()))
        let newHeight = max(1, Int((Double(height) * scale.y).rounded()))
        guard newWidth * newHeight <= PolygonConversion.maximumMaskPixels else { return nil }
        var runs: [Int] = []
        var current = false
        var run = 0
        for row in 0..<newHeight {
            let sourceRow = min(height - 1, Int((Double(row) + 0.5) * Double(height) / Double(newHeight)))
            for column in 0..<newWidth {
                let sourceColumn = min(width - 1, Int((Double(column) + 0.5) * Double(width) / Double(newWidth)))
                let bit = bits[sourceRow * width + sourceColumn]
                if bit != current {
                    runs.append(run)
                    run = 0
                    current = bit
                }
                run += 1
            }
        }
        runs.append(run)
        return (Int((Double(left) * scale.x).rounded(.down)), Int((Double(top) * scale.y).rounded(.down)), newWidth, newHeight,
                runs.map(String.init).joined(separator: ", "))
    }

    /// The attributes of a shape clipped to the image; nil when it lies inside, or cannot be clipped and stay
    /// itself (an ellipse, a cuboid, a rotated box, a mask, or a polygon whose clip is no simple polygon).
    private static func clipped(_ shape: Shape, size: (width: Double, height: Double)) -> [XMLAttribute]? {
        guard let outline = shape.outline, let extent = Extent(outline), extent.overhang(width: size.width, height: size.height) > 0 else {
            return nil
        }
        switch shape.kind {
        case .box where (shape.rotation ?? 0) == 0:
            return shape.xmlAttributes.map { attribute in
                guard attribute.role.field == .geometry, let value = parseNumber(attribute.value) else { return attribute }
                let limit = isHorizontal(attribute.name) ? size.width : size.height
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

    private static func replacingPoints(_ attributes: [XMLAttribute], with points: [Point]) -> [XMLAttribute] {
        attributes.map { $0.role.field == .points ? XMLAttribute(name: $0.name, value: text(points)) : $0 }
    }
}

extension Shape {
    /// A copy with other XML attributes (re-read) and, when given, other `<attribute>` values.
    func with(attributes xmlAttributes: [XMLAttribute], values: [AttributeValue]? = nil) -> Shape {
        let copy = Shape(kind: kind, label: label, xmlAttributes: xmlAttributes, attributes: values ?? attributes,
                         elements: elements, location: location)
        copy.span = span
        return copy
    }
}
