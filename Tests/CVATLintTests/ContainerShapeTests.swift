@testable import CVATLint
import Foundation
import Testing
import ZIPFoundation

@Suite("Exports in odd containers")
struct ContainerShapeTests {
    /// A zip with these entries: files with text, or symbolic links to a target path.
    static func zip(_ entries: [(path: String, text: String?, link: String?)], in directory: URL) throws -> URL {
        let url = directory.appendingPathComponent("export-\(UUID().uuidString).zip")
        let archive = try Archive(url: url, accessMode: .create)
        for entry in entries {
            let data = Data((entry.link ?? entry.text ?? "").utf8)
            try archive.addEntry(with: entry.path, type: entry.link == nil ? .file : .symlink,
                                 uncompressedSize: Int64(data.count), compressionMethod: .none) { position, size in
                data.subdata(in: Data.Index(position)..<Data.Index(position) + size)
            }
        }
        return url
    }

    static let xml = RuleExample.document(meta: "", body: RuleExample.imageElement(""))

    @Test("A zip holding two export folders is refused (exit 2) naming both, never linted as one")
    func twoExports() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = try Self.zip([("task_a/annotations.xml", Self.xml, nil), ("task_b/annotations.xml", Self.xml, nil)], in: directory)
        let result = try runTool(["check", url.path])
        #expect(result.status == 2)
        #expect(result.stderr.contains("2 exports (task_a, task_b)"), "\(result.stderr)")
    }

    @Test("A symbolic-link annotations.xml in a zip is called a link and refused")
    func linkedAnnotations() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = try Self.zip([("annotations.xml", nil, "/etc/passwd")], in: directory)
        let result = try runTool(["check", url.path])
        #expect(result.status == 2)
        #expect(result.stderr.contains("symbolic link") && !result.stderr.contains("directory"), "\(result.stderr)")
    }

    @Test("images/ as a symbolic link is an export finding, and it is never followed")
    func linkedImagesFolder() throws {
        let export = try ExportBuilder(xml: Self.xml, withImagesFolder: false)
        defer { export.remove() }
        let elsewhere = try ExportBuilder(xml: Self.xml, media: ["a.jpg": (10, 10)])
        defer { elsewhere.remove() }
        try FileManager.default.createSymbolicLink(atPath: export.path + "/images", withDestinationPath: elsewhere.path + "/images")
        let report = try Shared.report(export.path, target: "encord")
        let link = try #require(report.findings.first { $0.rule == "export" }, "\(report.findings.map(\.message))")
        #expect(link.issueType == "media_symlink" && link.message.contains("images/ is a symbolic link"))
        #expect(!report.findings.contains { $0.rule == "media-header" }, "nothing behind the link is read")
    }
}
