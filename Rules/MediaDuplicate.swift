import CVATLint

/// Media files whose bytes are identical under different names, and the same content in two subsets.
final class MediaDuplicate: Rule {
    static let description = RuleDescription(
        id: "media-duplicate",
        defaultSeverity: .warning,
        category: .media,
        summary: "media files with identical content under different names; the same content in two subsets (leakage)",
        rationale: """
            The same picture twice is uploaded and annotated twice, and counts twice in training; in two \
            subsets (train and test) it leaks the answers into the evaluation. Only files of equal size \
            are read, and only while the export's media add up to at most thresholds.media_content_gb \
            (10 GB; --no-media-content turns it off): reading whole files is this rule's one cost.
            """,
        issueTypes: [.init("media_duplicate"), .init("media_duplicate_across_subsets")],
        triggering: [
            RuleExample.fixture("two names, one picture", "rule-media-duplicate"),
        ],
        nonTriggering: [
            RuleExample.fixture("two files of one size with different pictures", "media-same-size-distinct"),
        ])

    private let context: RuleContext

    init(context: RuleContext) { self.context = context }

    func finish() {
        guard let media = context.facts.media else { return }
        let limit = context.options.thresholds.mediaContentGB
        let total = media.files.reduce(UInt64(0)) { $0 + $1.size }
        guard limit > 0, Double(total) <= limit * 1e9 else { return }
        // Only files that share a size can share content.
        let bySize = Dictionary(grouping: media.files.filter { $0.size > 0 && !$0.isSymlink }, by: \.size)
        var groups: [String: [MediaFile]] = [:]
        for (_, files) in bySize where files.count > 1 {
            for file in files {
                var hash = ContentHash()
                do { try context.mediaContent(file) { hash.update($0) } } catch { continue }
                groups["\(file.size)/\(hash.value)", default: []].append(file)
            }
        }
        for files in groups.values.map({ $0.sorted { $0.path < $1.path } }).sorted(by: { $0[0].path < $1[0].path }) where files.count > 1 {
            let subsets = Set(files.map { Self.subset(of: $0.path, level: context.facts.level) })
            let names = files.prefix(4).map(\.path).joined(separator: ", ") + (files.count > 4 ? ", …" : "")
            if subsets.count > 1 {
                context.report("\(counted(files.count, "file")) with identical content lie in subsets \(subsets.sorted().joined(separator: " and ")) "
                               + "(\(names)): the same image in two subsets leaks training data into evaluation",
                               at: nil, issueType: "media_duplicate_across_subsets", file: files[0].path, count: files.count)
            } else {
                context.report("\(counted(files.count, "file")) have identical content (\(names), \(files[0].size) bytes each): "
                               + "the same image uploaded and annotated more than once",
                               at: nil, issueType: "media_duplicate", file: files[0].path, count: files.count)
            }
        }
    }

    /// `images/Train/a.jpg` → `Train` in a project export; "" elsewhere.
    static func subset(of path: String, level: ExportLevel?) -> String {
        guard level == .project else { return "" }
        let parts = path.split(separator: "/")
        return parts.count >= 3 ? String(parts[1]) : ""
    }
}
