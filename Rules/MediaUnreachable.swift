import CVATLint

/// Project media the target's uploader never reads: subsets other than `default`, and nested names.
final class MediaUnreachable: Rule {
    static let description = RuleDescription(
        id: "media-unreachable",
        defaultSeverity: .error,
        category: .media,
        summary: "project images the target never uploads: subsets other than default, or names with folders",
        rationale: """
            For a project export Encord's SDK lists images/default/ only, and not recursively: images of \
            tasks in subsets such as Train or Validation (images/Train/…) are never uploaded, and a nested \
            name (default/a/b.jpg) makes the uploader open a folder and fail. Move such tasks to the default \
            subset, or export them as tasks. A video project's frames are images of their task's subset once \
            exported (or applied) as CVAT for images, so they count too.
            """,
        issueTypes: [.init("media_nested_name"), .init("media_outside_default_subset")],
        actions: ["relayoutMedia"],
        triggering: [
            RuleExample("a project image in subset Train, for Encord", xml: RuleExample.document(
                meta: "<project>\n  <id>1</id>\n  <name>p</name>\n</project>",
                body: #"  ↓<image id="0" name="a.jpg" subset="Train" task_id="2" width="10" height="10">"# + "\n  </image>\n")),
        ],
        nonTriggering: [
            RuleExample("a project image in the default subset, for Encord", xml: RuleExample.document(
                meta: "<project>\n  <id>1</id>\n  <name>p</name>\n</project>",
                body: #"  <image id="0" name="a.jpg" subset="default" task_id="2" width="10" height="10">"# + "\n  </image>\n")),
            RuleExample("a project image in subset Train, for CVAT itself", target: "cvat", xml: RuleExample.document(
                meta: "<project>\n  <id>1</id>\n  <name>p</name>\n</project>",
                body: #"  <image id="0" name="a.jpg" subset="Train" task_id="2" width="10" height="10">"# + "\n  </image>\n")),
        ])

    private struct Tally {
        var count = 0
        var first: SourceLocation
        var example: String
    }

    private let context: RuleContext
    private var bySubset: [String: Tally] = [:]
    private var nested: Tally?

    init(context: RuleContext) { self.context = context }

    func visitImage(_ image: ImageRecord) {
        guard context.target.media.projectDefaultSubsetOnly, context.facts.level == .project else { return }
        let subset = ExportMeta.defaultedSubset(image.subset)
        if subset != ExportMeta.defaultSubset {
            bySubset[subset, default: Tally(first: image.location, example: image.name)].count += 1
        } else if image.name.contains("/") {
            if nested == nil { nested = Tally(first: image.location, example: image.name) }
            nested?.count += 1
        }
    }

    /// Frames shown per subset, each counted once: a video project's frames become images of their subset.
    @exclusivity(unchecked) private var framesBySubset: [String: IntegerBitSet] = [:]

    /// A video project's frames become images under images/<subset>/ when it is exported (or applied) as images.
    func visitTrackShape(_ shape: Shape, of track: TrackRecord) {
        guard !shape.outside, let frame = shape.frame, frame >= 0, context.target.media.projectDefaultSubsetOnly,
              context.facts.level == .project else { return }
        let subset = ExportMeta.defaultedSubset(track.subset)
        guard subset != ExportMeta.defaultSubset, framesBySubset[subset, default: IntegerBitSet()].insert(frame) else { return }
        bySubset[subset, default: Tally(first: shape.location, example: frameName(frame))].count += 1
    }

    func finish() {
        let target = context.target.name
        for (subset, tally) in bySubset.sorted(by: { $0.key < $1.key }) {
            context.report("\(counted(tally.count, "image")) of subset '\(subset)' (e.g. \(tally.example)) \(tally.count == 1 ? "is" : "are") under images/\(subset)/, "
                           + "which \(target) never uploads: only images/default/ is read",
                           at: tally.first, issueType: "media_outside_default_subset",
                           action: .relayoutMedia(subset: subset, count: tally.count), count: tally.count) { $0.subset = subset }
        }
        if let nested {
            context.report("\(counted(nested.count, "image name")) in the default subset \(nested.count == 1 ? "contains" : "contain") folders (e.g. \(nested.example)); "
                           + "\(target) reads images/default/ without descending, and the upload fails",
                           at: nested.first, issueType: "media_nested_name",
                           action: .relayoutMedia(subset: ExportMeta.defaultSubset, count: nested.count), count: nested.count) { $0.subset = ExportMeta.defaultSubset }
        }
    }
}
