import Foundation

/// The annotation element kinds of CVAT XML (tags count as a kind, as importers treat them so).
public enum ShapeKind: String, Sendable, Codable, CaseIterable, Comparable {
    case box, polygon, polyline, points, ellipse, cuboid, mask, skeleton, tag

    public static func < (lhs: ShapeKind, rhs: ShapeKind) -> Bool {
        (allCases.firstIndex(of: lhs) ?? 0) < (allCases.firstIndex(of: rhs) ?? 0)
    }
}

extension ShapeKind {
    /// The kind's place in `allCases`, for arrays indexed by kind.
    public var index: Int {
        switch self {
        case .box: 0
        case .polygon: 1
        case .polyline: 2
        case .points: 3
        case .ellipse: 4
        case .cuboid: 5
        case .mask: 6
        case .skeleton: 7
        case .tag: 8
        }
    }

    /// The kind an element name stands for, compared in place (no string is made).
    public init?(element name: ElementName) {
        for (text, kind) in Self.elementNames where name.isEqual(to: text) {
            self = kind
            return
        }
        return nil
    }

    private static let elementNames: [(StaticString, ShapeKind)] = [
        ("box", .box), ("polygon", .polygon), ("polyline", .polyline), ("points", .points), ("ellipse", .ellipse),
        ("cuboid", .cuboid), ("mask", .mask), ("skeleton", .skeleton), ("tag", .tag),
    ]

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
    public let name: String
    public let value: String
    /// What the name means on a shape, worked out once per distinct name (the reader caches it per interned
    /// name). It follows from `name`, so comparing it too changes no equality.
    let role: ShapeAttributeRole

    public init(name: String, value: String) {
        self.init(name: name, value: value, role: ShapeAttributeRole(name: name))
    }

    init(name: String, value: String, role: ShapeAttributeRole) {
        self.name = name
        self.value = value
        self.role = role
    }
}

/// The meaning of an XML attribute name on a shape element: one of the fields every kind may carry, or a
/// geometry number of one kind. Shapes are read millions of times: matching a small enum instead of
/// comparing strings is most of what makes reading them cheap.
struct ShapeAttributeRole: Sendable, Hashable {
    enum Field: UInt8, Sendable {
        case other, label, points, source, occluded, outside, keyframe, frame, zOrder, groupID, rotation, geometry
    }

    var field: Field
    /// For `.geometry`: the kind the name belongs to and its place in `Shape.geometryNames(kind)`.
    var geometryKind: ShapeKind?
    var geometryIndex: UInt8 = 0

    init(name: String) {
        self = Self.known[name] ?? ShapeAttributeRole(field: .other)
    }

    private init(field: Field, geometryKind: ShapeKind? = nil, geometryIndex: Int = 0) {
        self.field = field
        self.geometryKind = geometryKind
        self.geometryIndex = UInt8(geometryIndex)
    }

    private static let known: [String: ShapeAttributeRole] = {
        var known: [String: ShapeAttributeRole] = [
            "label": .init(field: .label), "points": .init(field: .points), "source": .init(field: .source),
            "occluded": .init(field: .occluded), "outside": .init(field: .outside), "keyframe": .init(field: .keyframe),
            "frame": .init(field: .frame), "z_order": .init(field: .zOrder), "group_id": .init(field: .groupID),
            "rotation": .init(field: .rotation),
        ]
        // Geometry names never repeat across kinds, so one name has one place.
        for kind in ShapeKind.allCases {
            for (index, name) in Shape.geometryNames(kind).enumerated() {
                known[name] = .init(field: .geometry, geometryKind: kind, geometryIndex: index)
            }
        }
        return known
    }()
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
/// The XML attributes are kept as written (nothing is lost); the fields rules read often are parsed once.
/// A class, not a struct: a dozen rules look at every shape, and passing a reference costs one retain
/// where copying a struct of arrays and strings costs many. It is complete, and not changed again, by the
/// time a rule sees it.
public final class Shape: @unchecked Sendable {
    public let kind: ShapeKind
    /// The label name: the shape's own, the track's for a track frame, the sublabel for a skeleton element.
    public let label: String
    public let xmlAttributes: [XMLAttribute]
    // `@exclusivity(unchecked)`: only the reader's thread adds to these, before any rule sees the shape.
    /// `<attribute>` children, added while the shape is read.
    @exclusivity(unchecked) public internal(set) var attributes: [AttributeValue]
    /// Skeleton elements (`<points>` children of a `<skeleton>`), added while the shape is read.
    @exclusivity(unchecked) public internal(set) var elements: [Shape]
    public let location: SourceLocation
    /// Where the element lies in the file, when the reader was asked for offsets.
    @exclusivity(unchecked) public internal(set) var span: ByteSpan?
    /// Whether it holds a child element the reader does not model (known only when offsets are on, for `apply`).
    @exclusivity(unchecked) public internal(set) var holdsForeignChild = false
    /// The `points` list, parsed once (several rules read it); nil when absent or malformed.
    public let points: [Point]?
    /// The kind's geometry numbers (`geometryNames`), parsed once; nil where absent or not a number.
    public let geometry: [Double?]
    /// The fields every kind may carry, read in the same single pass over the XML attributes.
    public let source: String?
    public let occluded: Bool
    public let outside: Bool
    public let keyframe: Bool?
    public let frame: Int?
    public let zOrder: Int?
    public let groupID: Int?
    public let rotation: Double?

