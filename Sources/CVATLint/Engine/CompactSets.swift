import Foundation

/// A set of non-negative integers (frame numbers, ids) as a growable bit vector: 1 bit per value up to
/// the largest one seen, so a million frames cost 125 KB, not the 30+ MB of a `Set<Int>`.
public struct IntegerBitSet: Sendable {
    /// Values past this go to a small overflow set rather than a huge vector.
    public static let denseLimit = 1 << 28
    private var words: [UInt64] = []
    private var overflow: Set<Int> = []

    public init() {}

    /// Inserts a value; returns false when it was already there.
    public mutating func insert(_ value: Int) -> Bool {
        guard value >= 0, value < Self.denseLimit else { return overflow.insert(value).inserted }
        let word = value >> 6
        if word >= words.count { words.append(contentsOf: repeatElement(0, count: max(word + 1 - words.count, words.count))) }
        let bit = UInt64(1) << UInt64(value & 63)
        if words[word] & bit != 0 { return false }
        words[word] |= bit
        return true
    }
}

/// Finds repeated 64-bit keys among millions in fixed memory: keys are buffered, sorted runs spill to a
/// temporary file, and `duplicates()` merges the runs. Memory stays at the buffer size however many
/// keys come; disk holds 24 bytes per key (the key, where it was seen, and a payload).
public final class SpillingDuplicateFinder {
    public struct Occurrence: Sendable, Equatable {
        public var key: UInt64
        public var line: Int
        public var column: Int
        /// What else is known of this occurrence (e.g. a hash of the full name whose stem is the key).
        public var payload: UInt64 = 0
    }

    /// Bytes one occurrence takes in a spilled run.
    private static let recordSize = 24

    private let bufferLimit: Int
    private var buffer: [Occurrence] = []
    private var runs: [(offset: UInt64, count: Int)] = []
    private var file: FileHandle?
    private var fileURL: URL?
    private var written: UInt64 = 0

    /// `bufferLimit` keys are kept in memory (32 bytes each) before a run spills.
    public init(bufferLimit: Int = 1 << 16) {
        self.bufferLimit = max(16, bufferLimit)
        buffer.reserveCapacity(self.bufferLimit)
    }

    deinit {
        try? file?.close()
        if let fileURL { try? FileManager.default.removeItem(at: fileURL) }
    }

    public func add(_ key: UInt64, at location: SourceLocation, payload: UInt64 = 0) {
        buffer.append(Occurrence(key: key, line: location.line, column: location.column, payload: payload))
        if buffer.count >= bufferLimit { spill() }
    }

    /// Set when the temporary file cannot be written: the remaining keys then stay in memory.
    private var spillFailed = false

    private func spill() {
        guard !buffer.isEmpty, !spillFailed else { return }
        buffer.sort { ($0.key, $0.line) < ($1.key, $1.line) }
        if file == nil {
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("cvat-lint-\(UUID().uuidString).keys")
            guard FileManager.default.createFile(atPath: url.path, contents: nil, attributes: [.posixPermissions: 0o600]),
                  let handle = try? FileHandle(forUpdating: url) else {
                spillFailed = true
                return
            }
            file = handle
            fileURL = url
        }
        var data = Data(capacity: buffer.count * Self.recordSize)
        for occurrence in buffer {
            withUnsafeBytes(of: occurrence.key.littleEndian) { data.append(contentsOf: $0) }
            withUnsafeBytes(of: UInt32(clamping: occurrence.line).littleEndian) { data.append(contentsOf: $0) }
            withUnsafeBytes(of: UInt32(clamping: occurrence.column).littleEndian) { data.append(contentsOf: $0) }
            withUnsafeBytes(of: occurrence.payload.littleEndian) { data.append(contentsOf: $0) }
        }
        do {
            try file?.seek(toOffset: written)
            try file?.write(contentsOf: data)
            runs.append((offset: written, count: buffer.count))
            written += UInt64(data.count)
            buffer.removeAll(keepingCapacity: true)
        } catch {
            spillFailed = true
        }
    }

