import CVATLint
import CVATLintRules
import Foundation
import Testing

/// Validates JSON documents against the published report schema.
func validateAgainstReportSchema(_ documents: [String]) throws -> [String] {
    try validateJSON(documents, schema: CVATSchema.reportSchema)
}

/// Validates JSON documents against a JSON Schema with Python's `jsonschema` (`.ci/run` installs it when
/// missing), all in one process; the schema's own `$schema` picks the draft.
func validateJSON(_ documents: [String], schema schemaText: String) throws -> [String] {
    let directory = try Paths.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let schema = directory.appendingPathComponent("schema.json")
    try schemaText.write(to: schema, atomically: true, encoding: .utf8)
    var files: [String] = []
    for (index, document) in documents.enumerated() {
        let file = directory.appendingPathComponent("report-\(index).json")
        try document.write(to: file, atomically: true, encoding: .utf8)
        files.append(file.path)
    }
    let script = """
        import json, sys
        import jsonschema
        schema = json.load(open(sys.argv[1]))
        cls = jsonschema.validators.validator_for(schema)
        cls.check_schema(schema)
        validator = cls(schema)
        for path in sys.argv[2:]:
            for error in validator.iter_errors(json.load(open(path))):
                print(path + ": " + "/".join(map(str, error.absolute_path)) + ": " + error.message)
        """
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script, schema.path] + files
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    try process.run()
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    if process.terminationStatus != 0 { return ["validator failed: \(text)"] }
    return text.split(separator: "\n").map(String.init)
}

@Suite("The published JSON Schema of --format json")
struct JSONSchemaTests {
    @Test("Every fixture and corpus report, for every target, validates against it")
    func everyReportValidates() throws {
        var paths = Paths.fixtureExports
        paths += CorpusEntry.all.map(\.path)
        var documents: [String] = []
        for target in Catalogue.standard.targetNames {
            let linter = Shared.makeLinter(target: target)
            var exports: [ExportReport] = []
            var containers: [ExportContainer] = []
            for path in paths {
                let (report, container) = try linter.lint(path: path)
                exports.append(report)
                containers.append(container)
            }
            documents.append(try JSONReporter().render(RunReport(exports: exports, containers: containers)))
        }
        let problems = try validateAgainstReportSchema(documents)
        #expect(problems.isEmpty, "\(problems.prefix(10))")
    }

    @Test("The schema rejects what breaks the contract")
    func schemaIsNotVacuous() throws {
        let broken = #"{"tool": {"name": "cvat-lint", "version": "1"}, "summary": {"errors": 0, "warnings": 0}, "exports": []}"#
        #expect(!(try validateAgainstReportSchema([broken])).isEmpty)
        let badAction = try JSONReporter().render(RunReport(exports: [], containers: []))
            .replacingOccurrences(of: "\"exports\" : [\n\n  ]", with: "\"exports\" : [1]")
        #expect(!(try validateAgainstReportSchema([badAction])).isEmpty)
    }

    @Test("schema --report prints the published schema")
    func printed() throws {
        let result = try runTool(["schema", "--report"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("\"title\": \"cvat-lint --format json report\""))
    }
}

@Suite("Import actions")
struct ImportActionTests {
    @Test("Every action encodes with its type and decodes back", arguments: [
        ImportAction.splitLabel(label: "p", shape: "box", into: "p (bounding box)"),
        .convertShape(label: "p", from: "box", to: "polygon"),
        .convertAttribute(label: "p", attribute: "a", from: "number", to: "text"),
        .dropAttribute(label: "p", attribute: "a"),
        .dropField(label: nil, field: "occluded"),
        .dropAnnotation(label: "p", shape: "ellipse"),
        .skipMedia(file: "images/x.jpg"),
        .mapMediaName(file: "images/frame_000001.PNG", name: "frame_000001"),
        .reexport(format: "CVAT for images 1.1", level: "task"),
    ])
    func roundTrip(action: ImportAction) throws {
        let data = try JSONEncoder().encode(action)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["type"] is String)
        #expect(try JSONDecoder().decode(ImportAction.self, from: data) == action)
    }
}

