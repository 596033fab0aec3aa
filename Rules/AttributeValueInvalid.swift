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

    /// What a value of one attribute spec may be, worked out once from `<meta>` (a class: looked up for
    /// every value, and a reference is cheaper to hand out than a copy of its sets).
    final class Validator {
        let inputType: String
        let defaultValue: Substring?
        let allowed: Set<Substring>
        let listed: [String]
        let range: NumberSpec?

        init(_ spec: AttributeSpec) {
            inputType = spec.inputType
            defaultValue = spec.defaultValue.map { Substring($0.trimmingASCIISpaces()) }
            listed = spec.values
            var allowed = Set(spec.values.map { Substring($0) })
            // Datumaro lists values on one line separated by spaces (attribute-spec reports that); judge the
            // value against those words rather than report one cause twice.
            if spec.values.count == 1, let only = spec.values.first { allowed.formUnion(only.split(separator: " ")) }
            self.allowed = allowed
            range = NumberSpec(spec.values)
        }

        /// `true` or `false` in any case, as CVAT's importer takes them.
        static func isBoolean(_ value: Substring) -> Bool {
            let bytes = value.utf8
            guard bytes.count == 4 || bytes.count == 5 else { return false }
            let lowered = bytes.map { $0 | 0x20 }
            return lowered.elementsEqual("true".utf8) || lowered.elementsEqual("false".utf8)
        }

        /// What is wrong with a value, and how much it matters; nil when it fits.
        func problem(with raw: String) -> (String, Severity)? {
            let value = raw.trimmingASCIISpaces()
            // CVAT writes the spec's default where nothing was chosen, even a blank one (allowed since 2023).
            if value == defaultValue { return nil }
            switch inputType {
            case "checkbox":
                if Self.isBoolean(value) { return nil }
                return ("is a checkbox but the value is not true or false", .error)
            case "radio", "select":
                guard !allowed.isEmpty, !allowed.contains(Substring(value)) else { return nil }
                return ("is not one of its \(inputType) values (\(listed.prefix(6).joined(separator: ", "))"
                        + (listed.count > 6 ? ", …" : "") + ")", .error)
            case "number":
                guard let number = Double(value), number.isFinite else {
                    return ("is a number attribute but the value is not a number", .warning)
                }
                guard let range else { return nil }
                if number < range.minimum || number > range.maximum {
                    return ("is outside \(range.minimum.clean)…\(range.maximum.clean)", .warning)
                }
                if range.step > 0 {
                    let steps = (number - range.minimum) / range.step
                    if abs(steps - steps.rounded()) > 1e-9 {
                        return ("is off the step \(range.step.clean) from \(range.minimum.clean)", .warning)
                    }
                }
                return nil
            default:
                return nil
            }
        }
    }

    private let context: RuleContext
    private var problems = Occurrences<Key>()
    private var severities: [Key: Severity] = [:]
    /// Validators by label key (`name`, or `parent/name` for sublabels), then attribute name.
    private var validators: [String: [String: Validator]] = [:]

    init(context: RuleContext) { self.context = context }

    func visitMeta(_ meta: ExportMeta) {
        for label in meta.labels {
            let key = ExportFacts.labelKey(label.name, parent: label.parent)
            guard validators[key] == nil else { continue }
            var byName: [String: Validator] = [:]
            for attribute in label.attributes where byName[attribute.name] == nil {
                byName[attribute.name] = Validator(attribute)
            }
            validators[key] = byName
        }
    }

    func visitShape(_ shape: Shape, label: String, track: TrackRecord?) {
        check(shape.attributes, labelKey: label, label: label)
        for element in shape.elements {
            check(element.attributes, labelKey: ExportFacts.labelKey(element.label, parent: label), label: element.label)
        }
    }

    private func check(_ values: [AttributeValue], labelKey: String, label: String) {
        guard !values.isEmpty, let byName = validators[labelKey] else { return }
        for value in values {
            guard let validator = byName[value.name], let (problem, severity) = validator.problem(with: value.value) else {
                continue
            }
            let key = Key(label: label, attribute: value.name, problem: problem)
            problems.note(key, at: value.location, example: value.value)
            severities[key] = severity
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
        let numbers = values.map { Double($0.trimmingASCIISpaces()) }
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