    /// How many occurrences repeat an earlier key, and the repeat that comes first in the document with
    /// the place of the key's first occurrence. Memory stays fixed however many repeats there are.
    /// With `differentPayloadOnly`, a repeat counts only when its payload differs from the first one's.
    public func duplicates(differentPayloadOnly: Bool = false) -> (count: Int, earliest: (repeat: Occurrence, first: Occurrence)?) {
        if !runs.isEmpty { spill() }
        var cursors: [RunCursor] = []
        if let file {
            cursors = runs.map { RunCursor(file: file, offset: $0.offset, count: $0.count) }
        }
        if !buffer.isEmpty {
            buffer.sort { ($0.key, $0.line) < ($1.key, $1.line) }
            cursors.append(RunCursor(memory: buffer))
        }
        var count = 0
        var earliest: (repeat: Occurrence, first: Occurrence)?
        var previous: Occurrence?
        var firstOfKey: Occurrence?
        // A k-way merge: the runs are few (keys / bufferLimit), so a linear pick is enough.
        while true {
            var best: Int?
            for index in cursors.indices {
                guard let head = cursors[index].head else { continue }
                if let current = best, let other = cursors[current].head, (other.key, other.line) <= (head.key, head.line) { continue }
                best = index
            }
            guard let index = best, let occurrence = cursors[index].head else { break }
            cursors[index].advance()
            if let last = previous, last.key == occurrence.key, let first = firstOfKey {
                previous = occurrence
                if differentPayloadOnly, first.payload == occurrence.payload { continue }
                count += 1
                if earliest.map({ occurrence.line < $0.repeat.line }) ?? true { earliest = (occurrence, first) }
            } else {
                firstOfKey = occurrence
            }
            previous = occurrence
        }
        return (count, earliest)
    }

    /// Reads one sorted run back in small blocks.
    private struct RunCursor {
        private var memory: [Occurrence] = []
        private var file: FileHandle?
        private var offset: UInt64 = 0
        private var remaining = 0
        private var block: [Occurrence] = []
        private var position = 0

        init(memory: [Occurrence]) {
            self.memory = memory
            block = memory
        }

        init(file: FileHandle, offset: UInt64, count: Int) {
            self.file = file
            self.offset = offset
            remaining = count
            refill()
        }

        var head: Occurrence? { position < block.count ? block[position] : nil }

        mutating func advance() {
            position += 1
            if position >= block.count, file != nil { refill() }
        }

        private mutating func refill() {
            guard let file, remaining > 0 else {
                block = []
                position = 0
                return
            }
            let take = min(remaining, 4096)
            let size = SpillingDuplicateFinder.recordSize
            let data = (try? { try file.seek(toOffset: offset); return try file.read(upToCount: take * size) }()) ?? nil
            guard let data, data.count == take * size else {
                block = []
                remaining = 0
                return
            }
            block = stride(from: 0, to: data.count, by: size).map { start in
                let bytes = [UInt8](data[data.startIndex + start ..< data.startIndex + start + size])
                func value<T: FixedWidthInteger>(_ from: Int, _: T.Type) -> T {
                    bytes[from ..< from + MemoryLayout<T>.size].enumerated().reduce(T.zero) { $0 | T($1.element) << (8 * $1.offset) }
                }
                return Occurrence(key: value(0, UInt64.self), line: Int(value(8, UInt32.self)), column: Int(value(12, UInt32.self)),
                                  payload: value(16, UInt64.self))
            }
            position = 0
            remaining -= take
            offset += UInt64(data.count)
        }
    }
}

/// A plain-data record with a key to sort by.
public protocol SortKeyed: BitwiseCopyable {
    var sortKey: UInt64 { get }
}

