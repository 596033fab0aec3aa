import Foundation

/// Where one schema error is, and the occurrence type it is noted as.
struct SchemaErrorPlace {
    var location: SourceLocation
    /// A track frame without its `keyframe` flag: a writer can supply it (apply does) rather than drop the frame.
    var missesKeyframe: Bool

    /// Schema errors are noted as `schema`, a missing keyframe flag as `schema_keyframe_missing`.
    var issueType: String { missesKeyframe ? "schema_keyframe_missing" : "schema" }
}

/// What the parse of `annotations.xml` concluded, once it has ended.
struct ParseOutcome {
    /// Schema diagnostics in document order, at most the limit, and how many there were in all.
    var schemaDiagnostics: [XMLDiagnostic]
    var schemaTotal: Int
    /// When asked for (apply's `--drop-invalid`), where every schema error is, past the limit too.
    var schemaPlaces: [SchemaErrorPlace]
    var isWellFormed: Bool
    var sawNoBytes: Bool
}

/// Parses `annotations.xml` once, with the XSD attached, on a thread of its own, and records the events on
/// tape for the calling thread, which replays them into the reader and the rules. The two cores work side
/// by side (libxml2 and the validator on one, records and rules on the other), and the bytes are parsed
/// once, not once per core. Apply's writer uses it too, without a schema: the tape then carries each tag's
/// byte offsets and the document's own bytes, which the writer copies.
final class ParsePass: @unchecked Sendable {
    private let source: ExportSource
    /// The whole XSD, for the pass that must judge a value the shortcut could not (nil: no validation).
    private let schema: CompiledSchema?
    /// Checks the first bytes before anything is parsed (apply refuses an encoding it cannot copy).
    private let firstChunk: ((UnsafeRawBufferPointer) throws -> Void)?
    private let player = TapePlayer()
    private let limit: Int
    private let keepsEveryPlace: Bool
    private let progress: ((UInt64, UInt64?) -> Void)?
    private let tee: ((UnsafeRawBufferPointer) throws -> Void)?
    /// A zip is inflated on a thread of its own that hands its bytes here (nil: read the file directly).
    private let inflater: BackgroundReader?
    private let tape = BoundedRelay<TapeChunk>(capacity: 4)
    private var recorder: TapeRecorder?
    /// The parser outlives the replay: the tape names elements by the pointers its dictionary interned.
    private var parser: XMLStreamParser?
    private let done = DispatchSemaphore(value: 0)

    private var schemaDiagnostics: [XMLDiagnostic] = []
    private var schemaTotal = 0
    private var schemaPlaces: [SchemaErrorPlace] = []
    private var sniffer = EncodingSniffer()
    private var failure: Error?

    init(source: ExportSource, schema: CompiledSchema?, limit: Int = 0, keepsEveryPlace: Bool = false,
         progress: ((UInt64, UInt64?) -> Void)? = nil, tee: ((UnsafeRawBufferPointer) throws -> Void)? = nil,
         offsets: Bool = false, reportsNamespaces: Bool = true, firstChunk: ((UnsafeRawBufferPointer) throws -> Void)? = nil) {
        self.source = source
        self.schema = schema
        self.firstChunk = firstChunk
        self.limit = limit
        self.keepsEveryPlace = keepsEveryPlace
        self.progress = progress
        self.tee = tee
        inflater = source.readsAreCostly ? BackgroundReader(source: source) : nil
        let recorder = TapeRecorder(shortcut: schema?.shortcut?.patterns, recordsOffsets: offsets, emit: { [tape] in tape.push($0) },
                                    onSchemaDiagnostic: { [unowned self] in noteSchema($0) })
        self.recorder = recorder
        let parser = XMLStreamParser(delegate: recorder, schema: schema?.shortcut?.schema ?? schema, fileName: source.annotationsPath,
                                     reportsNamespaces: reportsNamespaces)
        if offsets {
            parser.tracksOffsets = true
            recorder.offsets = parser
            player.tracksOffsets = true
        }
        self.parser = parser
    }

    /// False when libxml2 could not even create a parser (out of memory).
    var isUsable: Bool { parser?.isUsable ?? false }

    /// Starts reading and parsing in the background.
    func start() {
        let thread = Thread { [self] in
            run()
            done.signal()
        }
        thread.stackSize = 8 << 20
        thread.start()
        inflater?.start()
    }

    /// Where the tags replayed last stand in the document (with `offsets` on).
    var offsets: TagOffsets { player }

    /// Replays every recorded event into `delegate` on the calling thread (and the document's bytes into
    /// `raw`, with `offsets` on), until the parse has ended; then reports how it ended, or throws the
    /// failure to read the bytes.
    func replay(into delegate: XMLStreamDelegate, raw: ((UnsafeRawBufferPointer) -> Void)? = nil) throws -> ParseOutcome {
        player.raw = raw
        defer { player.raw = nil }
        try tape.drain { [player] chunk in chunk.replay(into: delegate, player: player) }
        done.wait()
        if let failure { throw failure }
        return ParseOutcome(schemaDiagnostics: schemaDiagnostics, schemaTotal: schemaTotal, schemaPlaces: schemaPlaces,
                            isWellFormed: parser?.isWellFormed ?? false, sawNoBytes: sniffer.sawNoBytes)
    }

    private func noteSchema(_ diagnostic: XMLDiagnostic) {
        schemaTotal += 1
        if schemaDiagnostics.count < limit { schemaDiagnostics.append(diagnostic) }
        if keepsEveryPlace {
            schemaPlaces.append(SchemaErrorPlace(location: diagnostic.location,
                                                 missesKeyframe: XMLMessages.missingAttribute(in: diagnostic.message) == "keyframe"))
        }
    }

