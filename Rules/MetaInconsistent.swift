import CVATLint
import Foundation

/// `<meta>` that disagrees with itself or the file: size, start, stop and step; tracks naming a task it does not list.
final class MetaInconsistent: Rule {
    static let description = RuleDescription(
        id: "meta-inconsistent",
        defaultSeverity: .warning,
        category: .structure,
        summary: "<meta> disagrees with itself or the file: stop_frame vs start, size and step; more images than frames; a track's task not listed; an image or track inside it",
        rationale: """
            For a task, stop_frame = start_frame + (size − 1)·step, and image ids are frames of that grid. A \
            task or job export holds at most size images (deleted frames leave gaps, never extras). A file \
            that breaks these was edited or merged by a script, and importers that trust <meta> misplace frames. \
            A project export names each track's task (task_id), and CVAT's project import looks that task up \
            among the tasks <meta> lists to size the track's frames. A project's <meta> names each task's \
            subset; Datumaro's CVAT reader splits a project by them and stops when there is none. An image \
            declared 0 pixels wide or high has no area to place a shape on (Datumaro refuses the size). An \
            image or track of a project whose subset none of <meta>'s <subset>s names is left out by Datumaro's \
            reader, which reads a project one listed subset at a time, and a task export as one subset named \
            after its file (CVAT writes no subset there). An <image> or <track> inside <meta> is none of the export's \
            images or tracks, yet CVAT's task import reads every such element wherever it stands, and stops on one \
            without its name and id (a track without its label or shapes); apply leaves it out.
            """,
        issueTypes: [.init("image_id_off_grid"), .init("meta_frames_inconsistent"), .init("meta_size_mismatch"),
                     .init("track_task_undeclared"), .init("project_subsets_missing", severity: .info),
                     .init("image_size_zero"), .init("subset_undeclared"), .init("annotation_in_meta")],
        triggering: [
            RuleExample("more images than the task has frames", xml: RuleExample.document(
                meta: RuleExample.task(labels: ["car"], marked: true),
                body: RuleExample.imageElement("") + RuleExample.imageElement("", name: "b.jpg")
                    .replacingOccurrences(of: "  <image id=\"0\"", with: "  ↓<image id=\"1\""))),
            trackExample("a track naming a task <meta> does not list", taskID: 7, marked: true),
            subsetExample("a project image of a subset no <subset> names, for Datumaro", subset: "Test", marked: true),
            RuleExample("an <image> inside <meta>, for CVAT", target: "cvat", xml: RuleExample.document(
                meta: "<task>\n  <id>1</id>\n  <size>1</size>\n  ↓<image>\n    <name>car</name>\n  </image>\n</task>",
                body: RuleExample.imageElement(""))),
        ],
        nonTriggering: [
            RuleExample("one image for a one-frame task", xml: RuleExample.document(
                meta: RuleExample.task(labels: ["car"]), body: RuleExample.imageElement(""))),
            trackExample("a track naming the task <meta> lists", taskID: 1),
            subsetExample("a project image of the subset its task names, for Datumaro", subset: "Train"),
        ])

    /// A project (task 2 in subset Train) with one image of `subset`, checked for Datumaro.
    private static func subsetExample(_ note: String, subset: String, marked: Bool = false) -> RuleExample {
        RuleExample(note, target: "datumaro", xml: RuleExample.document(
            meta: "<project>\n  <id>1</id>\n  <name>p</name>\n  <tasks>\n    <task>\n      <id>2</id>\n"
                + "      <subset>Train</subset>\n    </task>\n  </tasks>\n</project>",
            body: "  \(marked ? "↓" : "")<image id=\"0\" name=\"a.jpg\" subset=\"\(subset)\" task_id=\"2\" width=\"10\" height=\"10\">\n  </image>\n"))
    }

    /// A task (id 1) with one track of `car` that names task `taskID`.
    private static func trackExample(_ note: String, taskID: Int, marked: Bool = false) -> RuleExample {
        RuleExample(note, xml: RuleExample.document(
            meta: RuleExample.task(mode: "interpolation", labels: ["car"]),
            body: "  \(marked ? "↓" : "")<track id=\"0\" label=\"car\" task_id=\"\(taskID)\">\n"
                + "    <box frame=\"0\" keyframe=\"1\" outside=\"0\" xtl=\"1\" ytl=\"1\" xbr=\"5\" ybr=\"5\"/>\n  </track>\n"))
    }

    private let context: RuleContext
    @exclusivity(unchecked) private var imageCount = 0
    private var offGrid = Occurrences<String>()
    /// Tracks per task id that <meta> does not list.
    private var undeclaredTasks = Occurrences<Int>()
    /// Images declared 0 pixels wide or high.
    private var zeroSized = Occurrences<String>()

    /// The subsets Datumaro's reader reads, one at a time: a project's, as every `<subset>` in `<meta>` names them; a
    /// task export's one, named after its file. With what they are, in words.
    private var declaredSubsets: Set<String>?
    private var subsetsOrigin = "the project's <subset>s"
    /// Images and tracks per subset that none of those names (nil: a project's that name no subset).
    private var undeclaredSubsets = Occurrences<String?>()

    init(context: RuleContext) { self.context = context }

    /// Notes an image or a track whose subset is none of those Datumaro reads.
    private func noteSubset(_ subset: String?, at location: SourceLocation, example: String) {
        guard let declared = declaredSubsets, !declared.isEmpty else { return }
        if let subset {
            guard !declared.contains(subset) else { return }
            undeclaredSubsets.note(subset, at: location, example: example)
        } else {
            // Without a subset, Datumaro reads it with each subset of a project: once per <subset>.
            guard context.facts.level == .project, declared.count > 1 else { return }
            undeclaredSubsets.note(nil, at: location, example: example)
        }
        context.noteInstance("subset_undeclared", at: location)
    }

