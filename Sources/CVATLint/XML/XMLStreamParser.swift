import CLibXML2
import CVATLintSupport

/// A one-pass, push-fed libxml2 SAX parser with an optional XSD validator plugged into the same stream.
///
/// Safe by construction: no network, no entity substitution, no DTD loading, no XInclude.
/// A DOCTYPE or an entity declaration is reported, never acted on.
public final class XMLStreamParser {
    private let delegate: XMLStreamDelegate
    private var context: xmlParserCtxtPtr?
    private var validation: xmlSchemaValidCtxtPtr?
    private var plug: xmlSchemaSAXPlugPtr?
    private var handler = xmlSAXHandler()
    private var selfPointer: UnsafeMutableRawPointer?

    // `@exclusivity(unchecked)`: this state is touched for every element on one thread only, and the
    // dynamic exclusivity checks on it cost several per cent of a run.
    /// Where the start tag most recently reported began, and whether an end tag came after it.
    @exclusivity(unchecked) fileprivate var lastStart = SourceLocation(line: 1, column: 0)
    /// An open element: its name as libxml2 interned it (stable for the parser's life: no string per
    /// element), where its start tag began, and where the validator's complaints at its end point (see
    /// `schemaAnchor`).
    fileprivate struct OpenElement {
        var name: UnsafePointer<xmlChar>
        var start: SourceLocation
        var anchor: SourceLocation
    }
    @exclusivity(unchecked) fileprivate var openElements: [OpenElement] = []
    @exclusivity(unchecked) fileprivate var lastEnded: (name: UnsafePointer<xmlChar>, parent: UnsafePointer<xmlChar>?,
                                                        location: SourceLocation, anchor: SourceLocation)?
    @exclusivity(unchecked) fileprivate var lastEventWasEnd = false
    /// True while the parser is told the document is complete.
    private var finishing = false
    /// Whether a fatal problem was already reported (libxml2's own, or a failing status).
    private var reportedFatal = false
    /// The last error libxml2 raised without a parser context (an encoding or I/O failure).
    fileprivate var lastContextlessError: String?
    private var reportedTruncation = false
    /// Set once a fatal problem was reported: nothing more is fed.
    public private(set) var stopped = false

    /// Whether elements in a namespace are reported (the main pass does; a second pass over the same bytes need not).
    private let reportsNamespaces: Bool

    /// Whether the byte offsets of each element's tags are worked out (`apply` copies untouched elements
    /// byte for byte; a check never asks).
    @exclusivity(unchecked) public var tracksOffsets = false
    /// The start tag most recently reported: where its `<` is and where its `>` ends, as offsets into the
    /// document's bytes (valid while `tracksOffsets` is on).
    @exclusivity(unchecked) public private(set) var startTagSpan: (start: Int64, end: Int64) = (0, 0)
    /// The offset just past the end tag (or `/>`) most recently reported.
    @exclusivity(unchecked) public private(set) var endTagEnd: Int64 = 0

