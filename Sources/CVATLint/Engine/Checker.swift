import Foundation

/// Options of one `check` run that the library acts on.
public struct CheckOptions: Sendable {
    /// At most this many `xml` and `schema` findings are listed per export; the rest are counted.
    public var maximumSchemaFindings: Int
    /// The import target.
    public var target: TargetProfile
    public var ruleOptions: RuleOptions
    /// Rule ids not to run.
    public var disabledRules: Set<String>
    /// When set, only these rule ids run (`xml` and `schema` findings are kept only if named).
    public var selectedRules: Set<String>?
    /// Per-rule severity that replaces the rule's own.
    public var severityOverrides: [String: Severity]
    /// fnmatch patterns of media paths (inside the export, e.g. `images/*.txt`) that rules do not see.
    public var mediaIgnore: [String]

    public init(target: TargetProfile, maximumSchemaFindings: Int = 200, ruleOptions: RuleOptions = RuleOptions(),
                disabledRules: Set<String> = [], selectedRules: Set<String>? = nil,
                severityOverrides: [String: Severity] = [:], mediaIgnore: [String] = []) {
        self.target = target
        self.maximumSchemaFindings = maximumSchemaFindings
        self.ruleOptions = ruleOptions
        self.disabledRules = disabledRules
        self.selectedRules = selectedRules
        self.severityOverrides = severityOverrides
        self.mediaIgnore = mediaIgnore
    }

    /// Whether findings of this rule are kept.
    public func isEnabled(_ ruleID: String) -> Bool {
        !disabledRules.contains(ruleID) && (selectedRules?.contains(ruleID) ?? true)
    }
}

/// Streams an export's `annotations.xml` once through libxml2 with the XSD attached, hands the
/// typed records to the rules, and turns parser and schema diagnostics into findings.
public final class Checker: Sendable {
    public let schema: CompiledSchema
    public let messages: XMLMessages
    public let rules: [RuleEntry]
    public let options: CheckOptions

    public init(schema: CompiledSchema, messages: XMLMessages, rules: [RuleEntry] = [], options: CheckOptions) {
        self.schema = schema
        self.messages = messages
        self.rules = rules.filter { options.isEnabled($0.description.id) }
        self.options = options
    }

    /// Lints one export. Throws `InputError` only when the input cannot be read at all. `tee` sees every
    /// byte of `annotations.xml` as the main pass reads it (for excerpts, without reading it again).
    public func check(_ source: ExportSource, visitors: [AnnotationVisitor] = [],
                      instances: ((String, SourceLocation) -> Void)? = nil,
                      progress: ((UInt64, UInt64?) -> Void)? = nil,
                      tee: ((UnsafeRawBufferPointer) throws -> Void)? = nil) throws -> ExportReport {
        let facts = ExportFacts(media: try source.mediaIndex(ignoring: options.mediaIgnore),
                                misnamedImagesFolder: source.misnamedImagesFolder)
        let ruleFindings = FindingList()
        let running: [Rule] = rules.map { entry in
            entry.make(RuleContext(ruleID: entry.description.id, severity: entry.description.defaultSeverity,
                                   issueSeverities: entry.description.issueSeverities, annotationsPath: source.annotationsPath, container: source.container,
                                   target: options.target, options: options.ruleOptions,
                                   facts: facts, mediaHeader: source.mediaHeader, mediaContent: source.streamMedia,
                                   instances: instances, sink: ruleFindings.append))
        }
        let statistics = StatisticsCollector(facts: facts)
        let fanOut = VisitorFanOut([facts, statistics] + running + visitors)
        var collector = DiagnosticCollector(file: source.annotationsPath, messages: messages,
                                            limit: options.maximumSchemaFindings)
        let reader = AnnotationsReader(visitor: fanOut) { collector.add($0) }
        // One parse, with the XSD, on a thread of its own; the records and rules replay it here.
        let parse = ParsePass(source: source, schema: schema, limit: options.maximumSchemaFindings,
                              keepsEveryPlace: instances != nil, progress: progress, tee: tee)
        guard parse.isUsable else { throw InputError("\(source.path): cannot start the XML parser (out of memory?)") }
        parse.start()
        let outcome = try parse.replay(into: reader)
        // Whole-export conclusions drawn from a file cut short would mislead; the xml finding says why.
        // Conclusions drawn at the end are about the whole export, not the record read last.
        facts.leaveRecord()
        if outcome.isWellFormed {
            for rule in running { rule.finish() }
        }
        collector.merge(schema: outcome.schemaDiagnostics, total: outcome.schemaTotal)
        // Every schema error's place, listed or past the cap, for those who note occurrences (apply).
        for place in outcome.schemaPlaces { instances?(place.issueType, place.location) }
        if outcome.sawNoBytes {
            collector.replaceAll(with: XMLDiagnostic(kind: .xml, message: "empty file", location: SourceLocation(line: 1, column: 0),
                                                     isFatal: true), describedAs: "the file is empty")
        }

        let (findings, counts) = try assemble(collector, ruleFindings.findings, integrity: source.integrityProblems())
        return ExportReport(
            path: source.path,
            format: facts.format,
            level: facts.level,
            mode: facts.mode,
            target: options.target.target,
            summary: counts,
            findings: findings,
            issues: IssuesObject(findings: findings),
            plan: PlanBuilder.build(facts: facts, target: options.target, options: options.ruleOptions, findings: findings),
            identity: facts.exportIdentity,
            statistics: outcome.isWellFormed ? statistics.statistics : nil)
    }
}

