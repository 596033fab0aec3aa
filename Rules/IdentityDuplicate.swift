import CVATLint
import Foundation

/// Image ids or names repeated within a task (or subset), names that differ only in their extension, empty
/// image names, and track ids repeated.
final class IdentityDuplicate: Rule {
    static let description = RuleDescription(
        id: "id-duplicate",
        defaultSeverity: .error,
        category: .structure,
        summary: "an image id or name repeats within its task (a project's: its subset; also without its extension), an image name is empty, or a track id repeats",
        rationale: """
            Importers match <image> elements to frames by name, then by id: a repeated name or id maps two \
            sets of annotations onto one frame (CVAT does not check it); a project's importers key images by \
            subset, whichever task they came from, so two tasks of one subset share ids and names (CVAT's \
            exporter offsets the ids and renames the files to keep them apart); and a repeated track id merges or \
            drops objects in targets that key on it. CVAT's importer matches a frame by its name without \
            the extension, so image.jpeg and image.jpg in one task are one frame to it: it reports success \
            and moves the boxes of one image onto the other. An image named "" stops CVAT's task and project \
            imports alike: each makes a dataset item keyed by the name without its extension, and an item's key \
            may not be empty; no media file can be paired with it either.
            """,
        issueTypes: [.init("image_id_duplicate"), .init("track_id_duplicate"), .init("image_name_duplicate"), .init("image_name_differs_only_in_extension"), .init("image_name_empty")],
        triggering: [
            RuleExample("two images with id 0", xml: RuleExample.document(meta: "", body: """
                  <image id="0" name="a.jpg" width="10" height="10">
                  </image>
                  ↓<image id="0" name="b.jpg" width="10" height="10">
                  </image>

                """)),
            RuleExample("image.jpeg and image.jpg in one task: CVAT's importer matches both to one frame", target: "cvat",
                        xml: RuleExample.document(meta: "", body: """
                  <image id="60" name="image.jpeg" width="10" height="10">
                  </image>
                  ↓<image id="61" name="image.jpg" width="10" height="10">
                  </image>

                """)),
            RuleExample("an image with an empty name", xml: RuleExample.document(meta: "", body: """
                  ↓<image id="0" name="" width="10" height="10">
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
    /// Names without their extension, hashed with their scope (the full name's hash as payload): names
    /// that differ only in their extension are found at the end in fixed memory.
    private let stems = SpillingDuplicateFinder()
    /// The most recent images by scope and stem, so that the usual case (neighbours in frame order) is
    /// told with both names and ids; a bounded window, never the whole export.
    private var recent: [UInt64: (name: String, id: Int?, location: SourceLocation)] = [:]
    /// The window's keys in arrival order, as a ring: the oldest is overwritten (no shifting per image).
    private var recentOrder: [UInt64] = []
    private var recentNext = 0
    private static let recentLimit = 4096
    private var extensionTwins = Occurrences<String>()
    private var extensionTwinCount = 0
    private var emptyNames = Occurrences<String>()

    init(context: RuleContext) { self.context = context }

    func visitImage(_ image: ImageRecord) {
        // A project's importers key an image by subset and id, or subset and name, whichever task it came from
        // (Datumaro's reader; CVAT's project import): CVAT's exporter keeps both unique within a subset.
        let scope = image.subset.map { "subset \($0)" } ?? image.taskID.map { "task \($0)" } ?? ""
        if let id = image.id { note(id, Kind(scope: scope, what: "image id"), at: image.location) }
        // A name written empty (a missing one is the schema's to report) is no name to compare with others.
        if image["name"] == "" {
            emptyNames.note("", at: image.location)
            context.noteInstance("image_name_empty", at: image.location)
            return
        }
        names.add(Fingerprint.hash64(scope + "\u{1F}" + image.name), at: image.location)
        noteStem(of: image, scope: scope)
    }

    private func noteStem(of image: ImageRecord, scope: String) {
        let stem = MediaIndex.stem(image.name)
        // Keyed by hash (a collision is ruled out by comparing the stems themselves).
        let key = Fingerprint.hash64(scope + "\u{1F}" + stem)
        stems.add(key, at: image.location, payload: Fingerprint.hash64(image.name))
        if let earlier = recent[key], earlier.name != image.name, MediaIndex.stem(earlier.name) == stem {
            extensionTwinCount += 1
            let ids = [earlier.id, image.id].map { $0.map(String.init) ?? "?" }
            extensionTwins.note(scope, at: image.location,
                                example: "'\(earlier.name)' (id \(ids[0]), line \(earlier.location.line)) and '\(image.name)' (id \(ids[1]))")
            return
        }
        if recent[key] == nil {
            if recentOrder.count < Self.recentLimit {
                recentOrder.append(key)
            } else {
                recent[recentOrder[recentNext]] = nil
                recentOrder[recentNext] = key
                recentNext = (recentNext + 1) % Self.recentLimit
            }
        }
        recent[key] = (image.name, image.id, image.location)
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
        let repeats = names.duplicates { context.noteInstance("image_name_duplicate", at: SourceLocation(line: $0.line, column: $0.column)) }
        if let earliest = repeats.earliest {
            let more = repeats.count > 1 ? "; \(counted(repeats.count, "image")) repeat an earlier name in all" : ""
            context.report("the image here has the same name as the one at line \(earliest.first.line) in its task (a project's: its subset)\(more)",
                           at: SourceLocation(line: earliest.repeat.line, column: earliest.repeat.column),
                           issueType: "image_name_duplicate")
        }
        reportExtensionTwins()
        if let entry = emptyNames.all.first?.entry {
            let more = entry.count > 1 ? " (\(counted(entry.count, "image")) in all)" : ""
            context.report("an image has an empty name\(more): CVAT's importers stop on it, as a dataset item's name may not be "
                           + "empty, and no media file can be paired with it", at: entry.first, issueType: "image_name_empty")
        }
    }

    private func reportExtensionTwins() {
        // Every later twin is an occurrence (apply --drop-invalid leaves each out, the first name staying).
        let all = stems.duplicates(differentPayloadOnly: true) {
            context.noteInstance("image_name_differs_only_in_extension", at: SourceLocation(line: $0.line, column: $0.column))
        }
        for (scope, entry) in extensionTwins.all {
            let place = scope.isEmpty ? "" : " in \(scope.trimmingCharacters(in: .whitespaces))"
            let more = entry.count > 1 ? "; \(counted(entry.count, "pair")) alike\(place)" : ""
            context.report("images \(entry.example ?? "") have the same name without extension\(place)\(more): CVAT's importer "
                           + "matches frames by that name and puts both images' annotations on one frame",
                           at: entry.first, issueType: "image_name_differs_only_in_extension")
        }
        // Pairs too far apart for the window: told by line, since their names are long gone.
        let unexplained = all.count - extensionTwinCount
        if unexplained > 0, let earliest = all.earliest {
            context.report("the image here and the one at line \(earliest.first.line) have the same name without extension"
                           + (unexplained > 1 ? " (\(counted(unexplained, "image")) alike, far apart in the file)" : "")
                           + ": CVAT's importer matches frames by that name and puts both images' annotations on one frame",
                           at: SourceLocation(line: earliest.repeat.line, column: earliest.repeat.column),
                           issueType: "image_name_differs_only_in_extension")
        }
    }
}
