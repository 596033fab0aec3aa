import Foundation

/// `--format html`: one self-contained page for people. Verdict first, then the ontology the import would
/// create with its actions, the findings by rule with filters (state in the URL fragment) and a picture of
/// each finding drawn on its image, and the statistics as bar charts. No network: styles, script and media
/// are all inside the file.
public struct HTMLReporter: Reporter, Sendable {
    public var rules: [RuleDescription]
    /// Each target's display name (`encord` → `Encord`).
    public var targetTitles: [String: String]

    public init(rules: [RuleDescription], targetTitles: [String: String] = [:]) {
        self.rules = rules
        self.targetTitles = targetTitles
    }

    public func render(_ report: RunReport) throws -> String {
        var page = ""
        try write(report) { page += $0 }
        return page
    }

    /// Writes the page piece by piece, so that a caller can stream it to a file.
    public func write(_ report: RunReport, to output: (String) throws -> Void) throws {
        let findings = report.exports.flatMap(\.findings)
        let title = report.exports.count == 1 ? report.exports[0].path : "\(report.exports.count) exports"
        try output("""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="generator" content="\(ToolInfo.name) \(ToolInfo.version)">
            <title>\(text("cvat-lint: " + title))</title>
            <style>\(HTMLAssets.style)</style>
            </head>
            <body>
            <header>
            <h1>cvat-lint report</h1>
            \(summaryLine(report.summary, exports: report.exports.count))
            \(filters(findings))
            </header>
            <main>

            """)
        for (index, export) in report.exports.enumerated() {
            let pictures = index < report.pictures.count ? report.pictures[index] : ExportPictures()
            let excerpts = index < report.excerpts.count ? report.excerpts[index] : [:]
            let container = index < report.containers.count ? report.containers[index] : .directory
            try writeExport(export, number: index, container: container, excerpts: excerpts, pictures: pictures, to: output)
        }
        try output("</main>\n<footer>\(text("\(ToolInfo.name) \(ToolInfo.version)"))</footer>\n<script>\(HTMLAssets.script)</script>\n</body>\n</html>\n")
    }

    // MARK: - Header

    private func summaryLine(_ counts: SeverityCounts, exports: Int) -> String {
        "<p class=\"counts\">" + badges(counts) + (exports > 1 ? " over \(exports) exports" : "")
            + (counts.baselined.map { " (\($0) accepted by the baseline)" } ?? "") + "</p>"
    }

    private func badges(_ counts: SeverityCounts) -> String {
        [("error", counts.errors), ("warning", counts.warnings), ("info", counts.infos)].map { name, count in
            "<span class=\"badge \(name)\">\(count) \(name)\(count == 1 ? "" : "s")</span>"
        }.joined(separator: " ")
    }

    /// Severity, rule and label choices and a text search; the script keeps them in the URL fragment.
    private func filters(_ findings: [Finding]) -> String {
        let rules = Set(findings.map(\.rule)).sorted()
        let labels = Set(findings.compactMap(\.location.label)).sorted()
        func select(_ name: String, _ title: String, _ values: [String]) -> String {
            "<label>\(title) <select name=\"\(name)\"><option value=\"\">all</option>"
                + values.map { "<option value=\"\(attribute($0))\">\(text($0))</option>" }.joined() + "</select></label>"
        }
        return "<form id=\"filters\" onsubmit=\"return false\">"
            + select("severity", "severity at least", Severity.allCases.sorted(by: >).map(\.rawValue))
            + select("rule", "rule", rules) + select("label", "label", labels)
            + "<label>search <input type=\"search\" name=\"q\" placeholder=\"message, place, label\"></label>"
            + "<output id=\"shown\"></output></form>"
    }

    // MARK: - One export

