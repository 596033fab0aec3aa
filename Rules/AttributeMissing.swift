import CVATLint

/// Declared attributes that a shape leaves out.
final class AttributeMissing: ShapeRule {
    static let description = RuleDescription(
        id: "attribute-missing",
        defaultSeverity: .info,
        category: .attributes,
        summary: "a shape leaves out an attribute its label declares",
        rationale: """
            CVAT writes every declared attribute on every shape, defaults filled in; a missing one means the \
            file was edited or written by another tool. CVAT fills it with the default on import, but other \
            importers leave it empty.
            """,
        issueTypes: [.init("attribute_missing")],
        triggering: [
            RuleExample("a box without its label's color attribute", xml: RuleExample.document(
                meta: RuleExample.task(labels: ["car:text:color"]),
                body: RuleExample.imageElement(#"↓<box label="car" xtl="1" ytl="1" xbr="5" ybr="5"/>"#))),
        ],
        nonTriggering: [
            RuleExample("every declared attribute present", xml: RuleExample.document(
                meta: RuleExample.task(labels: ["car:text:color"]),
                body: RuleExample.imageElement(#"<box label="car" xtl="1" ytl="1" xbr="5" ybr="5"><attribute name="color">red</attribute></box>"#))),
        ])

    private struct Key: Hashable {
        var label: String
        var attribute: String
    }

    private let context: RuleContext
    private var missing = Occurrences<Key>()

    init(context: RuleContext) { self.context = context }

    func visitShape(_ shape: Shape, label: String, track: TrackRecord?) {
        guard let spec = context.facts.label(label), !spec.attributes.isEmpty else { return }
        // CVAT writes every declared attribute in spec order: then nothing is missing and one pass shows it.
        if shape.attributes.count == spec.attributes.count,
           shape.attributes.indices.allSatisfy({ shape.attributes[$0].name == spec.attributes[$0].name }) {
            return
        }
        for attribute in spec.attributes where !shape.attributes.contains(where: { $0.name == attribute.name }) {
            missing.note(Key(label: label, attribute: attribute.name), at: shape.location)
        }
    }

    func finish() {
        for (key, entry) in missing.all {
            context.report("label '\(key.label)': \(counted(entry.count, "shape")) \(entry.count == 1 ? "leaves" : "leave") out attribute '\(key.attribute)'",
                           at: entry.first, issueType: "attribute_missing") {
                $0.label = key.label
                $0.attribute = key.attribute
            }
        }
    }
}
