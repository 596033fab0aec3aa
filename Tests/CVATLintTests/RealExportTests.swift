@testable import CVATLint
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

@Suite("Genuine CVAT output: image formats and EXIF orientation")
struct ImageFormatTests {
    static func be32(_ value: Int) -> [UInt8] { [24, 16, 8, 0].map { UInt8((value >> $0) & 0xFF) } }
    static func box(_ type: String, _ payload: [UInt8]) -> [UInt8] { be32(8 + payload.count) + Array(type.utf8) + payload }

    /// An ISO-BMFF image: ftyp with `brand`, then meta/iprp/ipco holding a thumbnail's and the image's ispe.
    static func isoImage(brand: String, width: Int, height: Int, quarterTurns: UInt8? = nil) -> [UInt8] {
        let ftyp = box("ftyp", Array(brand.utf8) + be32(0) + Array("mif1".utf8) + Array(brand.utf8))
        let thumbnail = box("ispe", be32(0) + be32(160) + be32(120))
        let ispe = box("ispe", be32(0) + be32(width) + be32(height))
        let irot = quarterTurns.map { box("irot", [$0]) } ?? []
        let handler = box("hdlr", be32(0) + be32(0) + Array("pict".utf8) + [UInt8](repeating: 0, count: 13))
        let meta = box("meta", be32(0) + handler + box("iprp", box("ipco", thumbnail + ispe + irot)))
        return ftyp + meta + box("mdat", [UInt8](repeating: 0, count: 64))
    }

    /// A JPEG with an EXIF APP1 block giving `orientation`, then a frame of `width` × `height`.
    static func jpeg(width: Int, height: Int, orientation: Int, bigEndian: Bool) -> [UInt8] {
        func u16(_ value: Int) -> [UInt8] { bigEndian ? [UInt8(value >> 8), UInt8(value & 0xFF)] : [UInt8(value & 0xFF), UInt8(value >> 8)] }
        func u32(_ value: Int) -> [UInt8] { bigEndian ? be32(value) : Array(be32(value).reversed()) }
        let tiff = (bigEndian ? [0x4D, 0x4D] : [0x49, 0x49]) + u16(42) + u32(8) + u16(1)
            + u16(274) + u16(3) + u32(1) + u16(orientation) + [0, 0] + u32(0)
        let exif: [UInt8] = [0x45, 0x78, 0x69, 0x66, 0, 0] + tiff
        let app1: [UInt8] = [0xFF, 0xE1, UInt8((exif.count + 2) >> 8), UInt8((exif.count + 2) & 0xFF)] + exif
        let sof: [UInt8] = [0xFF, 0xC0, 0x00, 0x11, 0x08, UInt8(height >> 8), UInt8(height & 0xFF), UInt8(width >> 8), UInt8(width & 0xFF),
                            0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01]
        return [0xFF, 0xD8] + app1 + sof
    }

    @Test("AVIF and HEIF: the primary image's ispe, and a quarter-turn irot", arguments: [
        ("avif", "avif", nil as UInt8?), ("avis", "avif", nil), ("heic", "heif", nil), ("mif1", "heif", 1), ("heic", "heif", 2),
    ])
    func isoMedia(brand: String, format: String, quarterTurns: UInt8?) {
        let header = ImageHeader.parse(Self.isoImage(brand: brand, width: 4032, height: 3024, quarterTurns: quarterTurns))
        #expect(header == .image(format: format, width: 4032, height: 3024, orientation: quarterTurns == 1 ? 6 : 1))
    }

    @Test("JPEG and TIFF carry their EXIF orientation; 5–8 are shown transposed", arguments: [1, 3, 5, 6, 8])
    func exifOrientation(orientation: Int) {
        for bigEndian in [true, false] {
            let header = ImageHeader.parse(Self.jpeg(width: 640, height: 480, orientation: orientation, bigEndian: bigEndian))
            #expect(header == .image(format: "jpeg", width: 640, height: 480, orientation: orientation))
            let shown = orientation > 4 ? (480, 640) : (640, 480)
            #expect(header.displayedSize.map { [$0.width, $0.height] } == [shown.0, shown.1])
        }
        let tiff = ImageCatalogueBytes.tiff(width: 128, height: 64, orientation: orientation)
        #expect(ImageHeader.parse(tiff) == .image(format: "tiff", width: 128, height: 64, orientation: orientation))
    }

    static func export(_ files: [String: [UInt8]], declared: (Int, Int)) throws -> ExportBuilder {
        var body = ""
        for (index, name) in files.keys.sorted().enumerated() {
            body += "  <image id=\"\(index)\" name=\"\(name)\" width=\"\(declared.0)\" height=\"\(declared.1)\">\n  </image>\n"
        }
        let builder = try ExportBuilder(xml: RuleExample.document(meta: RuleExample.task(labels: ["car"]), body: body))
        for (name, bytes) in files { try builder.write(bytes, to: "images/" + name) }
        return builder
    }

