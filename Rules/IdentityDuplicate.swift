import CVATLint
import Foundation

/// Image ids or names repeated within a task (or subset), and track ids repeated.
final class IdentityDuplicate: Rule {
    static let description = RuleDescription(
        id: "id-duplicate",
        defaultSeverity: .error,
        category: .structure,
        summary: "an image id or name repeats within its task or subset, or a track id repeats",
        rationale: """
            Importers match <image> elements to frames by name, then by id: a repeated name or id maps two \
            sets of annotations onto one frame (CVAT does not check it), and a repeated track id merges or \
            drops objects in targets that key on it.
            """,
        triggering: [
            RuleExample("two images with id 0", xml: RuleExample.document(meta: "", body: """
                  <image id="0" name="a.jpg" width="10" height="10">
                  </image>
                  <image id="0" name="b.jpg" width="10" height="10">
                  </image>

                """)),
        ],
        nonTriggering: [
            RuleExample("the same id in two subsets of a project", xml: RuleExample.document(meta: "", body: """
                  <image id="0" name="a.jpg" subset="Train" width="10" height="10">
                  </image>
                  <image id="0" name="a.jpg" subset="Test" width="10" height="10">
                  </image>

                """)),
        ])

    private struct Key: Hashable {
        var scope: String
        var what: String
        var value: String
    }

    private struct Kind: Hashable {
        var scope: String
        var what: String
    }

    private let context: RuleContext
    /// What was seen, hashed: memory grows by one integer per image, not by its name.
    private var seen: Set<Int> = []
    /// Repeats per kind (image id, image name, track id) and scope, with the first repeated value.
    private var repeats = Occurrences<Kind>()

    init(context: RuleContext) { self.context = context }

    func visitImage(_ image: ImageRecord) {
        let scope = (image.taskID.map { "task \($0)" } ?? "") + (image.subset.map { " subset \($0)" } ?? "")
        if let id = image["id"] { note(Key(scope: scope, what: "image id", value: id), at: image.location) }
        note(Key(scope: scope, what: "image name", value: image.name), at: image.location)
    }

    func visitTrackStart(_ track: TrackRecord) {
        if let id = track["id"] { note(Key(scope: "", what: "track id", value: id), at: track.location) }
    }

    private func note(_ key: Key, at location: SourceLocation) {
        if !seen.insert(key.hashValue).inserted {
            repeats.note(Kind(scope: key.scope, what: key.what), at: location, example: key.value)
        }
    }

    func finish() {
        for (kind, entry) in repeats.all {
            let scope = kind.scope.isEmpty ? "" : " in \(kind.scope.trimmingCharacters(in: .whitespaces))"
            let more = entry.count > 1 ? "; \(counted(entry.count, "repeat")) in all" : ""
            context.report("\(kind.what) '\(entry.example ?? "")' appears more than once\(scope)\(more)",
                           at: entry.first, issueType: kind.what.replacingOccurrences(of: " ", with: "_") + "_duplicate")
        }
    }
}
