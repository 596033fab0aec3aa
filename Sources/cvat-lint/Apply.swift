import ArgumentParser
import CVATLint
import CVATLintRules
import Foundation

struct Apply: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Execute an export's import plan: write a new export the target takes, and check it.",
        discussion: """
            Runs check, builds the plan (or reads --plan), executes it and writes a new export to --out \
            (a folder, or a zip when the name ends in .zip) with cvat-lint-apply.json, the manifest of what \
            was done. The input is never modified. Lossless actions always run; lossy ones (listed by \
            `cvat-lint explain`) only with --allow-loss, and apply refuses when an error needs one.

            Exit codes: 0 the output has no errors; 1 refused (naming each lossy action or blocking \
            problem), or errors remain in the output (each named); 2 usage error or unusable input.

            Example:
              cvat-lint apply --target encord --allow-loss --out ready/ export.zip
            """)

    @Argument(help: "The export: a directory, the zip CVAT downloads, or a bare annotations.xml.")
    var path: String

    @Option(help: "The import target: \(Catalogue.standard.targetNames.joined(separator: ", ")) (default: \(Catalogue.defaultTarget), or the configuration's).")
    var target: String?

    @Option(help: "Where to write: a folder (created; must not exist or be empty), or FILE.zip.")
    var out: String?

    @Option(help: "Execute this plan (a `check --format json` report of this export, perhaps edited) instead of the export's own.")
    var plan: String?

    @Flag(help: "Execute lossy actions too (each listed in the manifest).")
    var allowLoss = false

    @Flag(help: "Leave out annotations and images broken beyond repair (each listed in the manifest).")
    var dropInvalid = false

    @Flag(help: "Print what would change, and write nothing.")
    var dryRun = false

    @Option(help: "Masks the target cannot take: polygon (traced from the RLE) or drop.")
    var masks: ApplyOptions.ShapePolicy = .polygon

    @Option(help: "Ellipses the target cannot take: polygon or drop.")
    var ellipses: ApplyOptions.ShapePolicy = .polygon

    @Option(help: "Cuboids the target cannot take: polygon (their outline) or drop.")
    var cuboids: ApplyOptions.ShapePolicy = .polygon

    @Flag(help: "Media: hard links where --out is on the input's file system (default), or copies.")
    var media: ApplyOptions.MediaMode = .link

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Option(help: "What to print: text, or json (the checks of input and output, the manifest and any refusal).")
    var format: Format = .text

    @Flag(help: "Print how long each pass took (check, write, media, output check) to standard error.")
    var timings = false

    @Option(help: "A configuration file to use instead of the nearest .cvat-lint.yml.")
    var config: String?

    @Flag(help: "Do not read any .cvat-lint.yml.")
    var noConfig = false

    @Flag(inversion: .prefixedNo, help: "Count boxes as polygons (Encord's transform_bounding_boxes_to_polygons).")
    var boxesAsPolygons: Bool?

    func validate() throws {
        if out == nil, !dryRun { throw ValidationError("--out is required (or --dry-run)") }
    }

    func run() throws {
        let session = LintSession(catalogue: .standard, choices: CommandLineChoices(
            target: target, boxesAsPolygons: boxesAsPolygons, configPath: config, noConfig: noConfig))
        let result: ApplyResult
        do {
            let configuration = try session.configurationPath(for: path).map(session.configuration(at:))
            let linter = try Linter(catalogue: .standard, options: try session.options(for: configuration))
            let document = try plan.map { try PlanDocument(json: try Data(contentsOf: URL(fileURLWithPath: $0)), schema: CVATSchema.reportSchema) }
            let options = ApplyOptions(allowLoss: allowLoss, dropInvalid: dropInvalid, masks: masks, ellipses: ellipses,
                                       cuboids: cuboids, media: media)
            result = try Applier(linter: linter).apply(path: path, out: out ?? "", plan: document, options: options, dryRun: dryRun)
        } catch {
            printError("cvat-lint: \(ErrorText.line(error))")
            throw ExitStatus.unusableInput
        }
        switch format {
        case .text: print(ApplyReporter().render(result), terminator: "")
        case .json:
            do {
                print(try ApplyJSONReporter().render(result), terminator: "")
            } catch {
                printError("cvat-lint: \(ErrorText.line(error))")
                throw ExitStatus.unusableInput
            }
        }
        if timings { printError("timings: \(result.timings.summary)") }
        if result.hasErrors { throw ExitStatus.findings }
    }
}

extension ApplyOptions.ShapePolicy: ExpressibleByArgument {}
extension ApplyOptions.MediaMode: EnumerableFlag {}
