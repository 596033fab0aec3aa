@testable import CVATLint
import CVATLintRules
import Foundation
import Testing

/// A fixture that breaks one thing, and the rule that must say so at its line.
struct RuleFixture: CustomTestStringConvertible, Sendable {
    var name: String
    var rule: String
    /// The line of annotations.xml the finding is at; nil for a finding about a media file.
    var line: Int?
    var testDescription: String { line.map { "\(rule) at line \($0)" } ?? "\(rule) on a media file" }
}

@Suite("Each catalogue rule shows its finding at its line in a fixture")
struct CatalogueFixtureTests {
    static let fixtures = [
        RuleFixture(name: "rule-label-undeclared", rule: "label-undeclared", line: 108),
        RuleFixture(name: "rule-label-name-invalid", rule: "label-name-invalid", line: 93),
        RuleFixture(name: "rule-label-type-mismatch", rule: "label-type-mismatch", line: 126),
        RuleFixture(name: "rule-attribute-value", rule: "attribute-value", line: 103),
        RuleFixture(name: "rule-attribute-spec", rule: "attribute-spec", line: 45),
        RuleFixture(name: "rule-attribute-missing", rule: "attribute-missing", line: 98),
        RuleFixture(name: "rule-geometry-invalid", rule: "geometry-invalid", line: 106),
        RuleFixture(name: "rule-shape-outside-image", rule: "shape-outside-image", line: 112),
        RuleFixture(name: "rule-mask-rle", rule: "mask-rle", line: 118),
        RuleFixture(name: "rule-skeleton-elements", rule: "skeleton-elements", line: 123),
        RuleFixture(name: "rule-track-keyframe", rule: "track-keyframe", line: 116),
        RuleFixture(name: "rule-track-frames", rule: "track-frames", line: 111),
        RuleFixture(name: "rule-track-shape-kind", rule: "track-shape-kind", line: 119),
        RuleFixture(name: "rule-track-outside-gap", rule: "track-outside-gap", line: 111),
        RuleFixture(name: "rule-id-duplicate", rule: "id-duplicate", line: 129),
        RuleFixture(name: "rule-meta-inconsistent", rule: "meta-inconsistent", line: 5),
        RuleFixture(name: "media-header-size-mismatch", rule: "media-header", line: 97),
        RuleFixture(name: "rule-annotation-duplicate", rule: "annotation-duplicate", line: 102),
        RuleFixture(name: "rule-polygon-self-intersecting", rule: "polygon-self-intersecting", line: 106),
        RuleFixture(name: "rule-shape-degenerate", rule: "shape-degenerate", line: 98),
        RuleFixture(name: "rule-label-unused", rule: "label-unused", line: 86),
        RuleFixture(name: "rule-image-unannotated", rule: "image-unannotated", line: 129),
        RuleFixture(name: "rule-media-duplicate", rule: "media-duplicate", line: nil),
        // Its .cvat-lint.yml sets the threshold that turns the statistics into findings.
        RuleFixture(name: "rule-label-balance", rule: "label-balance", line: 62),
    ]

    @Test("The rule fires at the line, and nothing else is an error", arguments: fixtures)
    func firesAtItsLine(fixture: RuleFixture) throws {
        let path = Paths.fixture(fixture.name)
        let session = LintSession(catalogue: .standard, choices: CommandLineChoices(target: "cvat"))
        let report = try #require(try session.run(paths: [path]).report.exports.first)
        let hits = report.findings.filter { $0.rule == fixture.rule }
        #expect(hits.contains { hit in fixture.line.map { hit.location.line == $0 } ?? hit.location.file.hasPrefix("images/") },
                "\(hits.map { "\($0.location.line ?? 0): \($0.message)" })")
        let otherErrors = report.findings.filter { $0.rule != fixture.rule && $0.severity == .error }
        #expect(otherErrors.isEmpty, "\(otherErrors.map(\.message))")
    }

    @Test("A generated export of every shape kind, clean, has zero errors under target cvat")
    func generatedCleanExport() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let xml = CleanExportGenerator.everyShapeKind(images: 40)
        try xml.write(to: directory.appendingPathComponent("annotations.xml"), atomically: true, encoding: .utf8)
        let report = try Shared.report(directory.path)
        #expect(report.summary.errors == 0, "\(report.findings.filter { $0.severity == .error }.map(\.message))")
        #expect(report.summary.warnings == 0, "\(report.findings.filter { $0.severity == .warning }.map(\.message))")
        let kinds = Set(report.plan.ontology.map(\.kind))
        #expect(kinds == Set(ShapeKind.allCases.map(\.rawValue)))
    }
}

