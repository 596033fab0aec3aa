import CVATLint
import Foundation

/// Attribute values that do not fit their spec: checkbox not true/false, radio/select outside the list,
/// numbers that are not numbers, out of range or off the step.
final class AttributeValueInvalid: ShapeRule {
    static let description = RuleDescription(
        id: "attribute-value",
        defaultSeverity: .error,
        category: .attributes,
        summary: "an attribute value does not fit its spec (checkbox, radio/select list, number range and step)",
        rationale: """
            CVAT's importer fails on a checkbox value other than true/false ("Failed to convert attribute"). \
            It does not check radio, select and number values, but its UI and SDK do, and targets that build \
            radio options from the spec cannot place a value outside the list. Numbers outside min..max or \
            off the step are warnings: they import, but no UI could have produced them.
            """,
        triggering: [
            RuleExample("a checkbox that says yes", xml: RuleExample.document(
                meta: RuleExample.task(labels: ["car:checkbox:parked:false"]),
                body: RuleExample.imageElement(#"<box label="car" xtl="1" ytl="1" xbr="5" ybr="5"><attribute name="parked">yes</attribute></box>"#))),
            RuleExample("a select value outside its list", xml: RuleExample.document(
                meta: RuleExample.task(labels: ["car:select:color:red|blue"]),
                body: RuleExample.imageElement(#"<box label="car" xtl="1" ytl="1" xbr="5" ybr="5"><attribute name="color">green</attribute></box>"#))),
            RuleExample("a number above its maximum", xml: RuleExample.document(
                meta: RuleExample.task(labels: ["car:number:speed:0|100|1"]),
                body: RuleExample.imageElement(#"<box label="car" xtl="1" ytl="1" xbr="5" ybr="5"><attribute name="speed">300</attribute></box>"#))),
        ],
        nonTriggering: [
            RuleExample("values that fit", xml: RuleExample.document(
                meta: RuleExample.task(labels: ["car:select:color:red|blue"]),
                body: RuleExample.imageElement(#"<box label="car" xtl="1" ytl="1" xbr="5" ybr="5"><attribute name="color">blue</attribute></box>"#))),
        ])

    private struct Key: Hashable {
        var label: String
        var attribute: String
        var problem: String
    }

    private let context: RuleContext
    private var problems = Occurrences<Key>()
    private var severities: [Key: Severity] = [:]

    init(context: RuleContext) { self.context = context }

    func visitShape(_ shape: Shape, label: String, track: TrackRecord?) {
        check(shape.attributes, spec: context.facts.label(label), label: label)
        for element in shape.elements {
            check(element.attributes, spec: context.facts.label(element.label, parent: label), label: element.label)
        }
    }

    private func check(_ values: [AttributeValue], spec: LabelSpec?, label: String) {
        guard let spec else { return }
        for value in values {
            guard let attribute = spec.attributes.first(where: { $0.name == value.name }),
                  let (problem, severity) = Self.problem(with: value.value, for: attribute) else { continue }
            let key = Key(label: label, attribute: value.name, problem: problem)
            problems.note(key, at: value.location, example: value.value)
            severities[key] = severity
        }
    }

    /// What is wrong with a value, and how much it matters; nil when it fits.
    static func problem(with raw: String, for spec: AttributeSpec) -> (String, Severity)? {
        let value = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        // CVAT writes the spec's default where nothing was chosen, even a blank one (allowed since 2023).
        if value == spec.defaultValue?.trimmingCharacters(in: .whitespacesAndNewlines) { return nil }
        switch spec.inputType {
        case "checkbox":
            let lowered = value.lowercased()
            if lowered == "true" || lowered == "false" { return nil }
            return ("is a checkbox but the value is not true or false", .error)
        case "radio", "select":
            guard !spec.values.isEmpty, !spec.values.contains(value) else { return nil }
            // Datumaro lists values on one line separated by spaces (attribute-spec reports that); judge the
            // value against those words rather than report one cause twice.
            if spec.values.count == 1, let only = spec.values.first, only.split(separator: " ").contains(Substring(value)) {
                return nil
            }
            return ("is not one of its \(spec.inputType) values (\(spec.values.prefix(6).joined(separator: ", "))"
                    + (spec.values.count > 6 ? ", …" : "") + ")", .error)
        case "number":
            guard let number = Double(value), number.isFinite else { return ("is a number attribute but the value is not a number", .warning) }
            guard let range = NumberSpec(spec.values) else { return nil }
            if number < range.minimum || number > range.maximum {
                return ("is outside \(range.minimum.clean)…\(range.maximum.clean)", .warning)
            }
            if range.step > 0 {
                let steps = (number - range.minimum) / range.step
                if abs(steps - steps.rounded()) > 1e-9 { return ("is off the step \(range.step.clean) from \(range.minimum.clean)", .warning) }
            }
            return nil
        default:
            return nil
        }
    }

    func finish() {
        for (key, entry) in problems.all {
            context.report("label '\(key.label)': attribute '\(key.attribute)' \(key.problem): "
                           + "'\(entry.example ?? "")'" + (entry.count > 1 ? " (\(counted(entry.count, "value")))" : ""),
                           at: entry.first, severity: severities[key], issueType: "attribute_value_invalid") {
                $0.label = key.label
                $0.attribute = key.attribute
            }
        }
    }
}

/// A number attribute's spec: min, max and step, one per line as CVAT writes them.
struct NumberSpec {
    var minimum: Double
    var maximum: Double
    var step: Double

    init?(_ values: [String]) {
        let numbers = values.map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard numbers.count == 3, let minimum = numbers[0], let maximum = numbers[1], let step = numbers[2] else { return nil }
        self.minimum = minimum
        self.maximum = maximum
        self.step = step
    }
}

extension Double {
    /// 3 for 3.0, 2.5 for 2.5.
    var clean: String { self == rounded() && abs(self) < 1e15 ? String(Int(self)) : String(self) }
}
