import CVATLint
import CVATLintRules
import Foundation
import Testing

/// The four rules the mission names, on the real corpus and on fixtures.
@Suite("Mission rules on real exports")
struct MissionRuleTests {
    func corpus(_ number: String, target: String = "encord") throws -> ExportReport {
        try Shared.report(Paths.corpus.appendingPathComponent(number).path, target: target)
    }

    @Test("A video task exported as images has lost its tracks (corpus 018), for either target", .needsSharedData,
          arguments: ["cvat", "encord"])
    func videoTaskAsImages(target: String) throws {
        let report = try corpus("018", target: target)
        let lost = report.findings.filter { $0.issueType == "interpolation_lost" }
        #expect(lost.count == 1)
        #expect(lost.first?.message.contains("task 1 'Dive Phase Test 1' is a video (interpolation) task") == true)
        #expect(lost.first?.location.taskID == 1)
        #expect(report.issues.warnings.contains { $0.issueType == "interpolation_lost" && $0.instances.count == 1 })
    }

    @Test("A CVAT for video export is an error for Encord and fine for CVAT (corpus 005, 020)", .needsSharedData)
    func videoFormat() throws {
        for number in ["005", "020"] {
            let encord = try corpus(number)
            let video = try #require(encord.findings.first { $0.issueType == "video_format_unsupported" })
            #expect(video.severity == .error)
            #expect(video.action == .reexport(format: "CVAT for images 1.1", level: nil))
            #expect(try corpus(number, target: "cvat").findings.allSatisfy { $0.rule != "interpolation-lost" })
        }
    }

