import Foundation

/// A small `annotations.xml` (or a fixture export under `Fixtures/`) that shows a rule at work.
///
/// In a triggering example, `↓` marks where a finding must land: the line, and the column of the
/// character after it (as SwiftLint's examples do). The marks are taken out of the file's text.
public struct RuleExample: Sendable {
    /// The character that marks a finding's place in an example.
    public static let marker: Character = "↓"

    /// The whole file's text, marks taken out; empty when the example is a fixture.
    public var xml: String
    /// Where the marks stood: each is a place a finding of the rule must have.
    public var markedPlaces: [SourceLocation]
    /// The name of a fixture export under `Fixtures/`, for examples that need media beside the XML.
    public var fixture: String?
    /// Why it does (or does not) trigger.
    public var note: String
    /// The import target it is checked for; nil for the default target.
    public var target: String?
    /// A `.cvat-lint.yml` the example is checked under (e.g. thresholds); nil for none.
    public var configuration: String?

    /// The same example, checked under this `.cvat-lint.yml` text.
    public func configured(_ yaml: String) -> RuleExample {
        var example = self
        example.configuration = yaml
        return example
    }

    public init(_ note: String, target: String? = nil, xml: String) {
        self.note = note
        self.target = target
        (self.xml, markedPlaces) = Self.takingMarks(out: xml)
        fixture = nil
    }

    /// The text without its marks, and the place (1-based line and column) of each.
    static func takingMarks(out text: String) -> (String, [SourceLocation]) {
        var places: [SourceLocation] = []
        var clean = ""
        var line = 1
        var column = 1
        for character in text {
            if character == marker {
                places.append(SourceLocation(line: line, column: column))
                continue
            }
            clean.append(character)
            if character == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return (clean, places)
    }

    /// An example that is a whole export under `Fixtures/`.
    public static func fixture(_ note: String, _ name: String, target: String? = nil) -> RuleExample {
        var example = RuleExample(note, target: target, xml: "")
        example.fixture = name
        return example
    }

    /// A file holding one 10×10 image named `a.jpg` with these shapes (one element per line).
    public static func inImage(_ note: String, target: String? = nil, _ shapes: String) -> RuleExample {
        RuleExample(note, target: target, xml: document(meta: "", body: imageElement(shapes)))
    }

    /// A file holding one track of `label` with these frame shapes (one element per line); `marking`
    /// puts a mark (`↓`) on the `<meta>` or `<track>` start tag.
    public static func inTrack(_ note: String, target: String? = nil, label: String = "car", meta: String = "",
                               marking: Mark? = nil, _ shapes: String) -> RuleExample {
        let track = (marking == .track ? "  \(marker)" : "  ") + "<track id=\"0\" label=\"\(label)\">\n"
        return RuleExample(note, target: target, xml: document(
            meta: meta, body: track + indent(shapes, by: 4) + "\n  </track>\n", markMeta: marking == .meta))
    }

    /// A start tag the helpers can mark.
    public enum Mark: Sendable { case meta, track }

    /// A file with this `<meta>` content (e.g. a `<task>` section) and this body; `markMeta` marks `<meta>`.
    public static func document(meta: String, body: String, markMeta: Bool = false) -> String {
        var text = "<annotations>\n  <version>1.1</version>\n"
        if !meta.isEmpty { text += "  " + (markMeta ? String(marker) : "") + "<meta>\n" + indent(meta, by: 4) + "\n  </meta>\n" }
        return text + body + "</annotations>\n"
    }

    /// `<image id="0" name="a.jpg" width="10" height="10">` holding these shapes.
    public static func imageElement(_ shapes: String, name: String = "a.jpg") -> String {
        "  <image id=\"0\" name=\"\(name)\" width=\"10\" height=\"10\">\n" + indent(shapes, by: 4) + "\n  </image>\n"
    }

    /// A `<task>` meta section with this mode and these labels: `name`, `name^parent` for a skeleton
    /// sublabel, `name#type` for a label type, and `name:input_type:attribute[:values]` (values `|`-separated).
    /// A `↓` before a label's name marks its `<label>`, before its input type its `<attribute>`; `marked`
    /// marks `<task>`.
    public static func task(mode: String = "annotation", labels: [String], marked: Bool = false) -> String {
        (marked ? String(marker) : "") + "<task>\n  <id>1</id>\n  <name>t</name>\n  <size>1</size>\n  <mode>\(mode)</mode>\n"
            + indent(labelsSection(labels), by: 2) + "\n</task>"
    }

    /// A `<project>` meta section with these labels, written as `task(labels:)` takes them.
    public static func project(labels: [String]) -> String {
        "<project>\n  <id>1</id>\n  <name>p</name>\n" + indent(labelsSection(labels), by: 2) + "\n</project>"
    }

    /// `<labels>` with these labels, written as `task(labels:)` takes them.
    private static func labelsSection(_ labels: [String]) -> String {
        let specs = labels.map { written -> String in
            let labelMark = written.first == marker ? String(marker) : ""
            let label = labelMark.isEmpty ? written : String(written.dropFirst())
            var parts = label.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            let head = parts.first ?? label
            let typed = head.split(separator: "#").map(String.init)
            let named = (typed.first ?? head).split(separator: "^").map(String.init)
            var spec = labelMark + "<label>\n  <name>\(named.first ?? head)</name>\n"
            if typed.count == 2 { spec += "  <type>\(typed[1])</type>\n" }
            spec += "  <attributes>\n"
            if parts.count >= 3 {
                let attributeMark = parts[1].first == marker ? String(marker) : ""
                if !attributeMark.isEmpty { parts[1].removeFirst() }
                let values = parts.count >= 4 ? parts[3].replacingOccurrences(of: "|", with: "\n") : ""
                spec += "    \(attributeMark)<attribute>\n      <name>\(parts[2])</name>\n      <mutable>False</mutable>\n"
                spec += "      <input_type>\(parts[1])</input_type>\n      <default_value></default_value>\n"
                spec += "      <values>\(values)</values>\n    </attribute>\n"
            }
            spec += "  </attributes>\n"
            if named.count == 2 { spec += "  <parent>\(named[1])</parent>\n" }
            return spec + "</label>"
        }
        return "<labels>\n" + indent(specs.joined(separator: "\n"), by: 2) + "\n</labels>"
    }

    private static func indent(_ text: String, by spaces: Int) -> String {
        let pad = String(repeating: " ", count: spaces)
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : pad + $0 }
            .joined(separator: "\n")
    }
}
