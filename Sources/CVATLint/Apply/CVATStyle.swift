import Foundation

/// Writes elements as CVAT's dumper does: two spaces per level, attributes in the order given, every
/// shape closed on a line of its own, `<attribute>` children one per line.
///
/// Everything is rendered into `XMLBytes`: the write pass renders every shape of an Encord export, and
/// building each piece as a `String` first (interpolation, `+`, `joined`) cost a third of its time.
enum CVATStyle {
    /// `<name a="1" b="2">` (or `/>` when `empty`); `points`, when given, is written as the value of the `points` attribute (made here from numbers,
    /// never a string first).
    static func startTag(_ name: String, _ attributes: [XMLAttribute], points: [Point]? = nil, empty: Bool = false,
                         into out: inout XMLBytes) {
        out.append(byte: UInt8(ascii: "<"))
        out.append(name)
        for attribute in attributes {
            out.append(byte: UInt8(ascii: " "))
            out.append(attribute.name)
            out.append(byte: UInt8(ascii: "="))
            out.append(byte: UInt8(ascii: "\""))
            if let points, attribute.role.field == .points {
                out.appendPoints(points)
            } else {
                out.appendEscaped(attribute.value, attribute: true)
            }
            out.append(byte: UInt8(ascii: "\""))
        }
        if empty { out.append(byte: UInt8(ascii: "/")) }
        out.append(byte: UInt8(ascii: ">"))
    }

    /// A shape, tag or skeleton element with its `<attribute>` children and elements, starting at its
    /// `<` (the caller writes the indentation before it) and ending after its end tag.
    static func shape(kind: String, attributes: [XMLAttribute], points: [Point]? = nil, values: [AttributeValue],
                      elements: [ShapeText], indent: String, into out: inout XMLBytes) {
        startTag(kind, attributes, points: points, into: &out)
        let inner = indent + "  "
        for value in values {
            out.append("\n")
            out.append(inner)
            out.append("<attribute name=\"")
            out.appendEscaped(value.name, attribute: true)
            out.append("\">")
            out.appendEscaped(value.value, attribute: false)
            out.append("</attribute>")
        }
        for element in elements {
            out.append("\n")
            out.append(inner)
            shape(kind: element.kind, attributes: element.attributes, points: element.points, values: element.values,
                  elements: [], indent: inner, into: &out)
        }
        out.append("\n")
        out.append(indent)
        out.append("</")
        out.append(kind)
        out.append(">")
    }

    /// A `<track>` of these frames on a line of its own: a line break and `indent` before it and before its end
    /// tag, each frame on its own line at `indent` plus two spaces.
    static func track(_ attributes: [XMLAttribute], frames: [ShapeText], indent: String, into out: inout XMLBytes) {
        out.append("\n")
        out.append(indent)
        startTag("track", attributes, into: &out)
        out.append(bytes: ShapeText.render(frames, indent: indent + "  ", leading: true).bytes[...])
        out.append("\n")
        out.append(indent)
        out.append("</track>")
    }

    /// A `<meta>` subtree as CVAT writes it: leaves on one line, containers with their children indented.
    static func node(_ node: XMLNode, indent: String) -> XMLBytes {
        var out = XMLBytes()
        self.node(node, indent: indent, into: &out)
        return out
    }

    static func node(_ node: XMLNode, indent: String, into out: inout XMLBytes) {
        startTag(node.name, node.xmlAttributes, into: &out)
        if node.children.isEmpty {
            out.appendEscaped(node.text, attribute: false)
        } else {
            let inner = indent + "  "
            for child in node.children {
                out.append("\n")
                out.append(inner)
                self.node(child, indent: inner, into: &out)
            }
            out.append("\n")
            out.append(indent)
        }
        out.append("</")
        out.append(node.name)
        out.append(">")
    }

    /// A coordinate as CVAT writes it: two decimals (what `XMLBytes.appendNumber` writes, as a string).
    static func number(_ value: Double) -> String {
        var out = XMLBytes()
        out.appendNumber(value)
        return out.string
    }
}

