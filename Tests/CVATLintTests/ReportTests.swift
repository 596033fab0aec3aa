@testable import CVATLint
import CVATLintRules
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import Yams

/// A fixed run over three exports (a directory, a zip, a bare XML) for the reporters' golden files.
enum GoldenRun {
    static let inputs: [(fixture: String, shown: String)] = [
        ("rule-geometry-invalid", "Fixtures/rule-geometry-invalid"),
        ("task-images-every-shape.zip", "Fixtures/task-images-every-shape.zip"),
        ("broken-truncated/annotations.xml", "Fixtures/broken-truncated/annotations.xml"),
    ]

    /// The run, with export paths as a user in the repository would type them.
    static func report() throws -> RunReport {
        let session = LintSession(catalogue: .standard,
                                  choices: CommandLineChoices(target: "encord", noConfig: true, excerpts: true,
                                                              pictures: PictureOptions()))
        var report = try session.run(paths: inputs.map { Paths.fixture($0.fixture) }).report
        for index in report.exports.indices { report.exports[index].path = inputs[index].shown }
        return report
    }

    static let context = ReportFormat.Context(rules: Catalogue.standard.descriptions, paths: ReportPaths(base: "/repo"),
                                              targetTitles: Catalogue.standard.targetTitles)
}

@Suite("Reporters")
struct ReportTests {
    static let goldenDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    @Test("Every format matches its golden file (UPDATE_GOLDEN=1 rewrites them)", arguments: ReportFormat.allCases)
    func golden(format: ReportFormat) throws {
        let rendered = try format.reporter(GoldenRun.context).render(try GoldenRun.report())
        let file = Self.goldenDirectory.appendingPathComponent("report.\(format.rawValue)")
        if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
            try rendered.write(to: file, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOf: file, encoding: .utf8)
        #expect(rendered == expected, "differs from \(file.lastPathComponent); run with UPDATE_GOLDEN=1 and review the diff")
    }

