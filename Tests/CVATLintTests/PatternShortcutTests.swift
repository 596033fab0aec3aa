import CLibXML2
@testable import CVATLint
import CVATLintRules
import Foundation
import Testing

/// The `points` and `rle` patterns are matched in Swift while the parse validates with the rest of the XSD
/// (`PatternShortcut`); these tests hold both halves to libxml2's own answers.
@Suite("Patterns matched natively, held to libxml2")
struct PatternShortcutTests {
    /// A deterministic stream of values: random strings over the characters the patterns care about, and
    /// valid lists with one character changed.
    static func values(count: Int) -> [String] {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        let alphabet = Array("0123456789.eE+-,; \t\n\rx&")
        var result = ["", " ", "1,2", "1,2;3,4", " 1 , 2 ; 3 , 4 ", "1.,.5", "+1e5,-2E-3", "1e,2", "1,2;", ";1,2", "1;2",
                      ".,1", "1.5.5,2", "1,2;3,4;5", "0", "0, 1, 2", "0,,1", ",0", "0,", "00 , 12 ,3", "1 2", "\t1\n,\r2\t"]
        for _ in 0..<count {
            if next(2) == 0 {
                result.append(String((0..<next(14)).map { _ in alphabet[next(alphabet.count)] }))
            } else {
                var text = Array((0..<(1 + next(4))).map { _ in "\(next(2000)).\(next(100)),\(next(9))e\(next(3))" }
                    .joined(separator: ";"))
                if !text.isEmpty, next(3) > 0 { text[next(text.count)] = alphabet[next(alphabet.count)] }
                result.append(String(text))
            }
        }
        return result
    }

    /// libxml2's answer for an XSD pattern on a value (its regular expressions are XSD's).
    static func libxml2Matches(_ pattern: String, _ value: String) -> Bool {
        guard let regex = xmlRegexpCompile(pattern) else { return false }
        defer { xmlRegFreeRegexp(regex) }
        return xmlRegexpExec(regex, value) == 1
    }

    /// The types whose pattern the shipped XSD hands to Swift; every other pattern stays with libxml2.
    static let nativeTypes: Set<String> = ["Points", "Rle", "Number", "Integer"]

