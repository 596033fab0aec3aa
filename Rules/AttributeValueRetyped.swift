import CVATLint

/// Attribute values an importer reads as a Python number or boolean and keeps in its own spelling.
final class AttributeValueRetyped: ShapeRule {
    static let description = RuleDescription(
        id: "attribute-value-retyped",
        defaultSeverity: .warning,
        category: .target,
        summary: "an attribute value the importer reads as a number or a boolean, keeping another spelling of it",
        rationale: """
            CVAT's project dataset import (its CvatExtractor) and Datumaro's CVAT reader read an <attribute> \
            whose text is true or false as a boolean, whatever its spec, and the value of a spec typed other than \
            text (looked up by the attribute's name, the last label declaring it deciding) as float() where \
            that parses. CVAT then stores str() of what it read: a select or radio option 1 comes back as \
            1.0 (no longer one of the options), a text true as True, and a number 3 as 3.0 (the same number: \
            an info). Checkbox values are lowercased back and keep their meaning; a value under a name the \
            import writes a built-in field over is lost anyway. The task import reads values as written. No \
            spelling escapes the reading, so nothing in the file can repair it: rename the options in CVAT, or \
            export and import the tasks one by one.
            """,
        issueTypes: [.init("attribute_value_retyped", severity: .warning), .init("attribute_number_respelled", severity: .info)],
        triggering: [
            RuleExample("a select option that reads as a number, in a project export", target: "cvat", xml: RuleExample.document(
                meta: RuleExample.project(labels: ["car:select:lanes:1|2|3"]),
                body: RuleExample.imageElement(#"<box label="car" xtl="1" ytl="1" xbr="5" ybr="5">↓<attribute name="lanes">2</attribute></box>"#))),
            RuleExample("a text that reads as a boolean, in a project export", target: "cvat", xml: RuleExample.document(
                meta: RuleExample.project(labels: ["car:text:note"]),
                body: RuleExample.imageElement(#"<box label="car" xtl="1" ytl="1" xbr="5" ybr="5">↓<attribute name="note">true</attribute></box>"#))),
        ],
        nonTriggering: [
            RuleExample("the same option in a task export: CVAT's task import keeps the text", target: "cvat", xml: RuleExample.document(
                meta: RuleExample.task(labels: ["car:select:lanes:1|2|3"]),
                body: RuleExample.imageElement(#"<box label="car" xtl="1" ytl="1" xbr="5" ybr="5"><attribute name="lanes">2</attribute></box>"#))),
            RuleExample("a checkbox and an option that is no number, in a project export", target: "cvat", xml: RuleExample.document(
                meta: RuleExample.project(labels: ["car:checkbox:parked:false", "bus:select:color:red|blue"]),
                body: RuleExample.imageElement(#"""
                    <box label="car" xtl="1" ytl="1" xbr="5" ybr="5"><attribute name="parked">true</attribute></box>
                    <box label="bus" xtl="1" ytl="1" xbr="5" ybr="5"><attribute name="color">red</attribute></box>
                    """#))),
        ])

    private struct Key: Hashable {
        var label: String
        var attribute: String
        var issueType: String
    }

    /// What one value becomes: how it was read, and the text kept.
    private struct Reading {
        var kind: String
        var kept: String
    }

    /// The shape kinds whose own values the import keeps: those it keeps at this level, but a skeleton arriving as
    /// the points of its elements (Datumaro), and the kinds whose elements' values it keeps.
    private var ownValuesKept: Set<ShapeKind> = []
    private var elementValuesKept: Set<ShapeKind> = []

    private let context: RuleContext
    /// Whether this target's import of this export types values at all.
    private var enabled = false
    private var numbers = false
    /// The attribute names the import writes built-in fields under, for image shapes and for track shapes.
    private var reserved = TargetProfile.ReservedAttributeNames.AtLevel()
    /// Attribute name → the input type the import reads its values by (the last label declaring it).
    private var typeByName: [String: String] = [:]
    /// Per label spec, parallel to its attributes: the input type the import reads each one's values by (looked up
    /// once per spec, not hashed per value: a project holds millions of values).
    private var typesBySpec: [ObjectIdentifier: [String?]] = [:]
    /// Each finding's first value says the spec's input type, what the import reads and keeps, and whether that is
    /// outside the option list.
    private var retyped = Occurrences<Key>()

    init(context: RuleContext) { self.context = context }

    func visitMeta(_ meta: ExportMeta) {
        guard let typed = context.target.attributeValuesTyped, typed.applies(to: meta.level) else { return }
        enabled = true
        numbers = typed.numbers
        // A shape the import skips is attribute-carried-over's.
        for kind in ShapeKind.allCases {
            let support = context.target.shape(context.options.effectiveKind(kind), level: meta.level)
            guard support.isKept else { continue }
            elementValuesKept.insert(kind)
            if !(kind == .skeleton && support.status == .converted) { ownValuesKept.insert(kind) }
        }
        reserved = context.target.reservedNames(level: meta.level)
        // The importers key label specs by name: a label declared again replaces its attributes.
        var specs: [String: [AttributeSpec]] = [:]
        var order: [String] = []
        for label in meta.labels {
            if specs[label.name] == nil { order.append(label.name) }
            specs[label.name] = label.attributes
        }
        for name in order {
            for attribute in specs[name] ?? [] { typeByName[attribute.name] = attribute.inputType }
        }
        for label in meta.labels { typesBySpec[ObjectIdentifier(label)] = label.attributes.map { typeByName[$0.name] } }
    }

    func visitShape(_ shape: Shape, label: String, track: TrackRecord?) {
        guard enabled, elementValuesKept.contains(shape.kind) else { return }
        // A value under a name the import writes a built-in field under is lost anyway (attribute-unsupported says so).
        let reserved = shape.kind == .tag ? [] : self.reserved.names(onTrack: track != nil)
        if ownValuesKept.contains(shape.kind) {
            check(shape.attributes, spec: context.facts.label(label), label: label, reserved: reserved)
        }
        for element in shape.elements {
            check(element.attributes, spec: context.facts.label(element.label, parent: label), label: element.label, reserved: reserved)
        }
    }

    private func check(_ values: [AttributeValue], spec: LabelSpec?, label: String, reserved: [String]) {
        guard !values.isEmpty else { return }
        let types = spec.flatMap { typesBySpec[ObjectIdentifier($0)] }
        for (position, value) in values.enumerated() where !reserved.contains(value.name) {
            let index = spec?.attributeIndex(named: value.name, guess: position)
            let own = index.flatMap { spec?.attributes[$0] }
            // A checkbox is lowercased back to true or false; other checkbox values are attribute-value's.
            guard own?.inputType != "checkbox",
                  let reading = reading(value, type: index.flatMap { types?[$0] } ?? typeByName[value.name]) else { continue }
            let issueType = own?.inputType == "number" && reading.kind == "a number" ? "attribute_number_respelled" : "attribute_value_retyped"
            if issueType == "attribute_number_respelled", !numbers { continue }
            let key = Key(label: label, attribute: value.name, issueType: issueType)
            var example: String?
            if !retyped.contains(key) {
                let outside = own.map { ($0.inputType == "select" || $0.inputType == "radio") && !$0.values.contains(reading.kept) } ?? false
                example = "(\(own?.inputType ?? "undeclared")): \(context.target.name) reads '\(value.value)' as \(reading.kind) "
                    + "and keeps '\(reading.kept)'" + (outside ? ", which is not one of its values" : "")
            }
            retyped.note(key, at: value.location, example: example)
            context.noteInstance(issueType, at: value.location)
        }
    }

    /// What the import reads `value` as (its name typed `type` for the import), and the text it keeps; nil when it
    /// keeps the text as written.
    private func reading(_ value: AttributeValue, type: String?) -> Reading? {
        let text = value.value
        if text == "true" || text == "false" { return Reading(kind: "a boolean", kept: text == "true" ? "True" : "False") }
        guard let type, type != "text", let kept = PythonNumberText.floatSpelling(text), kept != text else { return nil }
        return Reading(kind: "a number", kept: kept)
    }

    func finish() {
        for (key, entry) in retyped.all {
            context.report("label '\(key.label)': attribute '\(key.attribute)' \(entry.example ?? "")"
                           + (entry.count > 1 ? " (\(counted(entry.count, "value")))" : ""),
                           at: entry.first, issueType: key.issueType, count: entry.count) {
                $0.label = key.label
                $0.attribute = key.attribute
            }
        }
    }
}
