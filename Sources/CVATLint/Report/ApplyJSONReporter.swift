import Foundation

/// `apply --format json`: what the Python layer (and any program) reads of one apply run: the checks of
/// input and output as `check --format json` writes an export, the manifest (`cvat-lint schema --manifest`)
/// and why nothing was written, if it was not. Later versions add keys, never remove them.
public struct ApplyJSONReporter {
    public init() {}

    private struct Document: Encodable {
        var tool: [String: String]
        var dryRun: Bool
        var refusals: [String]
        var input: ExportReport
        var output: ExportReport?
        var manifest: ApplyManifest

        enum CodingKeys: String, CodingKey {
            case tool
            case dryRun = "dry_run"
            case refusals, input, output, manifest
        }

        /// `output` is written as null when nothing was checked (a refusal, a dry run), never left out.
        func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(tool, forKey: .tool)
            try container.encode(dryRun, forKey: .dryRun)
            try container.encode(refusals, forKey: .refusals)
            try container.encode(input, forKey: .input)
            try container.encode(output, forKey: .output)
            try container.encode(manifest, forKey: .manifest)
        }
    }

    public func render(_ result: ApplyResult) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let document = Document(tool: ["name": ToolInfo.name, "version": ToolInfo.version], dryRun: result.dryRun,
                                refusals: result.refusals, input: result.inputReport, output: result.outputReport,
                                manifest: result.manifest)
        return String(decoding: try encoder.encode(document), as: UTF8.self) + "\n"
    }
}
