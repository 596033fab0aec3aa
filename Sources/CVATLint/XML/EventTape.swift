import CLibXML2

/// A stretch of a parse's events, written on the parsing thread and replayed on another: element starts
/// with their attributes, ends, the text a reader keeps, and the parser's own diagnostics, in order.
///
/// One libxml2 parse then serves both the XSD validator (on the parsing thread) and the records and rules
/// (on the replaying one), instead of each thread parsing the same bytes.
final class TapeChunk: @unchecked Sendable {
    enum Event: Int {
        case start = 1, end, characters, diagnostic
        /// The document's own bytes, as read (for a writer that copies them).
        case raw
    }

    /// Whether starts and ends carry their tags' byte offsets (see `TapePlayer`).
    let hasOffsets: Bool

    // Raw buffers rather than arrays: millions of events are written one word at a time, and an array's
    // uniqueness and exclusivity checks would cost more than the writing. Only the recording thread
    // writes a chunk; the replaying thread gets it whole, through the relay's lock.
    /// The events, a few words each (see `TapeRecorder`); names are libxml2's interned pointers.
    @exclusivity(unchecked) private var words: UnsafeMutablePointer<Int>
    @exclusivity(unchecked) private var wordCount = 0
    @exclusivity(unchecked) private var wordCapacity: Int
    /// Attribute values and text, pointed into by offset.
    @exclusivity(unchecked) private var bytes: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) private(set) var byteCount = 0
    @exclusivity(unchecked) private var byteCapacity: Int
    @exclusivity(unchecked) var diagnostics: [XMLDiagnostic] = []

    /// About this many bytes are recorded before a chunk is handed on.
    static let capacity = 256 << 10

    init(hasOffsets: Bool) {
        self.hasOffsets = hasOffsets
        wordCapacity = Self.capacity / 8
        byteCapacity = Self.capacity
        words = .allocate(capacity: wordCapacity)
        bytes = .allocate(capacity: byteCapacity)
    }

    deinit {
        words.deallocate()
        bytes.deallocate()
    }

    var isFull: Bool { byteCount + wordCount * 8 >= Self.capacity }
    var isEmpty: Bool { wordCount == 0 }

    @inline(__always) func write(_ word: Int) {
        if wordCount == wordCapacity { growWords() }
        words[wordCount] = word
        wordCount += 1
    }

    @inline(__always) func write(_ event: Event) { write(event.rawValue) }

    @inline(__always) func write(_ pointer: UnsafePointer<xmlChar>) { write(Int(bitPattern: pointer)) }

    /// Appends text; returns its offset.
    @inline(__always) func write(bytes source: UnsafePointer<UInt8>, count: Int) -> Int {
        let offset = byteCount
        if byteCount + count > byteCapacity { growBytes(toFit: byteCount + count) }
        (bytes + byteCount).update(from: source, count: count)
        byteCount += count
        return offset
    }

    private func growWords() {
        let larger = UnsafeMutablePointer<Int>.allocate(capacity: wordCapacity * 2)
        larger.moveInitialize(from: words, count: wordCount)
        words.deallocate()
        words = larger
        wordCapacity *= 2
    }

    private func growBytes(toFit needed: Int) {
        var capacity = byteCapacity
        while capacity < needed { capacity *= 2 }
        let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        larger.moveInitialize(from: bytes, count: byteCount)
        bytes.deallocate()
        bytes = larger
        byteCapacity = capacity
    }

    /// Plays the events into `delegate` in the order they were recorded. The names stay valid while the
    /// parser that interned them lives (its owner keeps it until the replay has ended).
    func replay(into delegate: XMLStreamDelegate, player: TapePlayer) {
        var slots = UnsafeMutablePointer<UnsafePointer<xmlChar>?>.allocate(capacity: 5 * 16)
        var slotCapacity = 16
        defer { slots.deallocate() }
        var index = 0
        while index < wordCount {
            switch Event(rawValue: words[index]) {
            case .start:
                let name = ElementName(pointer: Self.pointer(words[index + 1]))
                let location = SourceLocation(line: words[index + 2], column: words[index + 3])
                let count = words[index + 4]
                index += 5
                if hasOffsets {
                    player.startTagSpan = (Int64(words[index]), Int64(words[index + 1]))
                    index += 2
                }
                if count > slotCapacity {
                    slots.deallocate()
                    slotCapacity = count
                    slots = .allocate(capacity: 5 * count)
                }
                for attribute in 0..<count {
                    let start = UnsafePointer(bytes + words[index + 1])
                    slots[attribute * 5] = Self.pointer(words[index])
                    slots[attribute * 5 + 1] = nil
                    slots[attribute * 5 + 2] = nil
                    slots[attribute * 5 + 3] = start
                    slots[attribute * 5 + 4] = start + words[index + 2]
                    index += 3
                }
                delegate.startElement(name, attributes: XMLAttributes(base: slots, count: count), at: location)
            case .end:
                let name = ElementName(pointer: Self.pointer(words[index + 1]))
                index += 2
                if hasOffsets {
                    player.endTagEnd = Int64(words[index])
                    index += 1
                }
                delegate.endElement(name)
            case .characters:
                delegate.characters(UnsafeBufferPointer(start: bytes + words[index + 1], count: words[index + 2]))
                index += 3
            case .diagnostic:
                delegate.diagnostic(diagnostics[words[index + 1]])
                index += 2
            case .raw:
                player.raw?(UnsafeRawBufferPointer(start: bytes + words[index + 1], count: words[index + 2]))
                index += 3
            case nil:
                return
            }
        }
    }

    private static func pointer(_ word: Int) -> UnsafePointer<xmlChar> {
        // Written from a non-nil pointer by the recorder.
        UnsafePointer<xmlChar>(bitPattern: word).unsafelyUnwrapped
    }
}

/// Where the tags replayed last stand in the document, for a reader that keeps spans (apply's writer), and
/// where the document's own bytes go as they come.
public protocol TagOffsets: AnyObject {
    /// Whether offsets are known at all.
    var tracksOffsets: Bool { get }
    /// The start tag reported last: from its `<` to just past its `>` (or `/>`).
    var startTagSpan: (start: Int64, end: Int64) { get }
    /// Just past the end tag (or `/>`) reported last.
    var endTagEnd: Int64 { get }
}

extension XMLStreamParser: TagOffsets {}

/// Replays tape chunks in order, keeping the offsets they carry between events.
final class TapePlayer: TagOffsets {
    var tracksOffsets = false
    var startTagSpan: (start: Int64, end: Int64) = (0, 0)
    var endTagEnd: Int64 = 0
    /// Hears the document's bytes, before the events they hold.
    var raw: ((UnsafeRawBufferPointer) -> Void)?
}

