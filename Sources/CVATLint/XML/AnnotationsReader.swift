/// Receives the typed records of one `annotations.xml`, in document order.
///
/// Images arrive whole (an image is small); a track arrives as a header, then one call per
/// frame shape, then its end, so a visitor never needs to hold a whole track.
public protocol AnnotationVisitor: AnyObject {
    func visitVersion(_ version: String, at location: SourceLocation)
    func visitMeta(_ meta: ExportMeta)
    func visitImage(_ image: ImageRecord)
    func visitTrackStart(_ track: TrackRecord)
    func visitTrackShape(_ shape: Shape, of track: TrackRecord)
    func visitTrackEnd(_ track: TrackRecord)
    /// An element `<annotations>` or a `<track>` holds that the reader does not model (reported only when offsets are on).
    func visitForeignElement(_ element: ForeignElement)
    /// Where an element inside a track (in the track, one of its shapes or a skeleton's element) begins that the
    /// reader does not model and the schema refuses; reported with offsets or without, before the shape holding it.
    func visitRefusedTrackChild(at location: SourceLocation)
}

extension AnnotationVisitor {
    public func visitVersion(_ version: String, at location: SourceLocation) {}
    public func visitMeta(_ meta: ExportMeta) {}
    public func visitImage(_ image: ImageRecord) {}
    public func visitTrackStart(_ track: TrackRecord) {}
    public func visitTrackShape(_ shape: Shape, of track: TrackRecord) {}
    public func visitTrackEnd(_ track: TrackRecord) {}
    public func visitForeignElement(_ element: ForeignElement) {}
    public func visitRefusedTrackChild(at location: SourceLocation) {}
}

/// Turns the XML event stream into typed records for an `AnnotationVisitor`, and passes
/// parser and schema diagnostics on. Keeps only the element being built, never past ones.
public final class AnnotationsReader: XMLStreamDelegate {
    /// What each open element is to the reader.
    private enum Open {
        case root, version, meta, image, track, shape, element, attribute, ignored
        /// An element of an image, a track or `<annotations>` the reader does not model (its span is kept when offsets are on).
        case foreign
    }

    private let visitor: AnnotationVisitor
    private let onDiagnostic: (XMLDiagnostic) -> Void

    // `@exclusivity(unchecked)`: this state is touched for every element on one thread only, and the
    // dynamic exclusivity checks on it cost several per cent of a run.
    @exclusivity(unchecked) private var open: [Open] = []
    @exclusivity(unchecked) private var text: [UInt8] = []
    @exclusivity(unchecked) private var collectingText = false

    private var versionLocation = SourceLocation(line: 0, column: 0)
    @exclusivity(unchecked) private var metaStack: [XMLNode] = []
    private var metaSpan: ByteSpan?
    @exclusivity(unchecked) private var image: ImageRecord?
    @exclusivity(unchecked) private var track: TrackRecord?
    @exclusivity(unchecked) private var shape: Shape?
    @exclusivity(unchecked) private var element: Shape?
    @exclusivity(unchecked) private var attribute: (name: String, location: SourceLocation)?
    /// An element of `<annotations>` or of a `<track>` the reader does not model, while it is open (its children are
    /// ignored, so one at a time).
    private var openForeign: ForeignElement?

    /// The root element's name, once seen.
    public private(set) var rootName: String?

    /// Text longer than this (in one meta field or attribute value) is cut; the schema and rules see the cut text.
    public var maximumTextLength = 1 << 20

    /// When set (with its `tracksOffsets` on), records carry the byte spans of their elements.
    public weak var offsets: (any TagOffsets)?

    /// Whether records carry byte spans (the write pass asked for them).
    private var keepsOffsets: Bool { offsets?.tracksOffsets == true }

    /// The span of the start tag just reported, its end not yet known.
    private func openSpan() -> ByteSpan? {
        guard keepsOffsets, let offsets else { return nil }
        let tag = offsets.startTagSpan
        return ByteSpan(start: tag.start, tagEnd: tag.end, end: tag.end)
    }

    /// `span` closed at the end tag just reported.
    private func closed(_ span: ByteSpan?) -> ByteSpan? {
        guard var span, let offsets else { return nil }
        span.end = offsets.endTagEnd
        return span
    }

