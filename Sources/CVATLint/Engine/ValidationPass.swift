import Foundation

/// Where one schema error is, and the occurrence type it is noted as.
struct SchemaErrorPlace {
    var location: SourceLocation
    /// A track frame without its `keyframe` flag: a writer can supply it (apply does) rather than drop the frame.
    var missesKeyframe: Bool

    /// Schema errors are noted as `schema`, a missing keyframe flag as `schema_keyframe_missing`.
    var issueType: String { missesKeyframe ? "schema_keyframe_missing" : "schema" }
}

/// Validates `annotations.xml` against the XSD on a thread of its own, over a second stream of the same
/// bytes, while the calling thread parses without the schema and runs the rules: the two cores work side
/// by side, and the run takes about as long as the slower of the two rather than their sum.
final class ValidationPass: @unchecked Sendable {
    private let source: ExportSource
    private let schema: CompiledSchema
    private let limit: Int
    /// When set, the bytes come from the main pass through this relay instead of a second read (a zip
    /// is then inflated once).
    private let relay: ChunkRelay?
    private let done = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var cancelled = false
    /// Schema diagnostics in document order, at most `limit`, and how many there were in all.
    private(set) var diagnostics: [XMLDiagnostic] = []
    private(set) var total = 0
    /// When asked for (apply's `--drop-invalid`), where every schema error is, past the limit too.
    private let keepsEveryPlace: Bool
    private(set) var places: [SchemaErrorPlace] = []

    init(source: ExportSource, schema: CompiledSchema, limit: Int, relay: ChunkRelay? = nil, keepsEveryPlace: Bool = false) {
        self.source = source
        self.schema = schema
        self.limit = limit
        self.relay = relay
        self.keepsEveryPlace = keepsEveryPlace
    }

    /// Starts validating in the background.
    func start() {
        let thread = Thread { [self] in
            run()
            done.signal()
        }
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// Waits for the validation to end and returns its diagnostics.
    func finish() -> (diagnostics: [XMLDiagnostic], total: Int, places: [SchemaErrorPlace]) {
        done.wait()
        return (diagnostics, total, places)
    }

    /// Stops early (the main pass failed), then waits.
    func cancel() {
        lock.withLock { cancelled = true }
        relay?.cancel()
        done.wait()
    }

    private struct Cancelled: Error {}

    private func run() {
        let context = ValidationContext { [self] diagnostic in
            // Well-formedness problems are the main pass's to report; this pass reports the schema's.
            guard diagnostic.kind == .schema else { return }
            total += 1
            if diagnostics.count < limit { diagnostics.append(diagnostic) }
            if keepsEveryPlace {
                places.append(SchemaErrorPlace(location: diagnostic.location,
                                               missesKeyframe: XMLMessages.missingAttribute(in: diagnostic.message) == "keyframe"))
            }
        }
        let parser = XMLStreamParser(delegate: context, schema: schema, fileName: source.annotationsPath,
                                     eagerLocations: false, reportsNamespaces: false)
        do {
            let feed: (UnsafeRawBufferPointer) throws -> Void = { [self] chunk in
                if lock.withLock({ cancelled }) { throw Cancelled() }
                parser.feed(chunk)
            }
            if let relay { try relay.drain(feed) } else { try source.streamAnnotations(feed) }
            parser.finish()
        } catch {
            // The main pass reads the same bytes and reports any failure to read them.
        }
    }
}

/// Hands the main pass's chunks to the validation thread through a small bounded queue: the bytes are
/// read (or inflated) once, and memory holds at most `capacity` chunks whatever the file's size.
final class ChunkRelay: @unchecked Sendable {
    private let condition = NSCondition()
    private var queue: [[UInt8]] = []
    private var ended = false
    private var cancelled = false
    private let capacity: Int

    init(capacity: Int = 4) { self.capacity = max(1, capacity) }

    /// Queues a chunk, waiting while the queue is full.
    func push(_ copy: [UInt8]) {
        condition.lock()
        defer { condition.unlock() }
        while queue.count >= capacity, !cancelled { condition.wait() }
        guard !cancelled else { return }
        queue.append(copy)
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
    func drain(_ consume: (UnsafeRawBufferPointer) throws -> Void) throws {
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
                try chunk.withUnsafeBytes { try consume($0) }
            } catch {
                cancel()
                throw error
            }
        }
    }
}

/// Reads an export's `annotations.xml` once on a thread of its own and hands every chunk to two relays:
/// one the main pass drains, one the validation pass does. For a zip, inflating then runs beside both.
final class SharedReader: @unchecked Sendable {
    private let source: ExportSource
    private let mainRelay = ChunkRelay()
    let validationRelay = ChunkRelay()
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
                try source.streamAnnotations { chunk in
                    // One copy for both passes: arrays are shared until written, and neither writes.
                    let copy = [UInt8](chunk)
                    mainRelay.push(copy)
                    validationRelay.push(copy)
                }
            } catch {
                failure = error
            }
            mainRelay.finish()
            validationRelay.finish()
            done.signal()
        }
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// The main pass's side: every chunk in order; then the reader's own failure, if it had one.
    func drain(_ consume: (UnsafeRawBufferPointer) throws -> Void) throws {
        try mainRelay.drain(consume)
        join()
        if let failure { throw failure }
    }

    /// Stops reading (the main pass gave up) and waits for the thread.
    func cancel() {
        mainRelay.cancel()
        validationRelay.cancel()
        join()
    }
}

/// The validation pass's view of the stream: it notes only which image or track is open, so that schema
/// findings name their place.
private final class ValidationContext: XMLStreamDelegate {
    private let onDiagnostic: (XMLDiagnostic) -> Void
    private var depth = 0
    private var image: (name: String?, id: Int?)?
    private var trackID: Int?
    private var frame: Int?

    init(onDiagnostic: @escaping (XMLDiagnostic) -> Void) {
        self.onDiagnostic = onDiagnostic
    }

    func startElement(_ name: ElementName, attributes: XMLAttributes, at location: SourceLocation) {
        depth += 1
        if depth == 2 {
            image = nil
            trackID = nil
            if name.isEqual(to: "image") {
                image = (attributes.value(named: "name"), attributes.value(named: "id").flatMap { parseInteger($0) })
            } else if name.isEqual(to: "track") {
                trackID = attributes.value(named: "id").flatMap { parseInteger($0) }
            }
        } else if depth == 3, trackID != nil {
            frame = attributes.value(named: "frame").flatMap { parseInteger($0) }
        }
    }

    func endElement(_ name: ElementName) {
        if depth == 3 { frame = nil }
        depth -= 1
    }

    func characters(_ text: UnsafeBufferPointer<UInt8>) {}

    func diagnostic(_ diagnostic: XMLDiagnostic) {
        var located = diagnostic
        located.image = image?.name
        located.imageID = image?.id
        located.trackID = trackID
        located.frame = frame
        onDiagnostic(located)
    }
}
