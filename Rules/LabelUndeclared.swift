import CVATLint

/// A shape, track, tag or skeleton element whose label `<meta>` does not declare.
final class LabelUndeclared: Rule {
    static let description = RuleDescription(
        id: "label-undeclared",
        defaultSeverity: .error,
        category: .labels,
        summary: "a shape, track, tag or skeleton element uses a label that <meta> does not declare",
        rationale: """
            CVAT's importer fails on the first unknown label ("Label 'x' is not registered for this task"), \
            and so does a project import ("annotation has no label"). Top-level shapes take top-level \
            labels only; skeleton elements take the sublabels of their skeleton, looked up by (parent, name).
            """,
        issueTypes: [.init("label_not_declared")],
        triggering: [
            RuleExample("a box whose label is not declared", xml: RuleExample.document(
                meta: RuleExample.task(labels: ["car"]),
                body: RuleExample.imageElement(#"↓<box label="truck" xtl="1" ytl="1" xbr="5" ybr="5"/>"#))),
            RuleExample("a skeleton element that is not a sublabel of its skeleton", xml: RuleExample.document(
                meta: RuleExample.task(labels: ["pose", "head^pose"]),
                body: RuleExample.imageElement("""
                    <skeleton label="pose">
                      ↓<points label="tail" outside="0" occluded="0" points="1,1"/>
                    </skeleton>
                    """))),
        ],
        nonTriggering: [
            RuleExample("every label declared", xml: RuleExample.document(
                meta: RuleExample.task(labels: ["car"]),
                body: RuleExample.imageElement(#"<box label="car" xtl="1" ytl="1" xbr="5" ybr="5"/>"#))),
            RuleExample.inImage("no <meta>: nothing to resolve against", #"<box label="car" xtl="1" ytl="1" xbr="5" ybr="5"/>"#),
        ])

    private struct Key: Hashable {
        var label: String
        var parent: String?
    }

    private let context: RuleContext
    private var unknown = Occurrences<Key>()

    init(context: RuleContext) { self.context = context }

    func visitImage(_ image: ImageRecord) {
        for shape in image.shapes {
            check(shape.label, parent: nil, at: shape.location)
            for element in shape.elements { check(element.label, parent: shape.label, at: element.location) }
        }
    }

    func visitTrackStart(_ track: TrackRecord) {
        check(track.label, parent: nil, at: track.location)
    }

    func visitTrackShape(_ shape: Shape, of track: TrackRecord) {
        for element in shape.elements { check(element.label, parent: track.label, at: element.location) }
    }

    private func check(_ label: String, parent: String?, at location: SourceLocation) {
        let facts = context.facts
        guard facts.declaresLabels || (context.target.labelsFromMeta == true && facts.meta != nil),
              facts.label(label, parent: parent) == nil else { return }
        unknown.note(Key(label: label, parent: parent), at: location)
    }

    func finish() {
        for (key, entry) in unknown.all {
            let uses = counted(entry.count, "use")
            let message: String
            if let parent = key.parent {
                message = "skeleton '\(parent)' has no sublabel '\(key.label)' (\(uses))"
            } else if key.label.isEmpty {
                message = "an empty label (\(uses)); every shape needs a declared label"
            } else if context.facts.meta?.labels.contains(where: { $0.name == key.label && $0.parent != nil }) == true {
                message = "'\(key.label)' is a skeleton sublabel used as a top-level label (\(uses))"
            } else {
                // A target that says what it does with the label (its profile's note, added to the message) says it instead.
                let consequence = context.target.issue("label_not_declared")?.note == nil ? "; CVAT's importer stops on it" : ""
                message = "label '\(key.label)' is not declared in <meta> (\(uses))" + consequence
            }
            context.report(message, at: entry.first, issueType: "label_not_declared") { $0.label = key.label }
        }
    }
}
