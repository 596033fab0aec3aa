import CLibXML2

/// Records a parse onto tape chunks, handing each full one to `emit`; keeps the validator's diagnostics
/// apart, placed at the image, track and frame being read.
final class TapeRecorder: XMLStreamDelegate {
    // `@exclusivity(unchecked)`: touched for every element, on the parsing thread only.
    @exclusivity(unchecked) private var chunk: TapeChunk {
        didSet { current = Unmanaged.passUnretained(chunk) }
    }
    /// The chunk being written, used without a retain and release per event (`chunk` owns it).
    @exclusivity(unchecked) private var current: Unmanaged<TapeChunk>
    /// Where each tag stands in the document, recorded with it (a writer's parse asks for it).
    private let recordsOffsets: Bool
    /// Not retained (the parser holds this recorder) nor weak (a weak load per tag costs): the parse pass
    /// keeps the parser alive for as long as it feeds this recorder.
    @exclusivity(unchecked) unowned(unsafe) var offsets: XMLStreamParser?
    private let emit: (TapeChunk) -> Void
    private let onSchemaDiagnostic: (XMLDiagnostic) -> Void

    /// Open elements, and for each whether its text can matter to a reader (`<version>`, anything in
    /// `<meta>`, an `<attribute>`); other text (the whitespace between shapes) is not recorded.
    @exclusivity(unchecked) private var keepsText: [Bool] = []
    @exclusivity(unchecked) private var metaDepth: Int?
    @exclusivity(unchecked) private var place = RecordPlaceTracker()

    /// The attribute values the validator's XSD leaves to this recorder to match (see `PatternShortcut`).
    @exclusivity(unchecked) private var patterns: AttributePatterns
    /// Set once a value did not match (or could not be matched here): the whole XSD must judge the file.
    var needsWholeSchema: Bool { patterns.failed }

    init(shortcut: PatternShortcut?, recordsOffsets: Bool = false, emit: @escaping (TapeChunk) -> Void,
         onSchemaDiagnostic: @escaping (XMLDiagnostic) -> Void) {
        self.recordsOffsets = recordsOffsets
        let first = TapeChunk(hasOffsets: recordsOffsets)
        chunk = first
        current = Unmanaged.passUnretained(first)
        patterns = AttributePatterns(shortcut: shortcut)
        self.emit = emit
        self.onSchemaDiagnostic = onSchemaDiagnostic
    }

    /// Hands on what is recorded so far (at the end of the stream, or before waiting for more bytes).
    func flush() {
        guard !chunk.isEmpty else { return }
        emit(chunk)
        chunk = TapeChunk(hasOffsets: recordsOffsets)
    }

    @inline(__always) private func handOnIfFull() {
        if current._withUnsafeGuaranteedRef({ $0.isFull }) { flush() }
    }

    func startElement(_ name: ElementName, attributes: XMLAttributes, at location: SourceLocation) {
        let depth = keepsText.count + 1
        place.start(name, attributes: attributes, depth: depth)
        if depth == 2, name.isEqual(to: "meta") { metaDepth = depth }
        keepsText.append(metaDepth != nil || name.isEqual(to: "version") || name.isEqual(to: "attribute"))

        current._withUnsafeGuaranteedRef { chunk in record(name, attributes: attributes, at: location, into: chunk) }
        handOnIfFull()
    }

    @inline(__always) private func record(_ name: ElementName, attributes: XMLAttributes, at location: SourceLocation,
                                          into chunk: TapeChunk) {
        chunk.write(.start)
        chunk.write(name.pointer)
        chunk.write(location.line)
        chunk.write(location.column)
        // libxml2 names every attribute; one it somehow did not is left out rather than replayed nameless.
        var named = 0
        if let base = attributes.base {
            for index in 0..<attributes.count where base[index * 5] != nil { named += 1 }
        }
        chunk.write(named)
        if recordsOffsets {
            let span: (start: Int64, end: Int64) = offsets?.startTagSpan ?? (0, 0)
            chunk.write(Int(span.start))
            chunk.write(Int(span.end))
        }
        guard let base = attributes.base else { return }
        for index in 0..<attributes.count {
            guard let attributeName = base[index * 5] else { continue }
            var value = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
            if let start = base[index * 5 + 3], let end = base[index * 5 + 4], end > start {
                value = UnsafeBufferPointer(start: start, count: end - start)
            }
            if patterns.isActive { patterns.check(attributeName, value) }
            chunk.write(attributeName)
            chunk.write(value.baseAddress.map { chunk.write(bytes: $0, count: value.count) } ?? chunk.byteCount)
            chunk.write(value.count)
        }
    }

    func endElement(_ name: ElementName) {
        if keepsText.count == metaDepth { metaDepth = nil }
        place.end(depth: keepsText.count)
        _ = keepsText.popLast()
        let end = recordsOffsets ? Int(offsets?.endTagEnd ?? 0) : 0
        current._withUnsafeGuaranteedRef { chunk in
            chunk.write(.end)
            chunk.write(name.pointer)
            if recordsOffsets { chunk.write(end) }
        }
        handOnIfFull()
    }

