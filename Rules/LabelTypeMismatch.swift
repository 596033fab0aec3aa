import CVATLint

/// Shapes drawn with a label whose declared type is another kind.
final class LabelTypeMismatch: ShapeRule {
    static let description = RuleDescription(
        id: "label-type-mismatch",
        defaultSeverity: .info,
        category: .labels,
        summary: "a label's declared type disagrees with the shapes drawn with it",
        rationale: """
            A label's type (rectangle, polygon, tag, …) only restricts CVAT's drawing tools; the importer \
            does not enforce it, so exports legitimately hold, say, polygons of a rectangle label after an \
            import or a type change. Targets that build their ontology from the declared type may then \
            disagree with the data. A skeleton label on a non-skeleton shape is reported as a warning.
            """,
        issueTypes: [.init("label_type_mismatch")],
        triggering: [
            RuleExample("a polygon drawn with a rectangle label", xml: RuleExample.document(
                meta: RuleExample.task(labels: ["car#rectangle"]),
                body: RuleExample.imageElement(#"↓<polygon label="car" points="1,1;5,1;3,4"/>"#))),
        ],
        nonTriggering: [
            RuleExample("a box drawn with a rectangle label, a polygon with an any label", xml: RuleExample.document(
                meta: RuleExample.task(labels: ["car#rectangle", "road#any"]),
                body: RuleExample.imageElement("""
                    <box label="car" xtl="1" ytl="1" xbr="5" ybr="5"/>
                    <polygon label="road" points="1,1;5,1;3,4"/>
                    """))),
        ])

    private struct Key: Hashable {
        var label: String
        var type: String
        var kind: ShapeKind
    }

    private let context: RuleContext
    private var mismatches = Occurrences<Key>()

    init(context: RuleContext) { self.context = context }

    func visitShape(_ shape: Shape, label: String, track: TrackRecord?) {
        guard let type = context.facts.label(label)?.type, let expected = ShapeKind(labelType: type), expected != shape.kind else {
            return
        }
        mismatches.note(Key(label: label, type: type, kind: shape.kind), at: shape.location)
    }

    func finish() {
        for (key, entry) in mismatches.all {
            let skeletonMix = key.type == "skeleton" || key.kind == .skeleton
            context.report("label '\(key.label)' is declared as \(key.type) but drawn as \(key.kind.rawValue) "
                           + "(\(counted(entry.count, "shape")))",
                           at: entry.first, severity: skeletonMix ? .warning : nil,
                           issueType: "label_type_mismatch") { $0.label = key.label }
        }
    }
}
