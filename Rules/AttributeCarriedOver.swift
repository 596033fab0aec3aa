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
            tag: its values are silently replaced, and a name its label lacks is added to the label (the \
            project import creates attributes it does not know). Converting or dropping the skipped shapes \
            (apply --allow-loss) leaves nothing to carry over.
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

    /// The annotation the importer last opened an attribute set for, and what skipped shapes wrote into it.
    private struct Recipient {
        var kind: ShapeKind
        var label: String
        var line: Int
        /// Whether the annotation keeps that very set: a tag always, a shape only when it carried an attribute
        /// (an empty set is replaced by a fresh one when the annotation is made).
        var keepsSet: Bool
        /// Its own `<attribute>` values.
        var own: [AttributeValue]
        /// For each name a skipped shape wrote: the last value written, which the annotation ends with, and by whom.
        var written: [String: (value: String, writer: Writer)] = [:]

        /// The value it carried under `name` itself (the last, as a dictionary keeps it).
        func ownValue(_ name: String) -> String? { own.last { $0.name == name }?.value }
    }

    private struct Writer {
        var key: Key
        var location: SourceLocation
    }

    private struct Key: Hashable {
        var skipped: ShapeKind
        var label: String
    }

    private let context: RuleContext
    /// The kinds the import skips at this export's level: none for most, and then nothing to follow.
    @exclusivity(unchecked) private var skippedKinds: Set<ShapeKind> = []
    @exclusivity(unchecked) private var recipient: Recipient?
    private var carried = Occurrences<Key>()
    private var changedAttributes: [Key: Set<String>] = [:]

    init(context: RuleContext) { self.context = context }

    func visitMeta(_ meta: ExportMeta) {
        guard context.target.skippedShapeAttributesCarryOver == true else { return }
        skippedKinds = Set(ShapeKind.allCases.filter { $0 != .tag && !context.target.shape($0, level: meta.level).isKept })
    }

    func visitShape(_ shape: Shape, label: String, track: TrackRecord?) {
        guard !skippedKinds.isEmpty else { return }
        let kind = context.options.effectiveKind(shape.kind)
        guard skippedKinds.contains(kind) else {
            close()
            recipient = Recipient(kind: kind, label: label, line: shape.location.line,
                                  keepsSet: kind == .tag || !shape.attributes.isEmpty, own: shape.attributes)
            return
        }
        guard !shape.attributes.isEmpty, recipient?.keepsSet == true else { return }
        let writer = Writer(key: Key(skipped: kind, label: label), location: shape.location)
        for value in shape.attributes { recipient?.written[value.name] = (value.value, writer) }
    }

    /// Once no later shape can write into the recipient's set: what it ends with against what it carried,
    /// told at the shape that wrote each value. Every name counts: CVAT's project import (soft attribute
    /// import) adds one the label lacks to the label, and Datumaro keeps them all.
    private func close() {
        guard let closing = recipient, !closing.written.isEmpty else { return }
        recipient = nil
        var changedBy: [(writer: Writer, names: [String])] = []
        for (name, entry) in closing.written.sorted(by: { $0.key < $1.key }) where entry.value != closing.ownValue(name) {
            if let index = changedBy.firstIndex(where: { $0.writer.location == entry.writer.location }) {
                changedBy[index].names.append(name)
            } else {
                changedBy.append((entry.writer, [name]))
            }
        }
        for (writer, names) in changedBy.sorted(by: { $0.writer.location.line < $1.writer.location.line }) {
            let quoted = names.map { "'\($0)'" }.joined(separator: ", ")
            carried.note(writer.key, at: writer.location,
                         example: "\(quoted) of the \(closing.kind.rawValue) of '\(closing.label)' at line \(closing.line)")
            changedAttributes[writer.key, default: []].formUnion(names)
        }
    }

    func finish() {
        close()
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
