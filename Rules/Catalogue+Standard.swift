import CVATLint

extension Catalogue {
    /// The catalogue cvat-lint ships: the CVAT 1.1 schema and the rules under `Rules/`.
    public static var standard: Catalogue {
        Catalogue(schemaText: CVATSchema.text(for: .any), patternDescriptions: CVATSchema.patternDescriptions)
    }
}