/// Writes a clean task export in which every shape kind appears, as CVAT would write it.
enum CleanExportGenerator {
    static func everyShapeKind(images: Int) -> String {
        let labels = [("box_label", "rectangle"), ("polygon_label", "polygon"), ("polyline_label", "polyline"),
                      ("points_label", "points"), ("ellipse_label", "ellipse"), ("cuboid_label", "cuboid"),
                      ("mask_label", "mask"), ("skeleton_label", "skeleton"), ("tag_label", "tag")]
        var meta = "<task>\n  <id>1</id>\n  <name>clean</name>\n  <size>\(images)</size>\n  <mode>annotation</mode>\n"
        meta += "  <start_frame>0</start_frame>\n  <stop_frame>\(images - 1)</stop_frame>\n  <labels>\n"
        for (name, type) in labels {
            meta += "    <label>\n      <name>\(name)</name>\n      <type>\(type)</type>\n      <attributes>\n"
            meta += "        <attribute>\n          <name>quality</name>\n          <mutable>False</mutable>\n"
            meta += "          <input_type>select</input_type>\n          <default_value>good</default_value>\n"
            meta += "          <values>good\nbad</values>\n        </attribute>\n      </attributes>\n    </label>\n"
        }
        for element in ["nose", "tail"] {
            meta += "    <label>\n      <name>\(element)</name>\n      <type>points</type>\n      <attributes>\n      </attributes>\n"
            meta += "      <parent>skeleton_label</parent>\n    </label>\n"
        }
        meta += "  </labels>\n</task>"
        let quality = "<attribute name=\"quality\">good</attribute>"
        var body = ""
        for index in 0..<images {
            let x = Double(index % 10)
            body += """
              <image id="\(index)" name="img_\(index).jpg" width="200" height="100">
                <box label="box_label" source="manual" occluded="0" xtl="\(x + 10)" ytl="5.00" xbr="\(x + 30)" ybr="30.00" rotation="15.00" z_order="0">\(quality)</box>
                <polygon label="polygon_label" source="manual" occluded="0" points="\(x + 10),10.00;\(x + 40),10.00;\(x + 25),40.00" z_order="0">\(quality)</polygon>
                <polyline label="polyline_label" source="manual" occluded="0" points="10.00,50.00;90.00,60.00;120.00,55.00" z_order="0">\(quality)</polyline>
                <points label="points_label" source="manual" occluded="0" points="150.00,20.00;160.00,25.00" z_order="0">\(quality)</points>
                <ellipse label="ellipse_label" source="manual" occluded="0" cx="100.00" cy="50.00" rx="20.00" ry="10.00" rotation="30.00" z_order="0">\(quality)</ellipse>
                <cuboid label="cuboid_label" source="manual" occluded="0" xtl1="10.00" ytl1="60.00" xbl1="10.00" ybl1="90.00" xtr1="40.00" ytr1="60.00" xbr1="40.00" ybr1="90.00" xtl2="20.00" ytl2="55.00" xbl2="20.00" ybl2="85.00" xtr2="50.00" ytr2="55.00" xbr2="50.00" ybr2="85.00" z_order="0">\(quality)</cuboid>
                <mask label="mask_label" source="manual" occluded="0" rle="0, 3, 2, 1" left="5" top="5" width="3" height="2" z_order="0">\(quality)</mask>
                <skeleton label="skeleton_label" source="manual" z_order="0">
                  <points label="nose" source="manual" outside="0" occluded="0" points="60.00,20.00"></points>
                  <points label="tail" source="manual" outside="1" occluded="0" points="80.00,30.00"></points>
                  \(quality)
                </skeleton>
                <tag label="tag_label" source="manual">\(quality)</tag>
              </image>

            """
        }
        return RuleExample.document(meta: meta, body: body)
    }
}

@Suite("Image headers")
struct ImageHeaderTests {
    static func bytes(_ hex: String) -> [UInt8] {
        stride(from: 0, to: hex.count, by: 2).map { offset in
            let start = hex.index(hex.startIndex, offsetBy: offset)
            return UInt8(hex[start..<hex.index(start, offsetBy: 2)], radix: 16) ?? 0
        }
    }

    @Test("PNG from a real fixture file")
    func png() throws {
        let data = try Data(contentsOf: Paths.fixtures.appendingPathComponent("task-images-every-shape/images/street.png"))
        #expect(ImageHeader.parse(Array(data)) == .image(format: "png", width: 64, height: 48))
    }

    @Test("Each format's size", arguments: [
        // JPEG: SOI, an APP0 segment, then SOF0 with height 480 and width 640.
        ("ffd8ffe000104a46494600010100000100010000ffc000110801e0028003012200021101031101", "jpeg", 640, 480),
        ("474946383961" + "4001" + "f000", "gif", 320, 240),
        ("424d" + String(repeating: "00", count: 16) + "20000000" + "f0ffffff", "bmp", 32, 16),
        ("52494646" + "00000000" + "57454250" + "56503858" + String(repeating: "00", count: 8) + "3f0000" + "1f0000", "webp", 64, 32),
        ("49492a00" + "08000000" + "0200" + "000103000100000080000000" + "010103000100000040000000", "tiff", 128, 64),
        ("4d4d002a" + "00000008" + "0002" + "010000030001000000800000" + "010100030001000000400000", "tiff", 128, 64),
    ])
    func formats(hex: String, format: String, width: Int, height: Int) {
        #expect(ImageHeader.parse(Self.bytes(hex)) == .image(format: format, width: width, height: height))
    }

