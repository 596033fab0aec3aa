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
