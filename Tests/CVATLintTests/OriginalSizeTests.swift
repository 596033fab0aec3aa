@testable import CVATLint
import Foundation
import Testing

/// Tracks in an export whose `<meta>` states no frame size anywhere (Datumaro stops on the first), with the
/// frames saved beside the XML: apply writes the size they show as `<original_size>`, where CVAT writes it.
@Suite("apply: declareOriginalSize")
struct OriginalSizeTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var fixture: String
        var target: String
        /// The task the size is written for (nil: the export's only task or job).
        var task: Int?
        /// What the written `<original_size>` follows in the output, and what follows it.
        var before: String
        var after: String
        /// Whether the lossy actions run too (a Datumaro project keeps every track byte only without them: its tracks'
        /// source, which Datumaro does not read, is otherwise left off).
        var allowLoss = true
        var testDescription: String { "\(fixture) for \(target)" }
    }

    static let cases = [
        Case(fixture: "task-video-tracks", target: "datumaro", task: nil, before: "</labels>", after: "<source>clip.mp4</source>"),
        Case(fixture: "project-video-frames", target: "datumaro", task: 21, before: "<frame_filter></frame_filter>", after: "</task>",
             allowLoss: false),
        Case(fixture: "job-video-frames", target: "cvat", task: nil, before: "</dumped>", after: "</meta>"),
    ]

    /// The fixture with every `<original_size>` taken out of its `<meta>` (and `also` edited).
    static func unsized(_ fixture: String, in directory: URL, also: (String) -> String = { $0 }) throws -> URL {
        try Paths.editedFixtureCopy(fixture, in: directory) { xml in
            also(xml.replacingOccurrences(of: #"(?s)\s*<original_size>.*?</original_size>"#, with: "", options: .regularExpression))
        }
    }

    @Test("The frame files' size is planned and written as <original_size>, losslessly; the tracks keep their bytes", arguments: cases)
    func written(_ example: Case) throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let export = try Self.unsized(example.fixture, in: directory)
        let input = try String(contentsOf: export.appendingPathComponent("annotations.xml"), encoding: .utf8)
        let finding = try #require(try Shared.report(export.path, target: example.target).findings.first { $0.issueType == "tracks_size_unstated" })
        #expect(finding.severity == (example.target == "datumaro" ? .error : .info))
        #expect(finding.action == .declareOriginalSize(task: example.task, width: 64, height: 48))

        // Without --drop-invalid: the error is mended, not refused, and no track is left out.
        let (result, out) = try ApplyTests.apply(export.path, target: example.target, options: ApplyOptions(allowLoss: example.allowLoss),
                                                 into: directory)
        #expect(result.refusals.isEmpty && result.outputReport?.summary.errors == 0, "\(result.manifest.remainingErrors)")
        #expect(result.manifest.executed.map(\.action).contains(.declareOriginalSize(task: example.task, width: 64, height: 48)))
        let written = try String(contentsOf: out.appendingPathComponent("annotations.xml"), encoding: .utf8)
        let size = "<original_size>\n" + [("width", 64), ("height", 48)].map { "<\($0)>\($1)</\($0)>\n" }.joined() + "</original_size>"
        let flat = written.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: "\n")
        #expect(flat.contains("\(example.before)\n\(size)\n\(example.after)"), "\(flat.prefix(1500))")
        #expect(written.components(separatedBy: "<original_size>").count == 2)
        #expect(try #require(result.outputReport).findings.allSatisfy { $0.issueType != "tracks_size_unstated" })
        // Every track shape is copied byte for byte: the text after <meta> is the input's.
        let body = { (text: String) in text.range(of: "</meta>").map { String(text[$0.upperBound...]) } }
        if example.target == "datumaro", example.fixture == "project-video-frames" {
            #expect(body(written) == body(input))
            #expect(result.manifest.conservation.allSatisfy { $0.unchanged == $0.input && $0.addsUp })
        }
        #expect(try String(contentsOf: export.appendingPathComponent("annotations.xml"), encoding: .utf8) == input)
        if DatumaroReader.available, example.target == "datumaro" {
            #expect(try DatumaroReader.run(on: export.path).error != nil, "Datumaro read the input")
            #expect(try DatumaroReader.run(on: out.path).error == nil, "Datumaro did not read the output")
        }
    }

    @Test("A plan's size that is no size, or a second one, is not executed, and says why")
    func planChecked() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let export = try Self.unsized("task-video-tracks", in: directory)
        var plan = try Shared.report(export.path, target: "cvat").plan
        plan.actions.removeAll { if case .declareOriginalSize = $0 { true } else { false } }
        let (zero, second) = (ImportAction.declareOriginalSize(task: nil, width: 0, height: 48),
                              ImportAction.declareOriginalSize(task: nil, width: 32, height: 24))
        plan.actions += [zero, .declareOriginalSize(task: nil, width: 64, height: 48), second]
        let document = try PlanDocument(json: try JSONEncoder().encode(plan))
        let (result, out) = try ApplyTests.apply(export.path, target: "cvat", options: ApplyOptions(), into: directory, plan: document)
        #expect(result.manifest.skipped.map(\.action) == [zero, second])
        #expect(result.manifest.skipped.map(\.reason) == ["0×48 is no frame size", "<meta> takes one <original_size>, written already"])
        let written = try String(contentsOf: out.appendingPathComponent("annotations.xml"), encoding: .utf8)
        #expect(written.contains("<width>64</width>") && written.components(separatedBy: "<original_size>").count == 2)
    }

    @Test("Without frame files, or for an image task exported as video, no size is planned: the tracks stay an error for Datumaro, left out under --drop-invalid")
    func noFrames() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let export = try Self.unsized("task-video-tracks", in: directory)
        try FileManager.default.removeItem(at: export.appendingPathComponent("images"))
        let finding = try #require(try Shared.report(export.path, target: "datumaro").findings.first { $0.issueType == "tracks_size_unstated" })
        #expect(finding.severity == .error && finding.action == nil)
        // An image task exported as video: its images' sizes differ, and no one of them is planned for every track.
        let images = try Self.unsized("task-video-tracks", in: directory.appendingPathComponent("images-task")) {
            $0.replacingFirst("<mode>interpolation</mode>", with: "<mode>annotation</mode>")
        }
        #expect(try Shared.report(images.path, target: "datumaro").findings.first { $0.issueType == "tracks_size_unstated" }?.action == nil)
        let (refused, _) = try ApplyTests.apply(export.path, target: "datumaro", options: ApplyOptions(allowLoss: true), into: directory)
        #expect(refused.refusals.contains { $0.hasPrefix("tracks_size_unstated") })
        let dropping = directory.appendingPathComponent("dropping")
        try FileManager.default.createDirectory(at: dropping, withIntermediateDirectories: true)
        let (result, out) = try ApplyTests.apply(export.path, target: "datumaro", options: ApplyOptions(allowLoss: true, dropInvalid: true),
                                                 into: dropping)
        #expect(result.outputReport?.summary.errors == 0)
        #expect(!(try String(contentsOf: out.appendingPathComponent("annotations.xml"), encoding: .utf8)).contains("<original_size>"))
        #expect(result.manifest.conservation.contains { $0.leftOut["tracks_size_unstated", default: 0] > 0 })
    }

    /// Each `<original_size>` of an output's annotations.xml, in order, without whitespace.
    static func writtenSizes(in out: URL) throws -> [String] {
        let written = try String(contentsOf: out.appendingPathComponent("annotations.xml"), encoding: .utf8)
        return written.components(separatedBy: "<original_size>").dropFirst()
            .map { $0.components(separatedBy: "</original_size>")[0].filter { !$0.isWhitespace } }
    }

    @Test("The first <original_size> without a width is replaced in its own task by the size its frame files show; the next task's stays")
    func unreadableReplaced() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let export = try Paths.editedFixtureCopy("project-video-frames", in: directory) { $0.replacingFirst("<width>64</width>", with: "") }
        let finding = try #require(try Shared.report(export.path, target: "datumaro").findings.first { $0.issueType == "original_size_invalid" })
        #expect(finding.severity == .error && finding.location.line == 19)
        #expect(finding.action == .declareOriginalSize(task: 21, width: 64, height: 48))
        let (result, out) = try ApplyTests.apply(export.path, target: "datumaro", options: ApplyOptions(), into: directory)
        #expect(result.refusals.isEmpty && result.outputReport?.summary.errors == 0)
        #expect(try Self.writtenSizes(in: out) == ["<width>64</width><height>48</height>", "<width>32</width><height>24</height>"])
        let written = try String(contentsOf: out.appendingPathComponent("annotations.xml"), encoding: .utf8)
        #expect(written.range(of: "<id>21</id>")?.lowerBound ?? written.endIndex < written.range(of: "<original_size>")?.lowerBound ?? written.startIndex)
        #expect(written.range(of: "<original_size>")?.lowerBound ?? written.endIndex < written.range(of: "<id>22</id>")?.lowerBound ?? written.startIndex)
    }

    @Test("Tracks with no readable size and an unreadable first <original_size>: one declareOriginalSize, planned for both, mends both")
    func unreadableAndUnstated() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let export = try Paths.editedFixtureCopy("task-video-tracks", in: directory) { $0.replacingFirst("<width>64</width>", with: "") }
        let findings = try Shared.report(export.path, target: "datumaro").findings
        let invalid = try #require(findings.first { $0.issueType == "original_size_invalid" })
        let unstated = try #require(findings.first { $0.issueType == "tracks_size_unstated" })
        #expect(invalid.action == .declareOriginalSize(task: nil, width: 64, height: 48) && unstated.action == invalid.action)
        let (result, out) = try ApplyTests.apply(export.path, target: "datumaro", options: ApplyOptions(allowLoss: true), into: directory)
        #expect(result.refusals.isEmpty && result.outputReport?.summary.errors == 0, "\(result.refusals)")
        #expect(try Self.writtenSizes(in: out) == ["<width>64</width><height>48</height>"])
    }

    @Test("An <original_size> in a task without <id> is a size stated: Datumaro reads it, and no track is unsized")
    func statedWithoutTaskID() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let export = try Paths.editedFixtureCopy("project-video", in: directory) { $0.replacingFirst("<id>21</id>", with: "") }
        let findings = try Shared.report(export.path, target: "datumaro").findings
        #expect(!findings.contains { $0.issueType == "tracks_size_unstated" } && !findings.contains { $0.severity == .error })
        if DatumaroReader.available {
            #expect(try DatumaroReader.run(on: export.path).error == nil)
        }
    }
}
