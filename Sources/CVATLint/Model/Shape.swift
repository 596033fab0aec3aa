/// The annotation element kinds of CVAT XML (tags count as a kind, as importers treat them so).
public enum ShapeKind: String, Sendable, Codable, CaseIterable, Comparable {
    case box, polygon, polyline, points, ellipse, cuboid, mask, skeleton, tag

    public static func < (lhs: ShapeKind, rhs: ShapeKind) -> Bool {
        (allCases.firstIndex(of: lhs) ?? 0) < (allCases.firstIndex(of: rhs) ?? 0)
    }
}

extension ShapeKind {
    /// The kind a specific label type stands for (`rectangle` → box); nil for `any` and unknown types.
    public init?(labelType: String) {
        switch labelType {
        case "rectangle", "bbox": self = .box
        case "cuboid_3d": self = .cuboid
        case "any": return nil
        default: self.init(rawValue: labelType)
        }
    }
}

/// One XML attribute as written: name and raw value.
public struct XMLAttribute: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// `<attribute name="…">value</attribute>` on a shape, tag, skeleton element or track frame.
public struct AttributeValue: Sendable, Hashable {
    public var name: String
    public var value: String
    public var location: SourceLocation

    public init(name: String, value: String, location: SourceLocation) {
        self.name = name
        self.value = value
        self.location = location
    }
}

/// A 2-D point.
public struct Point: Sendable, Hashable {
    public var x: Double
    public var y: Double

    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}

/// One annotation: a shape or tag in an `<image>`, a per-frame shape of a `<track>`, or a skeleton element.
///
/// The XML attributes are kept as written (nothing is lost); typed accessors read them on demand.
public struct Shape: Sendable {
    public var kind: ShapeKind
    /// The label name: the shape's own, the track's for a track frame, the sublabel for a skeleton element.
    public var label: String
    public var xmlAttributes: [XMLAttribute]
    public var attributes: [AttributeValue]
    /// Skeleton elements (`<points>` children of a `<skeleton>`).
    public var elements: [Shape]
    public var location: SourceLocation

    public init(kind: ShapeKind, label: String, xmlAttributes: [XMLAttribute], attributes: [AttributeValue] = [],
                elements: [Shape] = [], location: SourceLocation) {
        self.kind = kind
        self.label = label
        self.xmlAttributes = xmlAttributes
        self.attributes = attributes
        self.elements = elements
        self.location = location
    }

    /// The raw value of an XML attribute.
    public subscript(_ name: String) -> String? {
        xmlAttributes.first(where: { $0.name == name })?.value
    }

    /// An XML attribute read as a number (Python `float()` rules: surrounding spaces allowed).
    public func number(_ name: String) -> Double? {
        self[name].flatMap(parseNumber)
    }

    /// An XML attribute read as an integer.
    public func integer(_ name: String) -> Int? {
        self[name].flatMap(parseInteger)
    }

    /// A 0/1 flag; nil when absent or not 0/1.
    public func flag(_ name: String) -> Bool? {
        switch self[name] {
        case "1": true
        case "0": false
        default: nil
        }
    }

    public var source: String? { self["source"] }
    public var occluded: Bool { flag("occluded") ?? false }
    public var outside: Bool { flag("outside") ?? false }
    public var keyframe: Bool? { flag("keyframe") }
    public var frame: Int? { integer("frame") }
    public var zOrder: Int? { integer("z_order") }
    public var groupID: Int? { integer("group_id") }
    public var rotation: Double? { number("rotation") }

    /// The `points` list, parsed; nil when absent or malformed.
    public var points: [Point]? {
        self["points"].flatMap(parsePoints)
    }

    /// The mask's run lengths, parsed; nil when absent or malformed.
    public var runLengths: [Int]? {
        self["rle"].flatMap(parseRunLengths)
    }
}

/// Python-`float()`-like number parsing: trims spaces; rejects empty text.
public func parseNumber(_ text: String) -> Double? {
    let trimmed = text.trimmingSpaces()
    guard !trimmed.isEmpty else { return nil }
    return Double(trimmed)
}

/// Python-`int()`-like integer parsing: trims spaces; `1.0` is not an integer.
public func parseInteger(_ text: String) -> Int? {
    let trimmed = text.trimmingSpaces()
    guard !trimmed.isEmpty else { return nil }
    return Int(trimmed.hasPrefix("+") ? String(trimmed.dropFirst()) : trimmed)
}

/// `x0,y0;x1,y1;…` as CVAT's parser reads it; nil when any part is not a number.
public func parsePoints(_ text: String) -> [Point]? {
    var result: [Point] = []
    for pair in text.split(separator: ";", omittingEmptySubsequences: false) {
        let coordinates = pair.split(separator: ",", omittingEmptySubsequences: false)
        guard coordinates.count == 2,
              let x = parseNumber(String(coordinates[0])),
              let y = parseNumber(String(coordinates[1])) else { return nil }
        result.append(Point(x: x, y: y))
    }
    return result
}

/// `a, b, c` run lengths; nil when any part is not a non-negative integer.
public func parseRunLengths(_ text: String) -> [Int]? {
    var result: [Int] = []
    for part in text.split(separator: ",", omittingEmptySubsequences: false) {
        guard let value = parseInteger(String(part)), value >= 0 else { return nil }
        result.append(value)
    }
    return result
}

extension String {
    func trimmingSpaces() -> String {
        var text = Substring(self)
        while let first = text.first, first.isWhitespace { text.removeFirst() }
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return String(text)
    }
}
