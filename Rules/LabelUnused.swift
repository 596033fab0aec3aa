import CVATLint

/// Labels `<meta>` declares that no annotation uses, and skeleton sublabels no skeleton holds.
final class LabelUnused: ShapeRule {
    static let description = RuleDescription(
        id: "label-unused",
        defaultSeverity: .info,
        category: .labels,
        summary: "a label declared in <meta> that no annotation uses, or a skeleton sublabel no skeleton holds",
        rationale: """
            Encord creates an ontology item for every label of the export, used or not, and CVAT keeps them \
            in the task: an unused label is clutter in the target, a typo'd twin of a used one, or a class \
            that was never annotated (which a model trained on the export will never learn). Only the user \
            can tell which, so it is an info.
            """,
        issueTypes: [.init("label_unused"), .init("sublabel_unused")],
        triggering: [
            RuleExample("bus is declared, only car is drawn", xml: RuleExample.document(
                meta: RuleExample.task(labels: ["car", "↓bus"]),
                body: RuleExample.imageElement(#"<box label="car" xtl="1" ytl="1" xbr="5" ybr="5"/>"#))),
            RuleExample("a skeleton whose hand sublabel no skeleton holds", xml: RuleExample.document(
                meta: RuleExample.task(labels: ["pose#skeleton", "head^pose", "↓hand^pose"]),
                body: RuleExample.imageElement("""
                    <skeleton label="pose">
                      <points label="head" outside="0" occluded="0" points="1,1"/>
                    </skeleton>
                    """))),
        ],
        nonTriggering: [
            RuleExample("every label drawn, every sublabel held", xml: RuleExample.document(
                meta: RuleExample.task(labels: ["car", "pose", "head^pose"]),
                body: RuleExample.imageElement("""
                    <box label="car" xtl="1" ytl="1" xbr="5" ybr="5"/>
                    <skeleton label="pose">
                      <points label="head" outside="0" occluded="0" points="1,1"/>
                    </skeleton>
                    """))),
            RuleExample("a label used only on a track", xml: RuleExample.document(
                meta: RuleExample.task(labels: ["car"]), body: """
                  <track id="0" label="car">
                    <box frame="0" keyframe="1" outside="0" xtl="1" ytl="1" xbr="5" ybr="5"/>
                  </track>

                """)),
        ])

    private let context: RuleContext
    /// (skeleton, sublabel) pairs some skeleton holds: bounded by the sublabels `<meta>` declares.
    private var heldSublabels: Set<ExportFacts.LabelKey> = []

    init(context: RuleContext) { self.context = context }

    // Only skeletons matter here: the image's shapes are scanned for them without a call per shape.
    func visitImage(_ image: ImageRecord) {
        for shape in image.shapes where shape.kind == .skeleton { visitShape(shape, label: shape.label, track: nil) }
    }

    func visitShape(_ shape: Shape, label: String, track: TrackRecord?) {
        guard shape.kind == .skeleton else { return }
        for element in shape.elements { heldSublabels.insert(ExportFacts.LabelKey(name: element.label, parent: label)) }
    }

    func finish() {
        let facts = context.facts
        for label in facts.meta?.labels ?? [] {
            if let parent = label.parent {
                // A skeleton that is itself unused is told once, not once per vertex.
                guard facts.isUsed(parent),
                      !heldSublabels.contains(ExportFacts.LabelKey(name: label.name, parent: parent)) else { continue }
                context.report("skeleton '\(parent)' declares sublabel '\(label.name)' but no skeleton holds it",
                               at: label.location, issueType: "sublabel_unused") { $0.label = label.name }
            } else if !facts.isUsed(label.name) {
                context.report("label '\(label.name)' is declared but no annotation uses it"
                               + (context.target.labelsBindOneShape ? "; \(context.target.name) still creates an ontology item for it" : ""),
                               at: label.location, issueType: "label_unused") { $0.label = label.name }
            }
        }
    }
}