    private func run() {
        guard let parser, let recorder else { return tape.finish() }
        let total = source.annotationsSize
        var read: UInt64 = 0
        var reported: UInt64 = 0
        do {
            let consume: (UnsafeRawBufferPointer) throws -> Void = { [self] chunk in
                read += UInt64(chunk.count)
                if let progress, read - reported >= 8 << 20 {
                    reported = read
                    progress(read, total)
                }
                if read == UInt64(chunk.count) { try firstChunk?(chunk) }
                if let problem = sniffer.inspect(chunk) {
                    recorder.diagnostic(XMLDiagnostic(kind: .xml, message: problem, location: SourceLocation(line: 1, column: 1)))
                }
                try tee?(chunk)
                if player.tracksOffsets { recorder.recordRaw(chunk) }
                parser.feed(chunk)
            }
            if let inflater { try inflater.drain(consume) } else { try source.streamAnnotations(consume) }
            parser.finish()
            progress?(read, total)
        } catch {
            failure = error
            inflater?.cancel()
        }
        recorder.flush()
        tape.finish()
        if failure == nil, let schema, recorder.needsWholeSchema { validateWithWholeSchema(schema) }
    }

    /// Validates the file again with the whole XSD (a value did not match a pattern the parse left to the
    /// recorder), and keeps what that pass reports as the schema's findings. Only broken files pay for it.
    private func validateWithWholeSchema(_ schema: CompiledSchema) {
        schemaDiagnostics = []
        schemaTotal = 0
        schemaPlaces = []
        let listener = SchemaListener { [unowned self] in noteSchema($0) }
        let validator = XMLStreamParser(delegate: listener, schema: schema, fileName: source.annotationsPath, reportsNamespaces: false)
        do {
            try source.streamAnnotations { validator.feed($0) }
            validator.finish()
        } catch {
            failure = error
        }
    }
}

/// Notes encodings that importers refuse even where libxml2 copes (UTF-16).
struct EncodingSniffer {
    private(set) var sawNoBytes = true

    /// Looks at the first chunk only; returns a problem to report, if any.
    mutating func inspect(_ chunk: UnsafeRawBufferPointer) -> String? {
        guard sawNoBytes, !chunk.isEmpty else { return nil }
        sawNoBytes = false
        let head = Array(chunk.prefix(2))
        let utf16Starts: [[UInt8]] = [[0xFF, 0xFE], [0xFE, 0xFF], [0x00, 0x3C], [0x3C, 0x00]]
        guard utf16Starts.contains(head) else { return nil }
        return "the file is UTF-16; CVAT writes UTF-8 and importers (Encord's SDK among them) decode it as UTF-8 only"
    }
}

/// Hands chunks from one thread to another through a small bounded queue: memory holds at most
/// `capacity` chunks whatever the file's size.
final class BoundedRelay<Chunk>: @unchecked Sendable {
    private let condition = NSCondition()
    private var queue: [Chunk] = []
    private var ended = false
    private var cancelled = false
    private let capacity: Int

    init(capacity: Int = 4) { self.capacity = max(1, capacity) }

    /// Queues a chunk, waiting while the queue is full.
    func push(_ chunk: Chunk) {
        condition.lock()
        defer { condition.unlock() }
        while queue.count >= capacity, !cancelled { condition.wait() }
        guard !cancelled else { return }
        queue.append(chunk)
        condition.broadcast()
    }

    /// No more chunks come.
    func finish() {
        condition.lock()
        ended = true
        condition.broadcast()
        condition.unlock()
    }

    /// Stops both sides: the producer no longer waits, the consumer ends.
    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }

    /// Passes every chunk to `consume` in order, until the producer finishes (or either side cancels).
    func drain(_ consume: (Chunk) throws -> Void) throws {
        while true {
            condition.lock()
            while queue.isEmpty, !ended, !cancelled { condition.wait() }
            if cancelled || queue.isEmpty {
                condition.unlock()
                return
            }
            // At most `capacity` chunks are queued: taking the first of so few costs nothing, and a taken
            // chunk is released at once.
            let chunk = queue.removeFirst()
            condition.broadcast()
            condition.unlock()
            do {
                try consume(chunk)
            } catch {
                cancel()
                throw error
            }
        }
    }
}

/// Reads (for a zip, inflates) an export's `annotations.xml` on a thread of its own, beside the parse.
final class BackgroundReader: @unchecked Sendable {
    private let source: ExportSource
    private let relay = BoundedRelay<[UInt8]>()
    private let done = DispatchSemaphore(value: 0)
    private var failure: Error?
    private var joined = false

    init(source: ExportSource) { self.source = source }

    /// Waits for the reading thread to end (once; later calls return at once).
    private func join() {
        guard !joined else { return }
        done.wait()
        joined = true
    }

    func start() {
        let thread = Thread { [self] in
            do {
                try source.streamAnnotations { relay.push([UInt8]($0)) }
            } catch {
                failure = error
            }
            relay.finish()
            done.signal()
        }
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// Every chunk in order; then the reader's own failure, if it had one.
    func drain(_ consume: (UnsafeRawBufferPointer) throws -> Void) throws {
        try relay.drain { chunk in try chunk.withUnsafeBytes { try consume($0) } }
        join()
        if let failure { throw failure }
    }

    /// Stops reading (the parse gave up) and waits for the thread.
    func cancel() {
        relay.cancel()
        join()
    }
}
