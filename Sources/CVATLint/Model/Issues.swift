/// One kind of problem and where it occurs: Encord's `Issue` shape.
public struct Issue: Sendable, Codable, Hashable {
    public var issueType: String
    /// Short human strings, one per occurrence, each naming its place.
    public var instances: [String]

    enum CodingKeys: String, CodingKey {
        case issueType = "issue_type"
        case instances
    }
}

/// Findings grouped by severity and issue type: exactly the shape of Encord's `Issues` object.
public struct IssuesObject: Sendable, Codable, Hashable {
    public var errors: [Issue]
    public var warnings: [Issue]
    public var infos: [Issue]

    /// Groups findings in first-seen order of their issue types.
    public init(findings: [Finding]) {
        func group(_ severity: Severity) -> [Issue] {
            var order: [String] = []
            var instances: [String: [String]] = [:]
            for finding in findings where finding.severity == severity {
                if instances[finding.issueType] == nil { order.append(finding.issueType) }
                instances[finding.issueType, default: []].append(finding.instance)
            }
            return order.map { Issue(issueType: $0, instances: instances[$0] ?? []) }
        }
        errors = group(.error)
        warnings = group(.warning)
        infos = group(.info)
    }
}

/// One ontology item the import would create: a CVAT label drawn as one shape kind.
public struct OntologyItem: Sendable, Codable, Hashable {
    public var label: String
    /// The CVAT element kind (`box`, `polygon`, …, `tag`).
    public var kind: String
    /// The item's name in the target (`person`, or `person (bounding box)` after a split).
    public var name: String
    /// The target shape (`rotatable_bounding_box`, `classification`, …), or nil when the target drops it.
    public var shape: String?
    public var status: SupportStatus
    public var attributes: [PlannedAttribute]
    /// For a skeleton: its vertices (the sublabels, in `<meta>` order), each with its own attributes.
    public var vertices: [PlannedVertex]?
    /// For a skeleton: the edges its `<svg>` draws between vertices, by vertex name.
    public var edges: [PlannedEdge]?
}

/// One edge of a skeleton item, between two vertices named by their sublabels.
public struct PlannedEdge: Sendable, Codable, Hashable {
    public var from: String
    public var to: String
}

/// One vertex of a skeleton item: a sublabel and what becomes of its attributes.
public struct PlannedVertex: Sendable, Codable, Hashable {
    public var name: String
    public var attributes: [PlannedAttribute]
}

/// What becomes of one attribute spec in the target.
public struct PlannedAttribute: Sendable, Codable, Hashable {
    public var name: String
    public var inputType: String
    /// The target attribute type, or nil when it is dropped.
    public var target: String?
    public var status: SupportStatus
    /// The spec's values as `<meta>` lists them: the options of radio, select and checkbox, min, max and
    /// step of a number, the default text of a text attribute.
    public var values: [String]
    public var defaultValue: String?

    enum CodingKeys: String, CodingKey {
        case name
        case inputType = "input_type"
        case target, status, values
        case defaultValue = "default_value"
    }
}

/// The ontology the import would create and the ordered actions an import stage should take.
public struct ImportPlan: Sendable, Codable, Hashable {
    public var target: String
    public var ontology: [OntologyItem]
    public var actions: [ImportAction]

    public init(target: String, ontology: [OntologyItem] = [], actions: [ImportAction] = []) {
        self.target = target
        self.ontology = ontology
        self.actions = actions
    }
}
