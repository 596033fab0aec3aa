import Foundation

/// `--format sarif`: SARIF 2.1.0 for code scanning, with every rule's metadata, relative URIs,
/// 1-based columns and `partialFingerprints`.
public struct SARIFReporter: Reporter {
    /// The rules to describe and the paths to write relative to.
    public var context: ReportFormat.Context
    private var rules: [RuleDescription] { context.rules }
    private var paths: ReportPaths { context.paths }

    public init(_ context: ReportFormat.Context) {
        self.context = context
    }

    public func render(_ report: RunReport) throws -> String {
        let ruleIndex = Dictionary(uniqueKeysWithValues: rules.enumerated().map { ($1.id, $0) })
        var results: [[String: Any]] = []
        for (index, export) in report.exports.enumerated() {
            let container = index < report.containers.count ? report.containers[index] : .directory
            let fingerprints = Fingerprint.fingerprints(of: export.findings, exportPath: paths.relative(export.path))
            for (finding, fingerprint) in zip(export.findings, fingerprints) {
                var region: [String: Any] = ["startLine": finding.location.line ?? 1]
                if let column = finding.location.column, column >= 1 { region["startColumn"] = column }
                var message = finding.message
                if container == .zip { message += " (in \(finding.location.file) inside the zip)" }
                var result: [String: Any] = [
                    "ruleId": finding.rule,
                    "level": Self.level(finding.severity),
                    "message": ["text": message],
                    "locations": [[
                        "physicalLocation": [
                            "artifactLocation": ["uri": paths.file(of: finding, export: export.path, container: container),
                                                 "uriBaseId": "SRCROOT"],
                            "region": region,
                        ],
                    ]],
                    "partialFingerprints": ["cvatLint/v1": fingerprint],
                    "properties": ["issueType": finding.issueType],
                ]
                if let index = ruleIndex[finding.rule] { result["ruleIndex"] = index }
                results.append(result)
            }
        }
        let driver: [String: Any] = [
            "name": ToolInfo.name,
            "semanticVersion": ToolInfo.version,
            "rules": rules.map(Self.descriptor),
        ]
        let log: [String: Any] = [
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [[
                "tool": ["driver": driver],
                "originalUriBaseIds": ["SRCROOT": ["uri": URL(fileURLWithPath: paths.base, isDirectory: true).absoluteString]],
                "columnKind": "unicodeCodePoints",
                "results": results,
            ]],
        ]
        let data = try JSONSerialization.data(withJSONObject: log, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    static func level(_ severity: Severity) -> String {
        switch severity {
        case .error: "error"
        case .warning: "warning"
        case .info: "note"
        }
    }

    /// A rule's `reportingDescriptor`, from the same metadata `explain` prints.
    static func descriptor(_ rule: RuleDescription) -> [String: Any] {
        let name = rule.id.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
        return [
            "id": rule.id,
            "name": name,
            "shortDescription": ["text": rule.summary],
            "fullDescription": ["text": rule.rationale],
            "help": ["text": RuleDocs.explain(rule), "markdown": "**\(rule.id)**: \(rule.summary).\n\n\(rule.rationale)"],
            "defaultConfiguration": ["level": level(rule.defaultSeverity)],
            "properties": ["tags": ["cvat", rule.category.rawValue], "issueTypes": rule.issueTypes.map(\.id),
                           "actions": rule.actions],
        ]
    }
}