    func characters(_ text: UnsafeBufferPointer<UInt8>) {
        guard keepsText.last == true else { return }
        write(.characters, text)
    }

    /// The document's next bytes, before the parser sees them: replayed ahead of the events they hold.
    func recordRaw(_ bytes: UnsafeRawBufferPointer) {
        write(.raw, bytes.assumingMemoryBound(to: UInt8.self))
    }

    /// An event that carries bytes: its kind, where its bytes start, how many.
    private func write(_ event: TapeChunk.Event, _ bytes: UnsafeBufferPointer<UInt8>) {
        guard let start = bytes.baseAddress, !bytes.isEmpty else { return }
        current._withUnsafeGuaranteedRef { chunk in
            chunk.write(event)
            chunk.write(chunk.write(bytes: start, count: bytes.count))
            chunk.write(bytes.count)
        }
        handOnIfFull()
    }

    /// The parser's own problems (well-formedness, constructs refused) go on the tape, to be placed by the
    /// reader at the record it is building.
    func diagnostic(_ diagnostic: XMLDiagnostic) {
        chunk.write(.diagnostic)
        chunk.write(chunk.diagnostics.count)
        chunk.diagnostics.append(diagnostic)
    }

    func schemaDiagnostic(_ diagnostic: XMLDiagnostic) {
        onSchemaDiagnostic(place.locate(diagnostic))
    }
}

/// Hears only the validator, for a pass that validates with the whole XSD and records nothing.
final class SchemaListener: XMLStreamDelegate {
    private var depth = 0
    private var place = RecordPlaceTracker()
    private let onSchemaDiagnostic: (XMLDiagnostic) -> Void

    init(onSchemaDiagnostic: @escaping (XMLDiagnostic) -> Void) { self.onSchemaDiagnostic = onSchemaDiagnostic }

    func startElement(_ name: ElementName, attributes: XMLAttributes, at location: SourceLocation) {
        depth += 1
        place.start(name, attributes: attributes, depth: depth)
    }

    func endElement(_ name: ElementName) {
        place.end(depth: depth)
        depth -= 1
    }

    func characters(_ text: UnsafeBufferPointer<UInt8>) {}
    func diagnostic(_ diagnostic: XMLDiagnostic) {}
    func schemaDiagnostic(_ diagnostic: XMLDiagnostic) { onSchemaDiagnostic(place.locate(diagnostic)) }
}

/// Which image or track (and frame) is open, so that schema findings name their place. An image or track
/// stays the place until the next one starts: complaints about its content come after its end.
struct RecordPlaceTracker {
    private var image: (name: String?, id: Int?)?
    private var trackID: Int?
    private var frame: Int?

    /// An element starts at `depth` (the root is 1).
    mutating func start(_ name: ElementName, attributes: XMLAttributes, depth: Int) {
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

    /// The element at `depth` ends.
    mutating func end(depth: Int) {
        if depth == 3 { frame = nil }
    }

    /// The diagnostic with the place it was raised in.
    func locate(_ diagnostic: XMLDiagnostic) -> XMLDiagnostic {
        var located = diagnostic
        located.image = image?.name
        located.imageID = image?.id
        located.trackID = trackID
        located.frame = frame
        return located
    }
}

/// Matches the values of the attributes whose XSD patterns `PatternShortcut` took over, finding each
/// attribute's matcher by libxml2's interned name pointer (a few names recur millions of times).
struct AttributePatterns {
    typealias Matcher = @Sendable (UnsafeBufferPointer<UInt8>) -> Bool
    private let byName: [String: Matcher]
    /// An open-addressed table by name pointer, large enough that the few names an export uses never evict
    /// one another (each eviction costs a string and a hash).
    private static let size = 256
    private var keys = [UnsafePointer<xmlChar>?](repeating: nil, count: size)
    private var matchers = [Matcher?](repeating: nil, count: size)
    /// Some value did not match (a reference such as `&#38;` never does): only the whole XSD can say
    /// what libxml2 makes of it.
    private(set) var failed = false

    init(shortcut: PatternShortcut?) { byName = shortcut?.attributes ?? [:] }

    var isActive: Bool { !byName.isEmpty && !failed }

    mutating func check(_ name: UnsafePointer<xmlChar>, _ value: UnsafeBufferPointer<UInt8>) {
        let address = UInt(bitPattern: name)
        var slot = Int(truncatingIfNeeded: (address >> 4) ^ (address >> 12)) & (Self.size - 1)
        // Probe past other names; a run of 8 (never with an export's few names) reuses the last slot probed.
        var probes = 0
        while keys[slot] != name, keys[slot] != nil, probes < 8 {
            slot = (slot + 1) & (Self.size - 1)
            probes += 1
        }
        if keys[slot] != name {
            keys[slot] = name
            matchers[slot] = byName[String(cString: name)]
        }
        if let matcher = matchers[slot], !matcher(value) { failed = true }
    }
}
