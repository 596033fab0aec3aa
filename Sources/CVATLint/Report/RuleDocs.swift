/// Renders rule documentation for `cvat-lint rules` and `cvat-lint explain`, from the rules' own metadata.
public enum RuleDocs {
    /// One line per rule: id, severity, category, summary.
    public static func table(_ rules: [RuleDescription]) -> String {
        let idWidth = rules.map(\.id.count).max() ?? 2
        let categoryWidth = rules.map(\.category.rawValue.count).max() ?? 8
        return rules.map { rule in
            rule.id.padding(to: idWidth) + "  " + rule.defaultSeverity.rawValue.padding(to: 7) + "  "
                + rule.category.rawValue.padding(to: categoryWidth) + "  " + rule.summary
        }.joined(separator: "\n") + "\n"
    }

    /// The whole documentation of one rule, with its examples; a fixture example is shown by its
    /// annotations.xml and media list from `fixtures` (the installed tool has no Fixtures/ folder).
    public static func explain(_ rule: RuleDescription, fixtures: [String: String] = [:]) -> String {
        var out = "\(rule.id) (\(rule.defaultSeverity.rawValue), \(rule.category.rawValue))\n\n"
        out += rule.summary + ".\n\n" + rule.rationale + "\n"
        for (title, examples) in [("Triggers on", rule.triggering), ("Does not trigger on", rule.nonTriggering)]
        where !examples.isEmpty {
            out += "\n\(title):\n"
            for example in examples {
                out += "\n  # \(example.note)" + (example.target.map { " (target \($0))" } ?? "") + "\n"
                var xml = example.xml
                if let fixture = example.fixture {
                    let media = fixtures["\(fixture)/media.txt"].map { $0.split(separator: "\n").joined(separator: ", ") }
                    out += "  # the export Fixtures/\(fixture): annotations.xml, and under images/: "
                        + (media.map { $0.isEmpty ? "nothing" : $0 } ?? "no images/ folder") + "\n"
                    xml = fixtures["\(fixture)/annotations.xml"] ?? "(not embedded)\n"
                }
                out += xml.split(separator: "\n", omittingEmptySubsequences: false)
                    .map { $0.isEmpty ? "" : "  " + $0 }.joined(separator: "\n")
                if !out.hasSuffix("\n") { out += "\n" }
            }
        }
        return out
    }
}

extension String {
    func padding(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
