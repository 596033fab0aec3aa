import Foundation
import CVATLint

/// The XSD that cvat-lint validates `annotations.xml` against, carried inside the tool.
public enum CVATSchema {
    /// Which layout a printed schema admits.
    public enum Layout: String, CaseIterable, Sendable {
        /// Both `<image>` and `<track>`, as CVAT's importer reads them; what `check` uses.
        case any
        /// "CVAT for images 1.1" only.
        case images
        /// "CVAT for video 1.1" only.
        case video
    }

    /// The JSON Schema of `check --format json`, as published under `Rules/Schemas/`.
    public static var reportSchema: String {
        EmbeddedResources.files["Schemas/cvat-lint-report.schema.json"] ?? ""
    }

    /// The JSON Schema of `cvat-lint-apply.json`, the manifest `apply` writes.
    public static var applyManifestSchema: String {
        EmbeddedResources.files["Schemas/cvat-lint-apply.schema.json"] ?? ""
    }

    /// The schema source as written under `Rules/Schemas/`.
    public static var source: String {
        EmbeddedResources.files["Schemas/cvat-1.1.xsd"] ?? ""
    }

    /// The schema text for a layout: the other layout's marked lines are dropped.
    public static func text(for layout: Layout) -> String {
        let drop: String?
        switch layout {
        case .any: drop = nil
        case .images: drop = "<!-- layout:video -->"
        case .video: drop = "<!-- layout:images -->"
        }
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
        let kept = lines.filter { line in drop.map { !line.contains($0) } ?? true }
        return kept.joined(separator: "\n") + "\n"
    }

    /// What each simple type with a pattern should look like, in words, keyed by type name.
    public static let typeDescriptions: [String: String] = [
        "Number": "a number",
        "Integer": "an integer",
        "Count": "a whole number ≥ 0",
        "OptionalCount": "a whole number ≥ 0 (or empty)",
        "Points": "a points list 'x1,y1;x2,y2;…'",
        "Rle": "a run-length list 'a, b, c' of whole numbers",
    ]

    /// The simple types of the XSD that carry a pattern, with that pattern.
    public static var patterns: [(type: String, pattern: String)] {
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        return XSDLines.simpleTypes(in: lines).flatMap { type in
            type.name.map { name in type.patterns.map { (name, $0.pattern) } } ?? []
        }
    }

    /// Pattern text → description, for `XMLMessages`.
    public static var patternDescriptions: [String: String] {
        var result: [String: String] = [:]
        for (type, pattern) in patterns {
            result[pattern] = typeDescriptions[type] ?? "a valid \(type)"
        }
        return result
    }

    /// The compiled schema (compiled once per process).
    public static func compiled() throws -> CompiledSchema {
        try CompiledSchema(xsd: text(for: .any))
    }
}
