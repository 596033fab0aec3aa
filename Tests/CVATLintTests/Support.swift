import CVATLint
import CVATLintRules
import Foundation
import Testing
import ZIPFoundation

/// Paths the tests work with, found from this file's location.
enum Paths {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let fixtures = packageRoot.appendingPathComponent("Fixtures")
    static let corpus = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus")

    static func fixture(_ name: String) -> String { fixtures.appendingPathComponent(name).path }

    /// Every fixture that is an export (a folder with annotations.xml, or a zip); `fuzz/` holds raw inputs.
    static var fixtureExports: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: fixtures.path)) ?? []
        return names.sorted().map(fixture).filter { path in
            path.hasSuffix(".zip") || FileManager.default.fileExists(atPath: path + "/annotations.xml")
        }
    }

    /// The `cvat-lint` binary built beside the test bundle.
    static var executable: URL {
        let candidates = [
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("cvat-lint"),
            Bundle.main.bundleURL.appendingPathComponent("cvat-lint"),
            packageRoot.appendingPathComponent(".build/debug/cvat-lint"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]
    }

    /// A fresh temporary directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cvat-lint-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The fixture's annotations.xml as `edit` changes it (which it must), written alone into `directory`.
    static func editedFixtureFile(_ name: String, in directory: URL, _ edit: (String) throws -> String) throws -> URL {
        let file = directory.appendingPathComponent("annotations.xml")
        try write(edit, of: name, to: file)
        return file
    }

    /// A copy of the fixture export, media and all, as `directory/name`, its annotations.xml as `edit` changes it.
    static func editedFixtureCopy(_ name: String, in directory: URL, _ edit: (String) throws -> String) throws -> URL {
        let export = directory.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: fixture(name), toPath: export.path)
        try write(edit, of: name, to: export.appendingPathComponent("annotations.xml"))
        return export
    }

    private static func write(_ edit: (String) throws -> String, of name: String, to file: URL) throws {
        let text = try String(contentsOf: URL(fileURLWithPath: fixture("\(name)/annotations.xml")), encoding: .utf8)
        let edited = try edit(text)
        #expect(edited != text, "the edit changes \(name)")
        try Data(edited.utf8).write(to: file)
    }
}

/// Shared linters (the schema compiles once per target), reading no configuration files.
enum Shared {
    static func makeLinter(target: String, boxesAsPolygons: Bool = false, maximumSchemaFindings: Int = 200) -> Linter {
        let choices = CommandLineChoices(target: target, boxesAsPolygons: boxesAsPolygons,
                                         maximumSchemaFindings: maximumSchemaFindings, noConfig: true)
        do {
            let session = LintSession(catalogue: .standard, choices: choices)
            return try Linter(catalogue: .standard, options: session.options(for: nil))
        } catch {
            fatalError("the shipped schema and profiles must load: \(error)")
        }
    }

    /// Target cvat: "would CVAT itself re-import this".
    static let linter = makeLinter(target: "cvat")
    static let encord = makeLinter(target: "encord")
    static let datumaro = makeLinter(target: "datumaro")

    /// The shared linter of a shipped target.
    static func linter(for target: String) -> Linter {
        switch target {
        case "encord": encord
        case "datumaro": datumaro
        default: linter
        }
    }

    static func report(_ path: String, target: String = "cvat") throws -> ExportReport {
        try linter(for: target).lint(path: path).0
    }
}

/// Zips a fixture directory's contents (as CVAT does: entries at the root).
func zipFixture(_ name: String, into directory: URL) throws -> URL {
    let destination = directory.appendingPathComponent("\(name).zip")
    try FileManager.default.zipItem(at: Paths.fixtures.appendingPathComponent(name), to: destination, shouldKeepParent: false)
    return destination
}

/// The result of running the built executable.
struct ProcessResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs a program found on the path (`/usr/bin/env NAME …`) or at an absolute path, and returns its standard
/// output; standard error is discarded. Never uses a shell.
func runProgram(_ program: String, _ arguments: [String]) throws -> Data {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: program.hasPrefix("/") ? program : "/usr/bin/env")
    process.arguments = program.hasPrefix("/") ? arguments : [program] + arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return data
}

/// Runs `cvat-lint` with arguments (in `directory`, else the test's own); never uses a shell.
func runTool(_ arguments: [String], in directory: URL? = nil) throws -> ProcessResult {
    let process = Process()
    process.executableURL = Paths.executable
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = directory }
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    #expect(process.terminationReason == .exit, "cvat-lint must never die by a signal")
    return ProcessResult(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                         stderr: String(decoding: stderr, as: UTF8.self))
}

/// `../shared` beside the checkout (the real corpus and the SARIF schema), which a clone of the repository alone
/// does not have. Tests that need it skip, saying so, unless `CVAT_LINT_REQUIRE_CORPUS=1` (CI sets it): then
/// they run, and fail where it is missing.
enum SharedData {
    static let root = Paths.packageRoot.deletingLastPathComponent().appendingPathComponent("shared")
    static let isPresent = FileManager.default.fileExists(atPath: root.appendingPathComponent("corpus/SOURCES.tsv").path)
        && FileManager.default.fileExists(atPath: root.appendingPathComponent("schemas").path)
    static let isRequired = ProcessInfo.processInfo.environment["CVAT_LINT_REQUIRE_CORPUS"] == "1"
    /// The SARIF 2.1.0 JSON Schema from `../shared/schemas`.
    static func sarifSchema() throws -> String {
        try String(contentsOf: root.appendingPathComponent("schemas/sarif-schema-2.1.0.json"), encoding: .utf8)
    }
}

extension Trait where Self == ConditionTrait {
    /// Runs the test where `../shared` is beside the checkout, or where CI requires it.
    static var needsSharedData: Self {
        .enabled(if: SharedData.isPresent || SharedData.isRequired,
                 "needs ../shared (the real CVAT corpus and the SARIF schema) beside the checkout; set CVAT_LINT_REQUIRE_CORPUS=1 to require it")
    }
}
