/// `apply`'s text report: what ran, what did not and why, what was left out (and noted), and counts before → after.
public struct ApplyReporter {
    public init() {}

    public func render(_ result: ApplyResult) -> String {
        let manifest = result.manifest
        var out = "\(manifest.input) → \(result.dryRun ? "(dry run, nothing written)" : manifest.output)  (target \(manifest.target))\n"
        if !result.refusals.isEmpty {
            out += "  refused: nothing written\n"
            for reason in result.refusals { out += "    \(reason)\n" }
            out += summaryLine(before: manifest.checkBefore, after: nil)
            return out
        }
        if !manifest.executed.isEmpty {
            out += "  executed:\n"
            for executed in manifest.executed {
                let touched = executed.touched.map(\.count).reduce(0, +)
                let what = touched > 0 ? ": \(counted(touched, "annotation"))" : ""
                let note = executed.note.map { " (\($0))" } ?? ""
                out += "    \(executed.action.summary) [\(executed.lossless ? "lossless" : "lossy")]\(what)\(note)\n"
            }
        }
        if !manifest.skipped.isEmpty {
            out += "  not executed:\n"
            for skipped in manifest.skipped { out += "    \(skipped.action.summary): \(skipped.reason)\n" }
        }
        let dropped = manifest.transitions.filter { $0.toLabel == nil }
        if !dropped.isEmpty {
            out += "  left out:\n"
            for transition in dropped {
                out += "    \(counted(transition.count, "annotation")) of '\(transition.label)' (\(transition.kind)): \(transition.steps.joined(separator: ", "))\n"
            }
        }
        if !manifest.notes.isEmpty {
            // What was left out besides annotations (a <meta> element, a repair's slivers): the manifest's notes.
            out += "  notes:\n"
            for note in manifest.notes { out += "    \(note)\n" }
        }
        out += conservationLines(manifest.conservation)
        let images = manifest.images
        var line = "  images: \(images.input) in, \(images.written) written"
        if images.fromFrames > 0 { line += " (\(images.fromFrames) from video frames)" }
        for (reason, count) in images.dropped.sorted(by: { $0.key < $1.key }) { line += ", \(count) left out (\(reason))" }
        out += line + "\n"
        let media = manifest.media
        if media.input > 0 || media.linked + media.copied > 0 {
            out += "  media: \(media.input) in, \(media.linked) linked, \(media.copied) copied, \(media.renamed) renamed, \(media.skipped) left out\n"
        }
        out += "\n" + countsTable(before: manifest.before, after: manifest.after)
        if !manifest.remainingErrors.isEmpty {
            out += "\n  errors remain in the output:\n"
            for error in manifest.remainingErrors.prefix(20) { out += "    \(error)\n" }
            if manifest.remainingErrors.count > 20 { out += "    … and \(manifest.remainingErrors.count - 20) more\n" }
        }
        out += "\n" + summaryLine(before: manifest.checkBefore, after: manifest.checkAfter)
        return out
    }

    /// "repaired N, left out M" with the count per repair and per reason, from the conservation table.
    private func conservationLines(_ rows: [ConservationRow]) -> String {
        func total(_ part: KeyPath<ConservationRow, [String: Int]>) -> [(String, Int)] {
            var sums: [String: Int] = [:]
            for row in rows { for (key, count) in row[keyPath: part] { sums[key, default: 0] += count } }
            return sums.sorted { $0.key < $1.key }
        }
        let repaired = total(\.repaired), leftOut = total(\.leftOut)
        guard !repaired.isEmpty || !leftOut.isEmpty else { return "" }
        func words(_ counts: [(String, Int)]) -> String { counts.map { "\($0.1) \($0.0)" }.joined(separator: ", ") }
        var line = "  repaired \(repaired.map(\.1).reduce(0, +))"
        if !repaired.isEmpty { line += " (\(words(repaired)))" }
        line += ", left out \(leftOut.map(\.1).reduce(0, +))"
        if !leftOut.isEmpty { line += " (\(words(leftOut)))" }
        return line + "\n"
    }

    /// One line per label × kind: before → after.
    private func countsTable(before: [LabelKindCount], after: [LabelKindCount]) -> String {
        var rows: [(label: String, kind: String, before: Int, after: Int)] = []
        var index: [String: Int] = [:]
        for count in before {
            index["\(count.label)\u{0}\(count.kind)"] = rows.count
            rows.append((count.label, count.kind, count.count, 0))
        }
        for count in after {
            if let at = index["\(count.label)\u{0}\(count.kind)"] { rows[at].after = count.count } else { rows.append((count.label, count.kind, 0, count.count)) }
        }
        guard !rows.isEmpty else { return "  no annotations\n" }
        let labelWidth = max(5, rows.map(\.label.count).max() ?? 0)
        let kindWidth = max(4, rows.map(\.kind.count).max() ?? 0)
        func pad(_ text: String, _ width: Int) -> String { text + String(repeating: " ", count: max(0, width - text.count)) }
        var out = "  \(pad("label", labelWidth))  \(pad("kind", kindWidth))  before → after\n"
        for row in rows {
            out += "  \(pad(row.label, labelWidth))  \(pad(row.kind, kindWidth))  \(String(row.before).leftPadded(6)) → \(row.after)\n"
        }
        return out
    }

    private func summaryLine(before: SeverityCounts, after: SeverityCounts?) -> String {
        func words(_ counts: SeverityCounts) -> String {
            "\(counted(counts.errors, "error")), \(counted(counts.warnings, "warning")), \(counted(counts.infos, "info"))"
        }
        guard let after else { return "check: \(words(before))\n" }
        return "check: \(words(before)) → \(words(after))\n"
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}
