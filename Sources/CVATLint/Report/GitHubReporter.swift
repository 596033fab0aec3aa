import Foundation

/// `--format github`: GitHub Actions workflow commands (`::error file=…,line=…::message`), errors first,
/// with a notice when GitHub's cap of 10 annotations per kind and step hides some.
public struct GitHubReporter: Reporter {
    public var paths: ReportPaths
    /// GitHub shows this many annotations of each kind per step.
    public static let displayCap = 10

    public init(paths: ReportPaths) {
        self.paths = paths
    }

    public func render(_ report: RunReport) throws -> String {
        var lines: [(Severity, String)] = []
        for (index, export) in report.exports.enumerated() {
            let container = index < report.containers.count ? report.containers[index] : .directory
            for finding in export.findings {
                var properties = ["file=" + escapeProperty(paths.file(of: finding, export: export.path, container: container))]
                if let line = finding.location.line {
                    properties.append("line=\(line)")
                    // A column only on single-line findings; the runner drops annotations otherwise.
                    if let column = finding.location.column, column >= 1, !finding.message.contains("\n") {
                        properties.append("col=\(column)")
                    }
                }
                properties.append("title=" + escapeProperty("cvat-lint \(finding.rule)"))
                var message = finding.message
                if container == .zip { message += " (in \(finding.location.file) inside the zip)" }
                lines.append((finding.severity, "::\(command(finding.severity)) \(properties.joined(separator: ","))::\(escapeData(message))"))
            }
        }
        let ordered = lines.enumerated().sorted { ($0.element.0, -$0.offset) > ($1.element.0, -$1.offset) }.map(\.element)
        var out = ordered.map { $0.1 + "\n" }.joined()
        for severity in [Severity.error, .warning, .info] {
            let count = lines.filter { $0.0 == severity }.count
            if count > Self.displayCap {
                out += "::notice title=cvat-lint::\(count - Self.displayCap) more \(severity.rawValue) annotations "
                    + "are not shown (GitHub shows \(Self.displayCap) per step); see the job log or the SARIF report\n"
            }
        }
        return out
    }

    private func command(_ severity: Severity) -> String {
        switch severity {
        case .error: "error"
        case .warning: "warning"
        case .info: "notice"
        }
    }

    /// Message data: `%`, CR and LF escaped (percent first).
    public func escapeData(_ text: String) -> String {
        text.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D")
            .replacingOccurrences(of: "\n", with: "%0A")
    }

    /// Property values: as data, plus `:` and `,`.
    public func escapeProperty(_ text: String) -> String {
        escapeData(text).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }
}