    public init(visitor: AnnotationVisitor, onDiagnostic: @escaping (XMLDiagnostic) -> Void) {
        self.visitor = visitor
        self.onDiagnostic = onDiagnostic
    }

    public func diagnostic(_ diagnostic: XMLDiagnostic) {
        var located = diagnostic
        located.image = image?.name
        located.imageID = image?.id
        located.trackID = track?.id
        located.frame = track == nil ? nil : shape?.frame
        onDiagnostic(located)
    }

    public func characters(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard collectingText, text.count < maximumTextLength else { return }
        text.append(contentsOf: bytes.prefix(maximumTextLength - text.count))
    }

    private func takeText() -> String {
        defer { text.removeAll(keepingCapacity: true) }
        return String(decoding: text, as: UTF8.self)
    }

    private func copy(_ attributes: XMLAttributes) -> [XMLAttribute] {
        (0..<attributes.count).map { index in
            let (name, role) = names.name(of: attributes, at: index)
            return XMLAttribute(name: name, value: attributes.value(at: index), role: role)
        }
    }

    /// Attribute names as strings, cached by libxml2's interned pointer (the same few names recur millions of times).
    @exclusivity(unchecked) private var names = NameCache()

    public func startElement(_ name: ElementName, attributes: XMLAttributes, at location: SourceLocation) {
        let kind = classify(name, attributes: attributes, at: location)
        open.append(kind)
        collectingText = kind == .version || kind == .meta || kind == .attribute
        if collectingText { text.removeAll(keepingCapacity: true) }
    }

    /// What an element is, from its name and its parent's kind. Names are compared in place: a string is
    /// made only for the root and for `<meta>` fields, never for the millions of shapes and attributes.
    private func classify(_ element: ElementName, attributes: XMLAttributes, at location: SourceLocation) -> Open {
        guard let parent = open.last else {
            let name = element.string
            rootName = name
            if name != "annotations" {
                onDiagnostic(XMLDiagnostic(kind: .schema, message: "root element '\(name)' is not 'annotations'",
                                           location: location, element: name, parent: nil, isFatal: false))
            }
            return .root
        }
        switch parent {
        case .root:
            if element.isEqual(to: "image") {
                image = ImageRecord(xmlAttributes: copy(attributes), location: location)
                image?.span = openSpan()
                return .image
            }
            if element.isEqual(to: "track") {
                var header = TrackRecord(xmlAttributes: copy(attributes), location: location)
                header.span = openSpan()
                track = header
                visitor.visitTrackStart(header)
                return .track
            }
            if element.isEqual(to: "version") {
                versionLocation = location
                return .version
            }
            if element.isEqual(to: "meta") {
                metaStack = [XMLNode(name: "meta", xmlAttributes: copy(attributes), location: location)]
                metaSpan = openSpan()
                return .meta
            }
            guard let span = openSpan() else { return .ignored }
            openForeign = ForeignElement(location: location, span: span)
            return .foreign
        case .meta:
            // Close the parent's text run: meta nodes keep only their own direct text.
            if let last = metaStack.indices.last, metaStack[last].text.isEmpty {
                metaStack[last].text = takeText()
            }
            metaStack.append(XMLNode(name: element.string, xmlAttributes: copy(attributes), location: location))
            return .meta
        case .image:
            guard let kind = ShapeKind(element: element) else {
                guard let span = openSpan() else { return .ignored }
                image?.foreign.append(ForeignElement(location: location, span: span))
                return .foreign
            }
            shape = Shape(kind: kind, xmlAttributes: copy(attributes), location: location)
            shape?.span = openSpan()
            return .shape
        case .track:
            guard let kind = ShapeKind(element: element), kind != .tag, let track else {
                visitor.visitRefusedTrackChild(at: location)
                guard let span = openSpan() else { return .ignored }
                openForeign = ForeignElement(location: location, span: span)
                return .foreign
            }
            shape = Shape(kind: kind, label: track.label, xmlAttributes: copy(attributes), location: location)
            shape?.span = openSpan()
            return .shape
        case .shape:
            if element.isEqual(to: "attribute") {
                attribute = (attributes.value(named: "name") ?? "", location)
                return .attribute
            }
            if element.isEqual(to: "points"), shape?.kind == .skeleton {
                self.element = Shape(kind: .points, xmlAttributes: copy(attributes), location: location)
                self.element?.span = openSpan()
                return .element
            }
            if track != nil { visitor.visitRefusedTrackChild(at: location) }
            if keepsOffsets { shape?.holdsForeignChild = true }
            return .ignored
        case .element:
            if element.isEqual(to: "attribute") {
                attribute = (attributes.value(named: "name") ?? "", location)
                return .attribute
            }
            if track != nil { visitor.visitRefusedTrackChild(at: location) }
            if keepsOffsets { self.element?.holdsForeignChild = true }
            return .ignored
        case .version, .attribute, .ignored, .foreign:
            return .ignored
        }
    }