    func visitMeta(_ meta: ExportMeta) {
        for element in meta.annotationElements {
            let article = element.name == "image" ? "an" : "a"
            context.report("\(article) <\(element.name)> inside <meta> is none of the export's \(element.name)s", at: element.location,
                           issueType: "annotation_in_meta")
        }
        // Datumaro's reader splits a project by every <subset> in <meta>, wherever it sits, and stops only without one.
        if meta.level == .project {
            declaredSubsets = Set(meta.node.descendants("subset").map(\.text))
            if declaredSubsets?.isEmpty == true {
                context.report("the project's <meta> names no task's <subset>", at: meta.section?.location,
                               issueType: "project_subsets_missing")
            }
        } else if meta.level == .task {
            // CVAT writes a subset on images and tracks of project exports only: Datumaro reads a task export as one
            // subset named after the file, and leaves out what names another.
            declaredSubsets = [((context.annotationsPath as NSString).lastPathComponent as NSString).deletingPathExtension]
            subsetsOrigin = "the one subset Datumaro reads a task export as, named after its file"
        }
        for task in meta.tasks {
            guard let start = task.startFrame, let stop = task.stopFrame, let size = task.size, size > 0 else { continue }
            let expected = start + (size - 1) * task.frameStep
            // Only video tasks keep stop_frame meaningful: 2020-era image tasks wrote 0 there, and image
            // tasks with deleted frames keep their original range.
            if task.mode == .interpolation, stop < expected {
                context.report("\(task.isJob ? "job" : "task") \(task.id.map(String.init) ?? "?"): stop_frame \(stop) is below "
                               + "start_frame + (size − 1)·step = \(expected)", at: task.location,
                               issueType: "meta_frames_inconsistent") { $0.taskID = task.id }
            }
        }
    }

    func visitImage(_ image: ImageRecord) {
        imageCount += 1
        noteSubset(image.subset, at: image.location, example: image.name)
        if image.width == 0 || image.height == 0 {
            zeroSized.note("", at: image.location, example: image.name)
            context.noteInstance("image_size_zero", at: image.location)
        }
        let facts = context.facts
        guard facts.level == .task || facts.level == .job, let id = image.id, let task = facts.task(id: nil),
              !TrackFrames.isOnGrid(id, task) else { return }
        offGrid.note("grid", at: image.location, example: String(id))
    }

    func visitTrackStart(_ track: TrackRecord) {
        noteSubset(track.subset, at: track.location, example: track.displayName)
        // Task and project exports list their tasks; a job's <meta> lists none, so nothing can be looked up.
        guard let id = track.taskID, context.facts.level == .task || context.facts.level == .project,
              let tasks = context.facts.meta?.tasks, !tasks.isEmpty, !tasks.contains(where: { $0.id == id }) else { return }
        undeclaredTasks.note(id, at: track.location, example: track.displayName)
        context.noteInstance("track_task_undeclared", at: track.location)
    }

    func finish() {
        let facts = context.facts
        if facts.level == .task || facts.level == .job, let task = facts.task(id: nil), let size = task.size, imageCount > size {
            context.report("the file holds \(imageCount) images but the \(facts.level?.rawValue ?? "task") has \(size) frames",
                           at: task.location, issueType: "meta_size_mismatch") { $0.taskID = task.id }
        }
        for (_, entry) in offGrid.all {
            let task = facts.task(id: nil)
            context.report("image id \(entry.example ?? "?") is not a frame of the \(facts.level?.rawValue ?? "task") "
                           + "(start \(task?.startFrame ?? 0), step \(task?.frameStep ?? 1), size \(task?.size ?? 0))"
                           + (entry.count > 1 ? "; \(counted(entry.count, "image")) are off the grid" : ""),
                           at: entry.first, issueType: "image_id_off_grid")
        }
        if let entry = zeroSized.all.first?.entry {
            context.report("\(counted(entry.count, "image")) \(entry.count == 1 ? "is" : "are") declared 0 pixels wide or high "
                           + "('\(entry.example ?? "")' first)", at: entry.first, issueType: "image_size_zero", count: entry.count)
        }
        let subsets = (declaredSubsets ?? []).sorted().joined(separator: ", ")
        for (subset, entry) in undeclaredSubsets.all {
            let what = "\(entry.example ?? "an image")\(entry.count > 1 ? " and \(entry.count - 1) more" : "")"
            context.report(subset.map { "subset '\($0)' of \(what) is none of \(subsetsOrigin) (\(subsets))" }
                           ?? "\(what) of the project name\(entry.count > 1 ? "" : "s") no subset: a reader that splits the project by its "
                             + "<subset>s (\(subsets)) reads \(entry.count > 1 ? "them" : "it") with each",
                           at: entry.first, issueType: "subset_undeclared", count: entry.count)
        }
        let listed = (facts.meta?.tasks ?? []).compactMap(\.id).map(String.init).joined(separator: ", ")
        for (task, entry) in undeclaredTasks.all {
            context.report("\(entry.example ?? "a track") names task \(task), which <meta> does not list (it lists \(listed))"
                           + (entry.count > 1 ? "; \(counted(entry.count, "track")) name it" : ""),
                           at: entry.first, issueType: "track_task_undeclared", count: entry.count) { $0.taskID = task }
        }
    }
}
