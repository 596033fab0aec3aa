/// `--format text`: findings grouped by rule (or file, or image), each with the XML line it points at,
/// then a table of counts per rule and severity, and a summary line.
public struct TextReporter: Reporter, Sendable {
    public enum Grouping: String, Sendable, CaseIterable {
        case rule, file, image
    }

    /// Whether to use ANSI colors (the CLI turns this on only for a terminal).
    public var useColor: Bool
    public var grouping: Grouping
    /// Errors only.
    public var quiet: Bool
    /// The table of counts only, no findings.
    public var statisticsOnly: Bool

    public init(useColor: Bool = false, grouping: Grouping = .rule, quiet: Bool = false, statisticsOnly: Bool = false) {
        self.useColor = useColor
        self.grouping = grouping
        self.quiet = quiet
        self.statisticsOnly = statisticsOnly
    }

    public func render(_ report: RunReport) throws -> String {
        var out = ""
        for (index, export) in report.exports.enumerated() {
            let container = index < report.containers.count ? report.containers[index] : .directory
            let excerpts = index < report.excerpts.count ? report.excerpts[index] : [:]
            out += renderExport(export, container: container, excerpts: excerpts)
        }
        out += statisticsTable(report)
        out += summaryLine(report.summary, exports: report.exports.count)
        return out
    }

    private func shown(_ findings: [Finding]) -> [Finding] {
        quiet ? findings.filter { $0.severity == .error } : findings
    }

    private func renderExport(_ export: ExportReport, container: ExportContainer, excerpts: [Int: String]) -> String {
        let facts = [export.format.rawValue, export.level?.rawValue, export.mode?.rawValue, "target \(export.target)"]
            .compactMap { $0 }
        var out = paint(export.path, .bold) + "  (" + facts.joined(separator: ", ") + ")\n"
        let findings = shown(export.findings)
        if findings.isEmpty {
            return out + "  " + paint(quiet ? "no errors" : "no findings", .green) + "\n\n"
        }
        if statisticsOnly { return out + (export.statistics.map(datasetTables) ?? "") + "\n" }
        for (title, group) in groups(findings) {
            out += "  " + paint(title, .bold) + " (\(group.count))\n"
            var lastExcerpt: Int?
            for finding in group {
                out += "    \(place(of: finding, export: export.path, container: container)): "
                    + "\(severityLabel(finding.severity)): \(finding.message)"
                    + (grouping == .rule ? "" : paint(" [\(finding.rule)]", .dim)) + "\n"
                if let line = finding.location.line, line != lastExcerpt, finding.location.file.hasSuffix(".xml"),
                   let text = excerpts[line] {
                    out += excerpt(text, line: line, column: finding.location.column)
                    lastExcerpt = line
                }
            }
        }
        return out + "\n"
    }

    /// Findings in groups, the groups with the worst severity first (then in first-seen order), and within
    /// a group errors before warnings before infos (then by line when grouped by file or image).
    private func groups(_ findings: [Finding]) -> [(String, [Finding])] {
        var order: [String] = []
        var members: [String: [Finding]] = [:]
        for finding in findings {
            let title: String
            switch grouping {
            case .rule: title = finding.rule
            case .file: title = finding.location.file
            case .image:
                title = finding.location.image.map { "image \($0)" }
                    ?? finding.location.trackID.map { "track \($0)" } ?? "the export"
            }
            if members[title] == nil { order.append(title) }
            members[title, default: []].append(finding)
        }
        let grouped = order.enumerated().map { rank, title in
            let group = (members[title] ?? []).enumerated().sorted { lhs, rhs in
                if lhs.element.severity != rhs.element.severity { return lhs.element.severity > rhs.element.severity }
                if grouping != .rule, lhs.element.location.line != rhs.element.location.line {
                    return (lhs.element.location.line ?? 0) < (rhs.element.location.line ?? 0)
                }
                return lhs.offset < rhs.offset
            }.map(\.element)
            return (rank: rank, title: title, group: group, worst: group.map(\.severity).max() ?? .info)
        }
        return grouped.sorted { ($0.worst, -$0.rank) > ($1.worst, -$1.rank) }.map { ($0.title, $0.group) }
    }

    private func place(of finding: Finding, export: String, container: ExportContainer) -> String {
        var place = RunReport.displayPath(export: export, container: container, file: finding.location.file)
        if let line = finding.location.line {
            place += ":\(line)"
            if let column = finding.location.column { place += ":\(column)" }
        }
        return place
    }

    /// The line with its number, and a caret under the column.
    private func excerpt(_ text: String, line: Int, column: Int?) -> String {
        let number = String(line)
        let gutter = String(repeating: " ", count: number.count)
        var out = "      " + paint(number + " |", .dim) + " " + text + "\n"
        if let column, column >= 1, column <= text.count + 1 {
            out += "      " + paint(gutter + " |", .dim) + " " + String(repeating: " ", count: column - 1) + paint("^", .red) + "\n"
        }
        return out
    }

