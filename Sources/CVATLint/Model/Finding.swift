/// How much a finding matters. Ordered: info < warning < error.
public enum Severity: String, Sendable, Codable, CaseIterable, Comparable {
    case info, warning, error

    private var rank: Int {
        switch self {
        case .info: 0
        case .warning: 1
        case .error: 2
        }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// Where a finding is: the file inside the export, line and column, and the annotation context that applies.
public struct FindingLocation: Sendable, Codable, Hashable {
    /// Path inside the export, e.g. `annotations.xml` or `images/a.jpg`.
    public var file: String
    public var line: Int?
    public var column: Int?
    public var taskID: Int?
    public var subset: String?
    public var image: String?
    public var imageID: Int?
    public var frame: Int?
    public var trackID: Int?
    public var label: String?
    public var attribute: String?

    public init(file: String, line: Int? = nil, column: Int? = nil, taskID: Int? = nil, subset: String? = nil,
                image: String? = nil, imageID: Int? = nil, frame: Int? = nil, trackID: Int? = nil,
                label: String? = nil, attribute: String? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.taskID = taskID
        self.subset = subset
        self.image = image
        self.imageID = imageID
        self.frame = frame
        self.trackID = trackID
        self.label = label
        self.attribute = attribute
    }

    public init(file: String, at location: SourceLocation) {
        self.init(file: file, line: location.line > 0 ? location.line : nil,
                  column: location.column > 0 ? location.column : nil)
    }

    enum CodingKeys: String, CodingKey {
        case file, line, column
        case taskID = "task_id"
        case subset, image
        case imageID = "image_id"
        case frame
        case trackID = "track_id"
        case label, attribute
    }
}

/// One problem found in an export.
public struct Finding: Sendable, Codable, Hashable {
    /// The rule's id (`xml`, `schema`, or a catalogue rule such as `label-multiple-shapes`).
    public var rule: String
    public var severity: Severity
    public var message: String
    public var location: FindingLocation
    /// The Encord-style issue type (snake_case) this finding is grouped under.
    public var issueType: String
    /// What an import stage should do about it, when there is something to do.
    public var action: ImportAction?
    /// How many places one finding of a systematic cause stands for (its location is the first); nil for one.
    public var count: Int?
    /// For the finding that closes a capped list: how many findings of its rule were not listed. It counts
    /// as that many in the summary.
    public var unlisted: Int?

    public init(rule: String, severity: Severity, message: String, location: FindingLocation,
                issueType: String? = nil, action: ImportAction? = nil, count: Int? = nil, unlisted: Int? = nil) {
        self.rule = rule
        self.severity = severity
        self.message = message
        self.location = location
        self.issueType = issueType ?? rule.replacingHyphens()
        self.action = action
        self.count = count.flatMap { $0 > 1 ? $0 : nil }
        self.unlisted = unlisted
    }

    /// How many findings this one counts as in the summary.
    public var weight: Int { unlisted ?? 1 }

    /// A short string naming the place, for the Issues object's `instances`.
    public var instance: String {
        guard let line = location.line else { return message }
        return "\(message) (\(location.file):\(line))"
    }

    enum CodingKeys: String, CodingKey {
        case rule, severity, message, location
        case issueType = "issue_type"
        case action, count, unlisted
    }
}

extension String {
    /// `label-multiple-shapes` → `label_multiple_shapes`.
    func replacingHyphens() -> String {
        String(map { $0 == "-" ? "_" : $0 })
    }
}

/// Counts of findings by severity.
public struct SeverityCounts: Sendable, Codable, Hashable {
    public var errors = 0
    public var warnings = 0
    public var infos = 0
    /// Findings a baseline accepted (not counted above); absent when no baseline was given.
    public var baselined: Int?

    public init(errors: Int = 0, warnings: Int = 0, infos: Int = 0, baselined: Int? = nil) {
        self.errors = errors
        self.warnings = warnings
        self.infos = infos
        self.baselined = baselined
    }

    public mutating func add(_ severity: Severity, count: Int = 1) {
        switch severity {
        case .error: errors += count
        case .warning: warnings += count
        case .info: infos += count
        }
    }

    public static func + (lhs: SeverityCounts, rhs: SeverityCounts) -> SeverityCounts {
        let baselined = (lhs.baselined == nil && rhs.baselined == nil) ? nil : (lhs.baselined ?? 0) + (rhs.baselined ?? 0)
        return SeverityCounts(errors: lhs.errors + rhs.errors, warnings: lhs.warnings + rhs.warnings,
                              infos: lhs.infos + rhs.infos, baselined: baselined)
    }
}
