import CVATLint

/// A label drawn with several shape kinds becomes several ontology items in a target that binds
/// one shape to each label (Encord).
final class LabelMultipleShapes: Rule {
    static let description = RuleDescription(
        id: "label-multiple-shapes",
        defaultSeverity: .warning,
        category: .labels,
        summary: "a label is used with several shape kinds and will be split into one item per kind",
        rationale: """
            In CVAT one label may be drawn as a box, a polygon and a tag. Encord binds each ontology item \
            to one shape, so its importer creates one item per shape kind ("person (bounding box)", \
            "person (polygon)") and warns. Downstream code that expects one class per label then breaks. \
            Tags count as a kind; skeleton elements are part of their skeleton, not uses of their own; \
            kinds the target does not take at all make no item (shape-unsupported reports them). \
            With --boxes-as-polygons (Encord's transform_bounding_boxes_to_polygons) boxes count as polygons. \
            CVAT itself keeps such labels whole, so target cvat reports nothing.
            """,
        issueTypes: [.init("label_used_with_multiple_shapes")],
        actions: ["splitLabel"],
        triggering: [
            RuleExample.inImage("person drawn as a box and as a polygon", """
                ↓<box label="person" xtl="1" ytl="1" xbr="5" ybr="5"/>
                <polygon label="person" points="1,1;5,1;3,4"/>
                """),
            RuleExample.inImage("a tag counts as a kind", """
                ↓<polygon label="road" points="1,1;5,1;3,4"/>
                <tag label="road"/>
                """),
        ],
        nonTriggering: [
            RuleExample.inImage("each label with one kind", """
                <box label="car" xtl="1" ytl="1" xbr="5" ybr="5"/>
                <polygon label="person" points="1,1;5,1;3,4"/>
                """),
            RuleExample.inImage("skeleton elements are not uses of their sublabel", """
                <skeleton label="pose">
                  <points label="head" outside="0" occluded="0" points="1,1"/>
                </skeleton>
                """),
            RuleExample.inImage("CVAT keeps a label whole whatever its shapes", target: "cvat", """
                <box label="person" xtl="1" ytl="1" xbr="5" ybr="5"/>
                <polygon label="person" points="1,1;5,1;3,4"/>
                """),
        ])

    private let context: RuleContext

    init(context: RuleContext) { self.context = context }

    func finish() {
        guard context.target.labelsBindOneShape else { return }
        let facts = context.facts
        for label in facts.labelsInUseOrder {
            guard let uses = facts.kinds(of: label) else { continue }
            var firstUse: [ShapeKind: SourceLocation] = [:]
            for (kind, location) in uses {
                let effective = context.options.effectiveKind(kind)
                // Only kinds the target takes become items (shape-unsupported reports the others).
                guard context.target.shape(effective, level: facts.level).isKept else { continue }
                firstUse[effective] = min(firstUse[effective] ?? location, location)
            }
            guard firstUse.count > 1 else { continue }
            let kinds = firstUse.keys.sorted()
            let items = kinds.map { "\(label) (\(context.target.itemName($0)))" }
            let message = "label '\(label)' is used as \(kinds.map(\.rawValue).joined(separator: ", ")); "
                + "it becomes \(kinds.count) items: " + items.map { "\"\($0)\"" }.joined(separator: ", ")
            // The plan carries one splitLabel action per item (see PlanBuilder); the finding names them all.
            let location = facts.label(label)?.location ?? firstUse.values.min()
            context.report(message, at: location, issueType: "label_used_with_multiple_shapes") { $0.label = label }
        }
    }
}
