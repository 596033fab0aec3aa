import CVATLint

/// The shipped catalogue. Adding a rule is adding its file under Rules/: the build plugin lists every rule
/// declared there, in file order, which is report order.
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
