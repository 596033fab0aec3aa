/// The layout of an `annotations.xml`: `<image>` elements, `<track>` elements, or both.
public enum ExportFormat: String, Sendable, Codable {
    case images, video, mixed
}

/// The combined mode of an export's tasks.
public enum ExportMode: String, Sendable, Codable {
    case annotation, interpolation, mixed
}

/// What `check` found in one export.
public struct ExportReport: Sendable, Codable {
    /// The path as the user gave it.
    public var path: String
    public var format: ExportFormat
    public var level: ExportLevel?
    public var mode: ExportMode?
    /// The import target the export was checked for.
    public var target: String
    /// Counts of every finding, including those beyond a cap that are not listed.
    public var summary: SeverityCounts
    public var findings: [Finding]
    /// The findings grouped as Encord's Issues object.
    public var issues: IssuesObject
    /// The ontology the import would create, and the actions an import stage should take.
    public var plan: ImportPlan
    /// Which export this is, from `<meta>` ("task 12 'street'"), else nil: baselines match only their own export.
    public var identity: String?
    /// What the export holds, counted (absent when the file could not be read through).
    public var statistics: ExportStatistics?

    public init(path: String, format: ExportFormat, level: ExportLevel?, mode: ExportMode?, target: String,
                summary: SeverityCounts, findings: [Finding], issues: IssuesObject, plan: ImportPlan, identity: String? = nil,
                statistics: ExportStatistics? = nil) {
        self.path = path
        self.format = format
        self.level = level
        self.mode = mode
        self.target = target
        self.summary = summary
        self.findings = findings
        self.issues = issues
        self.plan = plan
        self.identity = identity
        self.statistics = statistics
    }

    enum CodingKeys: String, CodingKey {
        case path, format, level, mode, target, summary, findings, issues, plan, identity, statistics
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(path, forKey: .path)
        try container.encode(format, forKey: .format)
        // The contract names these keys always; null when unknown.
        try container.encode(level, forKey: .level)
        try container.encode(mode, forKey: .mode)
        try container.encode(target, forKey: .target)
        try container.encode(summary, forKey: .summary)
        try container.encode(findings, forKey: .findings)
        try container.encode(issues, forKey: .issues)
        try container.encode(plan, forKey: .plan)
        try container.encodeIfPresent(identity, forKey: .identity)
        try container.encodeIfPresent(statistics, forKey: .statistics)
    }
}

extension ExportReport {
    /// The same report for the same bytes found at another path.
    func moved(to path: String) -> ExportReport {
        var report = self
        report.path = path
        return report
    }
}
