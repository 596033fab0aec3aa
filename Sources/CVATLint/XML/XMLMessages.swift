import Foundation

/// Turns libxml2's parser and schema messages into sentences a person can act on.
///
/// libxml2 says "Element 'box', attribute 'xtl': [facet 'pattern'] The value 'abc' is not
/// accepted by the pattern '…'"; we say "box: xtl 'abc' is not a number".
public struct XMLMessages: Sendable {
    /// What a value of each XSD pattern should look like, keyed by the pattern text.
    public var patternDescriptions: [String: String]

    public init(patternDescriptions: [String: String] = [:]) {
        self.patternDescriptions = patternDescriptions
    }

    /// The attribute a schema message says is required but missing ("… The attribute 'keyframe' is required
    /// but missing."), when it says that.
    public static func missingAttribute(in message: String) -> String? {
        guard let start = message.range(of: "The attribute '"), message.hasSuffix("is required but missing.") else { return nil }
        let rest = message[start.upperBound...]
        return rest.firstIndex(of: "'").map { String(rest[..<$0]) }
    }

    /// The sentence for a diagnostic.
    public func describe(_ diagnostic: XMLDiagnostic) -> String {
        switch diagnostic.kind {
        case .xml: describeParserMessage(diagnostic)
        case .schema: describeSchemaMessage(diagnostic)
        }
    }

    // MARK: - Schema messages

    private func describeSchemaMessage(_ diagnostic: XMLDiagnostic) -> String {
        let message = diagnostic.message
        var scanner = MessageScanner(message)
        guard scanner.skip("Element '"), let element = scanner.upTo("'") else { return message }
        var attribute: String?
        if scanner.skip(", attribute '") { attribute = scanner.upTo("'") }
        _ = scanner.skip(": ")
        let rest = scanner.remainder
        let subject = attribute.map { "\(element): \($0)" } ?? element
        let inParent = diagnostic.parent.map { " inside <\($0)>" } ?? ""

        if rest.hasPrefix("[facet 'pattern'] The value '") {
            var facet = MessageScanner(rest)
            _ = facet.skip("[facet 'pattern'] The value '")
            let value = facet.upTo("' is not accepted by the pattern '") ?? ""
            let pattern = facet.upToLast("'") ?? ""
            let expected = patternDescriptions[pattern] ?? "of the expected form"
            return "\(subject) '\(clip(value))' is not \(expected)"
        }
        if rest.hasPrefix("[facet 'enumeration'] The value '") {
            var facet = MessageScanner(rest)
            _ = facet.skip("[facet 'enumeration'] The value '")
            let value = facet.upTo("' is not an element of the set {") ?? ""
            let set = (facet.upToLast("}") ?? "").replacingOccurrences(of: "'", with: "")
            return "\(subject) '\(clip(value))' is not one of: \(set)"
        }
        if rest.hasPrefix("'"), let range = rest.range(of: "' is not a valid value of the atomic type '") {
            let value = String(rest[rest.index(after: rest.startIndex)..<range.lowerBound])
            let type = String(rest[range.upperBound...]).trimming(characters: "'.")
            return "\(subject) '\(clip(value))' is not a valid \(type.replacingOccurrences(of: "xs:", with: ""))"
        }
        if rest.hasPrefix("This element is not expected.") {
            let expected = expectedList(rest)
            return "<\(element)> is not allowed\(inParent)" + (expected.map { "; expected \($0)" } ?? "")
        }
        if rest.hasPrefix("The attribute '"), let name = Self.missingAttribute(in: rest) {
            return "<\(element)> is missing its required attribute '\(name)'"
        }
        if rest.hasPrefix("Missing child element(s).") {
            let expected = expectedList(rest) ?? "a child element"
            if element == "track" { return "<track> has no shapes; expected at least one of \(expectedNames(rest))" }
            return "<\(element)> is missing a child element; expected \(expected)"
        }
        if rest.hasPrefix("The attribute '"), rest.hasSuffix("is not allowed.") {
            return "<\(element)> does not take the attribute '\(attribute ?? "?")'"
        }
        if rest.hasPrefix("Character content other than whitespace is not allowed") {
            return "<\(element)> holds text where only elements belong"
        }
        if rest.hasPrefix("Element content is not allowed") {
            return "<\(element)> must hold only text, not elements"
        }
        if rest.hasPrefix("No matching global declaration available for the validation root") {
            return "root element '\(element)' is not 'annotations'"
        }
        return "\(subject): \(rest)"
    }

    /// "Expected is one of ( a, b )." → "one of a, b" (at most eight names).
    private func expectedList(_ text: String) -> String? {
        let names = expectedNamesArray(text)
        guard !names.isEmpty else { return nil }
        if names.count == 1 { return "<\(names[0])>" }
        return "one of " + expectedNames(text)
    }