    @Test("Not an image, or a header cut short")
    func odd() {
        #expect(ImageHeader.parse(Array("hello, world".utf8)) == .notImage)
        #expect(ImageHeader.parse([]) == .notImage)
        #expect(ImageHeader.parse([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0]) == .needMore(format: "png", bytes: 24))
        if case .image = ImageHeader.parse([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10]) { Issue.record("a cut JPEG has no size") }
    }
}

@Suite("Fixed-memory helpers and byte-level parsers")
struct HelperTests {
    @Test("Duplicate keys are found exactly across spilled runs")
    func spilling() {
        let finder = SpillingDuplicateFinder(bufferLimit: 16)
        for index in 0..<500 { finder.add(UInt64(index % 400), at: SourceLocation(line: index + 1, column: 1)) }
        let result = finder.duplicates()
        #expect(result.count == 100)
        #expect(result.earliest?.repeat.line == 401)
        #expect(result.earliest?.first.line == 1)
        let clean = SpillingDuplicateFinder(bufferLimit: 16)
        for index in 0..<100 { clean.add(UInt64(index), at: SourceLocation(line: index, column: 1)) }
        #expect(clean.duplicates().count == 0)
    }

    @Test("The bit set says when a value comes back")
    func bitSet() {
        var set = IntegerBitSet()
        #expect(set.insert(5) && set.insert(1_000_000) && set.insert(-3))
        #expect(!set.insert(5) && !set.insert(1_000_000) && !set.insert(-3))
        #expect(set.insert(Int.max) && !set.insert(Int.max))
    }

    @Test("Points parse like CVAT's float() splitting", arguments: [
        ("1,2;3.5,4", [Point(x: 1, y: 2), Point(x: 3.5, y: 4)]),
        (" 1 , 2 ; 3,4 ", [Point(x: 1, y: 2), Point(x: 3, y: 4)]),
        ("-1e2,+.5", [Point(x: -100, y: 0.5)]),
    ])
    func points(text: String, expected: [Point]) {
        #expect(parsePoints(text) == expected)
    }

    /// parseNumber reads plain decimals itself; they must come out bit for bit as the C library reads them.
    @Test("Plain decimals read exactly as strtod reads them")
    func decimals() {
        var generator = SeededGenerator(seed: 7)
        var texts = ["0", "-0", "+7", ".5", "5.", "-.25", "0.1", "0.3", "123456789012345", "1234567890123456",
                     "0.000000000000000000001", "0.0000000000000000000001", "9007199254740993", "1e3", "2.5E-3",
                     "00000000000000000001.5", "179769313486231570000000", "1.2.3", "0x1A", "1_000", "--1", "", "."]
        for _ in 0..<20_000 {
            let integer = String(generator.next() % 100_000_000)
            let fraction = String(generator.next() % 10_000_000_000_000).prefix(Int(generator.next() % 14))
            let sign = ["", "-", "+"][Int(generator.next() % 3)]
            texts.append(sign + integer + (fraction.isEmpty ? "" : "." + fraction))
        }
        for text in texts {
            let expected = Double(text)
            let read = parseNumber(text)
            #expect(read?.bitPattern == expected?.bitPattern, "\(text): \(String(describing: read)) vs \(String(describing: expected))")
            let points = parsePoints("\(text),1")
            #expect(points?.first?.x.bitPattern == (text.contains(where: { $0 == "x" || $0 == "_" }) ? nil : expected?.bitPattern),
                    "points \(text)")
        }
    }

    /// The fast reader must itself take the plain decimals (a fallback would hide it failing) and leave
    /// to strtod what it cannot read exactly.
    @Test("The decimal reader takes plain decimals and leaves the rest")
    func decimalReader() throws {
        func read(_ text: String) -> (Double, Int)? {
            Array(text.utf8).withUnsafeBufferPointer { DecimalReader.read($0) }.map { ($0.value, $0.length) }
        }
        #expect(try #require(read("12.50")) == (12.5, 5))
        #expect(try #require(read("-3,4")) == (-3, 2))
        #expect(try #require(read(".5;")) == (0.5, 2))
        #expect(try #require(read("-0")).0.sign == .minus)
        #expect(try #require(read("123456789012345")) == (123456789012345, 15))
        for text in ["1e3", "2.5E-3", "1234567890123456", "0.00000000000000000000001", "", ".", "-", "abc"] {
            #expect(read(text) == nil, "\(text)")
        }
    }

    @Test("Malformed points are refused", arguments: ["1,2;", "1,2;3", "1;2", "", "1,2,3", "a,b", "0x10,1", "1 2,3"])
    func badPoints(text: String) {
        #expect(parsePoints(text) == nil)
    }
}
