/// The pixel size of a video frame made an image: its task's `original_size`, else the header of the
/// frame's file.
struct FrameSizes {
    private let byTask: [Int: (width: Int, height: Int)]
    private let only: (width: Int, height: Int)?
    private let header: (MediaFile) -> ImageHeader?

    init(meta: ExportMeta?, header: @escaping (MediaFile) -> ImageHeader?) {
        var byTask: [Int: (width: Int, height: Int)] = [:]
        var sizes: [(width: Int, height: Int)] = []
        for task in meta?.tasks ?? [] {
            guard let original = task.node.child("original_size"), let width = original.integer("width"),
                  let height = original.integer("height"), width > 0, height > 0 else { continue }
            sizes.append((width, height))
            if let id = task.id { byTask[id] = (width, height) }
        }
        self.byTask = byTask
        only = sizes.count == 1 ? sizes[0] : nil
        self.header = header
    }

    func size(taskID: Int?, file: MediaFile?) -> (width: Int, height: Int)? {
        if let taskID, let size = byTask[taskID] { return size }
        if let only { return only }
        guard let file, let size = header(file)?.displayedSize, size.width > 0, size.height > 0 else { return nil }
        return size
    }
}
