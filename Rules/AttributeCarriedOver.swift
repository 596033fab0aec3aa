import CVATLint

/// Shapes an importer skips while still reading their `<attribute>` values into the annotation before them.
final class AttributeCarriedOver: ShapeRule {
    static let description = RuleDescription(
        id: "attribute-carried-over",
        defaultSeverity: .warning,
        category: .target,
        summary: "a shape the importer skips hands its attribute values to the annotation read before it",
        rationale: """
            CVAT's project dataset import reads <attribute> values into the attributes of the last box, \
            polygon, polyline, points, skeleton or tag it opened, and opens none for the ellipses, cuboids \
            and masks it skips. Their values land on the annotation before them (in the same image, or the \
            last one of an earlier image or track) when that one carries an attribute of its own or is a \
            tag: where its label has attributes of those names, its values are silently replaced. Converting \
            or dropping the skipped shapes (apply --allow-loss) leaves nothing to carry over.
            """,
        issueTypes: [.init("attribute_values_carried_over")],
        actions: ["dropAnnotation"],
        triggering: [
            RuleExample("an ellipse after a box of the same label, in a project export", target: "cvat", xml: RuleExample.document(
                meta: RuleExample.project(labels: ["car:radio:color:red|blue"]),
                body: RuleExample.imageElement("""
                    <box label="car" xtl="1" ytl="1" xbr="5" ybr="5">
                      <attribute name="color">red</attribute>
                    </box>
                    ↓<ellipse label="car" cx="5" cy="5" rx="2" ry="1">
                      <attribute name="color">blue</attribute>
                    </ellipse>
                    """))),
        ],
        nonTriggering: [
            RuleExample("the same shapes in a task export: CVAT's task import reads ellipses", target: "cvat",
                        xml: RuleExample.document(
                            meta: RuleExample.task(labels: ["car:radio:color:red|blue"]),
                            body: RuleExample.imageElement("""
                                <box label="car" xtl="1" ytl="1" xbr="5" ybr="5">
                                  <attribute name="color">red</attribute>
                                </box>
                                <ellipse label="car" cx="5" cy="5" rx="2" ry="1">
                                  <attribute name="color">blue</attribute>
                                </ellipse>
                                """))),
            RuleExample("the box before carries no attribute: the ellipse's values go nowhere", target: "cvat",
                        xml: RuleExample.document(
                            meta: RuleExample.project(labels: ["car:radio:color:red|blue"]),
                            body: RuleExample.imageElement("""
                                <box label="car" xtl="1" ytl="1" xbr="5" ybr="5"/>
                                <ellipse label="car" cx="5" cy="5" rx="2" ry="1">
                                  <attribute name="color">blue</attribute>
                                </ellipse>
                                """))),
        ])

    /// The annotation the importer last opened an attribute set for, with the values that set now holds.
    private struct Recipient {
        var kind: ShapeKind
        var label: String
        var line: Int
        /// Whether the annotation keeps that very set: a tag always, a shape only when it carried an attribute
        /// (an empty set is replaced by a fresh one when the annotation is made).
        var keepsSet: Bool
        var values: [String: String]
    }

    private struct Key: Hashable {
        var skipped: ShapeKind
        var label: String
    }

    private let context: RuleContext
    private var recipient: Recipient?
    private var carried = Occurrences<Key>()
    private var changedAttributes: [Key: Set<String>] = [:]

    init(context: RuleContext) { self.context = context }

    func visitShape(_ shape: Shape, label: String, track: TrackRecord?) {
        guard context.target.skippedShapeAttributesCarryOver == true else { return }
        let kind = context.options.effectiveKind(shape.kind)
        let skipped = kind != .tag && !context.target.shape(kind, level: context.facts.level).isKept
        guard skipped else {
            recipient = Recipient(kind: kind, label: label, line: shape.location.line, keepsSet: kind == .tag || !shape.attributes.isEmpty,
                                  values: Dictionary(shape.attributes.map { ($0.name, $0.value) }, uniquingKeysWith: { _, last in last }))
            return
        }
        guard !shape.attributes.isEmpty, var target = recipient, target.keepsSet else { return }
        // The importer keeps only the values its label declares a spec for.
        let declared = Set(context.facts.label(target.label)?.attributes.map(\.name) ?? [])
        var changed: [String] = []
        for value in shape.attributes {
            if declared.contains(value.name), target.values[value.name] != value.value { changed.append(value.name) }
            target.values[value.name] = value.value
        }
        recipient = target
        guard !changed.isEmpty else { return }
        let key = Key(skipped: kind, label: label)
        let names = changed.map { "'\($0)'" }.joined(separator: ", ")
        carried.note(key, at: shape.location, example: "\(names) of the \(target.kind.rawValue) of '\(target.label)' at line \(target.line)")
        changedAttributes[key, default: []].formUnion(changed)
        context.noteInstance("attribute_values_carried_over", at: shape.location)
    }

    func finish() {
        for (key, entry) in carried.all {
            let kind = key.skipped.rawValue
            let all = (changedAttributes[key] ?? []).sorted().map { "'\($0)'" }.joined(separator: ", ")
            let more = entry.count > 1 ? " (\(counted(entry.count, kind)) in all, replacing \(all))" : ""
            context.report("the \(kind)s of '\(key.label)' are skipped on import into \(context.target.name), but their attribute values "
                           + "are read into the annotation before each: this one replaces \(entry.example ?? "values")\(more); "
                           + "convert or drop them first",
                           at: entry.first, issueType: "attribute_values_carried_over",
                           action: .dropAnnotation(label: key.label, shape: kind), count: entry.count) { $0.label = key.label }
        }
    }
}