    @Test("Labels used with several shapes are split, with splitLabel actions in the plan (corpus 010)", .needsSharedData)
    func splits() throws {
        let report = try corpus("010")
        let split = report.findings.filter { $0.rule == "label-multiple-shapes" }
        // square_structure: box, polygon, ellipse; Encord takes no ellipse, so two items.
        #expect(split.map(\.message) == [
            "label 'square_structure' is used as box, polygon; it becomes 2 items: \"square_structure (bounding box)\", \"square_structure (polygon)\"",
        ])
        #expect(report.plan.actions.contains(.splitLabel(label: "square_structure", shape: "box",
                                                         into: "square_structure (bounding box)")))
        #expect(report.plan.ontology.filter { $0.label == "square_structure" }.map(\.name)
                == ["square_structure (bounding box)", "square_structure (polygon)", "square_structure"])
        #expect(report.plan.ontology.first { $0.label == "square_structure" && $0.kind == "ellipse" }?.shape == nil)
        #expect(report.findings.contains { $0.rule == "shape-unsupported" && $0.message.contains("'circle_structure' is drawn as ellipse") })
        #expect(try corpus("010", target: "cvat").findings.allSatisfy { $0.rule != "label-multiple-shapes" })
    }

    @Test("--boxes-as-polygons merges box and polygon uses of a label", .needsSharedData)
    func boxesAsPolygons() throws {
        let linter = Shared.makeLinter(target: "encord", boxesAsPolygons: true)
        let report = try linter.lint(path: Paths.corpus.appendingPathComponent("001").path).0
        let messages = report.findings.filter { $0.rule == "label-multiple-shapes" }.map(\.message)
        #expect(!messages.contains { $0.contains("'label1'") }, "label1 is box + polygon: one kind once boxes are polygons")
        #expect(messages.contains { $0.contains("'label2'") })
        #expect(report.plan.actions.contains(.convertShape(label: "label1", from: "box", to: "polygon")))
    }

    @Test("Job exports are refused by Encord (corpus 041, 043, 049)", .needsSharedData, arguments: ["041", "043", "049"])
    func jobExports(number: String) throws {
        let report = try corpus(number)
        #expect(report.findings.contains { $0.rule == "export-level" && $0.severity == .error })
        #expect(try corpus(number, target: "cvat").findings.allSatisfy { $0.rule != "export-level" })
    }

    @Test("Number and select attributes are converted for Encord (corpus 009, 032)", .needsSharedData)
    func attributes() throws {
        let numbers = try corpus("009")
        #expect(numbers.findings.contains { $0.action == .convertAttribute(label: "pen", attribute: "id", from: "number", to: "text") })
        let selects = try corpus("032")
        #expect(selects.findings.contains { $0.issueType == "attribute_type_converted" && $0.message.contains("is select") })
        #expect(selects.plan.ontology.allSatisfy { item in item.attributes.allSatisfy { $0.target != nil } })
    }

    @Test("A finding about the export as a whole points at <meta>, or at <version> when there is no <meta>")
    func headLocation() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let export = try Paths.editedFixtureCopy("media-no-images-folder", in: directory) { xml in
            xml.replacingOccurrences(of: #"(?s)<meta>.*</meta>\s*"#, with: "", options: .regularExpression)
        }
        let version = try String(contentsOf: export.appendingPathComponent("annotations.xml"), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("<version>") }.map { $0 + 1 }
        let findings = try Shared.report(export.path, target: "encord").findings
        let whole = findings.filter { ["media_not_saved", "meta_missing"].contains($0.issueType) }
        #expect(whole.count == 2 && whole.allSatisfy { $0.location.line == version && version != nil }, "\(whole.map(\.location))")
        let withMeta = try Shared.report(Paths.fixture("media-no-images-folder"), target: "encord").findings
        #expect(withMeta.first { $0.issueType == "media_not_saved" }?.location.line == 4)
    }

    @Test("Media: missing files, unnamed and junk files, no images/, per target")
    func media() throws {
        let missing = try Shared.report(Paths.fixture("media-missing-file"), target: "encord")
        let gone = try #require(missing.findings.first { $0.issueType == "media_missing" })
        #expect(gone.severity == .error && gone.location.image == "park.png" && gone.location.line != nil)
        #expect(try Shared.report(Paths.fixture("media-no-images-folder"), target: "encord").findings
                    .contains { $0.issueType == "media_not_saved" && $0.severity == .error })
        #expect(try Shared.report(Paths.fixture("media-no-images-folder"), target: "cvat").findings
                    .allSatisfy { $0.issueType != "media_not_saved" })
        // Images/ holds the media: they are matched, and only the folder's name is wrong (for Encord).
        let misnamed = try Shared.report(Paths.fixture("media-folder-misnamed"), target: "encord")
        #expect(misnamed.findings.filter { $0.rule == "media-missing" }.map(\.issueType) == ["media_folder_misnamed"])
        #expect(misnamed.findings.first { $0.issueType == "media_folder_misnamed" }?.severity == .error)
        #expect(try Shared.report(Paths.fixture("media-folder-misnamed"), target: "cvat").findings.isEmpty)
        let video = try Shared.report(Paths.fixture("task-video-tracks"), target: "encord")
        #expect(video.findings.contains {
            $0.action == .mapMediaNames(from: "", to: ".PNG", normalization: nil, count: 3, example: "frame_000000")
        })
        #expect(!video.findings.contains { $0.rule == "media-unnamed" }, "every frame of the range is named")
        let project = try Shared.report(Paths.fixture("project-images-subsets"), target: "encord")
        #expect(project.findings.filter { $0.issueType == "media_outside_default_subset" }.count == 2)
        #expect(!project.findings.contains { $0.issueType == "media_missing" })
    }

    @Test("An images/ with no file: an error for Encord, nothing for CVAT, a refusal; an apply that leaves every image out ends with it")
    func emptyMediaFolder() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let export = try Self.emptyExport(in: directory)
        let encord = try Shared.report(export.path, target: "encord")
        #expect(encord.findings.filter { $0.rule == "media-missing" }.map(\.issueType) == ["media_folder_empty"])
        #expect(encord.summary.errors == 1)
        #expect(try Shared.report(export.path, target: "cvat").findings.allSatisfy { $0.issueType != "media_folder_empty" })
        // Nothing to import: apply refuses, writing nothing.
        let refused = try Applier(linter: Shared.encord).apply(path: export.path, out: directory.appendingPathComponent("none").path,
                                                               options: ApplyOptions(allowLoss: true, dropInvalid: true))
        #expect(refused.refusals.contains { $0.hasPrefix("media_folder_empty") })
        // Only a file no <image> names: --drop-invalid leaves every image out, and the output has nothing to import.
        let missing = directory.appendingPathComponent("missing")
        try FileManager.default.copyItem(atPath: Paths.fixture("media-missing-file"), toPath: missing.path)
        try FileManager.default.moveItem(at: missing.appendingPathComponent("images/street.png"),
                                        to: missing.appendingPathComponent("images/stray.png"))
        let result = try Applier(linter: Shared.encord).apply(path: missing.path, out: directory.appendingPathComponent("out").path,
                                                              options: ApplyOptions(allowLoss: true, dropInvalid: true))
        #expect(result.manifest.images.written == 0)
        #expect(result.outputReport?.findings.contains { $0.issueType == "media_folder_empty" && $0.severity == .error } == true)
        #expect(result.hasErrors, "an output Encord cannot import is no success")
    }

    /// A task export with an empty `images/` and no `<image>`.
    static func emptyExport(in directory: URL) throws -> URL {
        let export = directory.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: export.appendingPathComponent("images"), withIntermediateDirectories: true)
        let xml = try String(contentsOf: URL(fileURLWithPath: Paths.fixture("media-folder-misnamed/annotations.xml")), encoding: .utf8)
        let start = try #require(xml.range(of: "  <image ")), end = try #require(xml.range(of: "</image>\n"))
        try Data(xml.replacingCharacters(in: start.lowerBound..<end.upperBound, with: "").utf8)
            .write(to: export.appendingPathComponent("annotations.xml"))
        return export
    }

    @Test("Media findings are the same from a zip as from the directory")
    func mediaInZip() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for fixture in ["media-missing-file", "media-unnamed-files", "project-images-subsets", "media-folder-misnamed"] {
            let zip = try zipFixture(fixture, into: directory)
            let fromZip = try Shared.encord.lint(path: zip.path).0
            let fromDirectory = try Shared.encord.lint(path: Paths.fixture(fixture)).0
            #expect(fromZip.findings == fromDirectory.findings, "\(fixture)")
        }
    }

    @Test("The Issues object groups findings by issue type, like Encord's", .needsSharedData)
    func issuesObject() throws {
        let report = try corpus("010")
        let total = report.issues.errors.count + report.issues.warnings.count + report.issues.infos.count
        #expect(total == Set(report.findings.map { "\($0.severity)/\($0.issueType)" }).count)
        let instances = report.issues.warnings.flatMap(\.instances).count
        #expect(instances == report.findings.filter { $0.severity == .warning }.count)
    }
}
