import CVATLint
import Foundation
import Testing

@Suite("Directory, zip and bare XML give the same findings")
struct ContainerTests {
    @Test(arguments: ["task-images-every-shape", "broken-non-numeric-coordinate", "broken-truncated",
                      "broken-unknown-element", "project-images-subsets"])
    func sameFindings(fixture: String) throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let zip = try zipFixture(fixture, into: directory)

        let fromDirectory = try Shared.linter.lint(path: Paths.fixture(fixture))
        let fromZip = try Shared.linter.lint(path: zip.path)
        let fromXML = try Shared.linter.lint(path: Paths.fixture(fixture) + "/annotations.xml")

        #expect(fromDirectory.1 == .directory)
        #expect(fromZip.1 == .zip)
        #expect(fromXML.1 == .xml)
        #expect(fromDirectory.0.findings == fromZip.0.findings)
        #expect(fromDirectory.0.summary == fromZip.0.summary)
        #expect(fromDirectory.0.plan == fromZip.0.plan)
        // A bare annotations.xml has no media beside it: everything but the media findings is the same.
        let notMedia = { (finding: Finding) in !finding.rule.hasPrefix("media-") }
        #expect(fromDirectory.0.findings.filter(notMedia) == fromXML.0.findings.filter(notMedia))
        #expect(fromDirectory.0.format == fromZip.0.format && fromDirectory.0.level == fromXML.0.level)
    }

    @Test("The committed zip fixture lints like its directory")
    func committedZip() throws {
        let (zipReport, container) = try Shared.linter.lint(path: Paths.fixture("task-images-every-shape.zip"))
        let directoryReport = try Shared.report(Paths.fixture("task-images-every-shape"))
        #expect(container == .zip)
        #expect(zipReport.findings == directoryReport.findings)
        #expect(try ExportOpener.open(Paths.fixture("task-images-every-shape.zip")).mediaFiles()?.count == 2)
    }

    @Test("A zip of the export folder (one level down) is accepted")
    func nestedZip() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let zip = directory.appendingPathComponent("nested.zip")
        try FileManager.default.zipItem(at: Paths.fixtures.appendingPathComponent("job-images"), to: zip, shouldKeepParent: true)
        let (report, container) = try Shared.linter.lint(path: zip.path)
        #expect(container == .zip)
        #expect(report.summary.errors == 0)
        #expect(report.level == .job)
    }

    @Test("Media are listed from a directory and from a zip alike")
    func mediaListing() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let zip = try zipFixture("project-images-subsets", into: directory)
        let fromDirectory = try ExportOpener.open(Paths.fixture("project-images-subsets")).mediaFiles()
        let fromZip = try ExportOpener.open(zip.path).mediaFiles()
        #expect(fromDirectory?.map(\.path) == ["images/Train/a.png", "images/Validation/b.png"])
        #expect(fromDirectory?.map(\.path) == fromZip?.map(\.path))
        #expect(try ExportOpener.open(Paths.fixture("job-video")).mediaFiles() == nil)
    }

    @Test("A media folder named Images/ is listed as images/ and read (folder and zip); apply writes it as images/",
          arguments: [false, true])
    func misnamedImagesFolder(zipped: Bool) throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = zipped ? try zipFixture("media-folder-misnamed", into: directory).path : Paths.fixture("media-folder-misnamed")
        let source = try ExportOpener.open(input)
        #expect(source.misnamedImagesFolder == "Images")
        let file = try #require(try source.mediaFiles()?.first)
        #expect(file.path == "images/street.png")
        #expect(try source.mediaHeader(file).displayedSize.map { [$0.width, $0.height] } == [64, 48], "read from Images/")
        #expect(try ExportOpener.open(Paths.fixture("job-images")).misnamedImagesFolder == nil)
        let out = directory.appendingPathComponent("out")
        let result = try Applier(linter: Shared.encord).apply(path: input, out: out.path, options: ApplyOptions())
        #expect(result.refusals.isEmpty && result.outputReport?.summary.errors == 0)
        #expect(result.manifest.media.input == 1 && result.manifest.media.linked + result.manifest.media.copied == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path).sorted() == ["annotations.xml", "cvat-lint-apply.json", "images"])
        let written = try Data(contentsOf: out.appendingPathComponent("images/street.png"))
        #expect(written == (try Data(contentsOf: URL(fileURLWithPath: Paths.fixture("media-folder-misnamed/Images/street.png")))))
    }

    @Test("An annotations.xml apply leaves byte for byte beside Images/ is checked anew, not given the input's check")
    func misnamedFolderNotReused() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // A box with nothing Encord leaves off: the XML comes out byte for byte.
        let export = try Paths.editedFixtureCopy("media-folder-misnamed", in: directory) {
            $0.replacingOccurrences(of: #" source="manual" occluded="0" xtl"#, with: " xtl").replacingOccurrences(of: #" z_order="0">"#, with: ">")
        }
        let out = directory.appendingPathComponent("out")
        let result = try Applier(linter: Shared.encord).apply(path: export.path, out: out.path, options: ApplyOptions())
        let xml = try String(contentsOf: export.appendingPathComponent("annotations.xml"), encoding: .utf8)
        #expect(try String(contentsOf: out.appendingPathComponent("annotations.xml"), encoding: .utf8) == xml)
        #expect(result.inputReport.findings.contains { $0.issueType == "media_folder_misnamed" })
        #expect(result.timings.outputCheckMode != .reused && result.outputReport?.summary.errors == 0)
    }

    @Test("A zip whose annotations.xml does not match its checksum is refused, not linted")
    func damagedZip() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let zip = directory.appendingPathComponent("stored.zip")
        try FileManager.default.zipItem(at: Paths.fixtures.appendingPathComponent("job-images"), to: zip,
                                        shouldKeepParent: false, compressionMethod: .none)
        #expect(try Shared.linter.lint(path: zip.path).0.summary.errors == 0)
        // Stored, not deflated: one changed byte in the file's text changes only its checksum.
        var bytes = try Data(contentsOf: zip)
        let text = Data("<annotations>".utf8)
        let found = try #require(bytes.range(of: text))
        bytes[found.lowerBound + 1] = UInt8(ascii: "A")
        try bytes.write(to: zip)
        #expect {
            try Shared.linter.lint(path: zip.path)
        } throws: { error in
            (error as? InputError)?.description.contains("does not match its checksum") == true
        }
    }

    @Test("Unusable inputs are a one-line InputError")
    func unusableInputs() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let notZip = directory.appendingPathComponent("fake.zip")
        try Data("hello".utf8).write(to: notZip)
        let noAnnotations = directory.appendingPathComponent("empty-dir")
        try FileManager.default.createDirectory(at: noAnnotations, withIntermediateDirectories: true)
        let annotationsIsDirectory = directory.appendingPathComponent("odd")
        try FileManager.default.createDirectory(at: annotationsIsDirectory.appendingPathComponent("annotations.xml"),
                                                withIntermediateDirectories: true)
        let picture = directory.appendingPathComponent("photo.png")
        try Data([0x89, 0x50, 0x4E, 0x47]).write(to: picture)

        let cases: [(String, String)] = [
            (directory.appendingPathComponent("missing").path, "no such file"),
            (notZip.path, "not a zip"),
            (noAnnotations.path, "no annotations.xml"),
            (annotationsIsDirectory.path, "is a directory"),
            (picture.path, "not an export"),
        ]
        for (path, words) in cases {
            let error = #expect(throws: InputError.self) { try ExportOpener.open(path) }
            #expect(error?.message.contains(words) == true, "\(error?.message ?? "") should say \(words)")
            #expect(error?.message.contains("\n") == false)
        }
    }
}