    private func writeExport(_ export: ExportReport, number: Int, container: ExportContainer, excerpts: [Int: String],
                             pictures: ExportPictures, to output: (String) throws -> Void) throws {
        let facts = [export.format.rawValue, export.level?.rawValue, export.mode?.rawValue, "target \(export.target)"]
            .compactMap { $0 }
        try output("<section class=\"export\" id=\"export-\(number)\">\n<h2>\(text(export.path))</h2>\n"
            + "<p class=\"facts\">\(text(facts.joined(separator: " · ")))</p>\n" + verdict(export) + "\n"
            + "<p class=\"counts\">\(badges(export.summary))</p>\n")
        try output(ontology(export))
        try output(media(pictures, export: number, drawn: export.findings.filter { finding in
            finding.location.line.map { pictures.byLine[$0] != nil } ?? false
        }.count))
        try output("<h3>Findings</h3>\n")
        if export.findings.isEmpty { try output("<p class=\"none\">No findings.</p>\n") }
        let edges = Dictionary(export.plan.ontology.compactMap { item in item.edges.map { (item.label, $0) } },
                               uniquingKeysWith: { first, _ in first })
        for (rule, group) in groups(export.findings) {
            let description = rules.first { $0.id == rule }
            let worst = group.map(\.severity).max() ?? .info
            try output("<section class=\"group\" data-rule=\"\(attribute(rule))\">\n<h4><span class=\"badge \(worst.rawValue)\">\(worst.rawValue)</span> "
                + "<code>\(text(rule))</code> <span class=\"n\">\(group.reduce(0) { $0 + $1.weight })</span>"
                + (description.map { " <span class=\"summary\">\(text($0.summary))</span>" } ?? "") + "</h4>\n")
            for finding in group {
                try output(article(finding, export: export, container: container, excerpts: excerpts, pictures: pictures,
                                   mediaPrefix: "media-\(number)-", edges: edges))
            }
            try output("</section>\n")
        }
        try output(statistics(export))
        try output("</section>\n")
    }

    /// "can be imported into Encord: no — 3 blocking errors", or yes with what will be lost.
    private func verdict(_ export: ExportReport) -> String {
        let target = targetTitles[export.target] ?? export.target
        if export.summary.errors > 0 {
            let errors = export.summary.errors
            return "<p class=\"verdict no\">can be imported into \(text(target)): <strong>no</strong> — \(errors) blocking error\(errors == 1 ? "" : "s")</p>"
        }
        let lossy = export.plan.actions.filter { !$0.isLossless }
        guard !lossy.isEmpty else {
            return "<p class=\"verdict yes\">can be imported into \(text(target)): <strong>yes</strong>, nothing lost</p>"
        }
        return "<p class=\"verdict yes lossy\">can be imported into \(text(target)): <strong>yes</strong>, losing "
            + text(losses(lossy, statistics: export.statistics)) + " (the lossy actions below)</p>"
    }

    /// What lossy actions lose, in one line: annotations dropped (counted), fields and attributes dropped, conversions.
    private func losses(_ actions: [ImportAction], statistics: ExportStatistics?) -> String {
        var dropped: [String] = []
        var droppedCount = 0
        var fields: [String] = []
        var attributes: [String] = []
        var other = 0
        for action in actions {
            switch action {
            case let .dropAnnotation(label, shape):
                dropped.append("\(label) \(shape)")
                droppedCount += statistics?.byLabel.first { $0.label == label && $0.kind == shape }?.count ?? 0
            case let .dropField(_, field): fields.append(field)
            case let .dropAttribute(label, attribute): attributes.append("\(label).\(attribute)")
            default: other += 1
            }
        }
        var parts: [String] = []
        if !dropped.isEmpty {
            parts.append("\(droppedCount) annotation\(droppedCount == 1 ? "" : "s") (\(dropped.joined(separator: ", ")))")
        }
        if !fields.isEmpty { parts.append("the field\(fields.count == 1 ? "" : "s") \(fields.joined(separator: ", "))") }
        if !attributes.isEmpty { parts.append("the attribute\(attributes.count == 1 ? "" : "s") \(attributes.joined(separator: ", "))") }
        if other > 0 { parts.append("detail in \(other) conversion\(other == 1 ? "" : "s")") }
        return parts.joined(separator: "; ")
    }

