import ArgumentParser
import CVATLint
import CVATLintRules
import Foundation

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Lint exports: a directory, the zip CVAT downloads, or a bare annotations.xml.",
        discussion: """
            Exit codes: 0 no errors (warnings and infos may remain); 1 errors found, or warnings with \
            --fail-on warning, or more than --max-warnings; 2 usage error, bad configuration or unreadable input.

            Configuration: the nearest .cvat-lint.yml in the export's folder or above it (target, \
            boxes_as_polygons, rules.enable/disable/severity, media.ignore), unless --config names one or \
            --no-config is given; the command line wins over the file.

            Example:
              cvat-lint check --target encord --format sarif --output text=report.txt export.zip
            """)

    enum ColorChoice: String, ExpressibleByArgument, CaseIterable {
        case auto, always, never
    }

    @Argument(help: "Exports to lint.")
    var paths: [String]

    @Option(help: "Report format on standard output: \(ReportFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
    var format: ReportFormat = .text

    @Option(name: .customLong("output"), help: ArgumentHelp(
        "Also write a report in FORMAT to PATH (repeatable), e.g. sarif=cvat-lint.sarif.", valueName: "FORMAT=PATH"))
    var outputs: [String] = []

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

    @Option(help: "Fail (exit 1) on findings of this severity or worse: error, warning or info.")
    var failOn: Severity = .error

    @Option(help: "Fail (exit 1) when there are more warnings than this.")
    var maxWarnings: Int?

    @Option(help: "Accept the findings recorded in this baseline file; only new ones count.")
    var baseline: String?

    @Option(help: "Record every finding of this run in a baseline file.")
    var writeBaseline: String?

    @Option(help: "Group text findings by rule, file or image.")
    var groupBy: TextReporter.Grouping = .rule

    @Flag(help: "Text report: errors only.")
    var quiet = false

    @Flag(help: "Text report: only the table of counts per rule and severity.")
    var statistics = false

    @Flag(help: "Never read media beyond their headers (media-duplicate then reads nothing).")
    var noMediaContent = false

    @Option(help: "List at most this many xml/schema findings per export; the rest are counted.")
    var maxSchemaFindings: Int = 200

    @Option(help: "Refuse a zip whose annotations.xml inflates past this many bytes.")
    var maxInflatedSize: UInt64 = ZipLimits().maximumInflatedBytes

    @Option(help: "Refuse a zip whose annotations.xml compresses better than this ratio (N:1).")
    var maxZipRatio: UInt64 = ZipLimits().maximumRatio

    @Option(help: ArgumentHelp("HTML report: embed at most this many megabytes of images in the page (smallest first); past it, shapes are drawn on a blank canvas.", valueName: "MB"))
    var htmlMediaBudget: Double = Double(PictureOptions().mediaBudget) / 1_000_000

    @Option(help: ArgumentHelp("HTML report: draw at most this many places of each rule on their images.", valueName: "N"))
    var htmlPictures: Int = PictureOptions().perRule

    @Option(help: "Color in text reports: auto (only on a terminal), always, never.")
    var color: ColorChoice = .auto

    /// Streams a report into a file, created or truncated.
    private func write(_ reporter: Reporter, _ report: RunReport, toFile path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw InputError("cannot create \(path)")
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try reporter.write(report) { try handle.write(contentsOf: Data($0.utf8)) }
    }

    static func ruleList(_ text: String) -> [String] {
        text.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    func validate() throws {
        guard maxSchemaFindings >= 0 else { throw ValidationError("--max-schema-findings must be 0 or more") }
        guard htmlMediaBudget >= 0, htmlMediaBudget.isFinite else { throw ValidationError("--html-media-budget must be 0 or more") }
        guard htmlPictures >= 0 else { throw ValidationError("--html-pictures must be 0 or more") }
        if let maxWarnings, maxWarnings < 0 { throw ValidationError("--max-warnings must be 0 or more") }
        for output in outputs where ReportFormat.output(output) == nil {
            throw ValidationError("--output takes FORMAT=PATH with FORMAT one of \(ReportFormat.allCases.map(\.rawValue).joined(separator: ", ")); got '\(output)'")
        }
    }

    func run() throws {
        let wantsText = format == .text || outputs.contains { $0.hasPrefix("text=") }
        let wantsHTML = format == .html || outputs.contains { $0.hasPrefix("html=") }
        let choices = CommandLineChoices(target: target, select: select, ignore: ignore, boxesAsPolygons: boxesAsPolygons,
                                         maximumSchemaFindings: maxSchemaFindings, configPath: config, noConfig: noConfig,
                                         excerpts: (wantsText && !statistics) || wantsHTML, noMediaContent: noMediaContent,
                                         pictures: wantsHTML ? PictureOptions(mediaBudget: Int(htmlMediaBudget * 1_000_000),
                                                                              perRule: htmlPictures) : nil)
        let session = LintSession(catalogue: .standard, choices: choices,
                                  zipLimits: ZipLimits(maximumInflatedBytes: maxInflatedSize, maximumRatio: maxZipRatio))
        let progress = ProgressBar.forStandardError()
        let outcome: LintOutcome
        let everyFinding: RunReport
        do {
            let known = try baseline.map(Baseline.load(path:))
            let run = try session.run(paths: paths, progress: progress?.update)
            everyFinding = run.report
            outcome = run.applying(known)
        } catch {
            progress?.clear()
            printError("cvat-lint: \(ErrorText.line(error))")
            throw ExitStatus.unusableInput
        }
        progress?.clear()
        for error in outcome.inputErrors { printError("cvat-lint: \(error.message)") }

        let useColor = color == .always || (color == .auto && isatty(STDOUT_FILENO) != 0
            && ProcessInfo.processInfo.environment["NO_COLOR"] == nil)
        let context = ReportFormat.Context(
            rules: Catalogue.standard.descriptions,
            paths: ReportPaths(base: FileManager.default.currentDirectoryPath),
            text: TextReporter(useColor: useColor, grouping: groupBy, quiet: quiet, statisticsOnly: statistics),
            // Each profile is read whole for its title: only the HTML page shows one.
            targetTitles: wantsHTML ? Catalogue.standard.targetTitles : [:])
        do {
            if let writeBaseline {
                // Every finding of the run, those an older baseline knew included.
                try Baseline(report: everyFinding).encoded().write(to: URL(fileURLWithPath: writeBaseline))
            }
            for output in outputs {
                guard let (outputFormat, path) = ReportFormat.output(output) else { continue }
                var fileContext = context
                fileContext.text.useColor = false
                try write(outputFormat.reporter(fileContext), outcome.report, toFile: path)
            }
        } catch {
            printError("cvat-lint: cannot write a report: \(ErrorText.line(error))")
            throw ExitStatus.unusableInput
        }
        if !outcome.report.exports.isEmpty || outcome.inputErrors.isEmpty {
            try format.reporter(context).write(outcome.report) { print($0, terminator: "") }
        }
        if !outcome.inputErrors.isEmpty { throw ExitStatus.unusableInput }
        if Gate(failOn: failOn, maximumWarnings: maxWarnings).verdict(outcome.report.summary) != nil {
            throw ExitStatus.findings
        }
    }
}
