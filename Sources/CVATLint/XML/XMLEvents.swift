import CLibXML2
import CVATLintSupport

/// A position in a text file: 1-based line and column (column 0 when unknown).
public struct SourceLocation: Hashable, Sendable, Codable, Comparable {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        (lhs.line, lhs.column) < (rhs.line, rhs.column)
    }
}

/// The XML attributes of one start tag, read in place from libxml2's buffers.
///
/// Values are decoded to `String` only when asked for, so elements whose attributes
/// nobody reads cost no allocation.
public struct XMLAttributes {
    let base: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?
    public let count: Int

    /// Attributes laid out as libxml2's SAX2 callback hands them: five pointers each (local name,
    /// prefix, URI, value start, value end).
    init(base: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?, count: Int) {
        self.base = base
        self.count = count
    }

    /// The attribute's local name at `index`, as libxml2 interned it (stable while the parser lives).
    public func namePointer(at index: Int) -> UnsafeRawPointer? {
        guard let base, let name = base[index * 5] else { return nil }
        return UnsafeRawPointer(name)
    }

    /// The attribute's local name at `index`.
    public func name(at index: Int) -> String {
        guard let base, let name = base[index * 5] else { return "" }
        return String(cString: name)
    }

    /// The attribute's value at `index`, with character and entity references decoded.
    ///
    /// Without entity substitution libxml2 hands attribute values on with `&amp;` rewritten as `&#38;`
    /// (so that a tree builder could re-parse them); element text arrives decoded. Decoding here makes
    /// both the same text. libxml2 has already refused any reference that is not well-formed.
    public func value(at index: Int) -> String {
        guard let base, let start = base[index * 5 + 3], let end = base[index * 5 + 4] else { return "" }
        let bytes = UnsafeBufferPointer(start: start, count: max(0, end - start))
        guard bytes.contains(UInt8(ascii: "&")) else { return String(decoding: bytes, as: UTF8.self) }
        return XMLReferences.decode(bytes)
    }

    /// Whether the attribute at `index` is named `expected` (ASCII), compared in place.
    public func name(at index: Int, is expected: StaticString) -> Bool {
        guard let base, let name = base[index * 5] else { return false }
        return expected.withUTF8Buffer { bytes in
            for (offset, byte) in bytes.enumerated() where name[offset] != byte { return false }
            return name[bytes.count] == 0
        }
    }

    /// The value of the attribute named `expected`, found without making strings of the other names.
    public func value(named expected: StaticString) -> String? {
        for index in 0..<count where name(at: index, is: expected) { return value(at: index) }
        return nil
    }

    /// Every attribute as (name, value), in document order.
    public var all: [(name: String, value: String)] {
        (0..<count).map { (name(at: $0), value(at: $0)) }
    }
}

/// Decodes the character and predefined entity references left in libxml2's attribute values.
enum XMLReferences {
    /// The text of `bytes` with `&#NN;`, `&#xHH;`, `&amp;`, `&lt;`, `&gt;`, `&quot;` and `&apos;` decoded;
    /// anything else (an undeclared entity libxml2 has already reported) is kept as written.
    static func decode<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index != bytes.endIndex {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "&"), let semicolon = bytes[index...].firstIndex(of: UInt8(ascii: ";")),
                  let decoded = reference(bytes[bytes.index(after: index)..<semicolon]) else {
                out.append(byte)
                index = bytes.index(after: index)
                continue
            }
            out.append(contentsOf: decoded)
            index = bytes.index(after: semicolon)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The UTF-8 bytes a reference's body (between `&` and `;`) stands for.
    private static func reference<C: Collection>(_ body: C) -> [UInt8]? where C.Element == UInt8 {
        let name = String(decoding: body, as: UTF8.self)
        switch name {
        case "amp": return [UInt8(ascii: "&")]
        case "lt": return [UInt8(ascii: "<")]
        case "gt": return [UInt8(ascii: ">")]
        case "quot": return [UInt8(ascii: "\"")]
        case "apos": return [UInt8(ascii: "'")]
        default: break
        }
        guard name.hasPrefix("#") else { return nil }
        let digits = name.dropFirst()
        let code = digits.first == "x" || digits.first == "X" ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits, radix: 10)
        guard let code, let scalar = Unicode.Scalar(code) else { return nil }
        return Array(String(Character(scalar)).utf8)
    }
}

/// What the stream parser reports: well-formedness problems, forbidden constructs, schema violations.
public struct XMLDiagnostic: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// Not well-formed XML, or a construct we refuse (DOCTYPE, entities).
        case xml
        /// Breaks the XSD.
        case schema
    }

    public var kind: Kind
    /// libxml2's message, trimmed; `XMLMessages` turns it into words for people.
    public var message: String
    public var location: SourceLocation
    /// The element the message is about, with its parent, when known.
    public var element: String?
    public var parent: String?
    /// True when the parser cannot go on after this problem.
    public var isFatal: Bool
    /// The image, track and frame being read when the problem was found.
    public var image: String?
    public var imageID: Int?
    public var trackID: Int?
    public var frame: Int?

    public init(kind: Kind, message: String, location: SourceLocation, element: String? = nil, parent: String? = nil,
                isFatal: Bool = false) {
        self.kind = kind
        self.message = message
        self.location = location
        self.element = element
        self.parent = parent
        self.isFatal = isFatal
    }
}

/// An element's local name, as libxml2 interned it: compared in place, made a `String` only when asked.
public struct ElementName {
    let pointer: UnsafePointer<xmlChar>

    /// The name as a Swift string.
    public var string: String { String(cString: pointer) }

    /// Whether the name is `text` (ASCII), without making a string.
    public func isEqual(to text: StaticString) -> Bool {
        text.withUTF8Buffer { expected in
            for (index, byte) in expected.enumerated() where pointer[index] != byte { return false }
            return pointer[expected.count] == 0
        }
    }
}

/// Receives the stream, one event at a time.
public protocol XMLStreamDelegate: AnyObject {
    func startElement(_ name: ElementName, attributes: XMLAttributes, at location: SourceLocation)
    func endElement(_ name: ElementName)
    func characters(_ text: UnsafeBufferPointer<UInt8>)
    func diagnostic(_ diagnostic: XMLDiagnostic)
    /// A violation the attached XSD validator reported (the parser's own problems come through `diagnostic`).
    func schemaDiagnostic(_ diagnostic: XMLDiagnostic)
}

extension XMLStreamDelegate {
    public func schemaDiagnostic(_ diagnostic: XMLDiagnostic) { self.diagnostic(diagnostic) }
}
