import CVATLint
import Foundation
import Testing

/// Values CVAT's project import and Datumaro's reader read as Python numbers and booleans: the rule
/// `attribute-value-retyped` beside what Datumaro's reader (the same reading as CVAT's project import, whose
/// bindings then store `str()` of it) really makes of them.
@Suite("Attribute values read as numbers or booleans")
struct AttributeRetypingTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        /// `<attribute>` specs of the label `car` (name, input type, values), replacing the fixture's.
        var specs: [(String, String, [String])]
        /// Values of the fixture's box of `car`.
        var values: [(String, String)]
        /// Specs of the label `person`, which comes after `car`.
        var personSpecs: [(String, String, [String])] = []
        /// Specs of a second label named `car`, declared last (nil: none).
        var carAgainSpecs: [(String, String, [String])]? = nil
        /// Specs of the skeleton label `pose`, and shapes written after the box.
        var poseSpecs: [(String, String, [String])] = []
        var after = ""
        /// Issue types of the rule for CVAT and for Datumaro, with their severities.
        var cvat: [String: Severity]
        var datumaro: [String: Severity]
        /// What Datumaro's reader types: attribute name → Python spelling → count.
        var typed: [String: [String: Int]]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "a select option that reads as a number", specs: [("color", "select", ["red", "1", "2"])], values: [("color", "1")],
             cvat: ["attribute_value_retyped": .warning], datumaro: ["attribute_value_retyped": .info], typed: ["color": ["1.0": 1]]),
        Case(name: "an option spelled as Python spells the number", specs: [("color", "select", ["1.0", "2.0"])], values: [("color", "1.0")],
             cvat: [:], datumaro: [:], typed: ["color": ["1.0": 1]]),
        Case(name: "a text that reads as a boolean", specs: [("note", "text", [""])], values: [("note", "true")],
             cvat: ["attribute_value_retyped": .warning], datumaro: ["attribute_value_retyped": .info], typed: ["note": ["True": 1]]),
        Case(name: "a text that looks like a number stays text", specs: [("note", "text", [""])], values: [("note", "12")],
             cvat: [:], datumaro: [:], typed: [:]),
        Case(name: "a checkbox is read as a boolean and stored lowercase again", specs: [("parked", "checkbox", ["false"])],
             values: [("parked", "true")], cvat: [:], datumaro: [:], typed: ["parked": ["True": 1]]),
        Case(name: "a whole number gets a decimal", specs: [("speed", "number", ["0", "100", "1"])], values: [("speed", " 30")],
             cvat: ["attribute_number_respelled": .info], datumaro: [:], typed: ["speed": ["30.0": 1]]),
        Case(name: "the last label declaring a name decides its type", specs: [("color", "select", ["red", "1"])], values: [("color", "1")],
             personSpecs: [("color", "text", [""])], cvat: [:], datumaro: [:], typed: [:]),
        Case(name: "a label declared again takes the later specs", specs: [("color", "select", ["red", "1"])],
             values: [("color", "1")], carAgainSpecs: [("color", "text", [""])], cvat: [:], datumaro: [:], typed: [:]),
        Case(name: "a label declared again keeps its first place", specs: [("color", "select", ["red", "1"])],
             values: [("color", "1")], personSpecs: [("color", "select", ["red", "1"])], carAgainSpecs: [("color", "text", [""])],
             cvat: ["attribute_value_retyped": .warning], datumaro: ["attribute_value_retyped": .info], typed: ["color": ["1.0": 1]]),
        Case(name: "an undeclared attribute that reads as a boolean", specs: [("color", "select", ["red", "blue"])],
             values: [("color", "red"), ("seen", "false")],
             cvat: ["attribute_value_retyped": .warning], datumaro: ["attribute_value_retyped": .info], typed: ["seen": ["False": 1]]),
        Case(name: "an attribute named like the occluded flag, which both imports write over it",
             specs: [("occluded", "select", ["yes", "1"])], values: [("occluded", "1")], cvat: [:], datumaro: [:], typed: [:]),
        Case(name: "a skeleton's own value: Datumaro keeps none, CVAT's project import retypes it",
             specs: [("color", "select", ["red", "blue"])], values: [("color", "red")], poseSpecs: [("kind", "radio", ["1", "2"])],
             after: #"<skeleton label="pose" source="manual" z_order="0"><points label="head" source="manual" outside="0" occluded="0" points="3.00,4.00"></points><points label="hand" source="manual" outside="0" occluded="0" points="5.00,6.00"></points><attribute name="kind">2</attribute></skeleton>"#,
             cvat: ["attribute_value_retyped": .warning], datumaro: [:], typed: [:]),
    ]

    /// The fixture's project export with `car`'s (and `person`'s) specs and the box's values replaced.
    static func export(_ example: Case, in directory: URL) throws -> URL {
        func specs(_ list: [(String, String, [String])]) -> String {
            list.map { name, type, values in
                "<attribute><name>\(name)</name><mutable>False</mutable><input_type>\(type)</input_type>"
                    + "<default_value>\(values[0])</default_value><values>\(values.joined(separator: "\n"))</values></attribute>"
            }.joined()
        }
        return try Paths.editedFixtureCopy("project-images-subsets", in: directory) { xml in
            var xml = xml
            let carSpecs = try #require(xml.range(of: #"(?s)<attributes>\s*<attribute>.*?</attributes>"#, options: .regularExpression))
            xml.replaceSubrange(carSpecs, with: "<attributes>" + specs(example.specs) + "</attributes>")
            let personSpecs = try #require(xml.range(of: "(?s)<name>person</name>.*?<attributes>", options: .regularExpression))
            xml.replaceSubrange(personSpecs, with: xml[personSpecs] + specs(example.personSpecs))
            let poseSpecs = try #require(xml.range(of: "(?s)<name>pose</name>.*?<attributes>", options: .regularExpression))
            xml.replaceSubrange(poseSpecs, with: xml[poseSpecs] + specs(example.poseSpecs))
            if let again = example.carAgainSpecs {
                let end = try #require(xml.range(of: "</labels>"))
                xml.replaceSubrange(end, with: "<label><name>car</name><type>any</type><attributes>\(specs(again))</attributes></label></labels>")
            }
            let values = try #require(xml.range(of: #"(?s)<attribute name="parked">.*?<attribute name="color">[^<]*</attribute>"#, options: .regularExpression))
            xml.replaceSubrange(values, with: example.values.map { #"<attribute name="\#($0.0)">\#($0.1)</attribute>"# }.joined())
            let box = try #require(xml.range(of: "</box>"))
            xml.replaceSubrange(box, with: "</box>" + example.after)
            return xml
        }
    }

    /// The rule's findings for `target`, by issue type.
    static func retypings(_ export: URL, target: String) throws -> [String: Severity] {
        let findings = try Shared.report(export.path, target: target).findings.filter { $0.rule == "attribute-value-retyped" }
        return Dictionary(findings.map { ($0.issueType, $0.severity) }, uniquingKeysWith: { first, _ in first })
    }

    @Test("Found for CVAT's project import and Datumaro where the reading changes the text; never for Encord", arguments: cases)
    func retyped(_ example: Case) throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let export = try Self.export(example, in: directory)
        #expect(try Self.retypings(export, target: "cvat") == example.cvat)
        #expect(try Self.retypings(export, target: "datumaro") == example.datumaro)
        #expect(try Self.retypings(export, target: "encord").isEmpty)
    }

    @Test("The finding says what the import reads and keeps, and whether that is still an option", arguments: [
        ("1", "'1' as a number and keeps '1.0', which is not one of its values"), ("007", "'007' as a number and keeps '7.0', which"),
        ("1e3", "'1e3' as a number and keeps '1000.0', which"), ("true", "'true' as a boolean and keeps 'True', which"),
    ])
    func message(value: String, says: String) throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let example = Case(name: value, specs: [("color", "select", ["red", "1", "7"])], values: [("color", value)], cvat: [:], datumaro: [:], typed: [:])
        let finding = try #require(try Shared.report(try Self.export(example, in: directory).path, target: "cvat").findings
            .first { $0.issueType == "attribute_value_retyped" })
        #expect(finding.message.contains("attribute 'color' (select): CVAT reads \(says)"), "\(finding.message)")
    }

    @Test("Datumaro's reader types exactly those values", .enabled(if: DatumaroReader.available, "`pip install datumaro` to run this"),
          arguments: cases)
    func datumaroTypes(_ example: Case) throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let outcome = try DatumaroReader.run(on: try Self.export(example, in: directory).path)
        #expect(outcome.error == nil, "\(outcome.cause ?? "")")
        #expect(outcome.typed ?? [:] == example.typed)
    }

    @Test("The task import keeps every value as written: no finding for CVAT in a task export")
    func taskExport() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let export = try Paths.editedFixtureCopy("task-images-every-shape", in: directory) { xml in
            xml.replacingOccurrences(of: #"<attribute name="color">red</attribute>"#, with: #"<attribute name="color">true</attribute>"#)
        }
        #expect(try Self.retypings(export, target: "cvat").isEmpty)
        #expect(try Self.retypings(export, target: "datumaro") == ["attribute_value_retyped": .info])
    }

    /// Each text with what Python 3.11 makes of it: `str(float(text))`, nil where `float()` raises.
    static let floats: [(String, String?)] = [
        ("1", "1.0"), ("1.0", "1.0"), ("1.5", "1.5"), ("-0", "-0.0"), ("0", "0.0"), ("007", "7.0"), ("1e3", "1000.0"),
        ("1E3", "1000.0"), ("1e-5", "1e-05"), ("1e16", "1e+16"), ("1e15", "1000000000000000.0"),
        ("9999999999999998", "9999999999999998.0"), ("12345678901234567", "1.2345678901234568e+16"), ("0.0001", "0.0001"),
        ("0.00001", "1e-05"), ("123.456", "123.456"), (" 2 ", "2.0"), ("\t3\n", "3.0"), ("1_000", "1000.0"),
        ("1_000.5", "1000.5"), ("1__0", nil), ("_1", nil), ("1_", nil), ("1._5", nil), ("1_.5", nil), ("1e_5", nil),
        ("1e5_0", "1e+50"), (".5", "0.5"), ("5.", "5.0"), (".", nil), ("e5", nil), ("1e", nil), ("1e+", nil), ("+1.5", "1.5"),
        ("+-1", nil), ("inf", "inf"), ("-Infinity", "-inf"), ("INF", "inf"), ("nan", "nan"), ("-nan", "nan"), ("NaN", "nan"),
        ("infinity1", nil), ("0x10", nil), ("1,5", nil), ("\u{0661}\u{0662}", "12.0"), ("\u{0663}.\u{0665}", "3.5"),
        ("\u{00a0}3", "3.0"), ("\u{001c}4", nil), ("\u{3000}4", "4.0"), ("1 2", nil), ("abc", nil), ("", nil), ("true", nil),
        ("1.10", "1.1"), ("2.5e-308", "2.5e-308"), ("1e308", "1e+308"), ("1e309", "inf"), ("-1e-400", "-0.0"), ("100", "100.0"),
        ("1.23e+20", "1.23e+20"), ("0.30000000000000004", "0.30000000000000004"), ("5e-324", "5e-324"),
        ("1.7976931348623157e308", "1.7976931348623157e+308"), ("1e22", "1e+22"),
        ("123456789012345678901234567890", "1.2345678901234568e+29"),
    ]

    @Test("A value is read as Python's float() reads it and kept as str() spells it", arguments: floats)
    func float(_ text: String, _ kept: String?) {
        #expect(PythonNumberText.float(text).map(PythonNumberText.string) == kept)
        #expect(PythonNumberText.floatSpelling(text) == kept, "the short way to the same spelling")
    }

    /// Each text with what Python 3.11's `int()` makes of it: Datumaro reads a frame size so.
    static let wholeNumbers: [(String, Bool)] = [
        ("64", true), (" 64\n", true), ("+5", true), ("-3", true), ("1_000", true), ("\u{A0}64", true), ("٣", true), ("٣_٤", true),
        ("1__0", false), ("_1", false), ("1_", false), ("64.0", false), ("", false), ("6 4", false), ("0x10", false),
        ("−3", false), ("1e3", false), ("  ", false), ("+", false), ("\u{1C}4", false),
    ]

    @Test("A width or height is read as Python's int() reads it", arguments: wholeNumbers)
    func wholeNumber(_ text: String, _ readable: Bool) {
        #expect(PythonNumberText.isWholeNumber(text) == readable)
    }
}
