import Foundation
import Testing

@Suite("The cvat-lint executable: exit codes and streams")
struct ProcessTests {
    @Test("0 for a clean export")
    func clean() throws {
        let result = try runTool(["check", "--target", "cvat", Paths.fixture("task-images-every-shape")])
        #expect(result.status == 0)
        #expect(result.stdout.contains("0 errors"))
        #expect(result.stderr.isEmpty)
    }

    @Test("1 when errors are found, with file:line:col in the text report")
    func errors() throws {
        let result = try runTool(["check", Paths.fixture("broken-non-numeric-coordinate")])
        #expect(result.status == 1)
        #expect(result.stdout.contains("annotations.xml:98:5: error: box: xtl 'abc' is not a number"))
        #expect(!result.stdout.contains("\u{1B}["), "no color when not on a terminal")
    }

    @Test("2 with one line on stderr for unusable input, naming the path at fault", arguments: [
        (["check", "/nonexistent/export"], "/nonexistent/export"),
        (["check", Paths.fixture("broken-wrong-root") + "/missing.zip"], "missing.zip"),
        (["check", "--write-baseline", "/nonexistent/baseline.json", Paths.fixture("job-images")], "/nonexistent/baseline.json"),
        (["apply", "--target", "cvat", "--plan", "/nonexistent/plan.json", "--dry-run", Paths.fixture("job-images")],
         "/nonexistent/plan.json"),
        (["apply", "--target", "cvat", "--out", "/proc/cvat-lint-out", Paths.fixture("job-images")], "/proc/cvat-lint-out"),
    ])
    func unusable(arguments: [String], path: String) throws {
        let result = try runTool(arguments)
        #expect(result.status == 2)
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(result.stderr.hasPrefix("cvat-lint: "))
        // A file error says which path and why, not Foundation's NSError dump.
        #expect(result.stderr.contains(path), "\(result.stderr)")
        #expect(!result.stderr.contains("Domain="), "\(result.stderr)")
    }

    @Test("A one-character path is a path like any other: '-' or a missing 'x' exits 2, a zip named 'z' is read")
    func oneCharacterPaths() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for missing in [["check", "-"], ["check", "x"], ["apply", "--target", "cvat", "--out", "o", "-"]] {
            let result = try runTool(missing, in: directory)
            #expect(result.status == 2, "\(missing)")
            #expect(result.stderr.hasPrefix("cvat-lint: "), "\(missing)")
        }
        let zip = try zipFixture("job-images", into: directory)
        try FileManager.default.moveItem(at: zip, to: directory.appendingPathComponent("z"))
        let checked = try runTool(["check", "--target", "cvat", "z"], in: directory)
        #expect(checked.status == 0)
        #expect(checked.stdout.contains("in 1 export"))
        let applied = try runTool(["apply", "--target", "cvat", "--out", "o", "z"], in: directory)
        #expect(applied.status == 0, "\(applied.stderr)")
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("o/annotations.xml").path))
    }

    @Test("2 for a usage error")
    func usage() throws {
        let result = try runTool(["check", "--format", "yaml", Paths.fixture("job-images")])
        #expect(result.status == 2)
        #expect(result.stderr.contains("yaml"))
        let missingPath = try runTool(["check"])
        #expect(missingPath.status == 2)
        let help = try runTool(["--help"])
        #expect(help.status == 0)
        // check --help says what the exit codes mean, where configuration is found, and shows a run.
        let checkHelp = try runTool(["check", "--help"])
        #expect(checkHelp.status == 0)
        for needed in ["Exit codes: 0 no errors", "1 errors found", "2 usage error", ".cvat-lint.yml", "Example:", "cvat-lint check --target"] {
            #expect(checkHelp.stdout.contains(needed), "check --help mentions \(needed)")
        }
    }

    @Test("Several exports: each reported, exit with the worst")
    func several() throws {
        let result = try runTool(["check", "--target", "cvat", Paths.fixture("job-images"), Paths.fixture("broken-mask-rle")])
        #expect(result.status == 1)
        #expect(result.stdout.contains("in 2 exports"))
        let withMissing = try runTool(["check", "--target", "cvat", Paths.fixture("job-images"), "/nonexistent"])
        #expect(withMissing.status == 2)
        #expect(withMissing.stdout.contains("job-images"))
    }

    @Test("JSON output follows the contract")
    func json() throws {
        let result = try runTool(["check", "--target", "cvat", "--format", "json", Paths.fixture("broken-track-without-shapes")])
        #expect(result.status == 1)
        #expect(try validateAgainstReportSchema([result.stdout]).isEmpty)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let tool = try #require(object["tool"] as? [String: Any])
        #expect(tool["name"] as? String == "cvat-lint")
        #expect(tool["version"] is String)
        let summary = try #require(object["summary"] as? [String: Int])
        #expect(summary["errors"] == 1)
        let exports = try #require(object["exports"] as? [[String: Any]])
        let export = try #require(exports.first)
        #expect(export["format"] as? String == "video")
        #expect(export["level"] as? String == "task")
        #expect(export["mode"] as? String == "annotation")
        #expect(export["path"] as? String == Paths.fixture("broken-track-without-shapes"))
        let findings = try #require(export["findings"] as? [[String: Any]])
        let finding = try #require(findings.first)
        #expect(finding["rule"] as? String == "schema")
        #expect(finding["severity"] as? String == "error")
        let location = try #require(finding["location"] as? [String: Any])
        #expect(location["file"] as? String == "annotations.xml")
        #expect(location["line"] as? Int == 97)
        #expect(location["column"] as? Int == 3)
    }

    @Test("JSON keeps level and mode as null when unknown")
    func jsonNulls() throws {
        let result = try runTool(["check", "--target", "cvat", "--format", "json", Paths.fixture("trimmed-no-meta")])
        #expect(result.status == 0)
        #expect(try validateAgainstReportSchema([result.stdout]).isEmpty)
        #expect(result.stdout.contains("\"level\" : null"))
        #expect(result.stdout.contains("\"mode\" : null"))
    }

    @Test("schema prints the XSD in use, per layout")
    func schemaCommand() throws {
        let images = try runTool(["schema", "--format", "images"])
        #expect(images.status == 0)
        #expect(images.stdout.contains("<xs:schema"))
        #expect(images.stdout.contains("name=\"image\""))
        #expect(!images.stdout.contains("<xs:element name=\"track\""))
        let video = try runTool(["schema", "--format", "video"])
        #expect(video.stdout.contains("<xs:element name=\"track\""))
        #expect(!video.stdout.contains("<xs:element name=\"image\""))
    }

    @Test("The tool works from any directory (its schema is compiled in)")
    func anyDirectory() throws {
        let process = Process()
        process.executableURL = Paths.executable
        process.arguments = ["check", "--target", "cvat", Paths.fixture("job-images")]
        process.currentDirectoryURL = URL(fileURLWithPath: "/")
        process.standardOutput = Pipe()
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }
}
