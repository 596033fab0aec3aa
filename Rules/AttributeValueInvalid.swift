import CVATLint
import Foundation

/// Attribute values that do not fit their spec: checkbox not true/false, radio/select outside the list,
/// numbers that are not numbers, out of range or off the step; values longer than CVAT stores.
final class AttributeValueInvalid: ShapeRule {
    static let description = RuleDescription(
        id: "attribute-value",
        defaultSeverity: .error,
        category: .attributes,
        summary: "an attribute value does not fit its spec (checkbox, radio/select list, number range and step) or is longer than CVAT stores",
        rationale: """
            CVAT's importer fails on a checkbox value other than true/false in any case ("Failed to convert \
            attribute"), judged as written: true with spaces around it fails too, and apply writes it without them. \
            It does not check radio, select and number values, but its UI and SDK do, and targets that build \
            radio options from the spec cannot place a value outside the list. Numbers outside min..max or \
            off the step are warnings: they import, but no UI could have produced them. CVAT stores a value of \
            at most 4,096 characters: its serializer refuses a longer one and the whole import with it.
            """,
        issueTypes: [.init("attribute_value_not_boolean", severity: .error), .init("attribute_value_not_in_list", severity: .error), .init("attribute_value_not_a_number", severity: .warning), .init("attribute_value_out_of_range", severity: .warning), .init("attribute_value_off_step", severity: .warning), .init("attribute_value_too_long", severity: .warning)],
        actions: ["declareAttributeValue", "mapAttributeValue"],
        triggering: [
            RuleExample("a checkbox that says yes", xml: RuleExample.document(
                meta: RuleExample.task(labels: ["car:checkbox:parked:false"]),
                body: RuleExample.imageElement(#"<box label="car" xtl="1" ytl="1" xbr="5" ybr="5">↓<attribute name="parked">yes</attribute></box>"#))),
            RuleExample("a select value outside its list", xml: RuleExample.document(
                meta: RuleExample.task(labels: ["car:select:color:red|blue"]),
                body: RuleExample.imageElement(#"<box label="car" xtl="1" ytl="1" xbr="5" ybr="5">↓<attribute name="color">green</attribute></box>"#))),
            RuleExample("a number above its maximum", xml: RuleExample.document(
                meta: RuleExample.task(labels: ["car:number:speed:0|100|1"]),
                body: RuleExample.imageElement(#"<box label="car" xtl="1" ytl="1" xbr="5" ybr="5">↓<attribute name="speed">300</attribute></box>"#))),
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
        var issueType: String
        /// A value outside the list, or a checkbox's true or false with spaces around it, reported on its own so
        /// that its repair can name it.
        var value: String?
    }

    /// Distinct values outside one list reported each with a repair; past this many they share a finding.
    static let repairableValues = 50
    /// The longest value CVAT's serializer takes (`AttributeValSerializer`: `CharField(max_length=4096)`).
    static let longestValue = 4096
    private var outsideValues: [String: Set<String>] = [:]

    /// What a value of one attribute spec may be, worked out once from `<meta>` (a class: looked up for
    /// every value, and a reference is cheaper to hand out than a copy of its sets). Checking a value
    /// compares bytes only: there are millions of them.
    final class Validator {
        private enum Input { case checkbox, choice, number, free }

        private let input: Input
        private let inputType: String
        private let defaultValue: String?
        /// The spec's default as written, which CVAT's importer lets through as a checkbox value before lowercasing.
        private let checkboxDefault: String?
        /// Radio and select values (plus Datumaro's space-separated words); a set only where a list is long.
        private let allowed: [String]
        private let allowedSet: Set<String>?
        private let listed: [String]
        private let range: NumberSpec?

        init(_ spec: AttributeSpec) {
            inputType = spec.inputType
            switch spec.inputType {
            case "checkbox": input = .checkbox
            case "radio", "select": input = .choice
            case "number": input = .number
            default: input = .free
            }
            defaultValue = spec.defaultValue.map { String($0.trimmingASCIISpaces()) }
            checkboxDefault = spec.defaultValue
            listed = spec.values
            var allowed = spec.values
            // Datumaro lists values on one line separated by spaces (attribute-spec reports that); judge the
            // value against those words rather than report one cause twice.
            if spec.values.count == 1, let only = spec.values.first { allowed += only.split(separator: " ").map(String.init) }
            self.allowed = allowed
            allowedSet = allowed.count > 16 ? Set(allowed) : nil
            range = NumberSpec(spec.values)
        }

        /// `true` or `false` in any case, as CVAT's importer takes them.
        static func isBoolean(_ value: String) -> Bool {
            var bytes = value.utf8.makeIterator()
            func next(is letter: UInt8) -> Bool { bytes.next().map { $0 | 0x20 } == letter }
            switch value.utf8.count {
            case 4: return next(is: 0x74) && next(is: 0x72) && next(is: 0x75) && next(is: 0x65) // true
            case 5: return next(is: 0x66) && next(is: 0x61) && next(is: 0x6C) && next(is: 0x73) && next(is: 0x65) // false
            default: return false
            }
        }

        /// Equal texts, with the cheap length test first (most values differ from most candidates in length).
        private static func same(_ lhs: String, _ rhs: String) -> Bool {
            lhs.utf8.count == rhs.utf8.count && lhs == rhs
        }

        /// What is wrong with a value (in words, and as its issue type), and how much it matters; nil when it fits.
        func problem(with raw: String) -> (String, String, Severity)? {
            // Counted as CVAT's serializer counts (characters of the value as written); bytes first, as few
            // values come near.
            if raw.utf8.count > AttributeValueInvalid.longestValue, case let length = raw.unicodeScalars.count,
               length > AttributeValueInvalid.longestValue {
                return ("is \(length) characters long; CVAT stores at most \(AttributeValueInvalid.longestValue)",
                        "attribute_value_too_long", .warning)
            }
            let value = raw.withoutASCIISpacesAtEdges
            if input == .checkbox {
                // CVAT's _import_attribute judges a checkbox value as written, before its serializer trims
                // anything: the spec's default, or true or false in any case (Datumaro's reader, too, makes a
                // boolean of exactly true or false only).
                if Self.isBoolean(raw) || checkboxDefault.map({ Self.same(raw, $0) }) == true { return nil }
                if Self.isBoolean(value) {
                    return ("has spaces around true or false, so it is read as written and is no boolean (CVAT's import stops on it)",
                            "attribute_value_not_boolean", .error)
                }
                return ("is a checkbox but the value is not true or false", "attribute_value_not_boolean", .error)
            }
            // CVAT writes the spec's default where nothing was chosen, even a blank one (allowed since 2023).
            if let defaultValue, Self.same(value, defaultValue) { return nil }
            switch input {
            case .checkbox, .free:
                // A checkbox is judged above, as written.
                return nil
            case .choice:
                guard !allowed.isEmpty else { return nil }
                let isAllowed = allowedSet?.contains(value) ?? allowed.contains(where: { Self.same($0, value) })
                if isAllowed { return nil }
                return ("is not one of its \(inputType) values (\(listed.prefix(6).joined(separator: ", "))"
                        + (listed.count > 6 ? ", …" : "") + ")", "attribute_value_not_in_list", .error)
            case .number:
                guard let number = parseNumber(value), number.isFinite else {
                    return ("is a number attribute but the value is not a number", "attribute_value_not_a_number", .warning)
                }
                guard let range else { return nil }
                if number < range.minimum || number > range.maximum {
                    return ("is outside \(range.minimum.clean)…\(range.maximum.clean)", "attribute_value_out_of_range", .warning)
                }
                if range.step > 0 {
                    let steps = (number - range.minimum) / range.step
                    if abs(steps - steps.rounded()) > 1e-9 {
                        return ("is off the step \(range.step.clean) from \(range.minimum.clean)", "attribute_value_off_step", .warning)
                    }
                }
                return nil
            }
        }
    }

    private let context: RuleContext
    private var problems = Occurrences<Key>()
    private var severities: [Key: Severity] = [:]
    /// Each label spec's validators, parallel to its attributes; a repeated name shares the first one's.
    private var validators: [ObjectIdentifier: [Validator]] = [:]

    init(context: RuleContext) { self.context = context }

    func visitMeta(_ meta: ExportMeta) {
        for label in meta.labels {
            var firstByName: [String: Validator] = [:]
            validators[ObjectIdentifier(label)] = label.attributes.map { attribute in
                if let first = firstByName[attribute.name] { return first }
                let validator = Validator(attribute)
                firstByName[attribute.name] = validator
                return validator
            }
        }
    }

    func visitShape(_ shape: Shape, label: String, track: TrackRecord?) {
        check(shape.attributes, spec: context.facts.label(label), label: label)
        for element in shape.elements {
            check(element.attributes, spec: context.facts.label(element.label, parent: label), label: element.label)
        }
    }

    private func check(_ values: [AttributeValue], spec: LabelSpec?, label: String) {
        guard !values.isEmpty, let spec, let prepared = validators[ObjectIdentifier(spec)] else { return }
        for (position, value) in values.enumerated() {
            guard let index = spec.attributeIndex(named: value.name, guess: position),
                  let (problem, issueType, severity) = prepared[index].problem(with: value.value) else {
                continue
            }
            var key = Key(label: label, attribute: value.name, problem: problem, issueType: issueType)
            if issueType == "attribute_value_not_boolean", Validator.isBoolean(value.value.withoutASCIISpacesAtEdges) {
                // Few spellings at most (spaces, tabs and line breaks around two words): each its own finding.
                key.value = value.value
            } else if issueType == "attribute_value_not_in_list" {
                let trimmed = value.value.withoutASCIISpacesAtEdges
                let scope = label + "\u{0}" + value.name
                if outsideValues[scope]?.contains(trimmed) == true || (outsideValues[scope]?.count ?? 0) < Self.repairableValues {
                    outsideValues[scope, default: []].insert(trimmed)
                    key.value = trimmed
                }
            }
            // A value too long to store is shown by its start.
            let example = issueType == "attribute_value_too_long" ? String(value.value.prefix(40)) + "…" : value.value
            problems.note(key, at: value.location, example: example)
            context.noteInstance(issueType, at: value.location)
            severities[key] = severity
        }
    }

    func finish() {
        for (key, entry) in problems.all {
            context.report("label '\(key.label)': attribute '\(key.attribute)' \(key.problem): "
                           + "'\(entry.example ?? "")'" + (entry.count > 1 ? " (\(counted(entry.count, "value")))" : ""),
                           at: entry.first, severity: severities[key], issueType: key.issueType, action: repair(key), count: entry.count) {
                $0.label = key.label
                $0.attribute = key.attribute
            }
        }
    }
}

extension AttributeValueInvalid {
    /// The repair of a value outside its list: the spelling the configuration maps it to, else declaring it; of a
    /// checkbox's true or false with spaces around it: the word alone.
    private func repair(_ key: Key) -> ImportAction? {
        guard let value = key.value else { return nil }
        if key.issueType == "attribute_value_not_boolean" {
            return .mapAttributeValue(label: key.label, attribute: key.attribute, from: value,
                                      to: value.withoutASCIISpacesAtEdges.lowercased())
        }
        if let spelling = context.options.valueMappings[key.label]?[key.attribute]?[value] {
            return .mapAttributeValue(label: key.label, attribute: key.attribute, from: value, to: spelling)
        }
        return .declareAttributeValue(label: key.label, attribute: key.attribute, value: value)
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
