import CVATLint
import CVATLintRules
import Foundation
import Testing

/// One example of one rule, as a test case.
struct RuleExampleCase: CustomTestStringConvertible, Sendable {
    var ruleID: String
    var example: RuleExample
    var triggers: Bool
    var testDescription: String { "\(ruleID): \(example.note)" }

    static let all: [RuleExampleCase] = Catalogue.standard.descriptions.flatMap { rule in
        rule.triggering.map { RuleExampleCase(ruleID: rule.id, example: $0, triggers: true) }
            + rule.nonTriggering.map { RuleExampleCase(ruleID: rule.id, example: $0, triggers: false) }
    }
}

@Suite("The rule catalogue")
struct RuleCatalogueTests {
    @Test("Every rule's examples trigger it, or not, as declared", arguments: RuleExampleCase.all)
    func examples(testCase: RuleExampleCase) throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path: String
        if let fixture = testCase.example.fixture {
            path = Paths.fixture(fixture)
        } else {
            let file = directory.appendingPathComponent("annotations.xml")
            try testCase.example.xml.write(to: file, atomically: true, encoding: .utf8)
            path = file.path
        }
        let target = testCase.example.target ?? Catalogue.defaultTarget
        let report: ExportReport
        if let yaml = testCase.example.configuration {
            let config = directory.appendingPathComponent(".cvat-lint.yml")
            try yaml.write(to: config, atomically: true, encoding: .utf8)
            let session = LintSession(catalogue: .standard, choices: CommandLineChoices(target: target, configPath: config.path))
            report = try #require(try session.run(paths: [path]).report.exports.first)
        } else {
            report = try Shared.report(path, target: target)
        }
        let hits = report.findings.filter { $0.rule == testCase.ruleID }
        if testCase.triggers {
            #expect(!hits.isEmpty, "expected \(testCase.ruleID); got \(report.findings.map(\.message))")
            #expect(hits.allSatisfy { $0.location.line != nil || $0.location.file != "annotations.xml" },
                    "every finding in annotations.xml has a line")
            // Each ↓ in the example is a place a finding must land on: its line, and its column where the
            // mark stands before a tag (libxml2's own columns for broken text are its own).
            let lines = testCase.example.xml.split(separator: "\n", omittingEmptySubsequences: false).map(Array.init)
            for place in testCase.example.markedPlaces {
                let line = place.line <= lines.count ? lines[place.line - 1] : []
                let beforeTag = place.column <= line.count && line[place.column - 1] == "<"
                #expect(hits.contains { $0.location.line == place.line && (!beforeTag || ($0.location.column ?? 0) == place.column) },
                        "a finding at \(place.line):\(place.column); got \(hits.map { "\($0.location.line ?? 0):\($0.location.column ?? 0) \($0.message)" })")
            }
            #expect(testCase.example.fixture != nil || !testCase.example.markedPlaces.isEmpty,
                    "an inline triggering example marks where its finding lands with ↓")
        } else {
            #expect(hits.isEmpty, "\(hits.map(\.message))")
        }
    }

    @Test("Every rule is documented: kebab-case id, summary, rationale, examples both ways")
    func documented() {
        let rules = Catalogue.standard.descriptions
        #expect(Set(rules.map(\.id)).count == rules.count, "ids are unique")
        for rule in rules {
            #expect(rule.id.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "-" }, "\(rule.id) is kebab-case")
            #expect(!rule.summary.isEmpty && !rule.summary.hasSuffix("."), "\(rule.id): one-line summary")
            #expect(rule.rationale.count > 40, "\(rule.id): rationale")
            #expect(!rule.triggering.isEmpty && !rule.nonTriggering.isEmpty, "\(rule.id): examples both ways")
        }
    }

    @Test("Every rule declared under Rules/ is in the catalogue, with no list kept by hand")
    func registered() throws {
        let folder = Paths.packageRoot.appendingPathComponent("Rules")
        let registered = Set(Catalogue.standard.descriptions.map(\.id))
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".swift") }
        var declared: [String] = []
        for file in files {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            for line in text.split(separator: "\n") where line.contains("id: \"") {
                guard let start = line.range(of: "id: \""), let end = line[start.upperBound...].firstIndex(of: "\"") else { continue }
                declared.append(String(line[start.upperBound..<end]))
            }
        }
        #expect(declared.count >= registered.count)
        for id in declared { #expect(registered.contains(id), "rule \(id) is declared but not registered") }
    }

    @Test("Every finding's issue type is one its rule declares (examples, fixtures and corpus, both targets)",
          arguments: ["cvat", "encord"])
    func declaredIssueTypes(target: String) throws {
        let rules = Dictionary(uniqueKeysWithValues: Catalogue.standard.descriptions.map { ($0.id, $0) })
        let corpus = ((try? FileManager.default.contentsOfDirectory(atPath: Paths.corpus.path)) ?? []).sorted()
            .map { Paths.corpus.appendingPathComponent($0).path }
            .filter { FileManager.default.fileExists(atPath: $0 + "/annotations.xml") }
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var paths = Paths.fixtureExports + corpus
        for (index, example) in RuleExampleCase.all.enumerated() where example.example.fixture == nil {
            let file = directory.appendingPathComponent("example-\(index).xml")
            try example.example.xml.write(to: file, atomically: true, encoding: .utf8)
            paths.append(file.path)
        }
        var seen: Set<String> = []
        for path in paths {
            guard let report = try? Shared.report(path, target: target) else { continue }
            for finding in report.findings {
                seen.insert(finding.issueType)
                let rule = try #require(rules[finding.rule], "\(finding.rule) is documented")
                #expect(rule.declares(finding.issueType), "\(finding.rule) emits undeclared \(finding.issueType) (\(path))")
                if let action = finding.action, let type = try? JSONSerialization.jsonObject(
                    with: JSONEncoder().encode(action)) as? [String: Any], let name = type["type"] as? String {
                    #expect(rule.actions.contains(name), "\(finding.rule) attaches undeclared action \(name)")
                }
            }
        }
        #expect(seen.count > 30, "the run exercised many issue types")
    }

    @Test("rules --target shows that target's severities; rules --format json carries issue types and actions")
    func rulesPerTarget() throws {
        let cvat = try runTool(["rules", "--target", "cvat"])
        let encord = try runTool(["rules", "--target", "encord"])
        let line = { (text: String, id: String) in text.split(separator: "\n").first { $0.hasPrefix(id + " ") }.map(String.init) ?? "" }
        // CVAT matches media by name and its task import does not need images: media-missing is a warning there.
        #expect(line(cvat.stdout, "media-missing").contains(" warning "), "\(line(cvat.stdout, "media-missing"))")
        #expect(line(encord.stdout, "media-missing").contains(" error/warning "), "\(line(encord.stdout, "media-missing"))")
        let json = try runTool(["rules", "--format", "json", "--target", "encord"])
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        let missing = try #require(entries.first { $0["id"] as? String == "media-missing" })
        #expect((missing["issue_types"] as? [String])?.contains("media_name_needs_mapping") == true)
        #expect((missing["actions"] as? [String])?.contains("mapMediaNames") == true)
        #expect(try runTool(["rules", "--target", "photoshop"]).status == 2)
    }

    @Test("rules and explain print from the same metadata")
    func commands() throws {
        let list = try runTool(["rules"])
        #expect(list.status == 0)
        for rule in Catalogue.standard.descriptions {
            #expect(list.stdout.contains(rule.id) && list.stdout.contains(rule.summary))
            let explained = try runTool(["explain", rule.id])
            #expect(explained.status == 0)
            #expect(explained.stdout == RuleDocs.explain(rule, fixtures: Catalogue.standard.fixtures))
            // Fixture examples are shown as XML: the installed tool has no Fixtures/ folder.
            for example in rule.triggering + rule.nonTriggering {
                guard let fixture = example.fixture else { continue }
                let xml = try String(contentsOf: Paths.fixtures.appendingPathComponent("\(fixture)/annotations.xml"), encoding: .utf8)
                let firstElement = xml.split(separator: "\n").first { $0.contains("<image") || $0.contains("<track") } ?? "<annotations>"
                #expect(explained.stdout.contains(firstElement), "\(rule.id) shows \(fixture)'s XML")
            }
        }
        let unknown = try runTool(["explain", "no-such-rule"])
        #expect(unknown.status == 2)
    }

    @Test("label-multiple-shapes names the items a label becomes, at the label's spec")
    func labelMultipleShapesOnFixture() throws {
        let report = try Shared.report(Paths.fixture("task-images-every-shape"), target: "encord")
        let findings = report.findings.filter { $0.rule == "label-multiple-shapes" }
        let messages = findings.map(\.message)
        // car is box + cuboid; Encord takes no cuboid, so car stays one item.
        #expect(!messages.contains { $0.contains("'car'") })
        #expect(messages.contains { $0.contains("label 'person' is used as polygon, polyline, points; it becomes 3 items") })
        #expect(report.plan.actions.contains(.splitLabel(label: "person", shape: "points", into: "person (keypoint)")))
        #expect(report.plan.ontology.contains { $0.name == "person (keypoint)" && $0.kind == "points" && $0.shape == "point" })
        #expect(!messages.contains { $0.contains("'head'") }, "skeleton elements are not uses of their own")
        #expect(findings.allSatisfy { $0.severity == .warning && $0.location.line != nil })
    }
}