/// Sorts any number of fixed-size records in fixed memory: records are buffered, sorted runs spill to a
/// private temporary file, and `forEachGroup` merges the runs and hands on each run of equal keys.
/// `Record` must be plain data (no references), as it is written to disk byte for byte.
public final class SpillingSorter<Record: SortKeyed> {
    private let bufferLimit: Int
    private var buffer: [Record] = []
    private var runs: [(offset: Int, count: Int)] = []
    private var file: FileHandle?
    private var fileURL: URL?
    private var written = 0
    private var spillFailed = false
    private static var size: Int { MemoryLayout<Record>.stride }

    /// `bufferLimit` records are kept in memory before a sorted run spills.
    public init(bufferLimit: Int = 1 << 16) {
        self.bufferLimit = max(16, bufferLimit)
    }

    deinit {
        try? file?.close()
        if let fileURL { try? FileManager.default.removeItem(at: fileURL) }
    }

    public func add(_ record: Record) {
        buffer.append(record)
        if buffer.count >= bufferLimit { spill() }
    }

    private func spill() {
        guard !buffer.isEmpty, !spillFailed else { return }
        buffer.sort { $0.sortKey < $1.sortKey }
        if file == nil {
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("cvat-lint-\(UUID().uuidString).records")
            guard FileManager.default.createFile(atPath: url.path, contents: nil, attributes: [.posixPermissions: 0o600]),
                  let handle = try? FileHandle(forUpdating: url) else {
                spillFailed = true
                return
            }
            file = handle
            fileURL = url
        }
        let data = buffer.withUnsafeBytes { Data($0) }
        do {
            try file?.seek(toOffset: UInt64(written))
            try file?.write(contentsOf: data)
            runs.append((written, buffer.count))
            written += data.count
            buffer.removeAll(keepingCapacity: true)
        } catch {
            spillFailed = true
        }
    }

    /// Every group of records with one key, in key order (records of a group in no particular order).
    public func forEachGroup(_ body: ([Record]) -> Void) {
        if !runs.isEmpty { spill() }
        buffer.sort { $0.sortKey < $1.sortKey }
        var cursors: [Cursor] = runs.compactMap { run in file.map { Cursor(file: $0, offset: run.offset, count: run.count) } }
        cursors.append(Cursor(memory: buffer))
        var group: [Record] = []
        var groupKey: UInt64?
        while true {
            var best: Int?
            for index in cursors.indices {
                guard let head = cursors[index].head else { continue }
                if let current = best, let other = cursors[current].head, other.sortKey <= head.sortKey { continue }
                best = index
            }
            guard let index = best, let record = cursors[index].head else { break }
            cursors[index].advance()
            if groupKey != record.sortKey {
                if !group.isEmpty { body(group) }
                group.removeAll(keepingCapacity: true)
                groupKey = record.sortKey
            }
            group.append(record)
        }
        if !group.isEmpty { body(group) }
    }

    private struct Cursor {
        private var block: [Record]
        private var position = 0
        private var file: FileHandle?
        private var offset = 0
        private var remaining = 0

        init(memory: [Record]) { block = memory }

        init(file: FileHandle, offset: Int, count: Int) {
            block = []
            self.file = file
            self.offset = offset
            remaining = count
            refill()
        }

        var head: Record? { position < block.count ? block[position] : nil }

        mutating func advance() {
            position += 1
            if position >= block.count, file != nil { refill() }
        }

        private mutating func refill() {
            position = 0
            guard let file, remaining > 0 else {
                block = []
                return
            }
            let take = min(remaining, 2048)
            let size = SpillingSorter.size
            let data = (try? { try file.seek(toOffset: UInt64(offset)); return try file.read(upToCount: take * size) }()) ?? nil
            guard let data, data.count == take * size else {
                block = []
                remaining = 0
                return
            }
            block = data.withUnsafeBytes { raw in (0..<take).map { raw.loadUnaligned(fromByteOffset: $0 * size, as: Record.self) } }
            remaining -= take
            offset += data.count
        }
    }
}
