import Foundation

/// Known findings, recorded once (`--write-baseline`) and accepted afterwards (`--baseline`).
///
/// Findings match by their path-independent key (rule, issue type and place in the export, never the
/// line), so a re-export whose lines shifted, or the same export under another file name, still matches;
/// and only within the export they were recorded for (its level, id and name from `<meta>`, else its path),
/// so a finding of one export never hides the same finding in another.
public struct Baseline: Sendable, Codable, Equatable {
    public struct Entry: Sendable, Codable, Equatable {
        /// The export the finding was recorded in.
        public var export: String
        public var key: String
        public var rule: String
        public var message: String
    }

    public var tool: String
    public var version: Int
    public var findings: [Entry]

    public init(findings: [Entry]) {
        tool = ToolInfo.name
        version = Self.currentVersion
        self.findings = findings
    }

    /// Version 2 records each finding's export.
    public static let currentVersion = 2

    /// Which export a baseline entry belongs to: its identity from `<meta>`, else its path.
    static func exportKey(_ export: ExportReport) -> String { export.identity ?? export.path }

    /// The baseline of a run: every finding of every export.
    public init(report: RunReport) {
        var entries: [Entry] = []
        for export in report.exports {
            for (finding, key) in zip(export.findings, Fingerprint.keys(of: export.findings)) {
                entries.append(Entry(export: Self.exportKey(export), key: key, rule: finding.rule, message: finding.message))
            }
        }
        self.init(findings: entries)
    }

    /// Reads a baseline file; a file that does not read is an `InputError` (exit 2).
    public static func load(path: String) throws -> Baseline {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InputError("\(path): the baseline cannot be read")
        }
        do {
            let baseline = try JSONDecoder().decode(Baseline.self, from: data)
            guard baseline.tool == ToolInfo.name, baseline.version == currentVersion else {
                throw InputError("\(path): not a cvat-lint baseline of version \(currentVersion) (write it again with --write-baseline)")
            }
            return baseline
        } catch let error as InputError {
            throw error
        } catch {
            throw InputError("\(path): not a cvat-lint baseline (\(error))")
        }
    }

    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// The report without the findings this baseline knows; their number is kept in `baselined`.
    public func apply(to report: RunReport) -> RunReport {
        let known = Dictionary(grouping: findings, by: \.export).mapValues { Set($0.map(\.key)) }
        var result = report
        for index in result.exports.indices {
            let export = result.exports[index]
            let knownHere = known[Self.exportKey(export)] ?? []
            let keys = Fingerprint.keys(of: export.findings)
            var fresh: [Finding] = []
            var counts = export.summary
            var removed = 0
            for (finding, key) in zip(export.findings, keys) {
                if knownHere.contains(key) {
                    counts.add(finding.severity, count: -finding.weight)
                    removed += finding.weight
                } else {
                    fresh.append(finding)
                }
            }
            counts.baselined = (counts.baselined ?? 0) + removed
            result.exports[index].findings = fresh
            result.exports[index].summary = counts
            result.exports[index].issues = IssuesObject(findings: fresh)
        }
        return result
    }
}

/// When a run fails (exit code 1).
public struct Gate: Sendable {
    /// Fail on findings of this severity or worse (error by default).
    public var failOn: Severity
    /// Fail when warnings exceed this many.
    public var maximumWarnings: Int?

    public init(failOn: Severity = .error, maximumWarnings: Int? = nil) {
        self.failOn = failOn
        self.maximumWarnings = maximumWarnings
    }

    /// Whether these counts fail the run, and why (one line).
    public func verdict(_ counts: SeverityCounts) -> String? {
        if counts.errors > 0 {
            return counted(counts.errors, "error")
        }
        if failOn <= .warning, counts.warnings > 0 {
            return "\(counted(counts.warnings, "warning")) with --fail-on \(failOn.rawValue)"
        }
        if failOn == .info, counts.infos > 0 {
            return "\(counted(counts.infos, "info")) with --fail-on info"
        }
        if let maximumWarnings, counts.warnings > maximumWarnings {
            return "\(counted(counts.warnings, "warning")), more than --max-warnings \(maximumWarnings)"
        }
        return nil
    }
}
