import Foundation

/// Where a shape lies, for the repairs that need to know.
struct ShapePlace {
    /// The image's (or video frame's) pixel size as written to the output; nil when unknown.
    var size: (width: Double, height: Double)?
    /// The factors an image's coordinates are scaled by (`rescaleToMedia`), when its file is another size.
    var scale: (x: Double, y: Double)?
    /// The image's subset as written to the output, for its tags (`TagSubsets`); nil for a video frame.
    var subset: String?
}

/// The repairs that keep an annotation by mending it, in the order they run on a shape: coordinates scaled
/// to the media (`RescaleToMedia`) and clipped to the image (`ClipToImage`), values written in their declared
/// spelling (`MapAttributeValue`). After conversions the write pass splits self-intersecting polygons
/// (`RepairPolygon`); `DeclareAttributeValue` changes `<meta>` only.
enum ShapeRepairs {
    /// The shape with the program's repairs made, and the steps made (empty: the shape as it was).
    static func apply(_ shape: Shape, label: String, program: ApplyProgram, place: ShapePlace) -> (Shape, [String]) {
        // Most runs repair nothing here: one test, not a lookup per shape.
        guard place.scale != nil || !program.clippedLabels.isEmpty || !program.valueSpellings.isEmpty else { return (shape, []) }
        var steps: [String] = []
        func made(_ step: String) { if !steps.contains(step) { steps.append(step) } }
        var attributes = shape.xmlAttributes
        var values = shape.attributes
        var elements = shape.elements
        if let scale = place.scale, scale.x != 1 || scale.y != 1 {
            attributes = RescaleToMedia.scaled(shape, by: scale)
            elements = elements.map { $0.with(attributes: RescaleToMedia.scaled($0, by: scale)) }
            made("rescaleToMedia")
        }
        if program.clippedLabels.contains(label), let size = place.size {
            let current = steps.isEmpty ? shape : shape.with(attributes: attributes)
            if let clipped = ClipToImage.clipped(current, size: size) {
                attributes = clipped
                made("clipToImage")
            }
            elements = elements.map { element in
                guard let clamped = ClipToImage.clipped(element, size: size) else { return element }
                made("clipToImage")
                return element.with(attributes: clamped)
            }
        }
        if MapAttributeValue.respell(&values, label: label, program: program) { made("mapAttributeValue") }
        elements = elements.map { element in
            var elementValues = element.attributes
            guard MapAttributeValue.respell(&elementValues, label: element.label, program: program) else { return element }
            made("mapAttributeValue")
            return element.with(attributes: element.xmlAttributes, values: elementValues)
        }
        guard !steps.isEmpty else { return (shape, []) }
        let repaired = shape.with(attributes: attributes, values: values)
        repaired.elements = elements
        return (repaired, steps)
    }

    /// Whether a geometry attribute measures along x (`xtl`, `cx`, `rx`, `left`, `width`, …).
    static func isHorizontal(_ name: String) -> Bool {
        name.hasPrefix("x") || name == "cx" || name == "rx" || name == "left" || name == "width"
    }

    static func text(_ points: [Point]) -> String {
        points.map { CVATStyle.number($0.x) + "," + CVATStyle.number($0.y) }.joined(separator: ";")
    }
}

extension Shape {
    /// Whether a value the shape holds (under `label`), or one of its elements holds (under the element's
    /// label), passes `test`.
    func holdsValue(label: String, where test: (AttributeValue, String) -> Bool) -> Bool {
        attributes.contains { test($0, label) } || elements.contains { element in element.attributes.contains { test($0, element.label) } }
    }

    /// A copy with other XML attributes (re-read) and, when given, other `<attribute>` values.
    func with(attributes xmlAttributes: [XMLAttribute], values: [AttributeValue]? = nil) -> Shape {
        let copy = Shape(kind: kind, label: label, xmlAttributes: xmlAttributes, attributes: values ?? attributes,
                         elements: elements, location: location)
        copy.span = span
        return copy
    }
}
