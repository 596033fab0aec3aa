/// The tool's name and version, as reports state them.
public enum ToolInfo {
    public static let name = "cvat-lint"
    public static let version = "0.1.0"
}

/// Everything one run found, over all the exports it was given.
public struct RunReport: Sendable {
    public var exports: [ExportReport]
    /// How each export was given (directory, zip, xml), in the same order; used to print paths.
    public var containers: [ExportContainer]
    /// Lines of each export's `annotations.xml` that findings point at, for the text report.
    public var excerpts: [[Int: String]]
    /// Each export's pictures for the HTML report (empty unless it was asked for).
    public var pictures: [ExportPictures]

    public init(exports: [ExportReport], containers: [ExportContainer], excerpts: [[Int: String]] = [],
                pictures: [ExportPictures] = []) {
        self.exports = exports
        self.containers = containers
        self.excerpts = excerpts
        self.pictures = pictures
    }

    public var summary: SeverityCounts {
        exports.reduce(SeverityCounts()) { $0 + $1.summary }
    }

    /// Where a finding's file is, as a path a person (or a terminal) can open.
    public static func displayPath(export: String, container: ExportContainer, file: String) -> String {
        switch container {
        case .xml: export
        case .directory: export.hasSuffix("/") ? export + file : export + "/" + file
        case .zip: export + "!/" + file
        }
    }
}

/// Writes a run's report in one format.
public protocol Reporter {
    func render(_ report: RunReport) throws -> String
    /// Writes the report piece by piece (a page of pictures need not be held whole); by default, in one piece.
    func write(_ report: RunReport, to output: (String) throws -> Void) throws
}

extension Reporter {
    public func write(_ report: RunReport, to output: (String) throws -> Void) throws {
        try output(render(report))
    }
}