    @Test("SARIF validates against the SARIF 2.1.0 schema, with rules, 1-based columns and fingerprints", .needsSharedData)
    func sarif() throws {
        let rendered = try ReportFormat.sarif.reporter(GoldenRun.context).render(try GoldenRun.report())
        let schema = try SharedData.sarifSchema()
        #expect(try validateJSON([rendered], schema: schema).isEmpty)
        let log = try #require(try JSONSerialization.jsonObject(with: Data(rendered.utf8)) as? [String: Any])
        let run = try #require((log["runs"] as? [[String: Any]])?.first)
        let rules = try #require(((run["tool"] as? [String: Any])?["driver"] as? [String: Any])?["rules"] as? [[String: Any]])
        #expect(rules.count == Catalogue.standard.descriptions.count)
        #expect(rules.allSatisfy { ($0["help"] as? [String: Any])?["text"] is String })
        let results = try #require(run["results"] as? [[String: Any]])
        #expect(!results.isEmpty)
        for result in results {
            let location = try #require((result["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])
            let uri = try #require((location["artifactLocation"] as? [String: Any])?["uri"] as? String)
            #expect(!uri.hasPrefix("/") && !uri.hasPrefix("file:"), "relative URIs: \(uri)")
            let region = try #require(location["region"] as? [String: Any])
            #expect((region["startLine"] as? Int ?? 0) >= 1)
            if let column = region["startColumn"] as? Int { #expect(column >= 1) }
            #expect((result["partialFingerprints"] as? [String: String])?["cvatLint/v1"]?.count == 32)
        }
    }

    @Test("JUnit is well-formed XML with unique test names per suite")
    func junit() throws {
        let rendered = try ReportFormat.junit.reporter(GoldenRun.context).render(try GoldenRun.report())
        let names = try JUnitNames.parse(rendered)
        for (suite, cases) in names {
            #expect(Set(cases).count == cases.count, "duplicate testcase names in \(suite)")
        }
        #expect(names.count == 3)
    }

    @Test("GitHub commands escape data and properties, and say when the display cap hides some")
    func github() throws {
        let reporter = GitHubReporter(paths: ReportPaths(base: "/repo"))
        #expect(reporter.escapeData("100% done\r\nnext") == "100%25 done%0D%0Anext")
        #expect(reporter.escapeProperty("a:b,c") == "a%3Ab%2Cc")
        let findings = (1...12).map { line in
            Finding(rule: "schema", severity: .error, message: "bad", location: FindingLocation(file: "annotations.xml", line: line, column: 3))
        }
        let export = ExportReport(path: "/repo/x", format: .images, level: nil, mode: nil, target: "cvat",
                                  summary: SeverityCounts(errors: 12), findings: findings,
                                  issues: IssuesObject(findings: findings), plan: ImportPlan(target: "cvat"))
        let rendered = try reporter.render(RunReport(exports: [export], containers: [.directory]))
        #expect(rendered.hasPrefix("::error file=x/annotations.xml,line=1,col=3,title=cvat-lint schema::bad\n"))
        #expect(rendered.contains("::notice title=cvat-lint::2 more error annotations"))
    }

    @Test("Text: --quiet keeps errors, --statistics keeps the table, --group-by image groups by image")
    func textOptions() throws {
        let report = try GoldenRun.report()
        let quiet = try TextReporter(quiet: true).render(report)
        #expect(!quiet.contains(": warning: ") && !quiet.contains(": info: "))
        #expect(quiet.contains(": error: "))
        let statistics = try TextReporter(statisticsOnly: true).render(report)
        #expect(statistics.contains("rule") && statistics.contains("errors  warnings  infos"))
        #expect(!statistics.contains(": error: "))
        let byImage = try TextReporter(grouping: .image).render(report)
        // A shape's finding sits under its image, not under "the export".
        let groups = Self.groups(byImage)
        let polygon = try #require(groups.first { $0.body.contains { $0.contains("polygon has 2 points") } })
        #expect(polygon.title.hasPrefix("image street.png ("), "\(polygon.title)")
    }

    /// The groups of a text report: each header line (two spaces in) with the lines under it.
    static func groups(_ text: String) -> [(title: String, body: [String])] {
        var groups: [(title: String, body: [String])] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("  "), !line.hasPrefix("   ") {
                groups.append((String(line.dropFirst(2)), []))
            } else if line.hasPrefix("   "), !groups.isEmpty {
                groups[groups.count - 1].body.append(String(line))
            }
        }
        return groups
    }

    @Test("Text reports list errors before warnings before infos, groups by their worst finding")
    func severityOrder() throws {
        let text = try TextReporter().render(try GoldenRun.report())
        for export in text.components(separatedBy: "\n\n") {
            let ranks = export.split(separator: "\n").compactMap { line -> Int? in
                if line.contains(": error: ") { return 2 }
                if line.contains(": warning: ") { return 1 }
                if line.contains(": info: ") { return 0 }
                return nil
            }
            let groupWorst = Self.groups(export).map { group in
                group.body.contains { $0.contains(": error: ") } ? 2 : group.body.contains { $0.contains(": warning: ") } ? 1 : 0
            }
            #expect(groupWorst == groupWorst.sorted(by: >), "groups by worst severity: \(groupWorst)")
            #expect(ranks.first == ranks.max(), "the first finding is of the worst severity")
        }
        #expect(text.hasPrefix("Fixtures/rule-geometry-invalid  (") && text.contains("(1)\n    Fixtures/rule-geometry-invalid/annotations.xml:106:5: error"))
    }
}

/// Test case names per suite of a JUnit document.
enum JUnitNames {
    final class Collector: NSObject, XMLParserDelegate {
        var suites: [(String, [String])] = []
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            if name == "testsuite" { suites.append((attributes["name"] ?? "", [])) }
            if name == "testcase", !suites.isEmpty {
                suites[suites.count - 1].1.append((attributes["classname"] ?? "") + "/" + (attributes["name"] ?? ""))
            }
        }
    }

    static func parse(_ text: String) throws -> [(String, [String])] {
        let parser = XMLParser(data: Data(text.utf8))
        let collector = Collector()
        parser.delegate = collector
        guard parser.parse() else { throw InputError("JUnit is not well-formed: \(parser.parserError.map { "\($0)" } ?? "?")") }
        return collector.suites
    }
}

