import Foundation

/// Renders rule documentation for `cvat-lint rules` and `cvat-lint explain`, from the rules' own metadata.
public enum RuleDocs {
    /// One line per rule: id, severity (the severities a target gives, when one is named), category, summary.
    public static func table(_ rules: [RuleDescription], target: TargetProfile? = nil) -> String {
        let idWidth = rules.map(\.id.count).max() ?? 2
        let categoryWidth = rules.map(\.category.rawValue.count).max() ?? 8
        let severities = rules.map { severityText($0, target: target) }
        let severityWidth = max(7, severities.map(\.count).max() ?? 7)
        return zip(rules, severities).map { rule, severity in
            rule.id.padding(to: idWidth) + "  " + severity.padding(to: severityWidth) + "  "
                + rule.category.rawValue.padding(to: categoryWidth) + "  " + rule.summary
        }.joined(separator: "\n") + "\n"
    }

    /// "error", or under a target every severity its findings can have there ("error/warning"; "off").
    static func severityText(_ rule: RuleDescription, target: TargetProfile?) -> String {
        guard target != nil else { return rule.defaultSeverity.rawValue }
        let all = rule.severities(under: target)
        return all.isEmpty ? "off" : all.map(\.rawValue).joined(separator: "/")
    }

    /// The rules as JSON: id, severities (default and under the target), category, summary, issue types, actions.
    public static func json(_ rules: [RuleDescription], target: TargetProfile? = nil) throws -> String {
        struct Entry: Encodable {
            var id: String
            var defaultSeverity: Severity
            var severities: [Severity]
            var target: String?
            var category: String
            var summary: String
            var issueTypes: [String]
            var actions: [String]
            enum CodingKeys: String, CodingKey {
                case id, target, category, summary, actions, severities
                case defaultSeverity = "default_severity"
                case issueTypes = "issue_types"
            }
        }
        let entries = rules.map { rule in
            Entry(id: rule.id, defaultSeverity: rule.defaultSeverity, severities: rule.severities(under: target),
                  target: target?.target, category: rule.category.rawValue, summary: rule.summary,
                  issueTypes: rule.issueTypes.map(\.id), actions: rule.actions)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(entries), as: UTF8.self) + "\n"
    }

    /// The whole documentation of one rule, with its examples; a fixture example is shown by its
    /// annotations.xml and media list from `fixtures` (the installed tool has no Fixtures/ folder).
    public static func explain(_ rule: RuleDescription, fixtures: [String: String] = [:]) -> String {
        var out = "\(rule.id) (\(rule.defaultSeverity.rawValue), \(rule.category.rawValue))\n\n"
        out += rule.summary + ".\n\n" + rule.rationale + "\n"
        out += "\nIssue types: " + rule.issueTypes.map(\.id).joined(separator: ", ") + "\n"
        if !rule.actions.isEmpty {
            // Each action with whether `apply` may run it by default (lossless) or only with --allow-loss.
            out += "Actions (what `apply` does):\n"
            for action in rule.actions {
                let declared = ImportAction.declarations.first { $0.key == action }?.value
                out += "  \(action) (\(declared.map { $0.lossless ? "lossless" : "lossy" } ?? "not executed")): \(declared?.effect ?? "")\n"
            }
        }
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
