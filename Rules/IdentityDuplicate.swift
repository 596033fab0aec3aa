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

    private struct Kind: Hashable {
        var scope: String
        var what: String
    }

    private let context: RuleContext
    /// Ids seen, per scope (task and subset) and kind: one bit per id.
    @exclusivity(unchecked) private var ids: [Kind: IntegerBitSet] = [:]
    private var idRepeats = Occurrences<Kind>()
    /// Image names, hashed with their scope; exact duplicates are found at the end in fixed memory.
    private let names = SpillingDuplicateFinder()

    init(context: RuleContext) { self.context = context }

    func visitImage(_ image: ImageRecord) {
        let scope = (image.taskID.map { "task \($0)" } ?? "") + (image.subset.map { " subset \($0)" } ?? "")
        if let id = image.id { note(id, Kind(scope: scope, what: "image id"), at: image.location) }
        names.add(Fingerprint.hash64(scope + "\u{1F}" + image.name), at: image.location)
    }

    func visitTrackStart(_ track: TrackRecord) {
        if let id = track.id { note(id, Kind(scope: "", what: "track id"), at: track.location) }
    }

    private func note(_ id: Int, _ kind: Kind, at location: SourceLocation) {
        if !ids[kind, default: IntegerBitSet()].insert(id) {
            idRepeats.note(kind, at: location, example: String(id))
        }
    }

    func finish() {
        for (kind, entry) in idRepeats.all {
            let scope = kind.scope.isEmpty ? "" : " in \(kind.scope.trimmingCharacters(in: .whitespaces))"
            let more = entry.count > 1 ? "; \(counted(entry.count, "repeat")) in all" : ""
            context.report("\(kind.what) '\(entry.example ?? "")' appears more than once\(scope)\(more)",
                           at: entry.first, issueType: kind.what.replacingOccurrences(of: " ", with: "_") + "_duplicate")
        }
        let repeats = names.duplicates()
        if let earliest = repeats.earliest {
            let more = repeats.count > 1 ? "; \(counted(repeats.count, "image")) repeat an earlier name in all" : ""
            context.report("the image here has the same name as the one at line \(earliest.first.line) in its task\(more)",
                           at: SourceLocation(line: earliest.repeat.line, column: earliest.repeat.column),
                           issueType: "image_name_duplicate")
        }
    }
}
