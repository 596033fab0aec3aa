import Foundation

/// `--format gitlab`: GitLab Code Quality JSON, with fingerprints that survive shifted lines.
public struct GitLabReporter: Reporter {
    public var paths: ReportPaths

    public init(paths: ReportPaths) {
        self.paths = paths
    }

    private struct Issue: Encodable {
        struct Location: Encodable {
            struct Lines: Encodable { var begin: Int }
            var path: String
            var lines: Lines
        }
        var description: String
        var checkName: String
        var fingerprint: String
        var severity: String
        var location: Location

        enum CodingKeys: String, CodingKey {
            case description
            case checkName = "check_name"
            case fingerprint, severity, location
        }
    }

    public func render(_ report: RunReport) throws -> String {
        var issues: [Issue] = []
        for (index, export) in report.exports.enumerated() {
            let container = index < report.containers.count ? report.containers[index] : .directory
            let fingerprints = Fingerprint.fingerprints(of: export.findings, exportPath: paths.relative(export.path))
            for (finding, fingerprint) in zip(export.findings, fingerprints) {
                // GitLab does not show check_name: the rule goes in front of the text.
                issues.append(Issue(
                    description: "\(finding.rule): \(finding.message)",
                    checkName: finding.rule,
                    fingerprint: fingerprint,
                    severity: Self.severity(finding.severity),
                    location: .init(path: paths.file(of: finding, export: export.path, container: container),
                                    lines: .init(begin: finding.location.line ?? 1))))
            }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(issues), as: UTF8.self) + "\n"
    }

    static func severity(_ severity: Severity) -> String {
        switch severity {
        case .error: "critical"
        case .warning: "major"
        case .info: "info"
        }
    }
}