@Suite("Baselines and gating")
struct BaselineTests {
    /// An export whose annotations.xml gets extra lines at the top: every line number shifts.
    func shifted(_ fixture: String, by lines: Int, into directory: URL) throws -> URL {
        let target = directory.appendingPathComponent("shifted")
        try FileManager.default.copyItem(at: Paths.fixtures.appendingPathComponent(fixture), to: target)
        let file = target.appendingPathComponent("annotations.xml")
        var text = try String(contentsOf: file, encoding: .utf8)
        let comment = "<!--" + String(repeating: "\n", count: lines) + "-->\n"
        text = text.replacingOccurrences(of: "<annotations>\n", with: "<annotations>\n" + comment)
        try text.write(to: file, atomically: true, encoding: .utf8)
        return target
    }

    @Test("Fingerprints and baseline keys survive shifted lines")
    func stableAcrossShifts() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let original = try Shared.report(Paths.fixture("rule-geometry-invalid"), target: "encord")
        let moved = try Shared.report(try shifted("rule-geometry-invalid", by: 7, into: directory).path, target: "encord")
        #expect(original.findings.map(\.location.line) != moved.findings.map(\.location.line))
        #expect(Fingerprint.keys(of: original.findings) == Fingerprint.keys(of: moved.findings))
        // Without the ordinal that keys add, places alone tell these findings apart.
        #expect(Set(original.findings.map(Fingerprint.semanticKey)).count == original.findings.count, "places are unique")
    }

    @Test("A baseline accepts known findings; a new one still fails (exit codes)")
    func baselineGate() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let baseline = directory.appendingPathComponent("baseline.json").path
        let first = try runTool(["check", "--target", "cvat", "--write-baseline", baseline, Paths.fixture("rule-geometry-invalid")])
        #expect(first.status == 1)
        let known = try runTool(["check", "--target", "cvat", "--baseline", baseline, Paths.fixture("rule-geometry-invalid")])
        #expect(known.status == 0, "\(known.stdout)")
        #expect(known.stdout.contains("known from the baseline"))

        // The same export with shifted lines and one new problem: only the new one counts.
        let export = try shifted("rule-geometry-invalid", by: 3, into: directory)
        let file = export.appendingPathComponent("annotations.xml")
        let text = try String(contentsOf: file, encoding: .utf8)
            .replacingOccurrences(of: #"rx="5.00" ry="3.00""#, with: #"rx="0" ry="3.00""#)
        try text.write(to: file, atomically: true, encoding: .utf8)
        let fresh = try runTool(["check", "--target", "cvat", "--baseline", baseline, "--format", "json", export.path])
        #expect(fresh.status == 1)
        #expect(fresh.stdout.contains("ellipse: rx 0.0 is not > 0"))
        #expect(!fresh.stdout.contains("polygon has 2 points"))

        let broken = directory.appendingPathComponent("broken.json")
        try "{}".write(to: broken, atomically: true, encoding: .utf8)
        #expect(try runTool(["check", "--baseline", broken.path, Paths.fixture("job-images")]).status == 2)
    }

    /// Two images, a.jpg and b.jpg, with a polygon of two points on `broken`.
    static func twoImages(broken: String, task: String = "street") -> String {
        let image = { (id: Int, name: String) in
            "  <image id=\"\(id)\" name=\"\(name)\" width=\"10\" height=\"10\">\n"
                + (name == broken ? "    <polygon label=\"car\" points=\"1,1;5,5\"/>\n" : "") + "  </image>\n"
        }
        return RuleExample.document(meta: RuleExample.task(labels: ["car"]).replacingOccurrences(of: "<name>t</name>", with: "<name>\(task)</name>"),
                                    body: image(0, "a.jpg") + image(1, "b.jpg"))
    }

    @Test("A defect fixed on a.jpg and made anew on b.jpg is new; a baseline matches only its own export")
    func baselinePlaces() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("annotations.xml")
        let baseline = directory.appendingPathComponent("baseline.json").path
        let check = { (extra: [String]) in try runTool(["check", "--no-config", "--target", "cvat", "--select", "geometry-invalid"] + extra + [file.path]) }
        try Self.twoImages(broken: "a.jpg").write(to: file, atomically: true, encoding: .utf8)
        #expect(try check(["--write-baseline", baseline]).status == 1)
        #expect(try check(["--baseline", baseline]).status == 0)
        try Self.twoImages(broken: "b.jpg").write(to: file, atomically: true, encoding: .utf8)
        #expect(try check(["--baseline", baseline]).status == 1, "the same defect on another image is new")
        try Self.twoImages(broken: "a.jpg", task: "other").write(to: file, atomically: true, encoding: .utf8)
        #expect(try check(["--baseline", baseline]).status == 1, "the same defect in another export is new")
        let recorded = try Baseline.load(path: baseline)
        #expect(recorded.findings.map(\.export) == ["task 1 'street'"])
    }

    @Test("--baseline A --write-baseline B writes every finding of the run, the known ones included")
    func rewriteBaseline() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = directory.appendingPathComponent("a.json").path
        let second = directory.appendingPathComponent("b.json").path
        _ = try runTool(["check", "--no-config", "--target", "cvat", "--write-baseline", first, Paths.fixture("rule-geometry-invalid")])
        _ = try runTool(["check", "--no-config", "--target", "cvat", "--baseline", first, "--write-baseline", second,
                         Paths.fixture("rule-geometry-invalid")])
        let (a, b) = (try Baseline.load(path: first), try Baseline.load(path: second))
        #expect(!a.findings.isEmpty && a.findings == b.findings)
    }

    @Test("With the schema cap hit, the counts after a baseline are exact")
    func cappedCounts() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("annotations.xml")
        let boxes = (0..<30).map { _ in #"<box label="car" xtl="abc" ytl="1" xbr="5" ybr="5"/>"# }.joined(separator: "\n")
        try RuleExample.document(meta: "", body: RuleExample.imageElement(boxes)).write(to: file, atomically: true, encoding: .utf8)
        let baseline = directory.appendingPathComponent("baseline.json").path
        let first = try runTool(["check", "--no-config", "--select", "schema", "--max-schema-findings", "5", "--format", "json",
                                 "--write-baseline", baseline, file.path])
        #expect(first.stdout.contains("\"errors\" : 30"), "\(first.stdout.prefix(400))")
        let known = try runTool(["check", "--no-config", "--select", "schema", "--max-schema-findings", "5", "--format", "json",
                                 "--baseline", baseline, file.path])
        #expect(known.status == 0)
        #expect(known.stdout.contains("\"errors\" : 0") && known.stdout.contains("\"baselined\" : 30"), "\(known.stdout.prefix(600))")
    }

    @Test("--fail-on and --max-warnings decide exit 1")
    func gates() throws {
        let warningsOnly = Paths.fixture("rule-shape-outside-image")
        #expect(try runTool(["check", "--target", "cvat", warningsOnly]).status == 0)
        #expect(try runTool(["check", "--target", "cvat", "--fail-on", "warning", warningsOnly]).status == 1)
        #expect(try runTool(["check", "--target", "cvat", "--max-warnings", "0", warningsOnly]).status == 1)
        #expect(try runTool(["check", "--target", "cvat", "--max-warnings", "5", warningsOnly]).status == 0)
        #expect(Gate(failOn: .info).verdict(SeverityCounts(infos: 1)) != nil)
        #expect(Gate().verdict(SeverityCounts(warnings: 3, infos: 9)) == nil)
    }

    @Test("--output writes several reports from one run")
    func outputs() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let sarif = directory.appendingPathComponent("r.sarif").path
        let junit = directory.appendingPathComponent("r.xml").path
        let gitlab = directory.appendingPathComponent("r.json").path
        let result = try runTool(["check", "--target", "cvat", "--output", "sarif=\(sarif)", "--output", "junit=\(junit)",
                                  "--output", "gitlab=\(gitlab)", Paths.fixture("rule-mask-rle")])
        #expect(result.status == 1)
        #expect(result.stdout.contains("mask-rle"))
        for path in [sarif, junit, gitlab] { #expect(FileManager.default.fileExists(atPath: path)) }
        let issues = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: gitlab))) as? [[String: Any]])
        #expect(issues.contains { $0["check_name"] as? String == "mask-rle" && ($0["fingerprint"] as? String)?.count == 32 })
        #expect(try runTool(["check", "--output", "pdf=x.pdf", Paths.fixture("job-images")]).status == 2)
    }
}