    @Test("media-header takes AVIF and HEIC, and knows CVAT declares EXIF-rotated images transposed")
    func mediaHeaderRule() throws {
        let matching = try Self.export([
            "a.avif": Self.isoImage(brand: "avif", width: 640, height: 480),
            "b.heic": Self.isoImage(brand: "heic", width: 640, height: 480),
            "c.jpg": Self.jpeg(width: 480, height: 640, orientation: 6, bigEndian: true),
        ], declared: (640, 480))
        defer { matching.remove() }
        let clean = try Shared.report(matching.path).findings.filter { $0.rule == "media-header" }
        #expect(clean.isEmpty, "\(clean.map(\.message))")

        let stored = try Self.export(["c.jpg": Self.jpeg(width: 640, height: 480, orientation: 6, bigEndian: false)],
                                     declared: (640, 480))
        defer { stored.remove() }
        let rotated = try Shared.report(stored.path).findings.filter { $0.rule == "media-header" }
        #expect(rotated.count == 1)
        #expect(rotated.first?.message.contains("rotated by EXIF (orientation 6)") == true, "\(rotated.map(\.message))")
        #expect(rotated.first?.message.contains("swapped") == false)
    }
}

/// Byte images of formats the header tests build by hand.
enum ImageCatalogueBytes {
    /// A little-endian TIFF whose first directory holds width, height and orientation.
    static func tiff(width: Int, height: Int, orientation: Int) -> [UInt8] {
        func u16(_ value: Int) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8)] }
        func entry(_ tag: Int, _ value: Int) -> [UInt8] { u16(tag) + u16(3) + [1, 0, 0, 0] + u16(value) + [0, 0] }
        return [0x49, 0x49, 0x2A, 0x00, 0x08, 0x00, 0x00, 0x00] + u16(3) + entry(256, width) + entry(257, height)
            + entry(274, orientation) + [0, 0, 0, 0]
    }
}

@Suite("Severities follow what each importer does")
struct TargetSeverityTests {
    @Test("A select value outside its list: CVAT stores it (a warning, saying so); an error for Encord")
    func valueOutsideList() throws {
        let xml = RuleExample.document(meta: RuleExample.task(labels: ["car:select:color:red|blue"]), body: RuleExample.imageElement(
            #"<box label="car" xtl="1" ytl="1" xbr="5" ybr="5"><attribute name="color">green</attribute></box>"#))
        let export = try ExportBuilder(xml: xml, media: ["a.jpg": (10, 10)])
        defer { export.remove() }
        let cvat = try #require(try Shared.report(export.path, target: "cvat").findings.first { $0.rule == "attribute-value" })
        #expect(cvat.severity == .warning && cvat.issueType == "attribute_value_not_in_list")
        #expect(cvat.message.contains("CVAT stores it as written"))
        let encord = try #require(try Shared.report(export.path, target: "encord").findings.first { $0.rule == "attribute-value" })
        #expect(encord.severity == .error && !encord.message.contains("CVAT stores"))
    }

    @Test("A declared size that differs from the pixels: CVAT's import never reads it (a warning saying what breaks)")
    func sizeMismatch() throws {
        let export = try ExportBuilder(xml: RuleExample.document(meta: RuleExample.task(labels: ["car"]),
                                                                 body: RuleExample.imageElement("")), media: ["a.jpg": (20, 10)])
        defer { export.remove() }
        let cvat = try #require(try Shared.report(export.path, target: "cvat").findings.first { $0.rule == "media-header" })
        #expect(cvat.severity == .warning && cvat.message.contains("ignores the declared size"))
        let encord = try #require(try Shared.report(export.path, target: "encord").findings.first { $0.rule == "media-header" })
        #expect(encord.severity == .error)
    }
}

@Suite("Misses that lose data silently")
struct SilentLossTests {
    @Test("Names that differ only in their extension (corpus 027): an error for CVAT, with both names and ids", .needsSharedData)
    func extensionTwins() throws {
        let report = try Shared.report(Paths.corpus.appendingPathComponent("027").path, target: "cvat")
        let twins = report.findings.filter { $0.issueType == "image_name_differs_only_in_extension" }
        #expect(twins.count == 1)
        #expect(twins.first?.severity == .error)
        #expect(twins.first?.message.contains("'image.jpeg' (id 60") == true && twins.first?.message.contains("'image.jpg' (id 61)") == true,
                "\(twins.map(\.message))")
    }

    @Test("Twins far apart in a long file are still found")
    func farApartTwins() throws {
        var body = "  <image id=\"0\" name=\"first.png\" width=\"10\" height=\"10\">\n  </image>\n"
        for index in 1...5000 { body += "  <image id=\"\(index)\" name=\"img\(index).jpg\" width=\"10\" height=\"10\">\n  </image>\n" }
        body += "  <image id=\"5001\" name=\"first.jpg\" width=\"10\" height=\"10\">\n  </image>\n"
        let export = try ExportBuilder(xml: RuleExample.document(meta: "", body: body), withImagesFolder: false)
        defer { export.remove() }
        let twins = try Shared.report(export.path + "/annotations.xml", target: "cvat").findings
            .filter { $0.issueType == "image_name_differs_only_in_extension" }
        #expect(twins.count == 1)
        #expect(twins.first?.message.contains("line 3") == true, "\(twins.map(\.message))")
    }
}

@Suite("Media names: normalisation, floods, collisions, project frames")
struct MediaNameTests {
    @Test("An NFC name whose file is NFD on disk matches only after normalisation, with a mapMediaName action")
    func unicodeNormalisation() throws {
        let composed = "caf\u{E9}.png"
        let decomposed = "cafe\u{301}.png"
        let xml = RuleExample.document(meta: RuleExample.task(labels: ["car"]), body: RuleExample.imageElement("", name: composed))
        let export = try ExportBuilder(xml: xml)
        defer { export.remove() }
        try export.write(png(width: 10, height: 10), to: "images/" + decomposed)
        let listed = try FileManager.default.contentsOfDirectory(atPath: export.path + "/images")
        try #require(listed.map { Array($0.utf8) } == [Array(decomposed.utf8)], "the file system keeps NFD bytes")
        for target in ["encord", "cvat"] {
            let findings = try Shared.report(export.path, target: target).findings.filter { $0.rule.hasPrefix("media") }
            let found = try #require(findings.first { $0.issueType == "media_name_normalization" }, "\(findings.map(\.message))")
            #expect(found.message.contains("NFD"))
            #expect(found.action == .mapMediaName(file: "images/" + decomposed, name: composed))
            #expect(!findings.contains { $0.issueType == "media_not_named" })
        }
    }

