import CLibXML2
import CVATLintSupport

/// A compiled XSD, shared by every parse in the process.
public final class CompiledSchema: @unchecked Sendable {
    let schema: xmlSchemaPtr
    /// The patterns matched in Swift rather than by libxml2, and the XSD compiled without them (nil when
    /// none of the XSD's patterns is one `PatternShortcut` knows).
    public private(set) var shortcut: (patterns: PatternShortcut, schema: CompiledSchema)?

    /// libxml2 must be initialised once, before any thread uses it.
    private static let initialised: Void = { xmlInitParser() }()

    /// Compiles XSD text; throws with libxml2's reason when the schema itself is broken.
    public convenience init(xsd: String) throws {
        try self.init(xsd: xsd, nativePatterns: true)
    }

    /// The same; with `nativePatterns` off, libxml2 matches every pattern itself (what the shortcut is tested against).
    convenience init(xsd: String, nativePatterns: Bool) throws {
        try self.init(compiling: xsd)
        let patterns = PatternShortcut(xsd: xsd)
        if nativePatterns, patterns.isActive { shortcut = (patterns, try CompiledSchema(compiling: patterns.fastXSD)) }
    }

    private init(compiling xsd: String) throws {
        _ = Self.initialised
        var errors: [String] = []
        let compiled: xmlSchemaPtr? = xsd.withCString { text in
            guard let parser = xmlSchemaNewMemParserCtxt(text, Int32(xsd.utf8.count)) else { return nil }
            defer { xmlSchemaFreeParserCtxt(parser) }
            return withUnsafeMutablePointer(to: &errors) { sink in
                let collect: xmlStructuredErrorFunc = { context, error in
                    guard let context, let error, let message = error.pointee.message else { return }
                    context.assumingMemoryBound(to: [String].self).pointee
                        .append("line \(error.pointee.line): " + String(cString: message).trimmingTrailingWhitespace())
                }
                xmlSchemaSetParserStructuredErrors(parser, collect, sink)
                // Reading the XSD document itself reports through the thread's handler: catch it too,
                // so that nothing reaches stderr.
                xmlSetStructuredErrorFunc(sink, collect)
                defer { xmlSetStructuredErrorFunc(nil, nil) }
                return xmlSchemaParse(parser)
            }
        }
        guard let compiled else {
            throw SchemaCompileError(reasons: errors)
        }
        schema = compiled
    }

    deinit { xmlSchemaFree(schema) }
}

/// The XSD text could not be compiled.
public struct SchemaCompileError: Error, CustomStringConvertible {
    public var reasons: [String]
    public var description: String { "the schema does not compile: " + reasons.joined(separator: "; ") }
}
