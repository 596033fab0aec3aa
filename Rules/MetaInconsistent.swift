import CVATLint
import Foundation

/// `<meta>` numbers that disagree with each other or with the images: size, start, stop and step.
final class MetaInconsistent: Rule {
    static let description = RuleDescription(
        id: "meta-inconsistent",
        defaultSeverity: .warning,
        category: .structure,
        summary: "<meta> disagrees with itself or the file: stop_frame vs start, size and step; more images than frames",
        rationale: """
            For a task, stop_frame = start_frame + (size − 1)·step, and image ids are frames of that grid. A \
            task or job export holds at most size images (deleted frames leave gaps, never extras). A file \
            that breaks these was edited or merged by a script, and importers that trust <meta> misplace frames.
            """,
        issueTypes: [.init("image_id_off_grid"), .init("meta_frames_inconsistent"), .init("meta_size_mismatch")],
        triggering: [
            RuleExample("more images than the task has frames", xml: RuleExample.document(
                meta: RuleExample.task(labels: ["car"], marked: true),
                body: RuleExample.imageElement("") + RuleExample.imageElement("", name: "b.jpg")
                    .replacingOccurrences(of: "  <image id=\"0\"", with: "  ↓<image id=\"1\""))),
        ],
        nonTriggering: [
            RuleExample("one image for a one-frame task", xml: RuleExample.document(
                meta: RuleExample.task(labels: ["car"]), body: RuleExample.imageElement(""))),
        ])

    private let context: RuleContext
    @exclusivity(unchecked) private var imageCount = 0
    private var offGrid = Occurrences<String>()

    init(context: RuleContext) { self.context = context }

    func visitMeta(_ meta: ExportMeta) {
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
        let facts = context.facts
        guard facts.level == .task || facts.level == .job, let id = image.id, let task = facts.task(id: nil),
              !TrackFrames.isOnGrid(id, task) else { return }
        offGrid.note("grid", at: image.location, example: String(id))
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
    }
}