    @Test("The shipped XSD hands the points, rle, coordinate and integer patterns to Swift (and the whiteSpace left bare), and keeps the others")
    func shortcutTakesItsPatterns() throws {
        let shortcut = PatternShortcut(xsd: CVATSchema.source)
        #expect(shortcut.isActive)
        let removed = CVATSchema.source.split(separator: "\n").count - shortcut.fastXSD.split(separator: "\n").count
        // Each pattern, and the whiteSpace facet of Number and Integer, which has nothing left to apply to.
        #expect(removed == Self.nativeTypes.count + 2)
        let whiteSpaces = XSDLines.simpleTypes(in: shortcut.fastXSD.components(separatedBy: "\n"))
            .filter { $0.whiteSpaceLine != nil }.compactMap(\.name)
        #expect(!whiteSpaces.contains("Number") && !whiteSpaces.contains("Integer"))
        #expect(whiteSpaces.contains("Count") && whiteSpaces.contains("PyBool"), "a type keeping other facets keeps its whiteSpace")
        let kept = CVATSchema.patterns.filter { shortcut.fastXSD.contains(#"<xs:pattern value=""# + Self.escaped($0.pattern) + #""/>"#) }
        #expect(Set(CVATSchema.patterns.map(\.type)).subtracting(kept.map(\.type)) == Self.nativeTypes)
        _ = try CompiledSchema(xsd: shortcut.fastXSD)
    }

    static func escaped(_ pattern: String) -> String {
        pattern.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
    }

    /// XSD's whitespace collapse: spaces, tabs and line ends trimmed from both ends, inner runs made one space.
    static func collapsed(_ value: String) -> String {
        // By scalar: Swift reads "\r\n" as one character.
        value.unicodeScalars.split(whereSeparator: { " \t\n\r".unicodeScalars.contains($0) })
            .map { String(String.UnicodeScalarView($0)) }.joined(separator: " ")
    }

    @Test("Each native matcher accepts exactly what libxml2's pattern accepts", arguments: Array(nativeTypes))
    func matchersAgreeWithLibxml2(type: String) throws {
        let pattern = try #require(CVATSchema.patterns.first { $0.type == type }?.pattern)
        let collapses = ["Number", "Integer"].contains(type)
        let matcher = try #require(PatternShortcut.matcher(for: .init(pattern: pattern, collapses: collapses)))
        var disagreements: [String] = []
        for value in Self.values(count: 20_000) + ["1", " 1 ", "1 2", "-.5", "+3e-2", "\t7\n", "e5", "1.", "-", ""] {
            let native = Array(value.utf8).withUnsafeBufferPointer { matcher($0) }
            if native != Self.libxml2Matches(pattern, collapses ? Self.collapsed(value) : value) { disagreements.append(value) }
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(5).map { "'\($0)'" })")
    }

    @Test("A type a pattern-typed attribute shares with an element keeps its pattern in the XSD")
    func sharedTypesStay() {
        let xsd = CVATSchema.source.replacingOccurrences(of: #"<xs:element name="id" type="Count"/>"#,
                                                         with: #"<xs:element name="id" type="Points"/>"#)
        let shortcut = PatternShortcut(xsd: xsd)
        #expect(shortcut.fastXSD.contains("(;\\s*"), "Points is used by an element: its pattern stays")
        #expect(!shortcut.fastXSD.contains(#"<xs:pattern value="\s*[0-9]+\s*(,\s*[0-9]+\s*)*"/>"#))
    }

    @Test("A pattern in an anonymous simple type stays with libxml2 (it belongs to no named type's attributes)")
    func anonymousTypesStay() {
        let xsd = #"""
            <xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
              <xs:simpleType name="Plain">
                <xs:restriction base="xs:string"/>
              </xs:simpleType>
              <xs:element name="a">
                <xs:complexType>
                  <xs:attribute name="plain" type="Plain"/>
                  <xs:attribute name="runs">
                    <xs:simpleType>
                      <xs:restriction base="xs:string">
                        <xs:pattern value="\s*[0-9]+\s*(,\s*[0-9]+\s*)*"/>
                      </xs:restriction>
                    </xs:simpleType>
                  </xs:attribute>
                </xs:complexType>
              </xs:element>
            </xs:schema>
            """#
        #expect(XSDLines.simpleTypes(in: xsd.components(separatedBy: "\n")).map(\.name) == ["Plain", nil])
        #expect(!PatternShortcut(xsd: xsd).isActive)
    }

    /// Shapes with each kind of points and rle value, in every place libxml2 validates them and in places it
    /// does not (an unknown attribute on a box, an element the schema refuses, a meta field).
    static let documents: [String] = {
        let values = ["1,2;3,4", "1,2;x", "", " 1 , 2 ", "1,2;3", "&#49;,2", "1,&amp;2", "1e5,2E-1"]
        let runs = ["1, 2, 3", "1, x", "", " 4 ", "1,,2", "&#52;"]
        let numbers = ["1", " 2.5 ", "x", "1 2", "&#51;", ""]
        return values.enumerated().flatMap { index, points in runs.map { rle in
            let number = numbers[(index + rle.count) % numbers.count]
            return """
            <?xml version="1.0" encoding="utf-8"?>
            <annotations>
              <version>1.1</version>
              <meta><task><labels><label><name>a</name><type>any</type><attributes/></label></labels></task><points points="\(points)"/></meta>
              <image id="0" name="a.png" width="8" height="8">
                <polygon label="a" source="manual" occluded="0" points="\(points)" z_order="0"/>
                <polyline label="a" occluded="2" points="\(points)" z_order="q"/>
                <box label="a" xtl="\(number)" ytl="0" xbr="1" ybr="1" z_order="\(number)" points="\(points)"/>
                <circle points="\(points)"><polygon points="\(points)" label="a"/></circle>
                <mask label="a" source="manual" occluded="0" rle="\(rle)" left="0" top="0" width="2" height="2" z_order="0"/>
                <skeleton label="a"><points label="a" occluded="0" outside="0" points="\(points)"/></skeleton>
              </image>
              <track id="0" label="a" source="manual">
                <points frame="\(number)" keyframe="1" outside="0" occluded="0" points="\(points)" z_order="0"/>
                <mask frame="1" keyframe="1" outside="0" occluded="0" rle="\(rle)" left="0" top="0" width="2" height="2"/>
              </track>
            </annotations>
            """
        } }
    }()

    @Test("Schema findings are those of libxml2 matching every pattern itself", arguments: 0..<6)
    func findingsMatchTheWholeSchema(part: Int) throws {
        let options = try LintSession(catalogue: .standard, choices: CommandLineChoices(target: "cvat", noConfig: true)).options(for: nil)
        let native = try Linter(catalogue: .standard, options: options)
        let whole = try Linter(catalogue: .standard, options: options, nativePatterns: false)
        let share = Self.documents.enumerated().filter { $0.offset % 6 == part }.map(\.element)
        for document in share {
            let bytes = Array(document.utf8)
            let expected = try whole.check(MemoryExport(bytes: bytes)).findings
            let found = try native.check(MemoryExport(bytes: bytes)).findings
            #expect(found == expected, "\(document)")
            #expect(expected.contains { $0.rule == "schema" })
        }
    }

    @Test("Every fixture and corpus export gets the same findings either way", arguments: Paths.fixtureExports)
    func fixturesAgree(path: String) throws {
        let options = try LintSession(catalogue: .standard, choices: CommandLineChoices(target: "cvat", noConfig: true)).options(for: nil)
        let whole = try Linter(catalogue: .standard, options: options, nativePatterns: false)
        #expect(try Shared.linter.lint(path: path).0.findings == whole.lint(path: path).0.findings)
    }
}
