import CVATLint
import CVATLintRules
import Foundation
import Testing

@Suite("The XSD and the words for its findings")
struct SchemaTests {
    @Test("Every layout's schema compiles", arguments: CVATSchema.Layout.allCases)
    func compiles(layout: CVATSchema.Layout) throws {
        _ = try CompiledSchema(xsd: CVATSchema.text(for: layout))
    }

    @Test("Every pattern type has words for people")
    func patternsAreDescribed() {
        let patterns = CVATSchema.patterns
        #expect(patterns.count >= 5)
        for (type, _) in patterns {
            #expect(CVATSchema.typeDescriptions[type] != nil, "describe type \(type)")
        }
    }

    @Test("A broken schema is an error with libxml2's reason, not a crash")
    func brokenSchema() {
        #expect(throws: SchemaCompileError.self) { try CompiledSchema(xsd: "<xs:schema xmlns:xs='http://www.w3.org/2001/XMLSchema'><xs:element/></xs:schema>") }
        #expect(throws: SchemaCompileError.self) { try CompiledSchema(xsd: "not xml") }
    }

    @Test("The images layout rejects tracks; the video layout rejects images")
    func layoutsAreStrict() throws {
        let options = try LintSession(catalogue: .standard, choices: CommandLineChoices(target: "cvat", noConfig: true))
            .options(for: nil)
        let imagesOnly = try Linter(catalogue: Catalogue(schemaText: CVATSchema.text(for: .images),
                                                         patternDescriptions: CVATSchema.patternDescriptions),
                                    options: options)
        let video = try imagesOnly.lint(path: Paths.fixture("task-video-tracks")).0
        #expect(video.findings.contains { $0.rule == "schema" && $0.message.contains("<track> is not allowed") })
        let images = try imagesOnly.lint(path: Paths.fixture("task-images-every-shape")).0
        #expect(images.findings.isEmpty)
    }
}

@Suite("libxml2 messages, in words")
struct MessageTests {
    let messages = XMLMessages(patternDescriptions: CVATSchema.patternDescriptions)

    func schema(_ message: String, parent: String? = "image") -> String {
        messages.describe(XMLDiagnostic(kind: .schema, message: message, location: SourceLocation(line: 1, column: 1),
                                        element: nil, parent: parent, isFatal: false))
    }

    @Test func atomicType() {
        #expect(schema("Element 'box', attribute 'xtl': 'abc' is not a valid value of the atomic type 'xs:decimal'.")
                == "box: xtl 'abc' is not a valid decimal")
    }

    @Test func enumeration() {
        #expect(schema("Element 'box', attribute 'occluded': [facet 'enumeration'] The value '2' is not an element of the set {'0', '1'}.")
                == "box: occluded '2' is not one of: 0, 1")
    }

    @Test func unexpectedElement() {
        #expect(schema("Element 'foo': This element is not expected. Expected is ( box ).") == "<foo> is not allowed inside <image>; expected <box>")
    }

    @Test func unknownMessagesPassThrough() {
        #expect(schema("Element 'x': Something new.") == "x: Something new.")
    }

    @Test func longValuesAreClipped() {
        let long = String(repeating: "9", count: 500) + ";"
        let text = schema("Element 'polygon', attribute 'points': [facet 'pattern'] The value '\(long)' is not accepted by the pattern 'zzz'.")
        #expect(text.count < 200)
        #expect(text.hasSuffix("is not of the expected form"))
    }
}