extension Checker {
    /// All of an export's findings in report order (structural, integrity, rules), with configured
    /// severities applied, and their counts (structural findings past the listing cap included).
    func assemble(_ collector: DiagnosticCollector, _ ruleFindings: [Finding],
                  integrity: [IntegrityProblem]) -> ([Finding], SeverityCounts) {
        var findings = (collector.findings + collector.overflowFindings).filter { options.isEnabled($0.rule) }
        if options.isEnabled("export") {
            findings += integrity.map { problem in
                Finding(rule: "export", severity: problem.severity, message: problem.message, location: FindingLocation(file: problem.file),
                        issueType: problem.issueType, action: problem.skipsMedia ? .skipMedia(file: problem.file) : nil)
            }
        }
        findings += ruleFindings
        findings = findings.map { finding in
            guard let severity = options.severityOverrides[finding.rule], severity != finding.severity else { return finding }
            var changed = finding
            changed.severity = severity
            return changed
        }
        // Findings counted as they now stand; the one closing a capped list counts for all it stands for.
        var counts = SeverityCounts()
        for finding in findings { counts.add(finding.severity, count: finding.weight) }
        return (findings, counts)
    }
}

/// The findings rules report during one check.
final class FindingList {
    private(set) var findings: [Finding] = []
    func append(_ finding: Finding) { findings.append(finding) }
}

/// Collects the `xml` and `schema` findings of one parse, up to a cap.
struct DiagnosticCollector {
    let file: String
    let messages: XMLMessages
    let limit: Int
    private(set) var findings: [Finding] = []
    private var unlisted: [String: Int] = [:]

    init(file: String, messages: XMLMessages, limit: Int) {
        self.file = file
        self.messages = messages
        self.limit = limit
    }

    /// Folds in the validation pass's schema diagnostics (already capped at `limit`, `total` in all):
    /// both lists are put in document order together, the same finding twice is kept once, and the
    /// cap applies again to the whole.
    mutating func merge(schema diagnostics: [XMLDiagnostic], total: Int) {
        var theirs = DiagnosticCollector(file: file, messages: messages, limit: limit)
        for diagnostic in diagnostics { theirs.add(diagnostic) }
        let key = { (finding: Finding, index: Int) in (finding.location.line ?? 0, finding.location.column ?? 0, index) }
        let ordered = (findings + theirs.findings).enumerated()
            .sorted { key($0.element, $0.offset) < key($1.element, $1.offset) }.map(\.element)
        var merged: [Finding] = []
        for finding in ordered where merged.last != finding { merged.append(finding) }
        findings = Array(merged.prefix(limit))
        for finding in merged.dropFirst(limit) { unlisted[finding.rule, default: 0] += 1 }
        unlisted["schema", default: 0] += max(0, total - diagnostics.count)
        unlisted = unlisted.filter { $0.value > 0 }
    }

    mutating func add(_ diagnostic: XMLDiagnostic) {
        let rule = diagnostic.kind == .xml ? "xml" : "schema"
        guard findings.count < limit else {
            unlisted[rule, default: 0] += 1
            return
        }
        var place = FindingLocation(file: file, at: diagnostic.location)
        place.image = diagnostic.image
        place.imageID = diagnostic.imageID
        place.trackID = diagnostic.trackID
        place.frame = diagnostic.frame
        let finding = Finding(rule: rule, severity: .error, message: messages.describe(diagnostic), location: place)
        // libxml2 can say the same thing twice at one place (e.g. a facet and then the type); keep one.
        if let last = findings.last, last.location == finding.location, last.rule == finding.rule,
           last.message == finding.message {
            return
        }
        findings.append(finding)
    }

    mutating func replaceAll(with diagnostic: XMLDiagnostic, describedAs message: String) {
        findings = [Finding(rule: "xml", severity: .error, message: message,
                            location: FindingLocation(file: file, at: diagnostic.location))]
        unlisted = [:]
    }

    /// One finding per rule that went past the cap, saying how many were not listed.
    var overflowFindings: [Finding] {
        unlisted.keys.sorted().compactMap { rule in
            guard let count = unlisted[rule], count > 0 else { return nil }
            return Finding(rule: rule, severity: .error,
                           message: "… and \(count) more \(rule) error\(count == 1 ? "" : "s") not listed (raise --max-schema-findings to see them)",
                           location: FindingLocation(file: file), unlisted: count)
        }
    }
}

/// Passes each record to several visitors in order (by index: a visitor copied out of the list would be
/// retained and released per record).
final class VisitorFanOut: AnnotationVisitor {
    private let visitors: [AnnotationVisitor]

    init(_ visitors: [AnnotationVisitor]) { self.visitors = visitors }

    func visitVersion(_ version: String, at location: SourceLocation) {
        for visitor in visitors { visitor.visitVersion(version, at: location) }
    }
    func visitMeta(_ meta: ExportMeta) {
        for visitor in visitors { visitor.visitMeta(meta) }
    }
    func visitImage(_ image: ImageRecord) {
        for index in visitors.indices { visitors[index].visitImage(image) }
    }
    func visitTrackStart(_ track: TrackRecord) {
        for index in visitors.indices { visitors[index].visitTrackStart(track) }
    }
    func visitTrackShape(_ shape: Shape, of track: TrackRecord) {
        for index in visitors.indices { visitors[index].visitTrackShape(shape, of: track) }
    }
    func visitTrackEnd(_ track: TrackRecord) {
        for index in visitors.indices { visitors[index].visitTrackEnd(track) }
    }
    func visitForeignElement(_ element: ForeignElement) {
        for index in visitors.indices { visitors[index].visitForeignElement(element) }
    }
    func visitRefusedTrackChild(at location: SourceLocation) {
        for index in visitors.indices { visitors[index].visitRefusedTrackChild(at: location) }
    }
}

