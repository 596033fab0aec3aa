import CVATLint
import CVATLintRules
import Foundation
import Testing

/// A throwaway export folder: an annotations.xml and media files of chosen pixel sizes.
struct ExportBuilder {
    let root: URL

    init(xml: String, media: [String: (width: Int, height: Int)] = [:], withImagesFolder: Bool = true) throws {
        root = try Paths.temporaryDirectory()
        try xml.write(to: root.appendingPathComponent("annotations.xml"), atomically: true, encoding: .utf8)
        if withImagesFolder || !media.isEmpty {
            try FileManager.default.createDirectory(at: root.appendingPathComponent("images"), withIntermediateDirectories: true)
        }
        for (name, size) in media { try write(png(width: size.width, height: size.height), to: "images/" + name) }
    }

    /// Writes bytes at a path inside the export, making its folders.
    func write(_ bytes: [UInt8], to path: String) throws {
        let url = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
    }

    var path: String { root.path }

    func remove() { try? FileManager.default.removeItem(at: root) }
}

/// The first bytes of a PNG of this size (signature and IHDR: all a header reader looks at).
func png(width: Int, height: Int) -> [UInt8] {
    func be32(_ value: Int) -> [UInt8] { [24, 16, 8, 0].map { UInt8((value >> $0) & 0xFF) } }
    return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + be32(13) + Array("IHDR".utf8) + be32(width) + be32(height)
        + [8, 2, 0, 0, 0] + [0, 0, 0, 0]
}

@Suite("Genuine CVAT output: escaped characters")
struct EscapedCharacterTests {
    /// Names written as CVAT escapes them, with the text they stand for.
    static let names: [(written: String, text: String)] = [
        ("Name&amp;surname", "Name&surname"),
        ("a &lt;b&gt; &quot;c&quot; &apos;d&apos;", "a <b> \"c\" 'd'"),
        ("caf&#233;", "café"),
        ("&#x4E2D;&#x6587;", "中文"),
    ]

    @Test("Labels, sublabels, attribute names and values, and image names compare as decoded text",
          arguments: names.indices)
    func decodedEverywhere(index: Int) throws {
        let (written, text) = Self.names[index]
        let meta = """
            <task><id>1</id><name>t</name><size>1</size><mode>annotation</mode><labels>
              <label><name>\(written)</name><type>any</type><attributes>
                <attribute><name>\(written)</name><mutable>False</mutable><input_type>select</input_type>
                  <default_value>\(written)</default_value><values>\(written)\nother</values></attribute>
              </attributes></label>
              <label><name>\(written)</name><type>points</type><attributes></attributes><parent>skel \(written)</parent></label>
              <label><name>skel \(written)</name><type>skeleton</type><attributes></attributes></label>
            </labels></task>
            """
        let xml = RuleExample.document(meta: meta, body: """
              <image id="0" name="\(written).png" width="10" height="10">
                <box label="\(written)" source="manual" occluded="0" xtl="1.00" ytl="1.00" xbr="5.00" ybr="5.00" z_order="0">
                  <attribute name="\(written)">\(written)</attribute>
                </box>
                <skeleton label="skel \(written)" source="manual" z_order="0">
                  <points label="\(written)" source="manual" outside="0" occluded="0" points="2.00,2.00"></points>
                </skeleton>
                <tag label="\(written)" source="manual">
                  <attribute name="\(written)">\(written)</attribute>
                </tag>
              </image>

            """)
        let export = try ExportBuilder(xml: xml, media: ["\(text).png": (10, 10)])
        defer { export.remove() }
        let report = try Shared.report(export.path, target: "cvat")
        let problems = report.findings.filter { $0.severity != .info && $0.rule != "label-type-mismatch" }
        #expect(problems.isEmpty, "\(problems.map { "\($0.rule): \($0.message)" })")
        // A message prints the decoded text, never a reference.
        let missing = try ExportBuilder(xml: xml, media: ["other.png": (10, 10)])
        defer { missing.remove() }
        let messages = try Shared.report(missing.path, target: "cvat").findings.map(\.message)
        #expect(messages.contains { $0.contains("'\(text).png' has no file") }, "\(messages)")
        #expect(!messages.contains { $0.contains("&#") || $0.contains("&amp;") })
    }
}
