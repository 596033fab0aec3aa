import CVATLint

/// Every rule of the catalogue, in report order. Adding a rule: one file under Rules/ and one line here.
let registeredRules: [RuleEntry] = [
    RuleEntry(LabelMultipleShapes.self),
]

extension Catalogue {
    /// The catalogue cvat-lint ships: the CVAT 1.1 schema and the rules under `Rules/`.
    public static var standard: Catalogue {
        Catalogue(schemaText: CVATSchema.text(for: .any), patternDescriptions: CVATSchema.patternDescriptions,
                  rules: registeredRules, builtinRules: BuiltinRules.all)
    }
}