@Suite("The README")
struct ReadmeTests {
    @Test("The README's issue-type table lists every rule's declared issue types and actions")
    func issueTypes() throws {
        let readme = try String(contentsOf: Paths.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        for rule in Catalogue.standard.descriptions {
            let row = readme.split(separator: "\n").first { $0.hasPrefix("| `\(rule.id)` | `") } ?? ""
            for type in rule.issueTypes { #expect(row.contains("`\(type.id)`"), "README: \(rule.id) lists \(type.id)") }
            for action in rule.actions { #expect(row.contains("`\(action)`"), "README: \(rule.id) lists \(action)") }
        }
    }

    @Test("A finding takes its issue type's declared severity unless the report or the target's profile names one")
    func declaredSeverity() throws {
        final class Sink: @unchecked Sendable { var severities: [Severity] = [] }
        let sink = Sink()
        let declared = try #require(Catalogue.standard.rules.first { $0.description.id == "geometry-invalid" }).description.issueSeverities
        #expect(declared["group_id_negative"] == .warning && declared["box_inverted"] == nil)
        let context = RuleContext(ruleID: "geometry-invalid", severity: .error, issueSeverities: declared, annotationsPath: "annotations.xml",
                                  container: .xml, target: try Catalogue.standard.profile(named: "encord")) { sink.severities.append($0.severity) }
        context.report("declared", at: nil, issueType: "group_id_negative")
        context.report("the rule's own", at: nil, issueType: "box_inverted")
        context.report("named by the report", at: nil, severity: .info, issueType: "group_id_negative")
        #expect(sink.severities == [.warning, .error, .info])
    }
}
