/// `--format text`: findings grouped by rule, `file:line:col`, and a summary line.
public struct TextReporter: Reporter {
    /// Whether to use ANSI colors (the CLI turns this on only for a terminal).
    public var useColor: Bool

    public init(useColor: Bool = false) {
        self.useColor = useColor
    }

    public func render(_ report: RunReport) throws -> String {
        var out = ""
        for (index, export) in report.exports.enumerated() {
            let container = index < report.containers.count ? report.containers[index] : .directory
            out += renderExport(export, container: container)
        }
        out += summaryLine(report.summary, exports: report.exports.count)
        return out
    }

    private func renderExport(_ export: ExportReport, container: ExportContainer) -> String {
        let facts = [export.format.rawValue, export.level?.rawValue, export.mode?.rawValue].compactMap { $0 }
        var out = paint(export.path, .bold) + "  (" + facts.joined(separator: ", ") + ")\n"
        if export.findings.isEmpty {
            return out + "  " + paint("no findings", .green) + "\n\n"
        }
        var order: [String] = []
        var byRule: [String: [Finding]] = [:]
        for finding in export.findings {
            if byRule[finding.rule] == nil { order.append(finding.rule) }
            byRule[finding.rule, default: []].append(finding)
        }
        for rule in order {
            let findings = byRule[rule] ?? []
            out += "  " + paint(rule, .bold) + " (\(findings.count))\n"
            for finding in findings {
                var place = RunReport.displayPath(export: export.path, container: container, file: finding.location.file)
                if let line = finding.location.line {
                    place += ":\(line)"
                    if let column = finding.location.column { place += ":\(column)" }
                }
                out += "    \(place): \(severityLabel(finding.severity)): \(finding.message)\n"
            }
        }
        return out + "\n"
    }

    private func severityLabel(_ severity: Severity) -> String {
        switch severity {
        case .error: paint("error", .red)
        case .warning: paint("warning", .yellow)
        case .info: paint("info", .blue)
        }
    }

    private func summaryLine(_ counts: SeverityCounts, exports: Int) -> String {
        let text = "\(counts.errors) error\(counts.errors == 1 ? "" : "s"), "
            + "\(counts.warnings) warning\(counts.warnings == 1 ? "" : "s"), "
            + "\(counts.infos) info\(counts.infos == 1 ? "" : "s") in \(exports) export\(exports == 1 ? "" : "s")"
        return paint(text, counts.errors > 0 ? .red : (counts.warnings > 0 ? .yellow : .green)) + "\n"
    }

    private enum Style: String {
        case bold = "1", red = "31", green = "32", yellow = "33", blue = "34"
    }

    private func paint(_ text: String, _ style: Style) -> String {
        useColor ? "\u{1B}[\(style.rawValue)m\(text)\u{1B}[0m" : text
    }
}