/// Output text built as UTF-8 bytes in one growing buffer.
struct XMLBytes: Equatable {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 256) {
        bytes.reserveCapacity(capacity)
    }

    var string: String { String(decoding: bytes, as: UTF8.self) }

    mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func append(byte: UInt8) {
        bytes.append(byte)
    }

    mutating func append(bytes: ArraySlice<UInt8>) {
        self.bytes.append(contentsOf: bytes)
    }

    mutating func append(_ text: String) {
        // A native or small string lends its bytes as they are (`withUTF8` would first copy the value).
        if text.utf8.withContiguousStorageIfAvailable({ bytes.append(contentsOf: $0) }) == nil {
            bytes.append(contentsOf: text.utf8)
        }
    }

    /// `text` escaped for an attribute value in double quotes, or for element content.
    mutating func appendEscaped(_ text: String, attribute: Bool) {
        var text = text
        let plain = text.withUTF8 { utf8 in
            guard !utf8.contains(where: XMLEscaping.isSpecial) else { return false }
            bytes.append(contentsOf: utf8)
            return true
        }
        if !plain { append(XMLEscaping.escape(text, attribute: attribute)) }
    }

    /// A coordinate with two decimals: the text "%.2f" gives for the value rounded to cents (never "-0.00").
    mutating func appendNumber(_ value: Double) {
        // Whole cents are written as digits, without Foundation's formatter (a quarter of apply's time
        // for Encord, which rewrites every shape). Far out, the formatter.
        guard let cents = Self.wholeCents(value) else {
            let text = String(format: "%.2f", (value * 100).rounded() / 100)
            append(text == "-0.00" ? "0.00" : text)
            return
        }
        let magnitude = UInt64(abs(cents))
        if cents < 0, magnitude != 0 { bytes.append(UInt8(ascii: "-")) }
        appendDigits(magnitude / 100)
        let fraction = UInt8(magnitude % 100)
        bytes.append(UInt8(ascii: "."))
        bytes.append(UInt8(ascii: "0") + fraction / 10)
        bytes.append(UInt8(ascii: "0") + fraction % 10)
    }

    /// The value in whole cents, as `appendNumber` writes it; nil where it is not finite or too far out
    /// for digits (the formatter writes it then).
    static func wholeCents(_ value: Double) -> Double? {
        let cents = (value * 100).rounded()
        return cents.isFinite && abs(cents) < 1e15 ? cents : nil
    }

    /// The value a reader gets back from what `appendNumber` writes (cents over 100 is the double nearest
    /// the two-decimal text).
    static func written(_ value: Double) -> Double {
        wholeCents(value).map { $0 / 100 } ?? value
    }

    /// `x0,y0;x1,y1;…` with two decimals.
    mutating func appendPoints(_ points: [Point]) {
        for (index, point) in points.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ";")) }
            appendNumber(point.x)
            bytes.append(UInt8(ascii: ","))
            appendNumber(point.y)
        }
    }

    /// Decimal digits, by constant divisions (a variable divisor costs a hardware division per digit).
    private mutating func appendDigits(_ value: UInt64) {
        var count = 1
        var bound: UInt64 = 10
        while count < 20, value >= bound {
            count += 1
            bound = bound &* 10
        }
        let end = bytes.count + count
        bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: count))
        var rest = value
        var index = end - 1
        while rest > 0 {
            bytes[index] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
            index -= 1
        }
    }
}

/// A shape as it is to be written: its element name, XML attributes in order, `<attribute>` children and
/// skeleton elements.
struct ShapeText {
    var kind: String
    var attributes: [XMLAttribute]
    var values: [AttributeValue]
    var elements: [ShapeText] = []
    /// The value of the `points` attribute, when made anew (a conversion, a split): written from the
    /// numbers, and the attribute's entry in `attributes` only marks its place.
    var points: [Point]?

    init(kind: String, attributes: [XMLAttribute], values: [AttributeValue], elements: [ShapeText] = [], points: [Point]? = nil) {
        self.kind = kind
        self.attributes = attributes
        self.values = values
        self.elements = elements
        self.points = points
    }

    /// The text of the shape, its first line starting at `<`.
    func render(indent: String, into out: inout XMLBytes) {
        CVATStyle.shape(kind: kind, attributes: attributes, points: points, values: values, elements: elements,
                        indent: indent, into: &out)
    }

    /// Shapes one after the other, each after a line break and `indent` (the first too when `leading`).
    static func render(_ texts: [ShapeText], indent: String, leading: Bool = false) -> XMLBytes {
        var out = XMLBytes(capacity: 512 * texts.count)
        for (index, text) in texts.enumerated() {
            if index > 0 || leading {
                out.append("\n")
                out.append(indent)
            }
            text.render(indent: indent, into: &out)
        }
        return out
    }
}
