@testable import CVATLint
import Foundation
import Testing

@Suite("Start tags edited in place")
struct StartTagEditTests {
    static func edited(_ tag: String, _ edit: StartTagEdit) -> String? {
        edit.apply(to: ArraySlice(Array(tag.utf8))).map(\.string)
    }

    @Test("Fields leave with the space before them; the label is renamed, escaped; the rest is the input's bytes")
    func edits() {
        let tag = "<box label='car' source=\"manual\"\n      occluded = \"0\" xtl=\"1.0\" note=\"a &amp; b\" z_order=\"0\">"
        #expect(Self.edited(tag, StartTagEdit(removing: ["occluded", "z_order", "source"]))
            == "<box label='car' xtl=\"1.0\" note=\"a &amp; b\">")
        #expect(Self.edited(tag, StartTagEdit(removing: ["source"], label: "car \"big\" & <fast>"))
            == "<box label=\"car &quot;big&quot; &amp; &lt;fast&gt;\"\n      occluded = \"0\" xtl=\"1.0\" note=\"a &amp; b\" z_order=\"0\">")
        #expect(Self.edited("<tag label=\"w\" source=\"auto\"/>", StartTagEdit(removing: ["source"])) == "<tag label=\"w\"/>")
        // A name that only begins like a removed one stays.
        #expect(Self.edited("<box occluded_by=\"x\" occluded=\"1\">", StartTagEdit(removing: ["occluded"])) == "<box occluded_by=\"x\">")
    }

    @Test("Bytes that are not one start tag, or lack the label to rename, give nil (the shape is written anew)")
    func refuses() {
        for tag in ["box label=\"a\">", "<box label=\"a\"", "<box label=\"a>", "<box label=\"a\"x=\"1\">", "<box =\"1\">",
                    "<box label=\"a\"> trailing", "<box label>"] {
            #expect(Self.edited(tag, StartTagEdit(removing: ["x"])) == nil, "\(tag)")
        }
        #expect(Self.edited("<box xtl=\"1\">", StartTagEdit(label: "b")) == nil)
    }

    @Test("apply edits only the start tag of a shape that loses fields: its children keep their bytes")
    func childrenKeepTheirBytes() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let fixture = Paths.fixture("task-images-every-shape") + "/annotations.xml"
        let original = try String(contentsOfFile: fixture, encoding: .utf8)
        // Children as no CVAT writes them: another indentation, an entity for a character CVAT writes raw.
        let odd = "\n          <attribute name=\"parked\">false</attribute>\n<attribute name=\"color\">&#114;ed</attribute>\n    </box>"
        let input = original.replacingOccurrences(
            of: "\n      <attribute name=\"parked\">false</attribute>\n      <attribute name=\"color\">red</attribute>\n    </box>",
            with: odd)
        #expect(input != original)
        let path = directory.appendingPathComponent("in.xml").path
        try input.write(toFile: path, atomically: true, encoding: .utf8)
        let (result, out) = try ApplyTests.apply(path, target: "encord", options: ApplyOptions(allowLoss: true), into: directory)
        #expect(result.refusals.isEmpty, "\(result.refusals)")
        let xml = try String(contentsOf: out.appendingPathComponent("annotations.xml"), encoding: .utf8)
        #expect(xml.contains("<box label=\"car (bounding box)\" xtl=\"1.00\" ytl=\"2.00\" xbr=\"20.00\" ybr=\"12.00\">" + odd))
    }
}
