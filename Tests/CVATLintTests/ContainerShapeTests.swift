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

    @Test("A zip made on Windows, '\\' between its folders: its media are read under images/, a warning says why, apply writes '/'")
    func backslashEntries() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("windows.zip")
        let archive = try Archive(url: url, accessMode: .create)
        let image = Data(png(width: 10, height: 10))
        for (path, data) in [("annotations.xml", Data(Self.xml.replacingOccurrences(of: "a.jpg", with: "a.png").utf8)),
                             ("images\\a.png", image), ("images\\b.png", image)] {
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .none) { position, size in
                data.subdata(in: Data.Index(position)..<Data.Index(position) + size)
            }
        }
        let report = try Shared.report(url.path, target: "encord")
        let warning = try #require(report.findings.first { $0.issueType == "zip_entry_backslash" }, "\(report.findings.map(\.message))")
        #expect(warning.severity == .warning && warning.action == nil && warning.message.hasPrefix("2 zip entries"))
        #expect(!report.findings.contains { $0.rule == "media-missing" }, "\(report.findings.map(\.message))")
        #expect(report.findings.contains { $0.issueType == "media_unnamed" || $0.message.contains("b.png") },
                "b.png is a media file no image names")
        let out = directory.appendingPathComponent("out")
        let result = try Applier(linter: Shared.encord).apply(path: url.path, out: out.path, options: ApplyOptions(allowLoss: true))
        #expect(result.refusals.isEmpty)
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("images/a.png").path))
        #expect(!(result.outputReport?.findings.contains { $0.issueType == "zip_entry_backslash" } ?? true))
    }
}
