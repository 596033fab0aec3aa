import CVATLint
import Foundation
import Testing

/// A fixture that must produce one particular finding first.
struct BrokenFixture: CustomTestStringConvertible, Sendable {
    var name: String
    var rule: String
    var line: Int
    /// Words the message must contain.
    var says: String
    var testDescription: String { name }
}

@Suite("Fixtures: each shows one thing")
struct FixtureTests {
    /// Clean for CVAT's own importer. (project-images-subsets, as CVAT writes it, has a tag in its Validation subset,
    /// which CVAT's project import reads without a subset: CVATProjectImportTests holds it to that one error.)
    static let clean = [
        "task-images-every-shape", "task-video-tracks", "job-images", "job-video",
        "project-video", "legacy-2018-meta", "legacy-2020-video-source-after-dumped", "trimmed-no-meta",
    ]

    static let broken = [
        BrokenFixture(name: "broken-non-numeric-coordinate", rule: "schema", line: 98, says: "xtl 'abc' is not a number"),
        BrokenFixture(name: "broken-unknown-element", rule: "schema", line: 98, says: "<circle> is not allowed inside <image>"),
        BrokenFixture(name: "broken-points-list", rule: "schema", line: 98, says: "is not a points list"),
        BrokenFixture(name: "broken-mask-rle", rule: "schema", line: 98, says: "run-length list"),
        BrokenFixture(name: "broken-flag-not-bit", rule: "schema", line: 98, says: "occluded 'true' is not one of: 0, 1"),
        BrokenFixture(name: "broken-missing-coordinate", rule: "schema", line: 98, says: "missing its required attribute 'xtl'"),
        BrokenFixture(name: "broken-track-without-shapes", rule: "schema", line: 97, says: "<track> has no shapes"),
        BrokenFixture(name: "broken-track-frame-without-keyframe", rule: "schema", line: 98, says: "'keyframe'"),
        BrokenFixture(name: "broken-truncated", rule: "xml", line: 108, says: "truncated"),
        BrokenFixture(name: "broken-doctype-entities", rule: "xml", line: 2, says: "DOCTYPE"),
        BrokenFixture(name: "broken-not-utf8", rule: "xml", line: 3, says: "not valid UTF-8"),
        BrokenFixture(name: "broken-utf16", rule: "xml", line: 1, says: "UTF-16"),
        BrokenFixture(name: "broken-empty-file", rule: "xml", line: 1, says: "empty"),
        BrokenFixture(name: "broken-wrong-root", rule: "schema", line: 2, says: "root element 'labels'"),
    ]

    @Test("Clean fixtures have no errors and nothing structural", arguments: clean)
    func cleanFixture(name: String) throws {
        let report = try Shared.report(Paths.fixture(name))
        let problems = report.findings.filter { $0.severity == .error || $0.rule == "xml" || $0.rule == "schema" }
        #expect(problems.isEmpty, "\(problems.map(\.message))")
        #expect(report.summary.errors == 0)
    }

    @Test("Broken fixtures give their error at the right line", arguments: broken)
    func brokenFixture(fixture: BrokenFixture) throws {
        let report = try Shared.report(Paths.fixture(fixture.name))
        let first = try #require(report.findings.first)
        #expect(first.rule == fixture.rule)
        #expect(first.severity == .error)
        #expect(first.location.line == fixture.line)
        #expect(first.location.file == "annotations.xml")
        #expect(first.message.contains(fixture.says), "\(first.message)")
        #expect(report.summary.errors >= 1)
    }

    @Test("Schema findings point at the start tag's column")
    func columnOfStartTag() throws {
        let report = try Shared.report(Paths.fixture("broken-non-numeric-coordinate"))
        #expect(report.findings.first?.location.column == 5)
    }

    /// The reader walks back from where libxml2 stands (the tag's end) to its `<`: across lines, and
    /// counting characters, not bytes, when UTF-8 text precedes the tag on its line.
    @Test("A start tag's line and column, whatever precedes it or however it wraps", arguments: [
        #"<tag label="ü"/><box label="car" xtl="abc" ytl="1" xbr="5" ybr="5"/>"#,
        "<box label=\"car\"\n     xtl=\"abc\" ytl=\"1\"\n     xbr=\"5\" ybr=\"5\"/>",
        #"<tag label="日本"/><tag label="é"/>"# + "\n" + #"<box label="car" xtl="abc" ytl="1" xbr="5" ybr="5"/>"#,
        #"<tag label="é"/><box label="ü" xtl="abc" ytl="1" xbr="5" ybr="5"/>"#,
        "<tag label=\"日本\"/><box label=\"ü\"\n     xtl=\"abc\" ytl=\"1\" xbr=\"5\" ybr=\"5\"/>",
    ])
    func startTagPlace(shapes: String) throws {
        let document = RuleExample.document(meta: RuleExample.task(labels: ["car", "ü", "日本", "é"]),
                                            body: RuleExample.imageElement(shapes))
        let lines = document.split(separator: "\n", omittingEmptySubsequences: false)
        let line = try #require(lines.firstIndex { $0.contains("<box") })
        let column = try #require(lines[line].range(of: "<box")).lowerBound
        let report = try lintBytes(Array(document.utf8))
        let finding = try #require(report.findings.first { $0.rule == "schema" })
        #expect(finding.location.line == line + 1)
        #expect(finding.location.column == lines[line].distance(from: lines[line].startIndex, to: column) + 1)
    }

    @Test("A DOCTYPE with entities is reported and nothing is expanded or fetched")
    func entitiesAreNeverExpanded() throws {
        let report = try Shared.report(Paths.fixture("broken-doctype-entities"))
        let messages = report.findings.map(\.message)
        #expect(messages.contains { $0.contains("entity declaration 'secret'") })
        #expect(messages.contains { $0.contains("&b;") })
        #expect(!messages.contains { $0.contains("root:") }, "the content of /etc/passwd must never appear")
    }

    @Test("Format, level and mode of the fixtures")
    func formatLevelMode() throws {
        let video = try Shared.report(Paths.fixture("task-video-tracks"))
        #expect(video.format == .video && video.level == .task && video.mode == .interpolation)
        let job = try Shared.report(Paths.fixture("job-images"))
        #expect(job.format == .images && job.level == .job && job.mode == .annotation)
        let project = try Shared.report(Paths.fixture("project-images-subsets"))
        #expect(project.format == .images && project.level == .project)
        let trimmed = try Shared.report(Paths.fixture("trimmed-no-meta"))
        #expect(trimmed.level == nil && trimmed.mode == nil)
    }

    @Test("Findings past the cap are counted, not listed")
    func findingsCap() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var xml = "<annotations>\n"
        for index in 0..<50 {
            xml += "  <image id=\"\(index)\" name=\"\(index).png\" width=\"9\" height=\"9\"><box label=\"a\" xtl=\"x\" ytl=\"1\" xbr=\"2\" ybr=\"3\"/></image>\n"
        }
        xml += "</annotations>\n"
        let file = directory.appendingPathComponent("annotations.xml")
        try xml.write(to: file, atomically: true, encoding: .utf8)
        let linter = Shared.makeLinter(target: "cvat", maximumSchemaFindings: 10)
        let report = try linter.lint(path: file.path).0
        let schema = report.findings.filter { $0.rule == "schema" }
        #expect(report.summary.errors == 50)
        #expect(schema.count == 11)
        #expect(schema.last?.message.contains("40 more schema errors") == true)
    }
}
