import CVATLint
import CVATLintRules
import Foundation
import Testing

@Suite(".cvat-lint.yml, --select, --ignore and severities")
struct ConfigurationTests {
    let known = Set(Catalogue.standard.descriptions.map(\.id))
    let targets = Set(Catalogue.standard.targetNames)

    func parse(_ text: String) throws -> Configuration {
        try Configuration.parse(text, path: "cfg.yml", knownRules: known, knownTargets: targets)
    }

    @Test("A full configuration reads")
    func reads() throws {
        let configuration = try parse("""
            target: cvat
            boxes_as_polygons: true
            rules:
              disable: [media-unnamed]
              severity:
                label-multiple-shapes: error
                interpolation-lost: off
            media:
              ignore: ["images/*.txt"]
            """)
        #expect(configuration.target == "cvat")
        #expect(configuration.boxesAsPolygons == true)
        #expect(configuration.disabledRules == ["media-unnamed"])
        #expect(configuration.severities["label-multiple-shapes"] == .some(.error))
        #expect(configuration.severities["interpolation-lost"] == .some(nil))
        #expect(configuration.mediaIgnore == ["images/*.txt"])
    }

    @Test("Bad configurations name the line and what is wrong", arguments: [
        ("target: photoshop\n", 1, "unknown target 'photoshop'"),
        ("rules:\n  disable: [no-such-rule]\n", 2, "unknown rule 'no-such-rule'"),
        ("rules:\n  severity:\n    schema: loud\n", 3, "is not error, warning, info or off"),
        ("colour: red\n", 1, "unknown key 'colour'"),
        ("boxes_as_polygons: maybe\n", 1, "must be true or false"),
        ("rules: [a, b]\n", 1, "must be a mapping"),
        ("target: [unclosed\n", 2, "not valid YAML"),
        // Keys under a mapping are named at their own line, not their parent's.
        ("rules:\n\n  disable: []\n  colour: red\n", 4, "unknown key 'rules.colour'"),
        ("rules:\n  severity:\n\n    no-such-rule: error\n", 4, "unknown rule 'no-such-rule' in rules.severity"),
        ("media:\n  ignore: []\n  hide: []\n", 3, "unknown key 'media.hide'"),
        ("target: cvat\nrules: {}\ntarget: encord\n", 3, "given twice (first on line 1)"),
        ("rules:\n  enable: []\n", 2, "rules.enable lists no rule"),
        ("rules:\n  disable: []\n  disable: [schema]\n", 3, "'disable' is given twice (first on line 2)"),
    ])
    func badConfigurations(text: String, line: Int, says: String) {
        let error = #expect(throws: ConfigurationError.self) { try parse(text) }
        #expect(error?.line == line, "\(error?.description ?? "")")
        #expect(error?.message.contains(says) == true, "\(error?.description ?? "")")
    }

    @Test("An empty selection is a usage error, never a silent pass", arguments: [["--select", ""], ["--select", ","]])
    func emptySelection(arguments: [String]) throws {
        let result = try runTool(["check", "--no-config"] + arguments + [Paths.fixture("broken-truncated")])
        #expect(result.status == 2)
        #expect(result.stderr.contains("--select names no rule"), "\(result.stderr)")
    }

    @Test("The nearest .cvat-lint.yml above an export is found and applied")
    func foundUpward() throws {
        let root = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let export = root.appendingPathComponent("exports/job")
        try FileManager.default.createDirectory(at: export.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Paths.fixtures.appendingPathComponent("job-images"), to: export)
        try "target: cvat\n".write(to: root.appendingPathComponent(".cvat-lint.yml"), atomically: true, encoding: .utf8)
        #expect(Configuration.find(from: export.path) == root.appendingPathComponent(".cvat-lint.yml").standardizedFileURL.path)

        let withConfig = try runTool(["check", export.path])
        #expect(withConfig.status == 0, "target cvat takes job exports: \(withConfig.stdout)")
        let overridden = try runTool(["check", "--target", "encord", export.path])
        #expect(overridden.status == 1, "the command line wins over the file")
        let ignored = try runTool(["check", "--no-config", export.path])
        #expect(ignored.status == 1, "without the file the default target (encord) refuses a job export")
    }

    @Test("A bad configuration is exit 2 with file and line on stderr")
    func badConfigExit() throws {
        let root = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let config = root.appendingPathComponent("bad.yml")
        try "target: cvat\nrules:\n  disable: [nope]\n".write(to: config, atomically: true, encoding: .utf8)
        let result = try runTool(["check", "--config", config.path, Paths.fixture("job-images")])
        #expect(result.status == 2)
        #expect(result.stderr.contains("bad.yml:3: unknown rule 'nope'"))
        let unknownRule = try runTool(["check", "--select", "nope", Paths.fixture("job-images")])
        #expect(unknownRule.status == 2)
    }

    @Test("--select, --ignore and severity overrides decide what counts")
    func selection() throws {
        let job = Paths.fixture("job-images")
        #expect(try runTool(["check", "--target", "encord", job]).status == 1)
        #expect(try runTool(["check", "--target", "encord", "--ignore", "export-level,media-missing", job]).status == 0)
        let selected = try runTool(["check", "--target", "encord", "--select", "label-multiple-shapes", "--format", "json", job])
        #expect(selected.status == 0)
        #expect(!selected.stdout.contains("\"rule\" : \"export-level\""))

        let root = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let config = root.appendingPathComponent("c.yml")
        try "target: encord\nrules:\n  severity:\n    export-level: warning\n    media-missing: off\n"
            .write(to: config, atomically: true, encoding: .utf8)
        let softened = try runTool(["check", "--config", config.path, "--format", "json", job])
        #expect(softened.status == 0, "\(softened.stdout)")
        #expect(softened.stdout.contains("\"severity\" : \"warning\""))
        #expect(!softened.stdout.contains("media_not_saved"))
    }

    @Test("Media ignore globs hide files from the media rules")
    func mediaIgnore() throws {
        let session = LintSession(catalogue: .standard, choices: CommandLineChoices(target: "encord", noConfig: true))
        var configuration = Configuration()
        configuration.mediaIgnore = ["images/.DS_Store", "images/stray.*"]
        let linter = try Linter(catalogue: .standard, options: session.options(for: configuration))
        let report = try linter.lint(path: Paths.fixture("media-unnamed-files")).0
        #expect(!report.findings.contains { $0.rule == "media-unnamed" })
        let plain = try Shared.report(Paths.fixture("media-unnamed-files"), target: "encord")
        #expect(plain.findings.contains { $0.issueType == "media_junk_file" && $0.severity == .error })
        #expect(plain.findings.contains { $0.message == "no <image> names images/stray.png" })
    }
}
