/// Derives the import plan (the ontology the target would create, and the ordered actions) from what
/// the export holds, the target profile and the findings.
enum PlanBuilder {
    static func build(facts: ExportFacts, target: TargetProfile, options: RuleOptions, findings: [Finding]) -> ImportPlan {
        let declared = (facts.meta?.labels ?? []).filter { $0.parent == nil }
        var order = declared.map(\.name)
        for label in facts.labelsInUseOrder where !order.contains(label) { order.append(label) }

        var ontology: [OntologyItem] = []
        for label in order {
            let spec = declared.first { $0.name == label }
            var kinds = Set((facts.kindsByLabel[label] ?? [:]).keys.map(options.effectiveKind))
            if kinds.isEmpty, let type = spec?.type, let kind = ShapeKind(labelType: type) {
                kinds = [options.effectiveKind(kind)]
            }
            let sorted = kinds.sorted()
            let attributes = (spec?.attributes ?? []).map { attribute -> PlannedAttribute in
                let support = target.attribute(attribute.inputType)
                return PlannedAttribute(name: attribute.name, inputType: attribute.inputType,
                                        target: support.isKept ? (support.to ?? attribute.inputType) : nil,
                                        status: support.status)
            }
            let keptKinds = sorted.filter { target.shape($0, level: facts.level).isKept }
            let split = keptKinds.count > 1 && target.labelsBindOneShape
            for kind in sorted {
                let support = target.shape(kind, level: facts.level)
                let kept = support.isKept
                let name = split && kept ? "\(label) (\(target.itemName(kind)))" : label
                ontology.append(OntologyItem(label: label, kind: kind.rawValue, name: name,
                                             shape: kept ? (support.to ?? kind.rawValue) : nil, status: support.status,
                                             attributes: attributes))
            }
        }

        // Splits first (they shape the ontology), then what the findings ask for, each once.
        let splits = ontology.filter { $0.name != $0.label && $0.shape != nil }
            .map { ImportAction.splitLabel(label: $0.label, shape: $0.kind, into: $0.name) }
        let conversions = ontology.filter { $0.status == .converted && $0.shape != nil && $0.shape != $0.kind }
            .map { ImportAction.convertShape(label: $0.label, from: $0.kind, to: $0.shape ?? $0.kind) }
        let boxConversions = options.boxesAsPolygons
            ? facts.labelsInUseOrder.filter { facts.kindsByLabel[$0]?[.box] != nil }
                .map { ImportAction.convertShape(label: $0, from: ShapeKind.box.rawValue, to: ShapeKind.polygon.rawValue) }
            : []
        var actions: [ImportAction] = []
        var seen: Set<ImportAction> = []
        for action in boxConversions + splits + conversions + findings.compactMap(\.action)
        where seen.insert(action).inserted {
            actions.append(action)
        }
        return ImportPlan(target: target.target, ontology: ontology, actions: actions)
    }
}
