import CVATLint
import Foundation

/// Attribute specs that cannot work: radio/select with no values, malformed number specs, defaults
/// outside the values, specs without a name or an input type.
final class AttributeSpecInvalid: Rule {
    static let description = RuleDescription(
        id: "attribute-spec",
        defaultSeverity: .warning,
        category: .attributes,
        summary: "an attribute spec is malformed (no radio/select values, a bad number spec, a default outside the values, no name or input type)",
        rationale: """
            A radio or select needs at least one value; a number spec is three newline-separated values, \
            min, max and step, with min < max and step > 0 (the UI's "min;max;step" is stored that way). \
            Servers before 2023 hardly validated specs, so old exports hold odd ones; targets that build \
            their ontology from the spec trip on them. A spec without <name> or <input_type> stops CVAT's \
            project import, which reads both from every spec (a KeyError, or the type set on the spec before). \
            Specs in the 1.0 text form (@select=color:red,blue) have neither element: Datumaro's CVAT reader \
            stops on them.
            """,
        issueTypes: [.init("attribute_spec_invalid"), .init("attribute_spec_incomplete"),
                     .init("attribute_spec_text_form", severity: .info)],
        triggering: [
            RuleExample("a select with no values", xml: RuleExample.document(
                meta: RuleExample.task(labels: ["car:↓select:color"]), body: "")),
            RuleExample("a number spec with min above max", xml: RuleExample.document(
                meta: RuleExample.task(labels: ["car:↓number:speed:10|1|1"]), body: "")),
            RuleExample("a spec without its input type", xml: RuleExample.document(meta: """
                <task>
                  <labels>
                    <label>
                      <name>car</name>
                      <attributes>
                        ↓<attribute>
                          <name>color</name>
                          <values>red</values>
                        </attribute>
                      </attributes>
                    </label>
                  </labels>
                </task>
                """, body: "")),
        ],
        nonTriggering: [
            RuleExample("a well-formed number spec", xml: RuleExample.document(
                meta: RuleExample.task(labels: ["car:number:speed:0|100|1"]), body: "")),
        ])

    private let context: RuleContext

    init(context: RuleContext) { self.context = context }

    func visitMeta(_ meta: ExportMeta) {
        var textForm = Occurrences<String>()
        for label in meta.labels {
            for attribute in label.namelessAttributes { reportIncomplete(attribute, of: label) }
            for attribute in label.attributes where attribute.isTextForm { textForm.note("", at: attribute.location, example: label.name) }
            for attribute in label.attributes {
                if !attribute.lacks.isEmpty { reportIncomplete(attribute, of: label) }
                guard let problem = Self.problem(with: attribute) else { continue }
                context.report("label '\(label.name)': attribute '\(attribute.name)' \(problem)", at: attribute.location,
                               issueType: "attribute_spec_invalid") {
                    $0.label = label.name
                    $0.attribute = attribute.name
                }
            }
        }
        reportTextForm(textForm)
    }

    /// Once for the file: the form is the era's, not one spec's.
    private func reportTextForm(_ specs: Occurrences<String>) {
        guard let entry = specs.all.first?.entry else { return }
        context.report("\(counted(entry.count, "attribute spec")) \(entry.count == 1 ? "is" : "are") written in the 1.0 text form "
                       + "(@type=name:values) rather than as <name>, <input_type> and <values>", at: entry.first,
                       issueType: "attribute_spec_text_form") { $0.label = entry.example }
    }

    private func reportIncomplete(_ attribute: AttributeSpec, of label: LabelSpec) {
        let what = attribute.lacks.map { "<\($0)>" }.joined(separator: " or ")
        let subject = attribute.lacks.contains("name") ? "an attribute spec" : "attribute '\(attribute.name)'"
        context.report("label '\(label.name)': \(subject) has no \(what)", at: attribute.location,
                       issueType: "attribute_spec_incomplete") {
            $0.label = label.name
            $0.attribute = attribute.lacks.contains("name") ? nil : attribute.name
        }
    }

    static func problem(with attribute: AttributeSpec) -> String? {
        // Datumaro's writer separates values by spaces on one line; CVAT never does.
        if ["radio", "select", "number"].contains(attribute.inputType), attribute.values.count == 1,
           let only = attribute.values.first, only.contains(" ") {
            return "lists its values on one line separated by spaces ('\(only)'), as Datumaro writes them; CVAT separates them by newlines"
        }
        switch attribute.inputType {
        case "radio", "select":
            let values = attribute.values.filter { !$0.isEmpty }
            if values.isEmpty { return "is a \(attribute.inputType) with no values" }
            if let value = attribute.defaultValue?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty,
               !values.contains(value) {
                return "has default '\(value)', which is not one of its values"
            }
        case "number":
            guard attribute.values.count == 3 else {
                return "is a number but its spec has \(counted(attribute.values.count, "line")); expected min, max and step"
            }
            guard let spec = NumberSpec(attribute.values) else { return "is a number but its min, max or step is not a number" }
            if spec.minimum >= spec.maximum { return "has min \(spec.minimum.clean) ≥ max \(spec.maximum.clean)" }
            if spec.step <= 0 { return "has a step of \(spec.step.clean); it must be > 0" }
            if spec.step > spec.maximum - spec.minimum { return "has a step larger than max − min" }
        case "checkbox":
            if let value = attribute.defaultValue?.trimmingCharacters(in: .whitespaces).lowercased(), !value.isEmpty,
               value != "true", value != "false" {
                return "is a checkbox with default '\(value)'; expected true or false"
            }
        default:
            break
        }
        return nil
    }
}