@Suite("cvat-lint's own JSON Schema validator (for apply --plan)")
struct OwnValidatorTests {
    /// A report of a fixture with findings, actions and statistics, as a JSON object to mutate.
    static func report() throws -> [String: Any] {
        let (report, container) = try Shared.linter.lint(path: Paths.fixture("task-images-every-shape"))
        let (other, otherContainer) = try Shared.encord.lint(path: Paths.fixture("rule-geometry-invalid"))
        let text = try JSONReporter().render(RunReport(exports: [report, other], containers: [container, otherContainer]))
        return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// Edits a report at a path of keys and indices.
    static func edited(_ document: [String: Any], _ path: [Any], _ change: (Any?) -> Any?) -> [String: Any] {
        func edit(_ node: Any?, _ rest: ArraySlice<Any>) -> Any? {
            guard let head = rest.first else { return change(node) }
            if let key = head as? String, var object = node as? [String: Any] {
                object[key] = edit(object[key], rest.dropFirst())
                return object
            }
            if let index = head as? Int, var array = node as? [Any], array.indices.contains(index) {
                if let value = edit(array[index], rest.dropFirst()) { array[index] = value } else { array.remove(at: index) }
                return array
            }
            return node
        }
        return edit(document, path[...]) as? [String: Any] ?? document
    }

    @Test("Valid or not, it agrees with Python's jsonschema on reports and on reports broken in every keyword's way")
    func agreesWithJSONSchema() throws {
        let base = try Self.report()
        let finding: [Any] = ["exports", 0, "findings", 0]
        let cases: [(String, [String: Any])] = [
            ("as written", base),
            ("no tool", Self.edited(base, ["tool"]) { _ in nil }),
            ("a severity outside the enum", Self.edited(base, finding + ["severity"]) { _ in "fatal" }),
            ("a location key not allowed", Self.edited(base, finding + ["location", "extra"]) { _ in 1 }),
            ("a rule id against the pattern", Self.edited(base, finding + ["rule"]) { _ in "Bad Rule" }),
            ("a negative count", Self.edited(base, ["summary", "errors"]) { _ in -1 }),
            ("a count that is no integer", Self.edited(base, ["summary", "errors"]) { _ in 1.5 }),
            ("a kind outside the enum", Self.edited(base, ["exports", 0, "plan", "ontology", 0, "kind"]) { _ in "circle" }),
            ("an action of no known type", Self.edited(base, ["exports", 0, "plan", "actions"]) { ($0 as? [Any] ?? []) + [["type": "explode"]] }),
            ("an action without its fields", Self.edited(base, ["exports", 0, "plan", "actions"]) { ($0 as? [Any] ?? []) + [["type": "splitLabel", "label": "x"]] }),
            ("a bucket name outside propertyNames", Self.edited(base, ["exports", 0, "statistics", "shapes_per_image", "7"]) { _ in 1 }),
            ("exports not an array", Self.edited(base, ["exports"]) { _ in ["a": 1] }),
            ("an empty rule id", Self.edited(base, finding + ["rule"]) { _ in "" }),
        ]
        let validator = try JSONSchemaValidator(schema: CVATSchema.reportSchema)
        var invalidCount = 0
        for (name, document) in cases {
            let data = try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys])
            let ours = try validator.errors(in: data)
            let python = try validateAgainstReportSchema([String(decoding: data, as: UTF8.self)])
            #expect(ours.isEmpty == python.isEmpty, "\(name): ours \(ours.prefix(2)), jsonschema \(python.prefix(2))")
            if !ours.isEmpty { invalidCount += 1 }
        }
        #expect(invalidCount == cases.count - 1, "every broken case is caught")
    }

    @Test("A schema with a keyword it does not know is refused, not half-checked")
    func unknownKeyword() {
        #expect(throws: InputError.self) { try JSONSchemaValidator(schema: #"{"type": "object", "maxProperties": 2}"#) }
    }

    @Test("apply --plan refuses (exit 2) a plan that breaks the schema, naming the place")
    func brokenPlanRefused() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let report = try runTool(["check", "--no-config", "--target", "encord", "--format", "json", Paths.fixture("task-images-every-shape")]).stdout
        var document = try #require(try JSONSerialization.jsonObject(with: Data(report.utf8)) as? [String: Any])
        document = Self.edited(document, ["exports", 0, "plan", "ontology", 0, "kind"]) { _ in "circle" }
        let plan = directory.appendingPathComponent("plan.json")
        try JSONSerialization.data(withJSONObject: document).write(to: plan)
        let result = try runTool(["apply", "--no-config", "--target", "encord", "--plan", plan.path, "--out",
                                  directory.appendingPathComponent("out").path, Paths.fixture("task-images-every-shape")])
        #expect(result.status == 2)
        #expect(result.stderr.contains("breaks the published JSON Schema") && result.stderr.contains("/exports/0/plan/ontology/0/kind"),
                "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("out").path))
    }
}
