import Foundation

/// `rescaleToMedia`: every coordinate of an image resized after annotation multiplied by file ÷ declared size.
enum RescaleToMedia {
    /// The attributes with every coordinate multiplied by the factors (a mask resampled, nearest pixel).
    static func scaled(_ shape: Shape, by scale: (x: Double, y: Double)) -> [XMLAttribute] {
        if shape.kind == .mask, let mask = scaledMask(shape, by: scale) {
            return shape.xmlAttributes.map { attribute in
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
        return shape.xmlAttributes.map { attribute in
            switch attribute.role.field {
            case .points:
                guard let points = shape.points else { return attribute }
                return XMLAttribute(name: attribute.name, value: ShapeRepairs.text(points.map { Point(x: $0.x * scale.x, y: $0.y * scale.y) }))
            case .geometry where shape.kind != .mask:
                guard let value = parseNumber(attribute.value) else { return attribute }
                return XMLAttribute(name: attribute.name, value: CVATStyle.number(value * (ShapeRepairs.isHorizontal(attribute.name) ? scale.x : scale.y)))
            default:
                return attribute
            }
        }
    }

    /// A mask resampled to the scaled size (nearest pixel), as CVAT's RLE from a run of background.
    static func scaledMask(_ shape: Shape, by scale: (x: Double, y: Double)) -> (left: Int, top: Int, width: Int, height: Int, rle: String)? {
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
}
