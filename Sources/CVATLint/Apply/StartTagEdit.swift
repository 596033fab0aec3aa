/// An edit of one start tag's bytes: attributes left out and the label renamed, everything else (the
/// other attributes, their quotes, entities and spacing, and the element's content) kept byte for byte.
///
/// Most shapes an Encord apply touches lose a built-in field or point at a split label and nothing more;
/// editing their start tags in place is cheaper than writing them anew, and a `diff` shows only the edit.
struct StartTagEdit: Equatable {
    /// Attributes to leave out, by name.
    var removing: [String] = []
    /// The new value of `label`, if it changes.
    var label: String?

    var isEmpty: Bool { removing.isEmpty && label == nil }

    /// The edited tag, or nil when the bytes do not read as one start tag (the caller then writes the
    /// element anew) or name none of the attributes the edit needs.
    func apply(to tag: ArraySlice<UInt8>) -> XMLBytes? {
        guard let attributes = Self.attributes(of: tag) else { return nil }
        if label != nil, !attributes.contains(where: { Self.name(tag[$0.name], is: "label") }) { return nil }
        var out = XMLBytes(capacity: tag.count + (label?.utf8.count ?? 0))
        var cursor = tag.startIndex
        for attribute in attributes {
            let name = tag[attribute.name]
            if removing.contains(where: { Self.name(name, is: $0) }) {
                // The space before the attribute goes with it.
                out.append(bytes: tag[cursor..<attribute.spaceStart])
                cursor = attribute.end
            } else if let label, Self.name(name, is: "label") {
                out.append(bytes: tag[cursor..<attribute.valueStart])
                out.append("\"")
                out.appendEscaped(label, attribute: true)
                out.append("\"")
                cursor = attribute.end
            }
        }
        out.append(bytes: tag[cursor...])
        return out
    }

    /// Where one attribute lies in the tag: its leading space, its name, its quoted value (from the
    /// opening quote), its end (after the closing quote).
    struct Attribute {
        var spaceStart: Int
        var name: Range<Int>
        var valueStart: Int
        var end: Int
    }

    /// The attributes of `<name a="1" b='2'>` or `<name .../>`, or nil when the bytes are not one
    /// well-formed start tag (the parser accepted the document, so this is a bug guard, not a reader).
    static func attributes(of tag: ArraySlice<UInt8>) -> [Attribute]? {
        var index = tag.startIndex
        guard index < tag.endIndex, tag[index] == UInt8(ascii: "<") else { return nil }
        index += 1
        while index < tag.endIndex, !isSpace(tag[index]), tag[index] != UInt8(ascii: ">"), tag[index] != UInt8(ascii: "/") {
            index += 1
        }
        var attributes: [Attribute] = []
        while true {
            let spaceStart = index
            while index < tag.endIndex, isSpace(tag[index]) { index += 1 }
            guard index < tag.endIndex else { return nil }
            if tag[index] == UInt8(ascii: ">") || tag[index] == UInt8(ascii: "/") {
                return tag[index...].elementsEqual(">".utf8) || tag[index...].elementsEqual("/>".utf8) ? attributes : nil
            }
            // Attributes are separated by space.
            guard index > spaceStart else { return nil }
            let nameStart = index
            while index < tag.endIndex, !isSpace(tag[index]), tag[index] != UInt8(ascii: "=") { index += 1 }
            let name = nameStart..<index
            while index < tag.endIndex, isSpace(tag[index]) { index += 1 }
            guard !name.isEmpty, index < tag.endIndex, tag[index] == UInt8(ascii: "=") else { return nil }
            index += 1
            while index < tag.endIndex, isSpace(tag[index]) { index += 1 }
            guard index < tag.endIndex, tag[index] == UInt8(ascii: "\"") || tag[index] == UInt8(ascii: "'") else { return nil }
            let quote = tag[index], valueStart = index
            index += 1
            while index < tag.endIndex, tag[index] != quote { index += 1 }
            guard index < tag.endIndex else { return nil }
            index += 1
            attributes.append(Attribute(spaceStart: spaceStart, name: name, valueStart: valueStart, end: index))
        }
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    private static func name(_ bytes: ArraySlice<UInt8>, is name: String) -> Bool {
        bytes.elementsEqual(name.utf8)
    }
}
