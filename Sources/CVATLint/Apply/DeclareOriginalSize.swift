/// `declareOriginalSize`: where `<meta>` states no frame size at all, or its first `<original_size>` is unreadable,
/// the size a frame file shows is written as `<original_size>` where CVAT writes it: in the task (a task export,
/// or the task of a project export with that id), or under `<meta>` after `<dumped>` (a job export, as CVAT's job
/// dumper places it). Datumaro's reader
/// sizes every track by the first `<original_size>` it finds and stops on a track without one; the tracks
/// themselves keep their bytes.
enum DeclareOriginalSize {
    /// Writes the size into `meta`, in place of any `<original_size>` no reader can take (a width or height
    /// missing or not a whole number); false when nothing changes (the task, or `<meta>` for a size tied to
    /// no task, states a size already).
    static func write(task: Int?, width: Int, height: Int, into meta: inout XMLNode) -> Bool {
        let removed = removeUnreadable(from: &meta)
        let node = XMLNode(name: "original_size", children: [XMLNode(name: "width", text: String(width), location: meta.location),
                                                             XMLNode(name: "height", text: String(height), location: meta.location)],
                           location: meta.location)
        if let index = meta.children.firstIndex(where: { $0.name == "task" }), task == nil || meta.children[index].integer("id") == task,
           meta.children[index].child("id") != nil {
            guard !states(meta) else { return removed }
            insert(node, into: &meta.children[index])
        } else if let project = meta.children.firstIndex(where: { $0.name == "project" }),
                  let tasks = meta.children[project].children.firstIndex(where: { $0.name == "tasks" }),
                  let index = meta.children[project].children[tasks].children.firstIndex(where: {
                      $0.name == "task" && $0.child("id") != nil && (task == nil || $0.integer("id") == task)
                  }) {
            // Another task's size is that task's: this one's frames take only their own.
            guard !states(meta.children[project].children[tasks].children[index]) else { return removed }
            insert(node, into: &meta.children[project].children[tasks].children[index])
        } else {
            guard !states(meta) else { return removed }
            // A job, or a task the size cannot be tied to: under <meta>, where a reader takes it for every frame.
            let after = meta.children.lastIndex { ["dumped", "job", "task"].contains($0.name) }
            meta.children.insert(node, at: after.map { $0 + 1 } ?? meta.children.endIndex)
        }
        return true
    }

    /// Whether any `<original_size>` is in `node` already (under it, in a task, or in a project's task).
    private static func states(_ node: XMLNode) -> Bool {
        node.name == "original_size" || node.children.contains { $0.name != "labels" && states($0) }
    }

    /// Leaves out every `<original_size>` whose width or height no reader can take; true when any was.
    static func removeUnreadable(from node: inout XMLNode) -> Bool {
        node.removeDescendants { $0.name == "original_size" && !FrameSizes.unreadableParts(of: $0).isEmpty }
    }

    /// In a task: before `<source>` where it has one (CVAT writes the size, then the source), else last.
    private static func insert(_ node: XMLNode, into task: inout XMLNode) {
        task.children.insert(node, at: task.children.firstIndex { $0.name == "source" } ?? task.children.endIndex)
    }
}
