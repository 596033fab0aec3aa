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

/// Finds repeated 64-bit keys among millions in fixed memory: the occurrences go through a
/// `SpillingSorter` (sorted runs spill to a temporary file), and `duplicates()` walks its groups.
public final class SpillingDuplicateFinder {
    public struct Occurrence: Sendable, Equatable, SortKeyed {
        public var key: UInt64
        public var line: Int
        public var column: Int
        /// What else is known of this occurrence (e.g. a hash of the full name whose stem is the key).
        public var payload: UInt64 = 0
        public var sortKey: UInt64 { key }
    }

    private let sorter: SpillingSorter<Occurrence>

    /// `bufferLimit` keys are kept in memory (32 bytes each) before a run spills.
    public init(bufferLimit: Int = 1 << 16) {
        sorter = SpillingSorter(bufferLimit: bufferLimit)
    }

    public func add(_ key: UInt64, at location: SourceLocation, payload: UInt64 = 0) {
        sorter.add(Occurrence(key: key, line: location.line, column: location.column, payload: payload))
    }

    /// How many occurrences repeat an earlier key, and the repeat that comes first in the document with
    /// the place of the key's first occurrence. Memory stays fixed however many repeats there are.
    /// With `differentPayloadOnly`, a repeat counts only when its payload differs from the first one's.
    /// `each` hears every repeat as it is found (in key order, not document order).
    public func duplicates(differentPayloadOnly: Bool = false, each: (Occurrence) -> Void = { _ in })
        -> (count: Int, earliest: (repeat: Occurrence, first: Occurrence)?) {
        var count = 0
        var earliest: (repeat: Occurrence, first: Occurrence)?
        sorter.forEachGroup { group in
            guard group.count > 1 else { return }
            let ordered = group.sorted { ($0.line, $0.column) < ($1.line, $1.column) }
            let first = ordered[0]
            for occurrence in ordered.dropFirst() where !differentPayloadOnly || occurrence.payload != first.payload {
                count += 1
                each(occurrence)
                if earliest.map({ occurrence.line < $0.repeat.line }) ?? true { earliest = (occurrence, first) }
            }
        }
        return (count, earliest)
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
        if let fileURL { ScratchPaths.discard(fileURL.path) }
    }

    public func add(_ record: Record) {
        buffer.append(record)
        if buffer.count >= bufferLimit { spill() }
    }

    private func spill() {
        guard !buffer.isEmpty, !spillFailed else { return }
        buffer.sort { $0.sortKey < $1.sortKey }
        if file == nil {
            guard let url = ScratchPaths.newFile(suffix: ".records") else {
                spillFailed = true
                return
            }
            guard let handle = try? FileHandle(forUpdating: url) else {
                ScratchPaths.discard(url.path)
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