    /// `label` nil takes the element's own `label` attribute (a track frame passes its track's instead).
    public init(kind: ShapeKind, label: String? = nil, xmlAttributes: [XMLAttribute], attributes: [AttributeValue] = [],
                elements: [Shape] = [], location: SourceLocation) {
        self.kind = kind
        self.xmlAttributes = xmlAttributes
        self.attributes = attributes
        self.elements = elements
        self.location = location
        // One pass over the attributes: rules read these fields many times per shape.
        var geometry = [Double?](repeating: nil, count: Self.geometryNames(kind).count)
        var points: [Point]?
        var ownLabel: String?
        var source: String?
        var occluded = false, outside = false
        var keyframe: Bool?
        var frame: Int?, zOrder: Int?, groupID: Int?
        var rotation: Double?
        for attribute in xmlAttributes {
            let value = attribute.value
            switch attribute.role.field {
            case .points: points = parsePoints(value)
            case .source: source = value
            case .occluded: occluded = value.isDigit(1)
            case .outside: outside = value.isDigit(1)
            case .keyframe: keyframe = value.isDigit(1) ? true : (value.isDigit(0) ? false : nil)
            case .frame: frame = parseInteger(value)
            case .zOrder: zOrder = parseInteger(value)
            case .groupID: groupID = parseInteger(value)
            case .rotation: rotation = parseNumber(value)
            case .geometry:
                if attribute.role.geometryKind == kind { geometry[Int(attribute.role.geometryIndex)] = parseNumber(value) }
            case .label: ownLabel = value
            case .other: break
            }
        }
        self.label = label ?? ownLabel ?? ""
        self.points = points
        self.geometry = geometry
        self.source = source
        self.occluded = occluded
        self.outside = outside
        self.keyframe = keyframe
        self.frame = frame
        self.zOrder = zOrder
        self.groupID = groupID
        self.rotation = rotation
    }

    /// The numeric geometry attributes of a kind, in the order `geometry` holds them.
    public static func geometryNames(_ kind: ShapeKind) -> [String] {
        switch kind {
        case .box: boxNames
        case .ellipse: ellipseNames
        case .cuboid: cuboidCoordinates
        case .mask: maskNames
        default: []
        }
    }

    // Stored once: a literal here would build a new array for every shape read.
    private static let boxNames = ["xtl", "ytl", "xbr", "ybr"]
    private static let ellipseNames = ["cx", "cy", "rx", "ry"]
    private static let maskNames = ["left", "top", "width", "height"]

    /// Adds an `<attribute>` child while the shape is read (room for a typical label's few at once).
    func addAttribute(_ value: AttributeValue) {
        if attributes.isEmpty { attributes.reserveCapacity(8) }
        attributes.append(value)
    }

    /// The raw value of an XML attribute.
    public subscript(_ name: String) -> String? {
        xmlAttributes.value(named: name)
    }

    /// An XML attribute read as a number (Python `float()` rules: surrounding spaces allowed).
    public func number(_ name: String) -> Double? {
        if let index = Self.geometryNames(kind).firstIndex(of: name) { return geometry[index] }
        if name == "rotation" { return rotation }
        return self[name].flatMap { parseNumber($0) }
    }