    public init(delegate: XMLStreamDelegate, schema: CompiledSchema?, fileName: String, reportsNamespaces: Bool = true) {
        self.delegate = delegate
        self.reportsNamespaces = reportsNamespaces
        handler.initialized = XML_SAX2_MAGIC
        handler.startElementNs = { user, localname, prefix, uri, _, _, count, _, attributes in
            guard let user, let localname else { return }
            XMLStreamParser.borrowing(user) { parser in
                if let uri { parser.handleNamespaced(localname, prefix: prefix, uri: uri) }
                parser.handleStart(localname, attributes, Int(count))
            }
        }
        handler.endElementNs = { user, localname, _, _ in
            guard let user, let localname else { return }
            XMLStreamParser.borrowing(user) { $0.handleEnd(localname) }
        }
        handler.characters = { user, bytes, length in
            guard let user, let bytes, length > 0 else { return }
            XMLStreamParser.borrowing(user) { $0.delegate.characters(UnsafeBufferPointer(start: bytes, count: Int(length))) }
        }
        // The schema plug forwards CDATA sections to ignorableWhitespace; both are text to us.
        handler.ignorableWhitespace = handler.characters
        handler.cdataBlock = handler.characters
        handler.internalSubset = { user, name, externalID, systemID in
            guard let user else { return }
            XMLStreamParser.from(user).handleDoctype(name, externalID, systemID)
        }
        handler.entityDecl = { user, name, _, _, _, _ in
            guard let user else { return }
            XMLStreamParser.from(user).handleEntityDeclaration(name)
        }
        // No getEntity / getParameterEntity / resolveEntity: nothing declared is ever looked up or loaded.
        handler.serror = { _, error in
            guard let error, let parser = error.pointee.ctxt else { return }
            let context = parser.assumingMemoryBound(to: xmlParserCtxt.self)
            guard let owner = context.pointee._private else { return }
            XMLStreamParser.from(owner).handleParserError(error.pointee)
        }

        let unmanaged = Unmanaged.passUnretained(self).toOpaque()
        selfPointer = unmanaged
        context = fileName.withCString { name in
            xmlCreatePushParserCtxt(&handler, unmanaged, nil, 0, name)
        }
        guard let context else { return }
        context.pointee._private = unmanaged
        // Options: no network; everything else that could load or expand stays off (no NOENT, DTDLOAD, XINCLUDE).
        xmlCtxtUseOptions(context, Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOCDATA.rawValue))
        if let schema {
            validation = xmlSchemaNewValidCtxt(schema.schema)
            if let validation {
                xmlSchemaSetValidStructuredErrors(validation, { user, error in
                    guard let user, let error else { return }
                    XMLStreamParser.from(user).handleSchemaError(error.pointee)
                }, unmanaged)
                withUnsafeMutablePointer(to: &context.pointee.sax) { saxSlot in
                    withUnsafeMutablePointer(to: &context.pointee.userData) { dataSlot in
                        plug = xmlSchemaSAXPlug(validation, saxSlot, dataSlot)
                    }
                }
                // The plug installs its own handler block; route parser errors from it to us as well.
                context.pointee.sax.pointee.serror = handler.serror
            }
        }
    }

    deinit {
        if let plug { xmlSchemaSAXUnplug(plug) }
        if let validation { xmlSchemaFreeValidCtxt(validation) }
        if let context {
            context.pointee._private = nil
            // The push parser may hold a document if anything built one; we never ask it to.
            if let document = context.pointee.myDoc { xmlFreeDoc(document) }
            xmlFreeParserCtxt(context)
        }
    }

    /// Feeds the next bytes of the document.
    public func feed(_ bytes: UnsafeRawBufferPointer) {
        guard !stopped, let context, let base = bytes.baseAddress, bytes.count > 0 else { return }
        var offset = 0
        // libxml2 takes an Int32 length; feed very large buffers in slices.
        while offset < bytes.count, !stopped {
            let length = min(bytes.count - offset, 1 << 20)
            let pointer = base.advanced(by: offset).assumingMemoryBound(to: CChar.self)
            let status = withQuietLibxml2 { xmlParseChunk(context, pointer, Int32(length), 0) }
            checkStatus(status, context)
            offset += length
        }
    }

    /// Tells the parser the document is complete; reports a truncated document.
    public func finish() {
        guard let context else { return }
        finishing = true
        if !stopped {
            let status = withQuietLibxml2 { xmlParseChunk(context, nil, 0, 1) }
            checkStatus(status, context)
        }
        stopped = true
    }

    /// A failing status that came with no reported error (libxml2 halts on an encoding failure and only
    /// prints) still becomes a finding, so that no broken input passes as clean.
    private func checkStatus(_ status: Int32, _ context: xmlParserCtxtPtr) {
        guard status != 0 else { return }
        if !reportedFatal {
            let detail = lastContextlessError.map { ": \($0)" } ?? ""
            let message = status == Int32(XML_ERR_INVALID_ENCODING.rawValue)
                ? "the bytes do not match the declared encoding\(detail)"
                : "libxml2 stopped reading (error \(status))\(detail)"
            report(.xml, message: message, at: currentLocation(), fatal: true)
            reportedFatal = true
        }
        if context.pointee.disableSAX != 0 || context.pointee.instate == XML_PARSER_EOF { stopped = true }
    }

    /// Runs libxml2 with this thread's error channels pointed at this parser: errors raised without a
    /// parser context (encoding, I/O) are kept, and nothing is printed.
    private func withQuietLibxml2<T>(_ body: () -> T) -> T {
        cvatlint_silence_generic_errors()
        xmlSetStructuredErrorFunc(selfPointer, { owner, error in
            guard let owner, let error, let message = error.pointee.message else { return }
            XMLStreamParser.from(owner).lastContextlessError = String(cString: message).trimmingTrailingWhitespace()
        })
        defer { xmlSetStructuredErrorFunc(nil, nil) }
        return body()
    }

    /// Whether libxml2 judged the document well-formed so far.
    public var isWellFormed: Bool { (context?.pointee.wellFormed ?? 0) != 0 }

    /// The parser could not even be created (out of memory).
    public var isUsable: Bool { context != nil }

    // MARK: - Callbacks

    fileprivate static func from(_ pointer: UnsafeMutableRawPointer) -> XMLStreamParser {
        Unmanaged<XMLStreamParser>.fromOpaque(pointer).takeUnretainedValue()
    }

    /// Runs `body` with the parser behind a callback's user pointer, without retaining it: the parser
    /// outlives every callback libxml2 makes (it owns the context), and a retain and release per element
    /// showed in profiles.
    @inline(__always)
    fileprivate static func borrowing(_ pointer: UnsafeMutableRawPointer, _ body: (XMLStreamParser) -> Void) {
        Unmanaged<XMLStreamParser>.fromOpaque(pointer)._withUnsafeGuaranteedRef(body)
    }

    private func handleStart(_ localname: UnsafePointer<xmlChar>, _ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?, _ count: Int) {
        let (location, open) = startTag()
        lastStart = location
        lastEventWasEnd = false
        if tracksOffsets { startTagSpan = currentStartTagSpan(open: open) }
        openElements.append(OpenElement(name: localname, start: location,
                                        anchor: validation == nil ? location : schemaAnchor(exact: location)))
        delegate.startElement(ElementName(pointer: localname), attributes: XMLAttributes(base: attributes, count: count), at: location)
    }

    /// CVAT never writes a namespaced element. One such as `xi:include` is never processed (no XInclude),
    /// but it must not pass unremarked: it is content no importer reads.
    private func handleNamespaced(_ localname: UnsafePointer<xmlChar>, prefix: UnsafePointer<xmlChar>?, uri: UnsafePointer<xmlChar>) {
        guard reportsNamespaces else { return }
        let name = (prefix.map { String(cString: $0) + ":" } ?? "") + String(cString: localname)
        let namespace = String(cString: uri)
        let hint = namespace == "http://www.w3.org/2001/XInclude" ? " (an XInclude: never processed, nothing is included)" : ""
        report(.schema, message: "element <\(name)> in namespace \(namespace)\(hint): CVAT never writes namespaced elements and importers ignore it",
               at: startTag().location, fatal: false)
    }

    private func handleEnd(_ localname: UnsafePointer<xmlChar>) {
        let open = openElements.popLast() ?? OpenElement(name: localname, start: lastStart, anchor: lastStart)
        lastEnded = (open.name, openElements.last?.name, open.start, open.anchor)
        lastEventWasEnd = true
        if tracksOffsets { endTagEnd = cursorOffset() }
        delegate.endElement(ElementName(pointer: open.name))
    }

    private func currentLine() -> Int { Int(context?.pointee.input?.pointee.line ?? 0) }

    private func handleDoctype(_ name: UnsafePointer<xmlChar>?, _ externalID: UnsafePointer<xmlChar>?, _ systemID: UnsafePointer<xmlChar>?) {
        var message = "DOCTYPE declaration"
        if let systemID { message += " referring to external DTD '\(String(cString: systemID))'" }
        else if let externalID { message += " with public id '\(String(cString: externalID))'" }
        report(.xml, message: message, at: currentLocation(), fatal: false)
    }

    private func handleEntityDeclaration(_ name: UnsafePointer<xmlChar>?) {
        let entity = name.map { String(cString: $0) } ?? "?"
        report(.xml, message: "entity declaration '\(entity)'", at: currentLocation(), fatal: false)
    }

    private func handleParserError(_ error: xmlError) {
        let fatal = error.level == XML_ERR_FATAL
        // Warnings (e.g. an undeclared entity in a document with a DTD) still mean the file is unusable for us.
        var message = error.message.map { String(cString: $0) } ?? "XML error \(error.code)"
        // Errors raised at the end of input while elements are open all mean one thing: the file
        // is truncated (libxml2's push parser may call it "extra content" or a broken tag). Say it once.
        if finishing, let open = openElements.last?.name {
            guard !reportedTruncation else { return }
            reportedTruncation = true
            message = "Premature end of data in tag \(String(cString: open)) line \(openElements.last?.start.line ?? 0)"
        }
        let location = SourceLocation(line: Int(max(error.line, 0)), column: Int(max(error.int2, 0)))
        report(.xml, message: message, at: location, fatal: fatal)
        if fatal {
            stopped = true
            reportedFatal = true
        }
    }

    private func handleSchemaError(_ error: xmlError) {
        let message = error.message.map { String(cString: $0) } ?? "schema error \(error.code)"
        if lastEventWasEnd, let ended = lastEnded {
            delegateSchemaDiagnostic(message, at: ended.anchor, element: String(cString: ended.name),
                                     parent: ended.parent.map { String(cString: $0) })
        } else {
            // An element that drew a complaint in its start tag is placed exactly at its end too.
            if !openElements.isEmpty { openElements[openElements.count - 1].anchor = lastStart }
            let parent = openElements.count >= 2 ? String(cString: openElements[openElements.count - 2].name) : nil
            delegateSchemaDiagnostic(message, at: lastStart, element: openElements.last.map { String(cString: $0.name) }, parent: parent)
        }
    }

    private func delegateSchemaDiagnostic(_ message: String, at location: SourceLocation, element: String?, parent: String?) {
        delegate.schemaDiagnostic(XMLDiagnostic(kind: .schema, message: message.trimmingTrailingWhitespace(),
                                                location: location, element: element, parent: parent, isFatal: false))
    }

    /// Where a content-model complaint at an element's end points: the root, sections, images and tracks
    /// exactly; a deeper element at the line its start tag ended on (column 0) unless its start tag drew
    /// a complaint. This is where the findings have always pointed (a validation pass once placed deep
    /// elements only on demand), and a report is kept the same from one version to the next.
    private func schemaAnchor(exact: SourceLocation) -> SourceLocation {
        openElements.count < 2 ? exact : SourceLocation(line: currentLine(), column: 0)
    }

    private func report(_ kind: XMLDiagnostic.Kind, message: String, at location: SourceLocation, fatal: Bool) {
        delegate.diagnostic(XMLDiagnostic(kind: kind, message: message.trimmingTrailingWhitespace(), location: location,
                                          element: openElements.last.map { String(cString: $0.name) }, parent: nil, isFatal: fatal))
    }

    /// The parser's current position.
    private func currentLocation() -> SourceLocation {
        guard let input = context?.pointee.input else { return SourceLocation(line: 0, column: 0) }
        return SourceLocation(line: Int(input.pointee.line), column: Int(input.pointee.col))
    }

    /// The document offset of libxml2's cursor: bytes it dropped from its buffer plus the distance into it.
    /// Exact for UTF-8 input, the only encoding `apply` copies from.
    private func cursorOffset() -> Int64 {
        guard let input = context?.pointee.input, let base = input.pointee.base, let cur = input.pointee.cur else { return 0 }
        return Int64(input.pointee.consumed) + Int64(cur - base)
    }

    /// The start tag being reported, as document offsets from its `<` (at `open` in libxml2's buffer) to
    /// just past its `>` (or `/>`).
    private func currentStartTagSpan(open: Int) -> (start: Int64, end: Int64) {
        guard let input = context?.pointee.input, let base = input.pointee.base, let cur = input.pointee.cur else { return (0, 0) }
        let consumed = Int64(input.pointee.consumed)
        // libxml2 reports the tag standing on its `>` or on the `/` of `/>`.
        let closing: Int64 = cur.pointee == UInt8(ascii: "/") ? 2 : 1
        return (consumed + Int64(max(open, 0)), consumed + Int64(cur - base) + closing)
    }

    /// Where the start tag being reported began, and where its `<` is in libxml2's buffer (-1: not found):
    /// libxml2 stands at the tag's end (before `>` or `/>`), so walk back to its `<` (a raw `<` cannot occur
    /// inside an attribute value). Found once per tag, for its place and its offsets alike.
    private func startTag() -> (location: SourceLocation, open: Int) {
        guard let input = context?.pointee.input, let base = input.pointee.base, let cur = input.pointee.cur else {
            return (currentLocation(), -1)
        }
        let line = Int(input.pointee.line)
        let column = Int(input.pointee.col)
        var newlines = 0
        var characters = 0
        let offset = cvatlint_find_tag_start(base, cur, &newlines, &characters)
        guard offset >= 0 else { return (SourceLocation(line: line, column: 0), offset) }
        let position = base + offset
        if newlines == 0 {
            return (SourceLocation(line: line, column: max(1, column - characters - 1)), offset)
        }
        // The tag spans lines: count the characters between the previous newline and `<`.
        var lineStart = position
        var leading = 0
        while lineStart > base, (lineStart - 1).pointee != UInt8(ascii: "\n") {
            lineStart -= 1
            if lineStart.pointee & 0xC0 != 0x80 { leading += 1 }
        }
        // Reaching the buffer's start is only the line's start when nothing was consumed before it.
        let lineStartKnown = lineStart > base || input.pointee.consumed == 0
        return (SourceLocation(line: line - newlines, column: lineStartKnown ? leading + 1 : 0), offset)
    }
}

extension String {
    func trimmingTrailingWhitespace() -> String {
        var text = Substring(self)
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return String(text)
    }
}
