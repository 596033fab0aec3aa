/// Reads an XSD written one declaration per line, as cvat-lint's is: enough to list its simple types and
/// their facets without a second XML parser. (libxml2 compiles the schema; this only points into its text.)
public enum XSDLines {
    /// A simple type: its name (nil when anonymous), its pattern facets with the lines they stand on, and
    /// whether it collapses whitespace first.
    public struct SimpleType: Sendable {
        public var name: String?
        public var patterns: [(line: Int, pattern: String)]
        public var collapses: Bool
        /// The line of its `<xs:whiteSpace>` facet, if it has one.
        public var whiteSpaceLine: Int?
        /// How many facets it states, of any kind.
        public var facetCount = 0
    }

    /// The facets a restriction of a simple type may state.
    private static let facets = ["enumeration", "pattern", "whiteSpace", "length", "minLength", "maxLength", "minInclusive",
                                 "maxInclusive", "minExclusive", "maxExclusive", "totalDigits", "fractionDigits"]

    /// Every simple type in `lines`, in order; a pattern outside any simple type is not listed.
    public static func simpleTypes(in lines: [String]) -> [SimpleType] {
        var types: [SimpleType] = []
        var open = false
        for (index, text) in lines.enumerated() {
            let line = Line(text)
            if line.contains("<xs:simpleType") {
                types.append(SimpleType(name: line.value(of: "name"), patterns: [], collapses: false))
                open = true
            }
            guard open else { continue }
            if line.contains("<xs:pattern"), let pattern = line.value(of: "value") {
                types[types.count - 1].patterns.append((index, pattern.replacingXMLEntities()))
            }
            if line.contains("<xs:whiteSpace") {
                types[types.count - 1].whiteSpaceLine = index
                if line.value(of: "value") == "collapse" { types[types.count - 1].collapses = true }
            }
            if facets.contains(where: { line.startsElement("xs:" + $0) }) { types[types.count - 1].facetCount += 1 }
            if line.contains("</xs:simpleType>") { open = false }
        }
        return types
    }

    /// One line's bytes, searched byte by byte: Foundation's string search cost the pattern shortcut
    /// milliseconds at the start of every run.
    struct Line {
        let bytes: [UInt8]

        init(_ text: String) { bytes = Array(text.utf8) }

        /// Where `needle` first stands, if anywhere.
        func find(_ needle: String) -> Int? {
            let needle = Array(needle.utf8)
            guard let first = needle.first, bytes.count >= needle.count else { return nil }
            for start in 0...(bytes.count - needle.count) where bytes[start] == first {
                if bytes[start..<(start + needle.count)].elementsEqual(needle) { return start }
            }
            return nil
        }

        func contains(_ needle: String) -> Bool { find(needle) != nil }

        /// Whether an element named `name` starts here (`<name`, then a space, `>` or `/`).
        func startsElement(_ name: String) -> Bool {
            guard let start = find("<" + name) else { return false }
            let next = start + name.utf8.count + 1
            return next < bytes.count && [UInt8(ascii: " "), UInt8(ascii: ">"), UInt8(ascii: "/")].contains(bytes[next])
        }

        /// The value of the XML attribute `attribute` (` name="…"`), undecoded.
        func value(of attribute: String) -> String? {
            let needle = " \(attribute)=\""
            guard let start = find(needle) else { return nil }
            let rest = bytes[(start + needle.utf8.count)...]
            return rest.firstIndex(of: UInt8(ascii: "\"")).map { String(decoding: rest[..<$0], as: UTF8.self) }
        }
    }
}

extension String {
    /// The text with the predefined XML entities and character references decoded (as they stand in an
    /// XSD attribute).
    public func replacingXMLEntities() -> String {
        guard contains("&") else { return self }
        return XMLReferences.decode(Array(utf8))
    }
}
