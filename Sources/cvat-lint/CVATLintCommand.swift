import ArgumentParser
import CVATLint
import CVATLintRules
import Foundation

@main
struct CVATLintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cvat-lint",
        abstract: "Validate and lint CVAT exports (CVAT for images/video 1.1) before an import.",
        version: ToolInfo.version,
        subcommands: [Check.self, Rules.self, Explain.self, Schema.self],
        defaultSubcommand: Check.self
    )

    /// Runs the command, mapping argument errors to exit code 2 (argument-parser's own is 64).
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            if exitCode(for: error) == .validationFailure {
                printError(fullMessage(for: error))
                Foundation.exit(ExitStatus.unusableInput.rawValue)
            }
            exit(withError: error)
        }
    }
}

/// Exit codes: 0 no errors, 1 errors found, 2 usage or unreadable input.
enum ExitStatus {
    static let findings = ExitCode(1)
    static let unusableInput = ExitCode(2)
}

/// Writes one line to standard error.
func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Lint exports: a directory, the zip CVAT downloads, or a bare annotations.xml.")

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    enum ColorChoice: String, ExpressibleByArgument, CaseIterable {
        case auto, always, never
    }

    @Argument(help: "Exports to lint.")
    var paths: [String]

    @Option(help: "Report format: \(OutputFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
    var format: OutputFormat = .text

    @Option(help: "The import target: \(Catalogue.standard.targetNames.joined(separator: ", ")) (default: \(Catalogue.defaultTarget), or the configuration's).")
    var target: String?

    @Option(help: "A configuration file to use instead of the nearest .cvat-lint.yml.")
    var config: String?

    @Flag(help: "Do not read any .cvat-lint.yml.")
    var noConfig = false

    @Option(help: "Run only these rules (comma-separated ids).", transform: Check.ruleList)
    var select: [String]?

    @Option(help: "Do not run these rules (comma-separated ids).", transform: Check.ruleList)
    var ignore: [String] = []

    @Flag(inversion: .prefixedNo, help: "Count boxes as polygons (Encord's transform_bounding_boxes_to_polygons).")
    var boxesAsPolygons: Bool?

    @Option(help: "List at most this many xml/schema findings per export; the rest are counted.")
    var maxSchemaFindings: Int = 200

    @Option(help: "Refuse a zip whose annotations.xml inflates past this many bytes.")
    var maxInflatedSize: UInt64 = ZipLimits().maximumInflatedBytes

    @Option(help: "Refuse a zip whose annotations.xml compresses better than this ratio (N:1).")
    var maxZipRatio: UInt64 = ZipLimits().maximumRatio

    @Option(help: "Color in text reports: auto (only on a terminal), always, never.")
    var color: ColorChoice = .auto

    static func ruleList(_ text: String) -> [String] {
        text.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    func validate() throws {
        guard maxSchemaFindings >= 0 else { throw ValidationError("--max-schema-findings must be 0 or more") }
    }

    func run() throws {
        let choices = CommandLineChoices(target: target, select: select, ignore: ignore, boxesAsPolygons: boxesAsPolygons,
                                         maximumSchemaFindings: maxSchemaFindings, configPath: config, noConfig: noConfig)
        let session = LintSession(catalogue: .standard, choices: choices,
                                  zipLimits: ZipLimits(maximumInflatedBytes: maxInflatedSize, maximumRatio: maxZipRatio))
        let outcome: LintOutcome
        do {
            outcome = try session.run(paths: paths)
        } catch {
            printError("cvat-lint: \(error)")
            throw ExitStatus.unusableInput
        }
        for error in outcome.inputErrors { printError("cvat-lint: \(error.message)") }

        let reporter: Reporter
        switch format {
        case .json: reporter = JSONReporter()
        case .text:
            let useColor = color == .always || (color == .auto && isatty(STDOUT_FILENO) != 0
                && ProcessInfo.processInfo.environment["NO_COLOR"] == nil)
            reporter = TextReporter(useColor: useColor)
        }
        if !outcome.report.exports.isEmpty || outcome.inputErrors.isEmpty {
            print(try reporter.render(outcome.report), terminator: "")
        }
        if !outcome.inputErrors.isEmpty { throw ExitStatus.unusableInput }
        if outcome.report.summary.errors > 0 { throw ExitStatus.findings }
    }
}

struct Schema: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the XSD cvat-lint validates annotations.xml against.")

    enum Layout: String, ExpressibleByArgument, CaseIterable {
        case any, images, video
    }

    @Option(help: "any (both layouts, as check uses), images (CVAT for images 1.1) or video (CVAT for video 1.1).")
    var format: Layout = .any

    @Flag(help: "Print the JSON Schema of `check --format json` instead.")
    var report = false

    func run() throws {
        if report {
            print(CVATSchema.reportSchema)
            return
        }
        let layout = CVATSchema.Layout(rawValue: format.rawValue) ?? .any
        print(CVATSchema.text(for: layout), terminator: "")
    }
}

struct Rules: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the rules: id, default severity, category, summary.")

    func run() throws {
        print(RuleDocs.table(Catalogue.standard.descriptions), terminator: "")
    }
}

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Explain one rule, with examples that trigger it and ones that do not.")

    @Argument(help: "The rule's id (see `cvat-lint rules`).")
    var id: String

    func run() throws {
        guard let rule = Catalogue.standard.descriptions.first(where: { $0.id == id }) else {
            printError("cvat-lint: no rule '\(id)'; `cvat-lint rules` lists them")
            throw ExitStatus.unusableInput
        }
        print(RuleDocs.explain(rule), terminator: "")
    }
}