@Suite("CI integration files")
struct IntegrationFileTests {
    @Test("action.yml is a composite action that runs cvat-lint and uploads SARIF")
    func action() throws {
        let text = try String(contentsOf: Paths.packageRoot.appendingPathComponent("action.yml"), encoding: .utf8)
        let action = try #require(try Yams.load(yaml: text) as? [String: Any])
        let runs = try #require(action["runs"] as? [String: Any])
        #expect(runs["using"] as? String == "composite")
        let steps = try #require(runs["steps"] as? [[String: Any]])
        #expect(steps.contains { ($0["run"] as? String)?.contains("cvat-lint\" check --format github") == true })
        #expect(steps.contains { ($0["uses"] as? String)?.hasPrefix("github/codeql-action/upload-sarif") == true })
        // Inputs reach the shell through the environment, never interpolated into a script.
        for step in steps {
            #expect((step["run"] as? String)?.contains("${{") != true, "\(step["name"] ?? "")")
        }
    }

    @Test("The pre-commit hook runs cvat-lint check on annotation files and zips")
    func preCommit() throws {
        let text = try String(contentsOf: Paths.packageRoot.appendingPathComponent(".pre-commit-hooks.yaml"), encoding: .utf8)
        let hooks = try #require(try Yams.load(yaml: text) as? [[String: Any]])
        let hook = try #require(hooks.first)
        #expect(hook["id"] as? String == "cvat-lint")
        #expect(hook["entry"] as? String == "cvat-lint check")
        #expect(hook["language"] as? String == "swift")
        let pattern = try Regex(try #require(hook["files"] as? String))
        #expect("exports/a/annotations.xml".contains(pattern))
        #expect("task_12.zip".contains(pattern))
        #expect(!"notes.xml".contains(pattern))
    }
}

@Suite("Reports over the whole corpus and every fixture", .needsSharedData)
struct CorpusReportTests {
    @Test("SARIF validates and JUnit is well-formed with unique names, for every target")
    func everything() throws {
        var paths = Paths.fixtureExports
        paths += CorpusEntry.all.map(\.path)
        let schema = try SharedData.sarifSchema()
        var sarifs: [String] = []
        for target in Catalogue.standard.targetNames {
            let session = LintSession(catalogue: .standard, choices: CommandLineChoices(target: target, noConfig: true))
            let report = try session.run(paths: paths).report
            sarifs.append(try ReportFormat.sarif.reporter(GoldenRun.context).render(report))
            for (suite, cases) in try JUnitNames.parse(try ReportFormat.junit.reporter(GoldenRun.context).render(report)) {
                #expect(Set(cases).count == cases.count, "duplicate testcase names in \(suite)")
            }
            let gitlab = try ReportFormat.gitlab.reporter(GoldenRun.context).render(report)
            let issues = try #require(try JSONSerialization.jsonObject(with: Data(gitlab.utf8)) as? [[String: Any]])
            let fingerprints = issues.compactMap { $0["fingerprint"] as? String }
            #expect(Set(fingerprints).count == issues.count, "GitLab fingerprints are unique")
        }
        #expect(try validateJSON(sarifs, schema: schema).isEmpty)
    }
}
