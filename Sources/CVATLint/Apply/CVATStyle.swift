import Foundation

/// Writes elements as CVAT's dumper does: two spaces per level, attributes in the order given, every
/// shape closed on a line of its own, `<attribute>` children one per line.
enum CVATStyle {
    /// Text escaped for an attribute value in double quotes.
    static func attribute(_ value: String) -> String { XMLEscaping.escape(value, attribute: true) }

    /// Text escaped for element content.
    static func text(_ value: String) -> String { XMLEscaping.escape(value, attribute: false) }

    /// `<name a="1" b="2">` (or `/>` when `empty`).
    static func startTag(_ name: String, _ attributes: [XMLAttribute], empty: Bool = false) -> String {
        var out = "<" + name
        for attribute in attributes { out += " \(attribute.name)=\"\(self.attribute(attribute.value))\"" }
        return out + (empty ? "/>" : ">")
    }

    /// A shape, tag or skeleton element with its `<attribute>` children and elements, starting at its
    /// `<` (the caller writes the indentation before it) and ending after its end tag.
    static func shape(kind: String, attributes: [XMLAttribute], values: [AttributeValue], elements: [ShapeText],
                      indent: String) -> String {
        var out = startTag(kind, attributes)
        let inner = indent + "  "
        for value in values {
            out += "\n\(inner)<attribute name=\"\(attribute(value.name))\">\(text(value.value))</attribute>"
        }
        for element in elements {
            out += "\n\(inner)" + shape(kind: element.kind, attributes: element.attributes, values: element.values,
                                        elements: [], indent: inner)
        }
        return out + "\n\(indent)</\(kind)>"
    }

    /// A `<meta>` subtree as CVAT writes it: leaves on one line, containers with their children indented.
    static func node(_ node: XMLNode, indent: String) -> String {
        var out = startTag(node.name, node.xmlAttributes)
        if node.children.isEmpty {
            return out + text(node.text) + "</\(node.name)>"
        }
        let inner = indent + "  "
        for child in node.children { out += "\n\(inner)" + self.node(child, indent: inner) }
        return out + "\n\(indent)</\(node.name)>"
    }

    /// A coordinate as CVAT writes it: two decimals.
    static func number(_ value: Double) -> String {
        let cents = (value * 100).rounded()
        // Whole cents print as digits: the same text as "%.2f" of cents / 100, without Foundation's formatter
        // (a quarter of apply's time for Encord, which rewrites every shape). Far out, the formatter.
        guard cents.isFinite, abs(cents) < 1e15 else {
            let text = String(format: "%.2f", cents / 100)
            return text == "-0.00" ? "0.00" : text
        }
        let magnitude = Int64(abs(cents))
        let fraction = magnitude % 100
        return (cents < 0 && magnitude != 0 ? "-" : "") + String(magnitude / 100) + (fraction < 10 ? ".0" : ".") + String(fraction)
    }

    /// `x0,y0;x1,y1;…` with two decimals.
    static func points(_ points: [Point]) -> String {
        points.map { "\(number($0.x)),\(number($0.y))" }.joined(separator: ";")
    }
}

/// A shape as it is to be written: its element name, XML attributes in order, `<attribute>` children and
/// skeleton elements.
struct ShapeText {
    var kind: String
    var attributes: [XMLAttribute]
    var values: [AttributeValue]
    var elements: [ShapeText] = []

    /// The text of the shape, its first line starting at `<`.
    func render(indent: String) -> String {
        CVATStyle.shape(kind: kind, attributes: attributes, values: values, elements: elements, indent: indent)
    }
}
