@testable import CVATLint
import CVATLintRules
import Foundation
import Testing

@Suite("apply on the command line")
struct ApplyProcessTests {
    @Test("Exit 0 with an output that checks clean; the input is not touched")
    func success() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = Paths.fixture("task-images-every-shape")
        let before = try FileManager.default.contentsOfDirectory(atPath: input + "/images")
        let out = directory.appendingPathComponent("ready").path
        let run = try runTool(["apply", "--no-config", "--target", "encord", "--allow-loss", "--out", out, input])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("check: 0 errors, 9 warnings, 4 infos → 0 errors"))
        #expect(FileManager.default.fileExists(atPath: out + "/cvat-lint-apply.json"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: input + "/images") == before)
        let manifest = try String(contentsOfFile: out + "/cvat-lint-apply.json", encoding: .utf8)
        let problems = try validateJSON([manifest], schema: CVATSchema.applyManifestSchema)
        #expect(problems.isEmpty, "\(problems)")
    }

    @Test("--timings prints each pass's time on standard error")
    func timings() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("ready").path
        let run = try runTool(["apply", "--no-config", "--target", "encord", "--allow-loss", "--timings", "--out", out,
                               Paths.fixture("task-images-every-shape")])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        let line = try #require(run.stderr.split(separator: "\n").first { $0.hasPrefix("timings: ") })
        let match = try #require(line.wholeMatch(of: /timings: check ([0-9.]+) s, write ([0-9.]+) s, media ([0-9.]+) s, output check ([0-9.]+) s \((.+)\)/))
        #expect([match.1, match.2, match.3, match.4].allSatisfy { Double($0) != nil })
        #expect(match.5 == "beside the write")
        #expect(!run.stdout.contains("timings:"), "timings go to standard error, the report to standard output")
    }

    @Test("Exit 1 and nothing written when an error needs a lossy action; the refusal names it")
    func refusal() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("ready").path
        let run = try runTool(["apply", "--no-config", "--target", "encord", "--out", out, Paths.fixture("task-video-tracks")])
        #expect(run.status == 1)
        #expect(run.stdout.contains("video_format_unsupported: video → images is lossy"))
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test("Exit 2: an output that exists, an output inside the input, a missing input, a foreign plan")
    func unusable() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = Paths.fixture("task-images-every-shape")
        let taken = directory.appendingPathComponent("taken")
        try FileManager.default.createDirectory(at: taken, withIntermediateDirectories: true)
        try Data("x".utf8).write(to: taken.appendingPathComponent("file"))
        #expect(try runTool(["apply", "--no-config", "--out", taken.path, input]).status == 2)
        #expect(try runTool(["apply", "--no-config", "--out", input + "/images/new", input]).status == 2)
        #expect(try runTool(["apply", "--no-config", "--out", directory.appendingPathComponent("a").path, "/nonexistent"]).status == 2)
        #expect(try runTool(["apply", "--no-config"]).status == 2)
        let plan = directory.appendingPathComponent("plan.json")
        let other = try runTool(["check", "--no-config", "--target", "cvat", "--format", "json", Paths.fixture("project-images-subsets")])
        try Data(other.stdout.utf8).write(to: plan)
        let foreign = try runTool(["apply", "--no-config", "--target", "cvat", "--plan", plan.path,
                                   "--out", directory.appendingPathComponent("b").path, input])
        #expect(foreign.status == 2)
        #expect(foreign.stderr.contains("belongs to"))
    }

    @Test("--plan executes an edited plan: a renamed split item is the name written")
    func editedPlan() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = Paths.fixture("task-images-every-shape")
        let check = try runTool(["check", "--no-config", "--target", "encord", "--format", "json", input])
        let edited = check.stdout.replacingOccurrences(of: "person (polyline)", with: "walkway")
        let plan = directory.appendingPathComponent("plan.json")
        try Data(edited.utf8).write(to: plan)
        let out = directory.appendingPathComponent("ready").path
        let run = try runTool(["apply", "--no-config", "--target", "encord", "--plan", plan.path, "--out", out, input])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        let xml = try String(contentsOfFile: out + "/annotations.xml", encoding: .utf8)
        #expect(xml.contains(#"<polyline label="walkway""#))
        #expect(xml.contains("<name>walkway</name>"))
    }

    @Test("--dry-run prints the changes and writes nothing; a .zip output is a zip that checks clean")
    func dryRunAndZip() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = Paths.fixture("task-images-every-shape")
        let out = directory.appendingPathComponent("ready").path
        let dry = try runTool(["apply", "--no-config", "--target", "encord", "--allow-loss", "--dry-run", "--out", out, input])
        #expect(dry.status == 0)
        #expect(dry.stdout.contains("dry run, nothing written"))
        #expect(dry.stdout.contains("splitLabel 'person' (polygon) → 'person (polygon)' [lossless]"))
        #expect(!FileManager.default.fileExists(atPath: out))
        let zip = directory.appendingPathComponent("ready.zip").path
        let zipped = try runTool(["apply", "--no-config", "--target", "encord", "--allow-loss", "--copy", "--out", zip, input])
        #expect(zipped.status == 0, "\(zipped.stdout)\(zipped.stderr)")
        #expect(try runTool(["check", "--no-config", "--target", "encord", "--quiet", zip]).status == 0)
    }
}