    /// The plan's items with their counts, and the actions an import stage executes.
    private func ontology(_ export: ExportReport) -> String {
        let counts = Dictionary((export.statistics?.byLabel ?? []).map { ("\($0.label)|\($0.kind)", $0.count) },
                                uniquingKeysWith: +)
        var out = "<h3>Ontology</h3>\n"
        if export.plan.ontology.isEmpty { out += "<p class=\"none\">No items.</p>\n" } else {
            out += "<table class=\"ontology\"><thead><tr><th>item</th><th>CVAT label</th><th>kind</th><th>target shape</th>"
                + "<th>attributes</th><th>annotations</th></tr></thead><tbody>\n"
            for item in export.plan.ontology {
                let attributes = item.attributes.map { spec in
                    "\(spec.name) (\(spec.inputType) → \(spec.target ?? "dropped"))"
                } + (item.vertices ?? []).map { "vertex \($0.name)" }
                out += "<tr><td>\(text(item.name))</td><td>\(text(item.label))</td><td>\(text(item.kind))</td>"
                    + "<td>\(text(item.shape ?? "dropped"))</td><td>\(text(attributes.joined(separator: ", ")))</td>"
                    + "<td class=\"num\">\(counts["\(item.label)|\(item.kind)"] ?? 0)</td></tr>\n"
            }
            out += "</tbody></table>\n"
        }
        out += "<h3>Actions</h3>\n"
        if export.plan.actions.isEmpty { return out + "<p class=\"none\">No actions: the export goes in as it is.</p>\n" }
        return out + "<ul class=\"actions\">" + export.plan.actions.map { action in
            "<li><span class=\"tag \(action.isLossless ? "lossless" : "lossy")\">\(action.isLossless ? "lossless" : "lossy")</span> "
                + "<code>\(text(action.summary))</code></li>"
        }.joined(separator: "\n") + "</ul>\n"
    }

    /// The export's embedded images, once each, for the pictures to reference, and a line on the budget.
    private func media(_ pictures: ExportPictures, export: Int, drawn: Int) -> String {
        guard !pictures.scenes.isEmpty else { return "" }
        var out = "<svg class=\"media\" aria-hidden=\"true\"><defs>"
        for (index, media) in pictures.media.enumerated() {
            let size = pictures.scenes.first { $0.media == index }
            out += "<image id=\"media-\(export)-\(index)\" width=\"\(size?.width ?? 1)\" height=\"\(size?.height ?? 1)\""
                + " preserveAspectRatio=\"none\" href=\"data:\(media.mimeType);base64,\(media.data.base64EncodedString())\"/>"
        }
        out += "</defs></svg>\n"
        let blank = pictures.scenes.filter { $0.media == nil }
        let bytes = pictures.media.reduce(0) { $0 + $1.data.count }
        out += "<p class=\"media-note\">Pictures: \(drawn) finding\(drawn == 1 ? "" : "s") drawn on \(pictures.scenes.count) "
            + "image\(pictures.scenes.count == 1 ? "" : "s") (at most the first \(pictures.options.perRule) places of each rule); "
            + "\(pictures.media.count) embedded (\(bytes) bytes of a \(pictures.options.mediaBudget)-byte budget, smallest first)"
        if !blank.isEmpty {
            let reasons = Set(blank.compactMap(\.blankReason)).sorted()
            out += "; \(blank.count) on a blank canvas of the declared size ("
                + text(reasons.prefix(3).joined(separator: "; ") + (reasons.count > 3 ? "; …" : "")) + ")"
        }
        return out + ".</p>\n"
    }

    // MARK: - Findings

    /// Findings by rule: errors' rules first, then by rule id; findings in report order within a rule.
    private func groups(_ findings: [Finding]) -> [(String, [Finding])] {
        let byRule = Dictionary(grouping: findings, by: \.rule)
        return byRule.keys.sorted { lhs, rhs in
            let (a, b) = (byRule[lhs]?.map(\.severity).max() ?? .info, byRule[rhs]?.map(\.severity).max() ?? .info)
            return a != b ? a > b : lhs < rhs
        }.map { ($0, byRule[$0] ?? []) }
    }

