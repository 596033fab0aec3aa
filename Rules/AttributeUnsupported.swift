import CVATLint

/// Attributes and built-in fields the target cannot take as they are: converted, dropped, or unknown
/// to the label (CVAT drops those silently).
final class AttributeUnsupported: ShapeRule {
    static let description = RuleDescription(
        id: "attribute-unsupported",
        defaultSeverity: .warning,
        category: .attributes,
        summary: "an attribute or built-in field the target converts, drops, or does not know",
        rationale: """
            Targets differ in what an annotation can carry. Encord turns numbers into text (losing min, max \
            and step) and selects into radios, and has no occluded, z_order, group or source fields; an \
            Encord classification holds exactly one attribute, so a tag with several loses some. An \
            <attribute> whose name the label does not declare is dropped without a word by an import that \
            keeps declared attributes only (CVAT's task import; its project import adds the name to the \
            label, and Datumaro keeps the value): declaring it in <meta> as text keeps every value. CVAT's project import writes each shape's occluded flag and rotation (and a \
            track shape's outside, keyframe and track id) among its attributes under those names, so a \
            label's own attribute so named is overwritten and lost. Each finding carries the action an \
            import stage should take.
            """,
        issueTypes: [.init("attribute_not_declared"), .init("attribute_name_reserved"), .init("attribute_type_converted", profile: "attributes"), .init("attribute_type_unsupported", profile: "attributes"), .init("mutable_attribute_dropped", profile: "fields"), .init("tag_with_several_attributes"), .init("*_dropped", profile: "fields"), .init("*_converted", profile: "fields")],
        actions: ["declareAttribute", "dropAttribute", "convertAttribute", "dropField"],
        triggering: [
            RuleExample("a number attribute, for Encord", xml: RuleExample.document(
                meta: RuleExample.task(labels: ["car:↓number:speed"]),
                body: RuleExample.imageElement(#"<box label="car" xtl="1" ytl="1" xbr="5" ybr="5"><attribute name="speed">3</attribute></box>"#))),
            RuleExample("an attribute the label does not declare", target: "cvat", xml: RuleExample.document(
                meta: RuleExample.task(labels: ["car"]),
                body: RuleExample.imageElement(#"<box label="car" xtl="1" ytl="1" xbr="5" ybr="5">↓<attribute name="color">red</attribute></box>"#))),
            RuleExample("occluded shapes, for Encord", xml: RuleExample.document(
                meta: RuleExample.task(labels: ["car"]),
                body: RuleExample.imageElement(#"↓<box label="car" occluded="1" xtl="1" ytl="1" xbr="5" ybr="5"/>"#))),
        ],
        nonTriggering: [
            RuleExample("a text attribute, declared, for Encord", xml: RuleExample.document(
                meta: RuleExample.task(labels: ["car:text:plate"]),
                body: RuleExample.imageElement(#"<box label="car" occluded="0" xtl="1" ytl="1" xbr="5" ybr="5"><attribute name="plate">AB1</attribute></box>"#))),
            RuleExample("a number attribute, for CVAT itself", target: "cvat", xml: RuleExample.document(
                meta: RuleExample.task(labels: ["car:number:speed"]),
                body: RuleExample.imageElement(#"<box label="car" occluded="1" xtl="1" ytl="1" xbr="5" ybr="5"><attribute name="speed">3</attribute></box>"#))),
        ])

    /// The built-in fields worth a word when a shape uses them, and what "uses" means for each.
    /// A track's group and source are on its start tag and hold for each of its shapes (image shapes once it is
    /// exported, or applied, as CVAT for images), so its shapes use them.
    private static let fieldUses: [(field: String, isUsed: @Sendable (Shape, TrackRecord?) -> Bool)] = [
        ("occluded", { shape, _ in shape.occluded }),
        ("z_order", { shape, _ in (shape.zOrder ?? 0) != 0 }),
        ("group_id", { shape, track in (shape.groupID ?? track?.groupID ?? 0) != 0 }),
        ("rotation", { shape, _ in (shape.rotation ?? 0) != 0 }),
        ("source", { shape, track in shape.source != nil || track?.source != nil }),
    ]

    private struct Use {
        var count = 0
        var first: SourceLocation
    }

    /// A built-in field the target does not keep, and its uses so far (over all labels).
    private struct DroppedField {
        let name: String
        let isUsed: @Sendable (Shape, TrackRecord?) -> Bool
        var use: Use?
        /// The labels using it, in first-use order (a project may interleave thousands).
        var labels = OrderedNames()

        mutating func note(_ shape: Shape, label: String) {
            if use == nil { use = Use(first: shape.location) }
            use?.count += 1
            labels.insert(label)
        }
    }

    private let context: RuleContext
    /// (label, attribute name) → uses of attributes the label does not declare.
    private var undeclared: [String: [String: Use]] = [:]
    /// (label, attribute name) → shapes whose attribute the import overwrites with a built-in field.
    private var overwritten: [String: [String: Use]] = [:]
    /// The attribute names the import writes built-in fields under, for image shapes and for track shapes.
    private var reserved = TargetProfile.ReservedAttributeNames.AtLevel()
    /// Tag labels → uses of tags with more than one attribute.
    private var crowdedTags: [String: Use] = [:]
    @exclusivity(unchecked) private var labelOrder: [String] = []

    /// The built-in fields this target does not keep, worked out once.
    @exclusivity(unchecked) private var droppedFields: [DroppedField]
    @exclusivity(unchecked) private var seenLabels: Set<String> = []
    /// The label of the previous shape (a track's shapes share one): no set look-up while it repeats.
    @exclusivity(unchecked) private var lastLabel: String?

    init(context: RuleContext) {
        self.context = context
        droppedFields = Self.fieldUses.filter { context.target.field($0.field).status != .supported }
            .map { DroppedField(name: $0.field, isUsed: $0.isUsed) }
    }

    func visitMeta(_ meta: ExportMeta) {
        let target = context.target
        reserved = target.reservedNames(level: meta.level)
        for label in meta.labels {
            for attribute in label.attributes {
                let support = target.attribute(attribute.inputType)
                switch support.status {
                case .supported:
                    break
                case .converted:
                    let to = support.to ?? attribute.inputType
                    context.report("label '\(label.name)': attribute '\(attribute.name)' is \(attribute.inputType); "
                                   + "\(target.name) takes it as \(to)" + (support.note.map { " (\($0))" } ?? ""),
                                   at: attribute.location, severity: support.severity, issueType: "attribute_type_converted",
                                   action: .convertAttribute(label: label.name, attribute: attribute.name,
                                                             from: attribute.inputType, to: to)) {
                        $0.label = label.name
                        $0.attribute = attribute.name
                    }
                case .dropped, .unsupported:
                    context.report("label '\(label.name)': attribute '\(attribute.name)' (\(attribute.inputType)) cannot be "
                                   + "kept by \(target.name)" + (support.note.map { ": \($0)" } ?? ""),
                                   at: attribute.location, severity: support.severity, issueType: "attribute_type_unsupported",
                                   action: .dropAttribute(label: label.name, attribute: attribute.name)) {
                        $0.label = label.name
                        $0.attribute = attribute.name
                    }
                }
                if attribute.mutable == true {
                    let mutable = target.field("mutable")
                    if mutable.status != .supported {
                        context.report("label '\(label.name)': attribute '\(attribute.name)' is mutable (per frame); "
                                       + (mutable.note ?? "the target does not keep that"),
                                       at: attribute.location, severity: mutable.severity ?? .info,
                                       issueType: "mutable_attribute_dropped",
                                       action: .dropField(label: label.name, field: "mutable")) {
                            $0.label = label.name
                            $0.attribute = attribute.name
                        }
                    }
                }
            }
        }
    }

    func visitShape(_ shape: Shape, label: String, track: TrackRecord?) {
        if label != lastLabel {
            if seenLabels.insert(label).inserted { labelOrder.append(label) }
            lastLabel = label
        }
        for index in droppedFields.indices where droppedFields[index].isUsed(shape, track) {
            droppedFields[index].note(shape, label: label)
        }
        if shape.kind == .tag, shape.attributes.count > 1, context.target.labelsBindOneShape {
            crowdedTags[label, default: Use(first: shape.location)].count += 1
        }
        let reserved = self.reserved.names(onTrack: track != nil)
        if !reserved.isEmpty, shape.kind != .tag {
            // A shape the import skips loses its values anyway (shape-unsupported says so).
            for attribute in shape.attributes where reserved.contains(attribute.name)
                && context.target.shape(context.options.effectiveKind(shape.kind), level: context.facts.level).isKept {
                overwritten[label, default: [:]][attribute.name, default: Use(first: attribute.location)].count += 1
            }
        }
        checkDeclared(shape.attributes, spec: context.facts.label(label), label: label)
        for element in shape.elements {
            checkDeclared(element.attributes, spec: context.facts.label(element.label, parent: label), label: element.label)
        }
    }

    private func checkDeclared(_ attributes: [AttributeValue], spec: LabelSpec?, label: String) {
        guard !attributes.isEmpty, let spec, !spec.declaresAll(attributes) else { return }
        // A skeleton element's label is reported in its own right: it joins the order on its first undeclared use.
        if seenLabels.insert(label).inserted { labelOrder.append(label) }
        for attribute in attributes where !spec.attributes.contains(where: { $0.name == attribute.name }) {
            undeclared[label, default: [:]][attribute.name, default: Use(first: attribute.location)].count += 1
        }
    }

    func finish() {
        let target = context.target
        for dropped in droppedFields.sorted(by: { $0.name < $1.name }) {
            guard let use = dropped.use else { continue }
            let field = dropped.name
            let support = target.field(field)
            guard let severity = support.severity else { continue }
            let verb = support.status == .converted ? "converted" : "dropped"
            let labels = dropped.labels.names
            let named = labels.prefix(5).map { "'\($0)'" }.joined(separator: ", ") + (labels.count > 5 ? ", …" : "")
            let whose = labels.count == 1 ? "label \(named)" : "\(labels.count) labels (\(named))"
            context.report("\(counted(use.count, "shape")) of \(whose) \(use.count == 1 ? "uses" : "use") \(field); \(verb) by "
                           + target.name + (support.note.map { " (\($0))" } ?? ""),
                           at: use.first, severity: severity, issueType: "\(field)_\(verb)",
                           action: support.status == .converted ? nil : .dropField(label: nil, field: field)) {
                $0.label = labels.count == 1 ? labels.first : nil
            }
        }
        for label in labelOrder {
            for (name, use) in (undeclared[label] ?? [:]).sorted(by: { $0.key < $1.key }) {
                // Declaring it keeps every value (as text); a blank name cannot be declared, and one the import
                // writes a built-in field under would lose its values all the same: those can only be left out.
                let blank = name.withoutASCIISpacesAtEdges.isEmpty
                // Names reserved on images are reserved on tracks too.
                let reserved = self.reserved.onTracks.contains(name)
                let declarable = !blank && !reserved
                context.report("label '\(label)' does not declare attribute '\(name)' (\(counted(use.count, "use"))); an "
                               + "import that keeps declared attributes only drops its values without a word"
                               + (declarable ? " unless <meta> declares it" : "")
                               + (reserved ? "; the import writes a built-in field under this name, so rename the attribute to keep its values" : ""),
                               at: use.first, issueType: "attribute_not_declared",
                               action: declarable ? .declareAttribute(label: label, attribute: name) : .dropAttribute(label: label, attribute: name),
                               count: use.count) {
                    $0.label = label
                    $0.attribute = name
                }
            }
            let spec = context.facts.label(label)
            for (name, use) in (overwritten[label] ?? [:]).sorted(by: { $0.key < $1.key }) {
                // An attribute the label does not declare is lost anyway (attribute_not_declared says so).
                guard let declared = spec?.attributes.first(where: { $0.name == name }) else { continue }
                let level = context.facts.level.map { " of a \($0.rawValue) export" } ?? ""
                context.report("label '\(label)': attribute '\(name)' has the name of a built-in field that \(target.name)'s import\(level) "
                               + "writes in its place: its values on \(counted(use.count, "shape")) are lost; give the attribute another name",
                               at: declared.location, issueType: "attribute_name_reserved") {
                    $0.label = label
                    $0.attribute = name
                }
            }
            if let use = crowdedTags[label] {
                context.report("label '\(label)': \(counted(use.count, "tag")) \(use.count == 1 ? "carries" : "carry") several attributes; a \(target.name) "
                               + "classification holds exactly one, so the others may be lost",
                               at: use.first, issueType: "tag_with_several_attributes") { $0.label = label }
            }
        }
    }
}
