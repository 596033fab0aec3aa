/// XSD patterns matched in Swift instead of by libxml2's regular-expression engine, which walks its
/// automaton character by character: on a 100 MB export the `points` and `rle` patterns alone took a fifth
/// of the validating thread, the coordinates' another few per cent.
///
/// Exact by construction: the parse validates with a copy of the XSD without these patterns, and every
/// attribute the patterns apply to is matched here. When every value matches, the two schemas report the
/// same (they differ only in those patterns); when one does not, or holds a reference this matcher does
/// not decode, the file is validated again with the whole XSD and that report is the one kept.
public struct PatternShortcut: Sendable {
    public typealias Matcher = @Sendable (UnsafeBufferPointer<UInt8>) -> Bool

    /// A pattern as a simple type states it: its text, and whether the type collapses whitespace first
    /// (`<xs:whiteSpace value="collapse"/>`: leading and trailing spaces go, inner runs become one).
    public struct Key: Hashable, Sendable {
        public var pattern: String
        public var collapses: Bool

        public init(pattern: String, collapses: Bool) {
            self.pattern = pattern
            self.collapses = collapses
        }
    }

    /// The patterns matched natively.
    static let matchers: [Key: Matcher] = [
        Key(pattern: #"\s*[+\-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+\-]?[0-9]+)?\s*,\s*[+\-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+\-]?[0-9]+)?\s*(;\s*[+\-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+\-]?[0-9]+)?\s*,\s*[+\-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+\-]?[0-9]+)?\s*)*"#,
            collapses: false): PatternScanner.matchesPointPairs,
        Key(pattern: #"\s*[0-9]+\s*(,\s*[0-9]+\s*)*"#, collapses: false): PatternScanner.matchesNaturalList,
        // A pattern without spaces under collapse: the value, spaces trimmed, must match whole.
        Key(pattern: #"[+\-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+\-]?[0-9]+)?"#, collapses: true): PatternScanner.matchesNumber,
        Key(pattern: #"[+\-]?[0-9]+"#, collapses: true): PatternScanner.matchesInteger,
    ]

    /// The native matcher of a simple type's pattern, when it has one.
    public static func matcher(for key: Key) -> Matcher? { matchers[key] }

    /// The XSD without the patterns matched here (the whole XSD when none applies).
    public let fastXSD: String
    /// The matcher for each attribute name whose declared type carried a removed pattern.
    let attributes: [String: Matcher]

    /// Finds the simple types with one pattern that `matchers` knows, used only by attributes (never an
    /// element, never another type's base or item); drops those patterns. Anything else stays with libxml2.
    ///
    /// An attribute is matched wherever it stands, not only on the elements that declare it with that type:
    /// a value elsewhere that fails only costs the pass with the whole XSD. A name declared with two such
    /// types must match both.
    public init(xsd: String) {
        let lines = xsd.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var attributes: [String: [Matcher]] = [:]
        var removed: Set<Int> = []
        // Who uses each type, read off the lines once: elements, derived types and lists; attributes by name.
        var usedElsewhere: Set<String> = []
        var unions: [String] = []
        var users: [String: Set<String>] = [:]
        for text in lines {
            let line = XSDLines.Line(text)
            guard line.contains("<xs:") else { continue }
            if line.contains("<xs:element"), let type = line.value(of: "type") { usedElsewhere.insert(type) }
            for key in ["base", "itemType"] { if let type = line.value(of: key) { usedElsewhere.insert(type) } }
            if line.contains("<xs:union") { unions.append(text) }
            if line.contains("<xs:attribute "), let type = line.value(of: "type"), let user = line.value(of: "name") {
                users[type, default: []].insert(user)
            }
        }
        for type in XSDLines.simpleTypes(in: lines) {
            // A type with several patterns (any may match) or none, or an anonymous one, stays with libxml2.
            guard let name = type.name, type.patterns.count == 1, let (index, pattern) = type.patterns.first,
                  let matcher = Self.matchers[Key(pattern: pattern, collapses: type.collapses)] else { continue }
            let users = users[name] ?? []
            guard !usedElsewhere.contains(name), !unions.contains(where: { $0.contains(name) }), !users.isEmpty else { continue }
            for user in users { attributes[user, default: []].append(matcher) }
            removed.insert(index)
            // A whiteSpace facet with nothing left to apply to would only make libxml2 normalize every value.
            if let line = type.whiteSpaceLine, type.facetCount == 2 { removed.insert(line) }
        }
        self.attributes = attributes.mapValues(Self.all)
        fastXSD = removed.isEmpty ? xsd : lines.enumerated().filter { !removed.contains($0.offset) }.map(\.element)
            .joined(separator: "\n")
    }

    /// One matcher that accepts what every one of `matchers` accepts.
    private static func all(_ matchers: [Matcher]) -> Matcher {
        if matchers.count == 1 { return matchers[0] }
        return { value in matchers.allSatisfy { $0(value) } }
    }

    /// Whether any pattern is matched here (else the fast XSD is the XSD).
    public var isActive: Bool { !attributes.isEmpty }

}

/// A cursor over an attribute value, for the two patterns. `\s` is XSD's: space, tab, newline, return.
struct PatternScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    private var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func skipSpaces() {
        while let byte = current, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { index += 1 }
    }

    /// One or more ASCII digits; false (nothing consumed) when there is none.
    private mutating func digits() -> Bool {
        let start = index
        while let byte = current, byte >= 0x30, byte <= 0x39 { index += 1 }
        return index > start
    }

    private mutating func take(_ byte: UInt8) -> Bool {
        guard current == byte else { return false }
        index += 1
        return true
    }

    /// `[+\-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+\-]?[0-9]+)?`
    private mutating func number() -> Bool {
        if !take(UInt8(ascii: "+")) { _ = take(UInt8(ascii: "-")) }
        if digits() {
            if take(UInt8(ascii: ".")) { _ = digits() }
        } else {
            guard take(UInt8(ascii: ".")), digits() else { return false }
        }
        if take(UInt8(ascii: "e")) || take(UInt8(ascii: "E")) {
            if !take(UInt8(ascii: "+")) { _ = take(UInt8(ascii: "-")) }
            return digits()
        }
        return true
    }

    /// `\s*N\s*,\s*N\s*` where N is a number.
    private mutating func pair() -> Bool {
        skipSpaces()
        guard number() else { return false }
        skipSpaces()
        guard take(UInt8(ascii: ",")) else { return false }
        skipSpaces()
        guard number() else { return false }
        skipSpaces()
        return true
    }

    /// Whether the whole value is `\s*N\s*,\s*N\s*(;\s*N\s*,\s*N\s*)*`, N a number.
    static func matchesPointPairs(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var scanner = PatternScanner(bytes: bytes)
        return scanner.pointPairs()
    }

    /// Whether the whole value is `\s*[0-9]+\s*(,\s*[0-9]+\s*)*`.
    static func matchesNaturalList(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var scanner = PatternScanner(bytes: bytes)
        return scanner.naturalList()
    }

    /// Whether the value, XSD spaces trimmed from both ends, is a number.
    static func matchesNumber(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var scanner = PatternScanner(bytes: bytes)
        scanner.skipSpaces()
        guard scanner.number() else { return false }
        scanner.skipSpaces()
        return scanner.index == bytes.count
    }

    /// Whether the value, XSD spaces trimmed from both ends, is `[+\-]?[0-9]+`.
    static func matchesInteger(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var scanner = PatternScanner(bytes: bytes)
        scanner.skipSpaces()
        if !scanner.take(UInt8(ascii: "+")) { _ = scanner.take(UInt8(ascii: "-")) }
        guard scanner.digits() else { return false }
        scanner.skipSpaces()
        return scanner.index == bytes.count
    }

    private mutating func pointPairs() -> Bool {
        guard pair() else { return false }
        while take(UInt8(ascii: ";")) {
            guard pair() else { return false }
        }
        return index == bytes.count
    }

    private mutating func naturalList() -> Bool {
        repeat {
            skipSpaces()
            guard digits() else { return false }
            skipSpaces()
        } while take(UInt8(ascii: ","))
        return index == bytes.count
    }
}
