/// Derives the import plan (the ontology the target would create, and the ordered actions) from what
/// the export holds, the target profile and the findings.
enum PlanBuilder {
    static func build(facts: ExportFacts, target: TargetProfile, options: RuleOptions, findings: [Finding]) -> ImportPlan {
        let labels = facts.meta?.labels ?? []
        let declared = labels.filter { $0.parent == nil }
        var order = declared.map(\.name)
        // Looked up by name, not searched: a project may declare thousands of labels.
        var ordered = Set(order)
        for label in facts.labelsInUseOrder where ordered.insert(label).inserted { order.append(label) }
        let specs = Dictionary(declared.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let sublabels = Dictionary(grouping: labels.filter { $0.parent != nil }, by: { $0.parent ?? "" })
        let svgs = skeletonDrawings(facts.meta)

        var ontology: [OntologyItem] = []
        for label in order {
            let spec = specs[label]
            var kinds = Set((facts.kinds(of: label) ?? [:]).keys.map(options.effectiveKind))
            if kinds.isEmpty, let type = spec?.type, let kind = ShapeKind(labelType: type) {
                kinds = [options.effectiveKind(kind)]
            }
            let sorted = kinds.sorted()
            let attributes = planned(spec?.attributes ?? [], target: target)
            // A skeleton item carries its vertices: the sublabels, each with its attributes.
            let vertices = (sublabels[label] ?? []).map {
                PlannedVertex(name: $0.name, attributes: planned($0.attributes, target: target))
            }
            let keptKinds = sorted.filter { target.shape($0, level: facts.level).isKept }
            let split = keptKinds.count > 1 && target.labelsBindOneShape
            for kind in sorted {
                let support = target.shape(kind, level: facts.level)
                let kept = support.isKept
                let name = split && kept ? "\(label) (\(target.itemName(kind)))" : label
                ontology.append(OntologyItem(label: label, kind: kind.rawValue, name: name,
                                             shape: kept ? (support.to ?? kind.rawValue) : nil, status: support.status,
                                             attributes: attributes, vertices: kind == .skeleton ? vertices : nil,
                                             edges: kind == .skeleton ? skeletonEdges(svg: svgs[label]) : nil))
            }
        }

        // Splits first (they shape the ontology), then what the findings ask for, each once.
        let splits = ontology.filter { $0.name != $0.label && $0.shape != nil }
            .map { ImportAction.splitLabel(label: $0.label, shape: $0.kind, into: $0.name) }
        let conversions = ontology.filter { $0.status == .converted && $0.shape != nil && $0.shape != $0.kind }
            .map { ImportAction.convertShape(label: $0.label, from: $0.kind, to: $0.shape ?? $0.kind) }
        let boxConversions = options.boxesAsPolygons
            ? facts.labelsInUseOrder.filter { facts.kinds(of: $0)?[.box] != nil }
                .map { ImportAction.convertShape(label: $0, from: ShapeKind.box.rawValue, to: ShapeKind.polygon.rawValue) }
            : []
        var actions: [ImportAction] = []
        var seen: Set<ImportAction> = []
        var reexport: (format: String, level: String?)?
        for action in boxConversions + splits + conversions + findings.compactMap(\.action)
        where seen.insert(action).inserted {
            // Several findings may each ask for a new export (video format, job level, no media): that is
            // one export, in the format asked and at the level the target takes.
            if case let .reexport(format, level) = action {
                if let earlier = reexport {
                    let merged = (format: earlier.format, level: earlier.level == "task" || level == "task" ? "task" : earlier.level ?? level)
                    reexport = merged
                    if let index = actions.firstIndex(where: { if case .reexport = $0 { return true } else { return false } }) {
                        actions[index] = .reexport(format: merged.format, level: merged.level)
                    }
                    continue
                }
                reexport = (format, level)
            }
            actions.append(action)
        }
        return ImportPlan(target: target.target, ontology: ontology, actions: actions)
    }

    /// The `<svg>` of each top-level label that has one, by name (the first label of a name).
    static func skeletonDrawings(_ meta: ExportMeta?) -> [String: String] {
        var drawings: [String: String] = [:]
        for label in meta?.section?.children("labels").flatMap({ $0.children("label") }) ?? []
        where (label.value("parent") ?? "").isEmpty {
            guard let name = label.value("name"), drawings[name] == nil else { continue }
            drawings[name] = label.value("svg") ?? ""
        }
        return drawings
    }

    /// The edges a skeleton label's `<svg>` draws: `<line data-node-from data-node-to>` between the
    /// `<circle data-node-id data-label-name>` vertices, by vertex name (edges to unnamed nodes left out).
    static func skeletonEdges(svg: String?) -> [PlannedEdge] {
        guard let svg else { return [] }
        func attribute(_ name: String, in tag: Substring) -> String? {
            guard let start = tag.range(of: " \(name)=\"") else { return nil }
            let rest = tag[start.upperBound...]
            return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
        }
        var names: [String: String] = [:]
        var pairs: [(String, String)] = []
        for tag in svg.split(separator: "<") {
            if tag.hasPrefix("circle"), let id = attribute("data-node-id", in: tag), let name = attribute("data-label-name", in: tag) {
                names[id] = name
            } else if tag.hasPrefix("line"), let from = attribute("data-node-from", in: tag), let to = attribute("data-node-to", in: tag) {
                pairs.append((from, to))
            }
        }
        return pairs.compactMap { from, to in
            guard let a = names[from], let b = names[to] else { return nil }
            return PlannedEdge(from: a, to: b)
        }
    }

    /// What becomes of attribute specs in the target, with their values.
    static func planned(_ specs: [AttributeSpec], target: TargetProfile) -> [PlannedAttribute] {
        specs.map { attribute in
            let support = target.attribute(attribute.inputType)
            return PlannedAttribute(name: attribute.name, inputType: attribute.inputType,
                                    target: support.isKept ? (support.to ?? attribute.inputType) : nil,
                                    status: support.status, values: attribute.values, defaultValue: attribute.defaultValue)
        }
    }
}