    /// An XML attribute read as an integer.
    public func integer(_ name: String) -> Int? {
        self[name].flatMap { parseInteger($0) }
    }



}

/// Python-`float()`-like number parsing: surrounding spaces allowed; empty text is not a number.
public func parseNumber(_ text: String) -> Double? {
    // Most values are written bare ("12.50"): read them without trimming or the C library first.
    if let value = text.utf8.withContiguousStorageIfAvailable(DecimalReader.whole) ?? nil { return value }
    if let value = Double(text) { return value }
    let trimmed = text.trimmingASCIISpaces()
    return trimmed.isEmpty || trimmed.count == text.count ? nil : Double(trimmed)
}

/// Python-`int()`-like integer parsing: surrounding spaces and a `+` allowed; `1.0` is not an integer.
public func parseInteger(_ text: String) -> Int? {
    if let value = Int(text) { return value }
    var trimmed = text.trimmingASCIISpaces()
    if trimmed.first == "+" { trimmed = trimmed.dropFirst() }
    return trimmed.isEmpty ? nil : Int(trimmed)
}

/// `x0,y0;x1,y1;…` as CVAT's parser reads it (spaces around numbers allowed); nil when any part is not
/// a number. Read with `strtod` over the bytes: a polygon can hold thousands of points.
public func parsePoints(_ text: String) -> [Point]? {
    var text = text
    return text.withUTF8 { bytes -> [Point]? in
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return nil }
        // strtod needs a terminated string; attribute values hold no NUL.
        let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count + 1)
        defer { buffer.deallocate() }
        buffer.initialize(from: UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self), count: bytes.count)
        buffer[bytes.count] = 0
        let end = buffer + bytes.count
        var result: [Point] = []
        result.reserveCapacity(bytes.count / 12 + 1)
        var cursor = UnsafeMutablePointer(buffer)
        func number(then separator: CChar?) -> Double? {
            guard let value = strictNumber(&cursor, end: end) else { return nil }
            while cursor < end, cursor.pointee == 0x20 || cursor.pointee == 0x09 { cursor += 1 }
            if let separator {
                guard cursor < end, cursor.pointee == separator else { return nil }
                cursor += 1
            }
            return value
        }
        while true {
            guard let x = number(then: 0x2C /* , */) else { return nil }
            let y = strictNumber(&cursor, end: end)
            guard let y else { return nil }
            while cursor < end, cursor.pointee == 0x20 || cursor.pointee == 0x09 { cursor += 1 }
            result.append(Point(x: x, y: y))
            if cursor == end { return result }
            guard cursor.pointee == 0x3B /* ; */ else { return nil }
            cursor += 1
        }
    }
}

/// One decimal number at `cursor` (leading spaces allowed), moving past it; nil unless digits came.
/// Words strtod would take (inf, nan, hex) are refused, as CVAT writes plain decimals.
private func strictNumber(_ cursor: inout UnsafeMutablePointer<CChar>, end: UnsafeMutablePointer<CChar>) -> Double? {
    while cursor < end, UInt8(bitPattern: cursor.pointee).isASCIISpace { cursor += 1 }
    guard cursor < end else { return nil }
    let first = cursor.pointee
    let startsWell = (first >= 0x30 && first <= 0x39) || first == 0x2E || first == 0x2B || first == 0x2D
    guard startsWell else { return nil }
    let plain = UnsafeRawBufferPointer(start: cursor, count: end - cursor).withMemoryRebound(to: UInt8.self) {
        DecimalReader.read($0)
    }
    if let (value, length) = plain {
        // A plain decimal is never followed by hex's "x" (the reader stops at it, so it is seen here).
        let next = cursor + length
        guard next == end || (next.pointee != 0x78 && next.pointee != 0x58) else { return nil }
        cursor = next
        return value
    }
    var after: UnsafeMutablePointer<CChar>?
    let value = strtod(cursor, &after)
    guard let after, after > cursor else { return nil }
    // A sign or dot must have been followed by digits that strtod took; hex ("0x…") is refused.
    let taken = UnsafeBufferPointer(start: cursor, count: after - cursor)
    if taken.contains(where: { $0 == 0x78 || $0 == 0x58 }) { return nil }
    cursor = after
    return value
}


extension UInt8 {
    /// An ASCII space, tab or line break.
    @inlinable
    public var isASCIISpace: Bool { self == 0x20 || self == 0x09 || self == 0x0A || self == 0x0D }
}

extension StringProtocol where UTF8View: BidirectionalCollection {
    /// Without leading and trailing ASCII spaces, tabs and line breaks (no Unicode look-ups, no Foundation).
    @inlinable
    public func trimmingASCIISpaces() -> SubSequence {
        // Most values have nothing to trim: look at the two end bytes only.
        if let first = utf8.first, let last = utf8.last, !first.isASCIISpace, !last.isASCIISpace {
            return self[startIndex..<endIndex]
        }
        let isSpace = { (character: Character) in character == " " || character == "\t" || character == "\n" || character == "\r" }
        var start = startIndex
        var end = endIndex
        while start < end, isSpace(self[start]) { start = index(after: start) }
        while end > start, isSpace(self[index(before: end)]) { end = index(before: end) }
        return self[start..<end]
    }
}

extension String {
    func trimmingSpaces() -> String { String(trimmingASCIISpaces()) }

    /// The text without ASCII spaces at its edges; the same string, not a copy, when there are none.
    public var withoutASCIISpacesAtEdges: String { hasASCIISpaceAtEdge ? String(trimmingASCIISpaces()) : self }

    /// Whether the text starts or ends with an ASCII space, tab or line break (so that trimming would change it).
    public var hasASCIISpaceAtEdge: Bool {
        guard let first = utf8.first, let last = utf8.last else { return false }
        return first.isASCIISpace || last.isASCIISpace
    }

    /// Whether the text is exactly one decimal digit `digit` (CVAT's "0"/"1" flags), checked on the bytes.
    @inlinable
    public func isDigit(_ digit: UInt8) -> Bool {
        utf8.count == 1 && utf8.first == 0x30 + digit
    }
}