    private func article(_ finding: Finding, export: ExportReport, container: ExportContainer, excerpts: [Int: String],
                         pictures: ExportPictures, mediaPrefix: String, edges: [String: [PlannedEdge]]) -> String {
        let location = finding.location
        var place = RunReport.displayPath(export: export.path, container: container, file: location.file)
        if let line = location.line { place += ":\(line)" + (location.column.map { ":\($0)" } ?? "") }
        var context: [String] = []
        if let image = location.image { context.append("image \(image)" + (location.imageID.map { " (id \($0))" } ?? "")) }
        if let frame = location.frame { context.append("frame \(frame)") }
        if let track = location.trackID { context.append("track \(track)") }
        if let label = location.label { context.append("label \(label)") }
        if let attribute = location.attribute { context.append("attribute \(attribute)") }
        let picture = location.line.flatMap { pictures.byLine[$0] }
        let search = ([finding.rule, finding.message, place, finding.issueType] + context).joined(separator: " ").lowercased()
        var out = "<article class=\"finding\" data-severity=\"\(finding.severity.rawValue)\" data-rule=\"\(attribute(finding.rule))\""
            + " data-label=\"\(attribute(location.label ?? ""))\" data-search=\"\(attribute(search))\""
            + (picture != nil ? " data-picture=\"1\"" : "") + ">\n"
        out += "<p><span class=\"badge \(finding.severity.rawValue)\">\(finding.severity.rawValue)</span> \(text(finding.message))"
            + (finding.count.map { " <span class=\"n\">\($0) places</span>" } ?? "") + "</p>\n"
        out += "<p class=\"place\"><code>\(text(place))</code>" + (context.isEmpty ? "" : " · " + text(context.joined(separator: " · ")))
            + " · <code>\(text(finding.issueType))</code></p>\n"
        if let action = finding.action {
            out += "<p class=\"action\"><span class=\"tag \(action.isLossless ? "lossless" : "lossy")\">\(action.isLossless ? "lossless" : "lossy")</span> <code>\(text(action.summary))</code></p>\n"
        }
        if let line = location.line, location.file.hasSuffix(".xml"), let excerpt = excerpts[line] {
            out += "<pre class=\"excerpt\"><span class=\"ln\">\(line)</span> \(text(excerpt))</pre>\n"
        }
        if let picture, pictures.scenes.indices.contains(picture.scene) {
            let scene = pictures.scenes[picture.scene]
            let svg = SceneSVG(scene: scene, mediaID: scene.media.map { mediaPrefix + String($0) }, skeletonEdges: edges)
            let size = scene.width.flatMap { width in scene.height.map { "\(width)×\($0)" } }
            out += "<figure class=\"picture\" tabindex=\"0\">" + svg.render(highlight: picture.shape)
                + "<figcaption>\(text(([scene.title, size].compactMap { $0 } + [scene.blankReason.map { "blank canvas: " + $0 } ?? ""]).filter { !$0.isEmpty }.joined(separator: " · ")))</figcaption></figure>\n"
        }
        return out + "</article>\n"
    }

    // MARK: - Statistics

    private func statistics(_ export: ExportReport) -> String {
        var out = "<h3>Statistics</h3>\n"
        if let statistics = export.statistics {
            let labels = statistics.byLabel.map { ("\($0.label) (\($0.kind))", $0.count, "bar") }
            out += chart("Annotations per label × kind", labels)
            out += chart("Images", [("with annotations", statistics.imagesAnnotated, "bar"),
                                    ("without", statistics.images - statistics.imagesAnnotated, "bar faint")])
        }
        var perRule: [String: (Int, Severity)] = [:]
        for finding in export.findings {
            let current = perRule[finding.rule] ?? (0, finding.severity)
            perRule[finding.rule] = (current.0 + finding.weight, max(current.1, finding.severity))
        }
        out += chart("Findings per rule", perRule.keys.sorted().map { rule in
            (rule, perRule[rule]?.0 ?? 0, "bar \(perRule[rule]?.1.rawValue ?? "info")")
        })
        return out
    }

    /// A horizontal bar chart in SVG: one row per (name, count, class).
    private func chart(_ title: String, _ rows: [(String, Int, String)]) -> String {
        guard !rows.isEmpty else { return "" }
        let top = max(rows.map(\.1).max() ?? 1, 1)
        let rowHeight = 22, labelWidth = 260, barWidth = 420
        var out = "<figure class=\"chart\"><figcaption>\(text(title))</figcaption>"
            + "<svg viewBox=\"0 0 \(labelWidth + barWidth + 80) \(rows.count * rowHeight)\" width=\"\(labelWidth + barWidth + 80)\" height=\"\(rows.count * rowHeight)\">"
        for (index, row) in rows.enumerated() {
            let y = index * rowHeight
            let width = Int((Double(row.1) / Double(top) * Double(barWidth)).rounded())
            out += "<text x=\"\(labelWidth - 8)\" y=\"\(y + 15)\" text-anchor=\"end\">\(text(row.0))</text>"
                + "<rect class=\"\(row.2)\" x=\"\(labelWidth)\" y=\"\(y + 3)\" width=\"\(max(width, row.1 > 0 ? 1 : 0))\" height=\"\(rowHeight - 6)\"/>"
                + "<text x=\"\(labelWidth + width + 6)\" y=\"\(y + 15)\">\(row.1)</text>"
        }
        return out + "</svg></figure>\n"
    }

    private func text(_ value: String) -> String { XMLEscaping.escape(value, attribute: false) }
    private func attribute(_ value: String) -> String { XMLEscaping.escape(value, attribute: true) }
}
