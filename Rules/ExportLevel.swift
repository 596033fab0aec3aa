import CVATLint

/// The level the export was made at (task, job, project) is one the target cannot take.
final class ExportLevelUnsupported: Rule {
    static let description = RuleDescription(
        id: "export-level",
        defaultSeverity: .error,
        category: .target,
        summary: "the export was made at a level (job, task, project) the target does not take, or has no <meta>",
        rationale: """
            CVAT exports tasks, jobs and projects, and job exports are common. Encord's SDK reads only \
            <meta><task> or <meta><project> and stops on a job export with "Neither the 'project' nor the \
            'task' field was found". Export the task (or the project) instead. A file with no <meta> at all \
            (trimmed or generated) has no level: Encord refuses it, and CVAT's project import needs <meta>.
            """,
        issueTypes: [.init("*_export_unsupported", profile: "levels"), .init("meta_missing", profile: "levels")],
        actions: ["reexport"],
        triggering: [
            RuleExample("no <meta>, for CVAT (a warning: its project import needs <meta>)", target: "cvat",
                        xml: RuleExample.document(meta: "", body: RuleExample.imageElement("")).replacing("<version>", with: "↓<version>")),
            RuleExample("a job export, for Encord", xml: RuleExample.document(
                meta: "↓<job>\n  <id>4</id>\n  <size>1</size>\n  <mode>annotation</mode>\n</job>",
                body: RuleExample.imageElement(""))),
        ],
        nonTriggering: [
            RuleExample("a task export, for Encord", xml: RuleExample.document(
                meta: RuleExample.task(labels: ["car"]), body: RuleExample.imageElement(""))),
            RuleExample("a job export, for CVAT itself", target: "cvat", xml: RuleExample.document(
                meta: "<job>\n  <id>4</id>\n  <size>1</size>\n  <mode>annotation</mode>\n</job>",
                body: RuleExample.imageElement(""))),
        ])

    private let context: RuleContext

    init(context: RuleContext) { self.context = context }

    func finish() {
        guard let level = context.facts.level, let section = context.facts.meta?.section else {
            reportMissingMeta()
            return
        }
        let support = context.target.level(level)
        guard support.status == .unsupported || support.status == .dropped else { return }
        let suggested: String? = level == .job ? "task" : nil
        // Exported again in its own format where the target reads that (a video job made a task keeps its tracks).
        let format = context.facts.format == .video && context.target.format(.video).status == .supported
            ? "CVAT for video 1.1" : "CVAT for images 1.1"
        context.report("this is a \(level.rawValue) export; " + (support.note ?? "the target does not take it"),
                       at: section.location, severity: support.severity,
                       issueType: "\(level.rawValue)_export_unsupported",
                       action: .reexport(format: format, level: suggested))
    }

    private func reportMissingMeta() {
        guard let support = context.target.levels["none"], support.status != .supported,
              let severity = support.severity else { return }
        let what = context.facts.meta == nil ? "the file has no <meta>" : "<meta> has no <task>, <job> or <project>"
        context.report(what + "; " + (support.note ?? "the target needs one"),
                       at: context.facts.headLocation, severity: severity,
                       issueType: "meta_missing", action: .reexport(format: "CVAT for images 1.1", level: "task"))
    }
}
