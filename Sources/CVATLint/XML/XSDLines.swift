/// Reads an XSD written one declaration per line, as cvat-lint's is: enough to list its simple types and
/// their facets without a second XML parser. (libxml2 compiles the schema; this only points into its text.)
public enum XSDLines {
    /// A simple type: its name (nil when anonymous), its pattern facets with the lines they stand on, and
    /// whether it collapses whitespace first.
    public struct SimpleType: Sendable {
        public var name: String?
        public var patterns: [(line: Int, pattern: String)]
        public var collapses: Bool
    }

    /// Every simple type in `lines`, in order; a pattern outside any simple type is not listed.
    public static func simpleTypes(in lines: [String]) -> [SimpleType] {
        var types: [SimpleType] = []
        var open = false
        for (index, line) in lines.enumerated() {
            if line.contains("<xs:simpleType") {
                types.append(SimpleType(name: value(of: "name", in: line), patterns: [], collapses: false))
                open = true
            }
            guard open else { continue }
            if line.contains("<xs:pattern"), let pattern = value(of: "value", in: line) {
                types[types.count - 1].patterns.append((index, pattern.replacingXMLEntities()))
            }
            if line.contains("<xs:whiteSpace"), value(of: "value", in: line) == "collapse" { types[types.count - 1].collapses = true }
            if line.contains("</xs:simpleType>") { open = false }
        }
        return types
    }

    /// The value of the XML attribute `attribute` on a line (` name="…"`), undecoded.
    public static func value(of attribute: String, in line: some StringProtocol) -> String? {
        guard let start = line.range(of: " \(attribute)=\"") else { return nil }
        let rest = line[start.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
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
