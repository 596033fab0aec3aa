import Foundation

/// Writes the input document again with some of its byte ranges replaced or removed: everything no
/// edit names is copied byte for byte. It holds only the bytes between the last edit point and what the
/// parser has been fed (one image, or one track frame), never the document.
final class Splicer {
    /// Bytes fed; those from `head` on are not yet written or skipped, and `tape[head]` is document
    /// offset `tapeStart`. The consumed front is compacted away now and then, not byte by byte.
    private var storage: [UInt8] = []
    private var head = 0
    private var tapeStart: Int64 = 0
    private var tape: ArraySlice<UInt8> { storage[head...] }
    /// Output goes here, buffered, with whether any byte so far was edited.
    private let sink: (UnsafeRawBufferPointer, _ edited: Bool) throws -> Void
    private var buffer: [UInt8] = []
    /// Bytes written to the output so far.
    private(set) var written: Int64 = 0
    /// Whether any input byte was left out or any new text written: false means the output is the input.
    private(set) var edited = false

    /// While a track is written to be put in frame order: what was written for its start tag (frame nil) and
    /// for each of its shapes, and which of them output goes to now.
    private var segments: [(frame: Int?, bytes: [UInt8])]?
    private var segment = 0

    init(sink: @escaping (UnsafeRawBufferPointer, _ edited: Bool) throws -> Void) {
        self.sink = sink
        buffer.reserveCapacity(1 << 16)
    }

    /// The next input bytes, before the parser sees them.
    func feed(_ bytes: UnsafeRawBufferPointer) {
        // Typed, the bytes are appended with one copy (raw, they go one by one).
        storage.append(contentsOf: bytes.assumingMemoryBound(to: UInt8.self))
    }

    /// Document offset up to which output is decided.
    var position: Int64 { tapeStart }

    /// The input bytes in `range` (offsets into the document), when still held.
    func bytes(_ range: Range<Int64>) -> ArraySlice<UInt8>? {
        let lower = range.lowerBound - tapeStart, upper = range.upperBound - tapeStart
        guard lower >= 0, upper <= Int64(storage.count - head), lower <= upper else { return nil }
        return storage[(head + Int(lower))..<(head + Int(upper))]
    }

    /// Copies the input up to `offset` unchanged.
    func copy(upTo offset: Int64) throws {
        guard offset > tapeStart else { return }
        let count = Int(min(offset - tapeStart, Int64(storage.count - head)))
        try emit(storage[head..<(head + count)])
        drop(count)
    }

    /// Skips the input up to `offset`: those bytes are not written.
    func skip(upTo offset: Int64) {
        guard offset > tapeStart else { return }
        let count = Int(min(offset - tapeStart, Int64(storage.count - head)))
        if count > 0 { edited = true }
        drop(count)
    }

    /// Writes `text` in place of the input bytes `range`.
    func replace(_ range: Range<Int64>, with text: XMLBytes) throws {
        try copy(upTo: range.lowerBound)
        try write(text)
        skip(upTo: range.upperBound)
    }

    /// Leaves out the input bytes `range` with the line's indentation before them, so that no blank
    /// line is left where an element was.
    func remove(_ range: Range<Int64>) throws {
        try copy(upTo: lineStart(before: range.lowerBound))
        skip(upTo: range.upperBound)
    }

    /// Writes `text` where the line holding `offset` begins (`text` brings its own line break and indentation).
    func insert(_ text: XMLBytes, before offset: Int64) throws {
        try copy(upTo: lineStart(before: offset))
        try write(text)
    }

    /// The indentation before `offset`: the spaces and tabs back to the line break (empty when other
    /// text comes first on the line).
    func indentation(before offset: Int64) -> String {
        let start = lineStart(before: offset)
        guard start < offset, let slice = bytes((start + 1)..<offset) else { return "" }
        return String(decoding: slice, as: UTF8.self)
    }

    /// Where the run of spaces before `offset` begins, at its line break; `offset` itself when the line
    /// holds other text before it.
    func lineStart(before offset: Int64) -> Int64 {
        var cursor = offset - 1
        while cursor >= tapeStart, let byte = byte(at: cursor), byte == 0x20 || byte == 0x09 { cursor -= 1 }
        guard cursor >= tapeStart, let byte = byte(at: cursor), byte == 0x0A else { return offset }
        // Keep the line break itself when it ends the previous element's line: drop from it onwards.
        return cursor
    }

    private func byte(at offset: Int64) -> UInt8? {
        let index = offset - tapeStart
        return index >= 0 && index < Int64(storage.count - head) ? storage[head + Int(index)] : nil
    }

    /// Writes new text.
    func write(_ text: XMLBytes) throws {
        try text.bytes.withUnsafeBytes { try write($0) }
    }

    /// Writes new text, as UTF-8 bytes.
    func write(_ bytes: UnsafeRawBufferPointer) throws {
        if !bytes.isEmpty { edited = true }
        try emit(bytes)
    }

    /// Writes what is left of the input and flushes.
    func finish() throws {
        try emit(tape)
        drop(storage.count - head)
        try flush()
    }

    /// The input from the position on that is still held (the document's tail at the end of a parse).
    var heldTail: ArraySlice<UInt8> { tape }

    /// From here on output is held in segments, the first one for a track's start tag, until `endSegments`.
    func beginSegments() {
        segments = [(nil, [])]
        segment = 0
    }

    /// Output goes on to the start tag's segment (`frame` nil) or to a new one for the shape on `frame`.
    func writeSegment(frame: Int?) {
        guard var held = segments else { return }
        if let frame {
            held.append((frame, []))
            segment = held.count - 1
        } else {
            segment = 0
        }
        segments = held
    }

    /// Writes the segments held, the start tag's first and then the shapes by frame (in written order within a frame).
    func endSegments() throws {
        guard let held = segments else { return }
        segments = nil
        let ordered = held.enumerated().sorted { ($0.element.frame ?? .min, $0.offset) < ($1.element.frame ?? .min, $1.offset) }
        if ordered.map(\.offset) != Array(held.indices) { edited = true }
        for (_, part) in ordered { try emit(part.bytes) }
    }

    private func drop(_ count: Int) {
        guard count > 0 else { return }
        head += count
        tapeStart += Int64(count)
        if head >= 1 << 16, head * 2 >= storage.count {
            storage.removeFirst(head)
            head = 0
        }
    }

    private func emit<C: Collection>(_ bytes: C) throws where C.Element == UInt8 {
        if segments != nil {
            segments?[segment].bytes.append(contentsOf: bytes)
            return
        }
        buffer.append(contentsOf: bytes)
        written += Int64(bytes.count)
        if buffer.count >= 1 << 16 { try flush() }
    }

    private func emit(_ bytes: UnsafeRawBufferPointer) throws {
        // Through the typed path: one copy.
        try emit(bytes.assumingMemoryBound(to: UInt8.self))
    }

    func flush() throws {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { try sink($0, edited) }
        buffer.removeAll(keepingCapacity: true)
    }
}
