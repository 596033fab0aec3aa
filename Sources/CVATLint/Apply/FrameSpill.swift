import Foundation

/// Video frames made images: each shape's text goes to a private temporary file as it is read, a small
/// fixed record per shape is sorted by (subset, frame) in fixed memory, and the images are written frame
/// by frame at the end. Memory holds one frame's records.
final class FrameSpill {
    private struct Record: SortKeyed {
        var key: UInt64
        var offset: Int64
        var length: Int32
        var route: Int32
        var produced: Int32
        var taskID: Int32
        var sortKey: UInt64 { key }
    }

    private static let imageEnd: StaticString = "\n  </image>"
    private let sorter = SpillingSorter<Record>()
    private let text = SpoolFile()
    private var written: Int64 = 0
    private var subsets: [String?] = []
    private var subsetIndex: [String: Int] = [:]
    private var routes: [WritePass.Route] = []
    private var routeIndex: [WritePass.Route: Int] = [:]

    private func key(frame: Int, subset: String?) -> UInt64 {
        let name = subset ?? ""
        let index: Int
        if let known = subsetIndex[name] {
            index = known
        } else {
            index = subsets.count
            subsets.append(subset)
            subsetIndex[name] = index
        }
        return UInt64(index) << 40 | UInt64(min(frame, (1 << 40) - 1))
    }

    /// One shape of frame `frame`: its text (with its line break and indentation) and where it came from.
    func add(frame: Int, subset: String?, taskID: Int?, route: WritePass.Route, produced: Int, text: XMLBytes) {
        let routeNumber = routeIndex[route] ?? {
            routes.append(route)
            routeIndex[route] = routes.count - 1
            return routes.count - 1
        }()
        text.bytes.withUnsafeBytes { try? self.text.write($0) }
        let length = text.bytes.count
        sorter.add(Record(key: key(frame: frame, subset: subset), offset: written, length: Int32(clamping: length),
                          route: Int32(routeNumber), produced: Int32(clamping: produced), taskID: Int32(clamping: taskID ?? -1)))
        written += Int64(length)
    }

    /// A frame with a file and perhaps no shapes: it still gets its image.
    func addEmpty(frame: Int, subset: String?) {
        sorter.add(Record(key: key(frame: frame, subset: subset), offset: -1, length: 0, route: -1, produced: 0, taskID: -1))
    }

    /// Hands each frame, in (subset, frame) order, to `open`, which returns the image's start tag (nil to
    /// leave it out); the shapes' bytes follow in the order they were read, then the end tag, to `write`.
    func forEachFrame(_ open: (_ frame: Int, _ subset: String?, _ taskID: Int?, _ shapes: [(WritePass.Route, Int)]) throws -> XMLBytes?,
                      write: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard let reader = text.finishedReader() else { throw InputError("apply: the spilled video frames cannot be read back") }
        defer { try? reader.close() }
        var failure: Error?
        var buffer: [UInt8] = []
        sorter.forEachGroup { group in
            guard failure == nil, let first = group.first else { return }
            let shapes = group.filter { $0.route >= 0 }.sorted { $0.offset < $1.offset }
            let frame = Int(first.key & ((1 << 40) - 1))
            let subset = subsets[Int(first.key >> 40)]
            let taskID = shapes.first.map { Int($0.taskID) }.flatMap { $0 >= 0 ? $0 : nil }
            do {
                guard let start = try open(frame, subset, taskID, shapes.map { (routes[Int($0.route)], Int($0.produced)) }) else { return }
                try start.bytes.withUnsafeBytes { try write($0) }
                for shape in shapes {
                    // One pread per shape: a frame's shapes lie apart in the spool, one per track.
                    if buffer.count < Int(shape.length) { buffer = [UInt8](repeating: 0, count: Int(shape.length)) }
                    let count = Int(shape.length)
                    let read = buffer.withUnsafeMutableBytes { pread(reader.fileDescriptor, $0.baseAddress, count, off_t(shape.offset)) }
                    guard read == count else { throw InputError("apply: the spilled video frames cannot be read back") }
                    try buffer.withUnsafeBytes { try write(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
                }
                try write(UnsafeRawBufferPointer(start: Self.imageEnd.utf8Start, count: Self.imageEnd.utf8CodeUnitCount))
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
    }
}
