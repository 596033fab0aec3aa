import Foundation

/// Validates `annotations.xml` against the XSD on a thread of its own, over a second stream of the same
/// bytes, while the calling thread parses without the schema and runs the rules: the two cores work side
/// by side, and the run takes about as long as the slower of the two rather than their sum.
final class ValidationPass: @unchecked Sendable {
    private let source: ExportSource
    private let schema: CompiledSchema
    private let limit: Int
    private let done = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var cancelled = false
    /// Schema diagnostics in document order, at most `limit`, and how many there were in all.
    private(set) var diagnostics: [XMLDiagnostic] = []
    private(set) var total = 0

    init(source: ExportSource, schema: CompiledSchema, limit: Int) {
        self.source = source
        self.schema = schema
        self.limit = limit
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
    func finish() -> (diagnostics: [XMLDiagnostic], total: Int) {
        done.wait()
        return (diagnostics, total)
    }

    /// Stops early (the main pass failed), then waits.
    func cancel() {
        lock.withLock { cancelled = true }
        done.wait()
    }

    private struct Cancelled: Error {}

    private func run() {
        let context = ValidationContext { [self] diagnostic in
            // Well-formedness problems are the main pass's to report; this pass reports the schema's.
            guard diagnostic.kind == .schema else { return }
            total += 1
            if diagnostics.count < limit { diagnostics.append(diagnostic) }
        }
        let parser = XMLStreamParser(delegate: context, schema: schema, fileName: source.annotationsPath,
                                     eagerLocations: false, reportsNamespaces: false)
        do {
            try source.streamAnnotations { chunk in
                if lock.withLock({ cancelled }) { throw Cancelled() }
                parser.feed(chunk)
            }
            parser.finish()
        } catch {
            // The main pass reads the same bytes and reports any failure to read them.
        }
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
