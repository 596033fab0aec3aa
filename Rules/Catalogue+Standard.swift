import CVATLint

/// Every rule of the catalogue, in report order. Adding a rule: one file under Rules/ and one line here
/// (a test fails when a rule declared under Rules/ is missing from this list).
extension Catalogue {
    /// The catalogue cvat-lint ships: the CVAT 1.1 schema, the rules under `Rules/` (each file's rule,
    /// listed by the build plugin), the target profiles and the fixtures the rules cite (built once per process).
    public static let standard: Catalogue = {
        var profiles: [String: String] = [:]
        var fixtures: [String: String] = [:]
        for (path, text) in EmbeddedResources.files where path.hasPrefix("Fixtures/") {
            fixtures[String(path.dropFirst("Fixtures/".count))] = text
        }
        for (path, text) in EmbeddedResources.files where path.hasPrefix("Profiles/") && path.hasSuffix(".yml") {
            let name = String(path.dropFirst("Profiles/".count).dropLast(".yml".count))
            profiles[name] = text
        }
        return Catalogue(schemaText: CVATSchema.text(for: .any), patternDescriptions: CVATSchema.patternDescriptions,
                         rules: generatedRules, builtinRules: BuiltinRules.all, profileSources: profiles,
                         defaultTarget: defaultTarget, fixtures: fixtures)
    }()

    /// The target `check` uses when none is named.
    public static let defaultTarget = "encord"
}
