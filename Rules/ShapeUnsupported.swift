import CVATLint

/// Shape kinds the target cannot take: they are lost on import unless converted first.
final class ShapeUnsupported: Rule {
    static let description = RuleDescription(
        id: "shape-unsupported",
        defaultSeverity: .warning,
        category: .target,
        summary: "a label is drawn with a shape kind the target drops or does not take",
        rationale: """
            Encord's CVAT importer has no ellipse or 2-D cuboid, and masks are not in its table; CVAT's own \
            project dataset import skips ellipses, cuboids and masks. Such annotations are lost without an \
            error unless an import stage converts them first (an ellipse to a polygon, say).
            """,
        triggering: [
            RuleExample.inImage("an ellipse, for Encord", #"<ellipse label="cell" cx="5" cy="5" rx="2" ry="1"/>"#),
        ],
        nonTriggering: [
            RuleExample.inImage("an ellipse, for CVAT's task import", target: "cvat",
                                #"<ellipse label="cell" cx="5" cy="5" rx="2" ry="1"/>"#),
            RuleExample.inImage("a polygon, for Encord", #"<polygon label="cell" points="1,1;5,1;3,4"/>"#),
        ])

    private let context: RuleContext

    init(context: RuleContext) { self.context = context }

    func finish() {
        let facts = context.facts
        for label in facts.labelsInUseOrder {
            for (kind, location) in (facts.kindsByLabel[label] ?? [:]).sorted(by: { $0.key < $1.key }) {
                let effective = context.options.effectiveKind(kind)
                let support = context.target.shape(effective, level: facts.level)
                guard support.status == .unsupported || support.status == .dropped else { continue }
                context.report("label '\(label)' is drawn as \(kind.rawValue); "
                               + (support.note ?? "\(context.target.name) does not take it"),
                               at: location, severity: support.severity, issueType: "\(kind.rawValue)_unsupported",
                               action: .dropAnnotation(label: label, shape: kind.rawValue)) { $0.label = label }
            }
        }
    }
}
