/// The pixel size of a video frame, resolved in one place for `check`, `apply` and the HTML pictures.
///
/// CVAT states it as `original_size` inside each `<task>` (task exports, and each task of a project
/// export) or directly under `<meta>` (job exports, where the job has none of its own). Where neither
/// is written, the frame's own file (its header only) decides; where there is no file either, the size
/// is unknown and nothing may stand in for it.
public struct FrameSizes: Sendable {
    public typealias Size = (width: Int, height: Int)

    private let byTask: [Int: Size]
    /// `<meta><original_size>`: a job export's, or a file's whose task carries none.
    private let metaLevel: Size?
    /// The one size every task states, when they state one size between them.
    private let only: Size?

    public init(meta: ExportMeta?) {
        var byTask: [Int: Size] = [:]
        var sizes: [Size] = []
        for task in meta?.tasks ?? [] {
            guard let size = Self.read(task.node.child("original_size")) else { continue }
            sizes.append(size)
            if let id = task.id { byTask[id] = size }
        }
        self.byTask = byTask
        metaLevel = Self.read(meta?.node.child("original_size"))
        declaresAny = meta?.node.descendants("original_size").contains { Self.unreadableParts(of: $0).isEmpty } ?? false
        if let metaLevel { sizes.append(metaLevel) }
        only = sizes.first.flatMap { first in sizes.allSatisfy { $0 == first } ? first : nil }
    }

    private static func read(_ node: XMLNode?) -> Size? {
        guard let node, let width = node.integer("width"), let height = node.integer("height"), width > 0, height > 0 else {
            return nil
        }
        return (width, height)
    }

    /// The first `<original_size>` under `node` in document order (the one Datumaro's reader takes for every
    /// track), with the id of the task that holds it, if one does.
    public static func firstStated(in node: XMLNode, task: Int? = nil) -> (node: XMLNode, task: Int?)? {
        for child in node.children {
            if child.name == "original_size" { return (child, task) }
            if let found = firstStated(in: child, task: child.name == "task" ? child.integer("id") : task) { return found }
        }
        return nil
    }

    /// The parts of an `<original_size>` a reader cannot take: `width` or `height` missing, or not a whole number.
    public static func unreadableParts(of node: XMLNode) -> [String] {
        ["width", "height"].filter { !PythonNumberText.isWholeNumber(node.child($0)?.text) }
    }

    /// Whether `<meta>` states any frame size a reader can take, wherever it sits (Datumaro takes the first
    /// `<original_size>` in `<meta>`, in a task without `<id>` too).
    public let declaresAny: Bool

    /// The size `<meta>` declares for frames of task `taskID` (nil: of the only task or the job).
    public func declared(taskID: Int?) -> Size? {
        if let taskID, let size = byTask[taskID] { return size }
        // A project task that states no size of its own (an image task) takes no other task's.
        if taskID != nil, !byTask.isEmpty { return metaLevel }
        return metaLevel ?? only
    }

    /// The declared size, else the size the frame's file shows (its header read by `header`); nil when
    /// neither says.
    public func size(taskID: Int?, file: MediaFile?, header: (MediaFile) -> ImageHeader?) -> Size? {
        if let size = declared(taskID: taskID) { return size }
        guard let file, !file.isSymlink, let size = header(file)?.displayedSize, size.width > 0, size.height > 0 else { return nil }
        return size
    }
}
