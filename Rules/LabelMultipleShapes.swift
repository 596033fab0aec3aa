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
            Tags count as a kind; skeleton elements are part of their skeleton, not uses of their own.
            """,
        triggering: [
            RuleExample.inImage("person drawn as a box and as a polygon", """
                <box label="person" xtl="1" ytl="1" xbr="5" ybr="5"/>
                <polygon label="person" points="1,1;5,1;3,4"/>
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
        ])

    private let context: RuleContext
    /// Per label: the kinds it is used with, and where each kind was first seen.
    private var uses: [String: [ShapeKind: SourceLocation]] = [:]
    private var labelOrder: [String] = []
    private var specLocations: [String: SourceLocation] = [:]

    init(context: RuleContext) { self.context = context }

    func visitMeta(_ meta: ExportMeta) {
        for label in meta.labels where label.parent == nil {
            specLocations[label.name] = label.location
        }
    }

    func visitImage(_ image: ImageRecord) {
        for shape in image.shapes { note(shape.label, shape.kind, shape.location) }
    }

    func visitTrackShape(_ shape: Shape, of track: TrackRecord) {
        note(track.label, shape.kind, shape.location)
    }

    private func note(_ label: String, _ kind: ShapeKind, _ location: SourceLocation) {
        if uses[label] == nil { labelOrder.append(label) }
        if uses[label, default: [:]][kind] == nil { uses[label, default: [:]][kind] = location }
    }

    func finish() {
        for label in labelOrder {
            guard let kinds = uses[label], kinds.count > 1 else { continue }
            let sorted = kinds.keys.sorted()
            let items = sorted.map { "\"\(label) (\($0.rawValue))\"" }.joined(separator: ", ")
            let firstUse = kinds.values.min()
            context.report("label '\(label)' is used as \(sorted.map(\.rawValue).joined(separator: ", ")); "
                           + "it becomes \(sorted.count) items: \(items)",
                           at: specLocations[label] ?? firstUse) { $0.label = label }
        }
    }
}
