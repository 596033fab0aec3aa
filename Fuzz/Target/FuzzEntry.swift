import CVATLint
import CVATLintRules
import Foundation

/// One linter for every input: compiling the schema per input would drown the fuzzer.
private let fuzzLinter: Linter? = {
    let session = LintSession(catalogue: .standard, choices: CommandLineChoices(target: "encord", noConfig: true))
    guard let options = try? session.options(for: nil) else { return nil }
    return try? Linter(catalogue: .standard, options: options)
}()

/// Lints bytes as an `annotations.xml`, and renders every report format (the HTML page with its pictures), as
/// `check` would; then applies the plan with every flag on, as `apply` would.
func lintBytes(_ bytes: [UInt8]) {
    guard let linter = fuzzLinter, let report = try? linter.check(MemoryExport(bytes: bytes)) else { return }
    // The HTML page's pictures too: the scene pass reads the bytes again and draws what the findings point at.
    let source = MemoryExport(bytes: bytes)
    let pictures = (try? PictureCollector.collect(report: report, annotations: source, media: source, options: PictureOptions()))
        ?? ExportPictures()
    let run = RunReport(exports: [report], containers: [.xml], pictures: [pictures])
    let context = ReportFormat.Context(rules: Catalogue.standard.descriptions, paths: ReportPaths(base: "/"))
    for format in ReportFormat.allCases { _ = try? format.reporter(context).render(run) }
    applyBytes(bytes, linter: linter, input: report)
}

/// Every input ends in a refusal (or unusable input) or in an output that is well-formed, and free of
/// schema findings when the input was: anything else stops the fuzzer as a crash would.
func applyBytes(_ bytes: [UInt8], linter: Linter, input: ExportReport) {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cvat-lint-fuzz-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    guard (try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)) != nil else { return }
    let options = ApplyOptions(allowLoss: true, dropInvalid: true)
    let result: ApplyResult
    do {
        result = try Applier(linter: linter).apply(source: MemoryExport(bytes: bytes), out: directory.appendingPathComponent("out").path,
                                                   options: options)
    } catch {
        // Unusable input may be refused; a conservation failure (an annotation lost) never may.
        if "\(error)".contains("this is a bug") { fatalError("apply: \(error)") }
        return
    }
    guard let output = result.outputReport else { return }
    // Conservation: every row adds up, and what the table says was written is what the output's check counts.
    for row in result.manifest.conservation where !row.addsUp { fatalError("conservation: \(row) does not add up") }
    let written = result.manifest.conservation.map(\.written).reduce(0, +)
    if let counted = output.statistics?.annotations, counted != written {
        fatalError("conservation: the table says \(written) annotations were written, the output holds \(counted)")
    }
    let inputHadSchema = input.findings.contains { $0.rule == "schema" }
    for finding in output.findings where finding.rule == "xml" || (finding.rule == "schema" && !inputHadSchema) {
        fatalError("apply wrote an output with a \(finding.rule) finding: \(finding.message)")
    }
}

/// libFuzzer's entry point.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    lintBytes(bytes)
    return 0
}

#if FUZZING
/// libFuzzer's driver, for programs that keep their own `main` (SwiftPM renames an executable's entry point).
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32

@main
struct FuzzDriver {
    static func main() {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        let status = withUnsafeMutablePointer(to: &argv) { argvPointer in
            LLVMFuzzerRunDriver(&argc, argvPointer) { data, size in fuzzOneInput(data, size) }
        }
        exit(status)
    }
}
#else
/// Without libFuzzer: replays the files given as arguments (crash reproducers, a corpus).
@main
struct FuzzReplay {
    static func main() {
        for path in CommandLine.arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else {
                FileHandle.standardError.write(Data("cannot read \(path)\n".utf8))
                continue
            }
            lintBytes(Array(data))
        }
    }
}
#endif