    private func expectedNames(_ text: String) -> String {
        let names = expectedNamesArray(text)
        let shown = names.prefix(8).joined(separator: ", ")
        return names.count > 8 ? shown + ", …" : shown
    }

    private func expectedNamesArray(_ text: String) -> [String] {
        guard let open = text.range(of: "( "), let close = text.range(of: " )", range: open.upperBound..<text.endIndex) else {
            return []
        }
        return text[open.upperBound..<close.lowerBound].split(separator: ",")
            .map { $0.trimming(characters: " ") }
            .filter { $0 != "##other{*}*" && !$0.isEmpty }
    }

    // MARK: - Parser messages

    private func describeParserMessage(_ diagnostic: XMLDiagnostic) -> String {
        let message = diagnostic.message
        let firstLine = String(message.split(separator: "\n", omittingEmptySubsequences: true).first ?? "")
        if message.hasPrefix("DOCTYPE declaration") {
            return message + " is not allowed (CVAT never writes one; it is reported, never loaded)"
        }
        if message.hasPrefix("entity declaration") {
            return message + " is refused (entities are never expanded)"
        }
        if firstLine.hasPrefix("Premature end of data in tag ") {
            var scanner = MessageScanner(firstLine)
            _ = scanner.skip("Premature end of data in tag ")
            let tag = scanner.upTo(" line ") ?? "?"
            let line = scanner.remainder
            return "the file ends inside <\(tag)> opened at line \(line): truncated?"
        }
        if firstLine.hasPrefix("Opening and ending tag mismatch: ") {
            var scanner = MessageScanner(firstLine)
            _ = scanner.skip("Opening and ending tag mismatch: ")
            let opened = scanner.upTo(" line ") ?? "?"
            let line = scanner.upTo(" and ") ?? "?"
            return "</\(scanner.remainder)> closes <\(opened)> opened at line \(line)"
        }
        if firstLine.hasPrefix("Input is not proper UTF-8") {
            let bytes = message.split(separator: "\n").dropFirst().first.map { " (\($0.trimming(characters: " ")))" } ?? ""
            return "not valid UTF-8\(bytes); CVAT writes UTF-8 and importers expect it"
        }
        if firstLine.hasPrefix("Entity '"), firstLine.hasSuffix("' not defined") {
            let name = firstLine.dropFirst("Entity '".count).dropLast("' not defined".count)
            return "entity &\(name); is not defined and never expanded (a literal & is written &amp;)"
        }
        if firstLine.hasPrefix("xmlParseEntityRef: no name") {
            return "a bare '&' in text; write it as &amp;"
        }
        if firstLine.hasPrefix("Document is empty") || firstLine.hasPrefix("Start tag expected, '<' not found") {
            return diagnostic.location.line <= 1 ? "not XML: the file is empty or does not start with an element" : "no root element found"
        }
        if firstLine.hasPrefix("Extra content at the end of the document") {
            return "content after the root element has closed"
        }
        if firstLine.hasPrefix("Detected an entity reference loop") {
            return "an entity reference loop (billion laughs); refused"
        }
        if firstLine.hasPrefix("Unsupported encoding") || firstLine.hasPrefix("Document labelled UTF-16 but has UTF-8 content") {
            return firstLine + "; CVAT writes UTF-8"
        }
        return firstLine
    }

    private func clip(_ value: String) -> String {
        value.count > 80 ? String(value.prefix(77)) + "…" : value
    }
}

/// A tiny cursor over a message.
struct MessageScanner {
    private var text: Substring

    init(_ text: String) { self.text = Substring(text) }

    var remainder: String { String(text) }

    mutating func skip(_ prefix: String) -> Bool {
        guard text.hasPrefix(prefix) else { return false }
        text = text.dropFirst(prefix.count)
        return true
    }

    /// The text up to the first `marker`, consuming both.
    mutating func upTo(_ marker: String) -> String? {
        guard let range = text.range(of: marker) else { return nil }
        let found = String(text[..<range.lowerBound])
        text = text[range.upperBound...]
        return found
    }

    /// The text up to the last `marker`, consuming both.
    mutating func upToLast(_ marker: String) -> String? {
        guard let range = text.range(of: marker, options: .backwards) else { return nil }
        let found = String(text[..<range.lowerBound])
        text = text[range.upperBound...]
        return found
    }
}

extension StringProtocol {
    func trimming(characters: String) -> String {
        var text = Substring(self)
        while let first = text.first, characters.contains(first) { text.removeFirst() }
        while let last = text.last, characters.contains(last) { text.removeLast() }
        return String(text)
    }
}