    @Test("500 frames named without their .PNG: one finding with a count and one action with the pattern")
    func oneFindingPerCause() throws {
        var body = ""
        var media: [String: (width: Int, height: Int)] = [:]
        for frame in 0..<500 {
            body += "  <image id=\"\(frame)\" name=\"\(frameName(frame))\" width=\"10\" height=\"10\">\n  </image>\n"
            media[frameName(frame) + ".PNG"] = (10, 10)
        }
        let export = try ExportBuilder(xml: RuleExample.document(meta: RuleExample.task(labels: ["car"]), body: body), media: media)
        defer { export.remove() }
        let report = try Shared.report(export.path, target: "encord")
        let mapped = report.findings.filter { $0.issueType == "media_name_needs_mapping" }
        #expect(mapped.count == 1)
        #expect(mapped.first?.count == 500 && mapped.first?.location.image == "frame_000000")
        #expect(mapped.first?.message.contains("and 499 more names alike") == true)
        let actions = report.plan.actions.filter {
            if case .mapMediaName = $0 { return true }
            if case .mapMediaNames = $0 { return true }
            return false
        }
        #expect(actions == [.mapMediaNames(from: "", to: ".PNG", normalization: nil, count: 500, example: "frame_000000")])
    }

    @Test("Name `a` with a.jpg and a.png: says which file a mapping picks and which is lost")
    func mappingCollision() throws {
        let xml = RuleExample.document(meta: RuleExample.task(labels: ["car"]), body: RuleExample.imageElement("", name: "a"))
        let export = try ExportBuilder(xml: xml, media: ["a.jpg": (10, 10), "a.png": (10, 10)])
        defer { export.remove() }
        let findings = try Shared.report(export.path, target: "encord").findings
        let ambiguous = try #require(findings.first { $0.issueType == "media_name_ambiguous" }, "\(findings.map(\.message))")
        #expect(ambiguous.message.contains("picks images/a.jpg") && ambiguous.message.contains("images/a.png is lost"))
        #expect(!findings.contains { $0.message.contains("has no file") })
        #expect(findings.contains { $0.issueType == "media_not_named" && $0.location.file == "images/a.png" })
    }

    @Test("A project video export: every frame of every task belongs to it, in its subset, after the task offset")
    func projectVideoFrames() throws {
        let task = { (id: Int, subset: String, size: Int) in
            "<task><id>\(id)</id><name>t\(id)</name><size>\(size)</size><mode>interpolation</mode><start_frame>0</start_frame>"
                + "<stop_frame>\(size - 1)</stop_frame><subset>\(subset)</subset></task>"
        }
        let meta = "<project><id>1</id><name>p</name><labels><label><name>car</name><attributes></attributes></label></labels>"
            + "<tasks>\(task(2, "Train", 3))\(task(1, "Train", 2))\(task(3, "", 2))</tasks></project>"
        let body = """
              <track id="0" label="car" source="manual" task_id="2" subset="Train">
                <box frame="3" keyframe="1" outside="0" occluded="0" xtl="1" ytl="1" xbr="2" ybr="2" z_order="0"></box>
              </track>

            """
        var media: [String: (width: Int, height: Int)] = [:]
        for frame in 0..<5 { media["Train/\(frameName(frame)).PNG"] = (10, 10) }
        for frame in 0..<2 { media["default/\(frameName(frame)).PNG"] = (10, 10) }
        let export = try ExportBuilder(xml: RuleExample.document(meta: meta, body: body), media: media)
        defer { export.remove() }
        let findings = try Shared.report(export.path, target: "cvat").findings.filter { $0.rule == "media-unnamed" }
        #expect(findings.isEmpty, "\(findings.map(\.message))")
    }
}
