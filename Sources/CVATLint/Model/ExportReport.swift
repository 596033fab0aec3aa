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
    /// Counts of every finding, including those beyond a cap that are not listed.
    public var summary: SeverityCounts
    public var findings: [Finding]

    public init(path: String, format: ExportFormat, level: ExportLevel?, mode: ExportMode?,
                summary: SeverityCounts, findings: [Finding]) {
        self.path = path
        self.format = format
        self.level = level
        self.mode = mode
        self.summary = summary
        self.findings = findings
    }

    enum CodingKeys: String, CodingKey {
        case path, format, level, mode, summary, findings
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(path, forKey: .path)
        try container.encode(format, forKey: .format)
        // The contract names these keys always; null when unknown.
        try container.encode(level, forKey: .level)
        try container.encode(mode, forKey: .mode)
        try container.encode(summary, forKey: .summary)
        try container.encode(findings, forKey: .findings)
    }
}