    /// What the export holds, as aligned tables: per label and kind, per task or subset, images, frames,
    /// tracks, choice attribute values, shapes per image, and a line on label imbalance.
    func datasetTables(_ statistics: ExportStatistics) -> String {
        var out = "\n  annotations: \(statistics.annotations)"
        out += "; images: \(statistics.images) (\(statistics.imagesAnnotated) annotated)"
        if statistics.frames > 0 { out += "; video frames: \(statistics.frames) (\(statistics.framesAnnotated) showing an object)" }
        if statistics.tracks.count > 0 {
            out += "; tracks: \(statistics.tracks.count), \(statistics.tracks.shortest ?? 0)–\(statistics.tracks.longest ?? 0) frames"
                + " (mean \(statistics.tracks.mean ?? 0))"
        }
        out += "\n"
        if let imbalance = statistics.imbalance {
            let ratio = (imbalance.ratio * 10).rounded() / 10
            out += "  imbalance: '\(imbalance.largest.0)' \(imbalance.largest.1) to '\(imbalance.smallest.0)' \(imbalance.smallest.1) (\(ratio):1)\n"
        }
        if !statistics.byLabel.isEmpty {
            out += "\n" + table(["label", "kind", "annotations"],
                                statistics.byLabel.map { [$0.label, $0.kind, String($0.count)] }, numeric: [2])
        }
        if statistics.byScope.count > 1 || statistics.byScope.contains(where: { $0.taskID != nil || $0.subset != nil }) {
            out += "\n" + table(["task", "subset", "annotations", "images", "annotated"], statistics.byScope.map {
                [$0.taskID.map(String.init) ?? "", $0.subset ?? "", String($0.annotations), String($0.images), String($0.imagesAnnotated)]
            }, numeric: [2, 3, 4])
        }
        if statistics.images > 0 {
            let buckets = ExportStatistics.buckets.filter { statistics.shapesPerImage[$0] != nil }
            out += "\n" + table(["shapes per image", "images"], buckets.map { [$0, String(statistics.shapesPerImage[$0] ?? 0)] }, numeric: [1])
        }
        for attribute in statistics.attributeValues {
            let rows = attribute.values.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { [$0.key, String($0.value)] }
                + (attribute.otherValues > 0 ? [["(other values)", String(attribute.otherValues)]] : [])
            out += "\n" + table(["\(attribute.label) / \(attribute.attribute) (\(attribute.inputType))", "count"], rows, numeric: [1])
        }
        return out
    }

    /// Rows under a header, columns padded to their widest cell; numeric columns right-aligned.
    private func table(_ header: [String], _ rows: [[String]], numeric: Set<Int>) -> String {
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            "  " + cells.enumerated().map { column, cell in
                numeric.contains(column) ? cell.leftPadded(to: widths[column]) : cell.padding(to: widths[column])
            }.joined(separator: "  ").trimmingTrailingWhitespace() + "\n"
        }
        return ([header] + rows).map(line).joined()
    }

    /// Counts per rule and severity, over every export (shown when there is more than one finding).
    private func statisticsTable(_ report: RunReport) -> String {
        var counts: [String: SeverityCounts] = [:]
        var order: [String] = []
        for export in report.exports {
            for finding in shown(export.findings) {
                if counts[finding.rule] == nil { order.append(finding.rule) }
                counts[finding.rule, default: SeverityCounts()].add(finding.severity)
            }
        }
        guard statisticsOnly || order.count > 1 || (counts.values.first.map { $0.errors + $0.warnings + $0.infos > 1 } ?? false) else {
            return ""
        }
        let width = max(4, order.map(\.count).max() ?? 4)
        var out = "rule".padding(to: width) + "  errors  warnings  infos\n"
        for rule in order {
            let count = counts[rule] ?? SeverityCounts()
            out += rule.padding(to: width) + "  " + String(count.errors).leftPadded(to: 6) + "  "
                + String(count.warnings).leftPadded(to: 8) + "  " + String(count.infos).leftPadded(to: 5) + "\n"
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
        var text = "\(counted(counts.errors, "error")), \(counted(counts.warnings, "warning")), "
            + "\(counts.infos) info\(counts.infos == 1 ? "" : "s") in \(counted(exports, "export"))"
        if let baselined = counts.baselined { text += " (\(baselined) known from the baseline)" }
        return paint(text, counts.errors > 0 ? .red : (counts.warnings > 0 ? .yellow : .green)) + "\n"
    }

    private enum Style: String {
        case bold = "1", dim = "2", red = "31", green = "32", yellow = "33", blue = "34"
    }

    private func paint(_ text: String, _ style: Style) -> String {
        useColor ? "\u{1B}[\(style.rawValue)m\(text)\u{1B}[0m" : text
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
