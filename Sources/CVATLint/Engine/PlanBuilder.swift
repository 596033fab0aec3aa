/// Derives the import plan (the ontology the target would create, and the ordered actions) from what
/// the export holds, the target profile and the findings.
enum PlanBuilder {
    /// Label types that name one shape kind (`any` names none).
    private static let kindOfLabelType: [String: ShapeKind] = [
        "rectangle": .box, "bbox": .box, "polygon": .polygon, "polyline": .polyline, "points": .points,
        "ellipse": .ellipse, "cuboid": .cuboid, "cuboid_3d": .cuboid, "mask": .mask, "skeleton": .skeleton, "tag": .tag,
    ]

    static func build(facts: ExportFacts, target: TargetProfile, options: RuleOptions, findings: [Finding]) -> ImportPlan {
        let declared = (facts.meta?.labels ?? []).filter { $0.parent == nil }
        var order = declared.map(\.name)
        for label in facts.labelsInUseOrder where !order.contains(label) { order.append(label) }

        var ontology: [OntologyItem] = []
        for label in order {
            let spec = declared.first { $0.name == label }
            var kinds = Set((facts.kindsByLabel[label] ?? [:]).keys.map(options.effectiveKind))
            if kinds.isEmpty, let type = spec?.type, let kind = kindOfLabelType[type] {
                kinds = [options.effectiveKind(kind)]
            }
            let sorted = kinds.sorted()
            let attributes = (spec?.attributes ?? []).map { attribute -> PlannedAttribute in
                let support = target.attribute(attribute.inputType)
                let kept = support.status == .supported || support.status == .converted
                return PlannedAttribute(name: attribute.name, inputType: attribute.inputType,
                                        target: kept ? (support.to ?? attribute.inputType) : nil, status: support.status)
            }
            for kind in sorted {
                let support = target.shape(kind, level: facts.level)
                let kept = support.status == .supported || support.status == .converted
                let name = sorted.count > 1 ? "\(label) (\(target.itemName(kind)))" : label
                ontology.append(OntologyItem(label: label, kind: kind.rawValue, name: name,
                                             shape: kept ? (support.to ?? kind.rawValue) : nil, status: support.status,
                                             attributes: attributes))
            }
        }

        var actions: [ImportAction] = []
        var seen: Set<ImportAction> = []
        for action in findings.compactMap(\.action) where seen.insert(action).inserted {
            actions.append(action)
        }
        return ImportPlan(target: target.target, ontology: ontology, actions: actions)
    }
}
