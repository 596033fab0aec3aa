import Foundation

/// `--format json`: the stable machine contract (see README). Later versions add keys, never remove them.
public struct JSONReporter: Reporter {
    public init() {}

    private struct Document: Encodable {
        struct Tool: Encodable {
            var name: String
            var version: String
        }
        var tool: Tool
        var summary: SeverityCounts
        var exports: [ExportReport]
    }

    public func render(_ report: RunReport) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let document = Document(tool: .init(name: ToolInfo.name, version: ToolInfo.version),
                                summary: report.summary, exports: report.exports)
        let data = try encoder.encode(document)
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
