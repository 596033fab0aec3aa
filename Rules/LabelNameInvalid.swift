import CVATLint
import Foundation

/// Label specs whose names are empty or repeated, or sublabels whose parent is missing.
final class LabelNameInvalid: Rule {
    static let description = RuleDescription(
        id: "label-name-invalid",
        defaultSeverity: .error,
        category: .labels,
        summary: "a label spec has an empty or duplicate name, or a sublabel names a missing parent",
        rationale: """
            CVAT keeps label names unique among top-level labels and sublabel names unique within their \
            skeleton; importers look labels up by name, so a duplicate makes the lookup ambiguous and an \
            empty name cannot be referenced at all. Datumaro's reader takes every <label> in <meta> for a label \
            spec, wherever it sits, and stops on one without a name: one outside the label list (never CVAT's \
            layout) is reported where it lacks a name, and apply leaves it out.
            """,
        issueTypes: [.init("label_name_duplicate"), .init("label_name_empty"), .init("label_parent_missing"),
                     .init("label_misplaced", severity: .warning)],
        triggering: [
            RuleExample("two labels named car", xml: RuleExample.document(
                meta: RuleExample.task(labels: ["car", "↓car"]), body: "")),
            RuleExample("a sublabel whose skeleton is not declared", xml: RuleExample.document(
                meta: RuleExample.task(labels: ["↓head^pose"]), body: "")),
            RuleExample("a <label> without a name outside the label list, for Datumaro", target: "datumaro", xml: RuleExample.document(
                meta: "<task>\n  <id>1</id>\n  ↓<label>\n    <color>#fa3253</color>\n  </label>\n</task>", body: "")),
        ],
        nonTriggering: [
            RuleExample("two skeletons may share sublabel names", xml: RuleExample.document(
                meta: RuleExample.task(labels: ["a", "b", "1^a", "1^b"]), body: "")),
        ])

    private let context: RuleContext

    init(context: RuleContext) { self.context = context }

    func visitMeta(_ meta: ExportMeta) {
        for stray in meta.unnamedStrayLabels {
            context.report("a <label> outside the label list has no name", at: stray.location, issueType: "label_misplaced")
        }
        var seen: Set<ExportFacts.LabelKey> = []
        let topLevel = Set(meta.labels.filter { $0.parent == nil }.map(\.name))
        for label in meta.labels {
            let place = label.parent.map { "sublabel of '\($0)'" } ?? "label"
            if label.name.trimmingCharacters(in: .whitespaces).isEmpty {
                context.report("a \(place) has an empty name", at: label.location, issueType: "label_name_empty")
                continue
            }
            let key = ExportFacts.LabelKey(name: label.name, parent: label.parent)
            if !seen.insert(key).inserted {
                context.report("\(place) '\(label.name)' is declared twice; lookups by name are ambiguous",
                               at: label.location, issueType: "label_name_duplicate") { $0.label = label.name }
            }
            if let parent = label.parent, !topLevel.contains(parent) {
                context.report("sublabel '\(label.name)' names parent '\(parent)', which is not a declared label",
                               at: label.location, issueType: "label_parent_missing") { $0.label = label.name }
            }
        }
    }
}
