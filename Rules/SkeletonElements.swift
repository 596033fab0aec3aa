import CVATLint

/// Skeleton elements repeated within one skeleton or lacking the flags CVAT reads, and sublabels a skeleton leaves out.
final class SkeletonElements: Rule {
    static let description = RuleDescription(
        id: "skeleton-elements",
        defaultSeverity: .error,
        category: .labels,
        summary: "a skeleton repeats an element, gives one without its outside/occluded (keyframe) flags, or leaves out sublabels",
        rationale: """
            Each sublabel of a skeleton is one vertex: an element named twice makes the vertex ambiguous \
            (an error). CVAT writes every element of a skeleton, outside ones included, so a missing element \
            means the file was edited; targets then get a skeleton with a vertex missing (an info). CVAT's \
            importer reads an element's outside and occluded flags (and in a track its keyframe) with no \
            default, so an element written without them, by a converter or by hand, stops the import.
            """,
        issueTypes: [.init("skeleton_element_repeated"), .init("skeleton_element_missing", severity: .info),
                     .init("skeleton_element_flags_missing", severity: .warning)],
        triggering: [
            RuleExample("the head element twice", xml: RuleExample.document(
                meta: RuleExample.task(labels: ["pose", "head^pose"]),
                body: RuleExample.imageElement("""
                    <skeleton label="pose">
                      <points label="head" outside="0" occluded="0" points="1,1"/>
                      ↓<points label="head" outside="0" occluded="0" points="2,2"/>
                    </skeleton>
                    """))),
            RuleExample("an element without its flags, for CVAT", target: "cvat", xml: RuleExample.document(
                meta: RuleExample.task(labels: ["pose", "head^pose"]),
                body: RuleExample.imageElement("""
                    <skeleton label="pose">
                      ↓<points label="head" points="1,1"/>
                    </skeleton>
                    """))),
        ],
        nonTriggering: [
            RuleExample("each sublabel once", xml: RuleExample.document(
                meta: RuleExample.task(labels: ["pose", "head^pose", "hand^pose"]),
                body: RuleExample.imageElement("""
                    <skeleton label="pose">
                      <points label="head" outside="0" occluded="0" points="1,1"/>
                      <points label="hand" outside="1" occluded="0" points="2,2"/>
                    </skeleton>
                    """))),
        ])

    private struct Key: Hashable {
        var skeleton: String
        var element: String
    }

    private let context: RuleContext
    private var repeated = Occurrences<Key>()
    private var missing = Occurrences<Key>()
    /// Elements lacking flags, per skeleton label, with the flags missing first.
    private var unflagged = Occurrences<String>()
    /// Sublabels per skeleton label, from meta.
    private var sublabels: [String: [String]] = [:]

    init(context: RuleContext) { self.context = context }

    func visitMeta(_ meta: ExportMeta) {
        for label in meta.labels {
            if let parent = label.parent { sublabels[parent, default: []].append(label.name) }
        }
    }

    func visitImage(_ image: ImageRecord) {
        for shape in image.shapes where shape.kind == .skeleton { check(shape, label: shape.label) }
    }

    func visitTrackShape(_ shape: Shape, of track: TrackRecord) {
        // A skeleton frame with no elements on it is not written at all; a partial one is legitimate
        // in tracks only when elements are interpolated away, so only repeats are checked here.
        if shape.kind == .skeleton { check(shape, label: track.label, expectEvery: false, inTrack: true) }
    }

    private func check(_ skeleton: Shape, label: String, expectEvery: Bool = true, inTrack: Bool = false) {
        var seen: Set<String> = []
        for element in skeleton.elements where !seen.insert(element.label).inserted {
            repeated.note(Key(skeleton: label, element: element.label), at: element.location)
            context.noteInstance("skeleton_element_repeated", at: skeleton.location)
        }
        for element in skeleton.elements {
            let lacking = SkeletonElementFlags.missing(from: element.xmlAttributes, inTrack: inTrack, target: context.target)
            guard !lacking.isEmpty else { continue }
            unflagged.note(label, at: element.location, example: lacking.joined(separator: ", "))
            context.noteInstance("skeleton_element_flags_missing", at: element.location)
        }
        guard expectEvery, let expected = sublabels[label] else { return }
        for name in expected where !seen.contains(name) {
            missing.note(Key(skeleton: label, element: name), at: skeleton.location)
        }
    }

    func finish() {
        for (key, entry) in repeated.all {
            context.report("a skeleton of '\(key.skeleton)' names element '\(key.element)' more than once (\(counted(entry.count, "repeat")) in the file)",
                           at: entry.first, issueType: "skeleton_element_repeated") { $0.label = key.skeleton }
        }
        for (label, entry) in unflagged.all {
            context.report("\(counted(entry.count, "element")) of skeletons of '\(label)' \(entry.count == 1 ? "lacks" : "lack") "
                           + "flags CVAT writes (the first: \(entry.example ?? "?")); apply writes them",
                           at: entry.first, issueType: "skeleton_element_flags_missing", count: entry.count) {
                $0.label = label
            }
        }
        for (key, entry) in missing.all {
            context.report("\(counted(entry.count, "skeleton")) of '\(key.skeleton)' \(entry.count == 1 ? "leaves" : "leave") out element '\(key.element)'",
                           at: entry.first, severity: .info, issueType: "skeleton_element_missing") { $0.label = key.skeleton }
        }
    }
}