    public func endElement(_ name: ElementName) {
        guard let kind = open.popLast() else { return }
        switch kind {
        case .version:
            visitor.visitVersion(takeText().trimmingSpaces(), at: versionLocation)
        case .meta:
            guard var node = metaStack.popLast() else { break }
            let trailing = takeText()
            if node.children.isEmpty || node.text.isEmpty { node.text += trailing }
            if metaStack.isEmpty {
                var meta = ExportMeta(node: node)
                meta.span = closed(metaSpan)
                visitor.visitMeta(meta)
            } else {
                metaStack[metaStack.count - 1].children.append(node)
            }
        case .image:
            image?.span = closed(image?.span)
            if let finished = image { visitor.visitImage(finished) }
            image = nil
        case .track:
            track?.span = closed(track?.span)
            if let finished = track { visitor.visitTrackEnd(finished) }
            track = nil
        case .shape:
            if let finished = shape {
                finished.span = closed(finished.span)
                if image != nil {
                    image?.shapes.append(finished)
                } else if let track {
                    visitor.visitTrackShape(finished, of: track)
                }
            }
            shape = nil
        case .element:
            if let finished = element {
                finished.span = closed(finished.span)
                shape?.elements.append(finished)
            }
            element = nil
        case .attribute:
            if let (attributeName, location) = attribute {
                let value = AttributeValue(name: attributeName, value: takeText(), location: location)
                if let element {
                    element.addAttribute(value)
                } else {
                    shape?.addAttribute(value)
                }
            }
            attribute = nil
        case .foreign:
            if var last = image?.foreign.popLast() {
                last.span = closed(last.span) ?? last.span
                image?.foreign.append(last)
            } else if var finished = openForeign {
                finished.span = closed(finished.span) ?? finished.span
                openForeign = nil
                visitor.visitForeignElement(finished)
            }
        case .root, .ignored:
            break
        }
        collectingText = open.last == .meta
    }
}

/// A small direct-mapped cache from libxml2's interned name pointers to Swift strings and their meaning on a shape.
struct NameCache {
    private static let size = 256
    private var keys = [UnsafeRawPointer?](repeating: nil, count: size)
    private var values = [(String, ShapeAttributeRole)](repeating: ("", ShapeAttributeRole(name: "")), count: size)

    mutating func name(of attributes: XMLAttributes, at index: Int) -> (String, ShapeAttributeRole) {
        guard let pointer = attributes.namePointer(at: index) else { return ("", ShapeAttributeRole(name: "")) }
        // libxml2 interns names side by side in a pool, a few bytes apart: the low bits tell them apart.
        let address = UInt(bitPattern: pointer)
        let slot = Int(truncatingIfNeeded: address ^ (address >> 8)) & (Self.size - 1)
        if keys[slot] == pointer { return values[slot] }
        let name = attributes.name(at: index)
        let entry = (name, ShapeAttributeRole(name: name))
        keys[slot] = pointer
        values[slot] = entry
        return entry
    }
}

extension AnnotationsReader {
    /// Reads an export's `annotations.xml` into a visitor, without a schema or rules (the HTML report's passes over the export),
    /// to its end or until `done` says the rest is not needed.
    static func stream(_ source: ExportSource, into visitor: AnnotationVisitor, until done: () -> Bool = { false }) throws {
        struct Enough: Error {}
        let reader = AnnotationsReader(visitor: visitor) { _ in }
        let parser = XMLStreamParser(delegate: reader, schema: nil, fileName: source.annotationsPath, reportsNamespaces: false)
        guard parser.isUsable else { throw InputError("\(source.path): cannot start the XML parser (out of memory?)") }
        do {
            try source.streamAnnotations { chunk in
                parser.feed(chunk)
                if done() { throw Enough() }
            }
            parser.finish()
        } catch is Enough {}
    }
}
