import CVATLint

/// Tags of a project export that do not state their image's subset, where the importer reads the subset anew
/// from each tag.
final class TagSubset: Rule {
    static let description = RuleDescription(
        id: "tag-subset",
        defaultSeverity: .warning,
        category: .target,
        summary: "a tag in a project export that does not state its image's subset, which CVAT's project import reads from the tag",
        rationale: """
            CVAT's project dataset import (its CvatExtractor) files what it reads under the subset it read last, \
            and reads a subset at each <image>, <track> and <tag>. CVAT writes none on a tag, so from an image's \
            first tag on, its tags, its name and size and any shape after them are filed under no subset (the \
            default one) and its earlier shapes stay in its own subset under a made-up name (frame_000000.PNG), \
            matched to a frame by id rather than by name. In a subset other than default the tags are parted \
            from their image: the import makes a default task for them, which has no media (an error). apply \
            writes the image's subset on each of its tags, which CVAT's task import and other readers ignore.
            """,
        issueTypes: [.init("tag_subset_unstated")],
        triggering: [
            RuleExample("a tag in an image of the Train subset", target: "cvat", xml: RuleExample.document(
                meta: RuleExample.project(labels: ["car", "sunny#tag"]),
                body: """
                      <image id="0" name="a.jpg" subset="Train" width="10" height="10">
                        <box label="car" xtl="1" ytl="1" xbr="5" ybr="5"/>
                        ↓<tag label="sunny" source="manual"/>
                      </image>

                    """)),
        ],
        nonTriggering: [
            RuleExample("a tag stating its image's subset", target: "cvat", xml: RuleExample.document(
                meta: RuleExample.project(labels: ["sunny#tag"]),
                body: """
                      <image id="0" name="a.jpg" subset="Train" width="10" height="10">
                        <tag label="sunny" source="manual" subset="Train"/>
                      </image>

                    """)),
            RuleExample("a tag in a task export, which has no subsets", target: "cvat", xml: RuleExample.document(
                meta: RuleExample.task(labels: ["sunny#tag"]),
                body: RuleExample.imageElement(#"<tag label="sunny" source="manual"/>"#))),
        ])

    /// An image of the default subset whose shapes filed before a tag are matched to a frame by its id.
    private struct ByID {
        var id: Int?
        var name: String
        var location: SourceLocation
    }

    private let context: RuleContext
    private var enabled = false
    /// Image subset → its images whose tags do not state it.
    private var unstated = Occurrences<String>()
    /// The default subset's image names, whose files make the frames of the task the import creates for it, and
    /// its images matched by id.
    private var defaultFrames: [String] = []
    private var byID: [ByID] = []

    init(context: RuleContext) { self.context = context }

    func visitMeta(_ meta: ExportMeta) {
        enabled = context.target.tagsReadSubset == true && meta.level == .project
    }

    func visitImage(_ image: ImageRecord) {
        guard enabled, let subset = image.subset else { return }
        let parts = Self.parts(subset)
        // Each image's file is a frame of the task the import makes for its subset (_load_items takes it by name).
        if !parts { defaultFrames.append(image.name) }
        guard let first = image.shapes.firstIndex(where: { $0.kind == .tag && Self.subset(of: $0) != subset }) else { return }
        if parts {
            unstated.note(subset, at: image.shapes[first].location, example: image.name)
        } else if image.shapes[..<first].contains(where: { $0.kind != .tag }) {
            // In the default subset (or a blank one, read as default) only the shapes filed before the tag are
            // parted, and they land right where the image's id is its frame in the new task.
            byID.append(ByID(id: image.id, name: image.name, location: image.shapes[first].location))
        }
    }

    /// Whether tags read without a subset (filed under the default one) leave an image of `subset` for another subset.
    static func parts(_ subset: String) -> Bool {
        ExportMeta.defaultedSubset(subset) != ExportMeta.defaultSubset
    }

    /// The subset a tag states, if any.
    static func subset(of tag: Shape) -> String? {
        tag.xmlAttributes.first { $0.name == "subset" }?.value
    }

    func finish() {
        // The task made for the default subset takes its files in name order (lexicographical, as Python sorts).
        let frames = defaultFrames.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
        var frameOf: [String: Int] = [:]
        for (frame, name) in frames.enumerated() where frameOf[name] == nil { frameOf[name] = frame }
        for image in byID where image.id == nil || frameOf[image.name] != image.id {
            unstated.note(ExportMeta.defaultSubset, at: image.location, example: image.name)
        }
        for (subset, entry) in unstated.all {
            let parted = Self.parts(subset)
            context.report("\(counted(entry.count, "image")) of subset '\(subset)' (first '\(entry.example ?? "")') "
                           + "\(entry.count == 1 ? "has" : "have") tags that do not state it: CVAT's project import files "
                           + (parted ? "those tags and the image's name under the default subset, apart from the image's file and shapes"
                                     : "the shapes before them under a made-up name and matches them to a frame by the image's id, "
                                       + "which is not its place among the subset's files in name order")
                           + "; apply writes the image's subset on its tags",
                           at: entry.first, severity: parted ? .error : .warning, issueType: "tag_subset_unstated", count: entry.count)
        }
    }
}
