import Foundation

/// Paths as CI systems want them: relative to the working directory (the repository root), `/`-separated.
public struct ReportPaths: Sendable {
    /// The directory paths are made relative to.
    public var base: String

    public init(base: String) {
        self.base = URL(fileURLWithPath: base).standardizedFileURL.path
    }

    /// `path` relative to the base (`../` where it lies outside).
    public func relative(_ path: String) -> String {
        let absolute = URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: base, isDirectory: true))
            .standardizedFileURL.path
        let baseParts = base.split(separator: "/")
        let parts = absolute.split(separator: "/")
        var common = 0
        while common < baseParts.count, common < parts.count, baseParts[common] == parts[common] { common += 1 }
        let ups = Array(repeating: "..", count: baseParts.count - common)
        let rest = parts[common...].map(String.init)
        let joined = (ups + rest).joined(separator: "/")
        return joined.isEmpty ? "." : joined
    }

    /// The file a finding is in, relative to the base: the export's own file for a directory, the
    /// annotations file for a bare XML, and the zip itself for a zip (its lines are those of the entry).
    public func file(of finding: Finding, export: String, container: ExportContainer) -> String {
        switch container {
        case .xml: relative(export)
        case .directory: relative((export as NSString).appendingPathComponent(finding.location.file))
        case .zip: relative(export)
        }
    }
}
