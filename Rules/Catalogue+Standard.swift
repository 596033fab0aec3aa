import CVATLint

/// Every rule of the catalogue, in report order. Adding a rule: one file under Rules/ and one line here
/// (a test fails when a rule declared under Rules/ is missing from this list).
let registeredRules: [RuleEntry] = [
    RuleEntry(ExportLevelUnsupported.self),
    RuleEntry(InterpolationLost.self),
    RuleEntry(LabelMultipleShapes.self),
    RuleEntry(LabelUndeclared.self),
    RuleEntry(LabelNameInvalid.self),
    RuleEntry(LabelTypeMismatch.self),
    RuleEntry(ShapeUnsupported.self),
    RuleEntry(AttributeUnsupported.self),
    RuleEntry(AttributeValueInvalid.self),
    RuleEntry(AttributeSpecInvalid.self),
    RuleEntry(AttributeMissing.self),
    RuleEntry(GeometryInvalid.self),
    RuleEntry(ShapeOutsideImage.self),
    RuleEntry(MaskRLEInvalid.self),
    RuleEntry(SkeletonElements.self),
    RuleEntry(TrackKeyframe.self),
    RuleEntry(TrackFrames.self),
    RuleEntry(TrackShapeKind.self),
    RuleEntry(TrackOutsideGap.self),
    RuleEntry(IdentityDuplicate.self),
    RuleEntry(MetaInconsistent.self),
    RuleEntry(MediaMissing.self),
    RuleEntry(MediaUnnamed.self),
    RuleEntry(MediaUnreachable.self),
    RuleEntry(MediaHeaderMismatch.self),
]

extension Catalogue {
    /// The catalogue cvat-lint ships: the CVAT 1.1 schema, the rules under `Rules/`, the target profiles
    /// (built once per process).
    public static let standard: Catalogue = {
        var profiles: [String: String] = [:]
        for (path, text) in EmbeddedResources.files where path.hasPrefix("Profiles/") && path.hasSuffix(".yml") {
            let name = String(path.dropFirst("Profiles/".count).dropLast(".yml".count))
            profiles[name] = text
        }
        return Catalogue(schemaText: CVATSchema.text(for: .any), patternDescriptions: CVATSchema.patternDescriptions,
                         rules: registeredRules, builtinRules: BuiltinRules.all, profileSources: profiles,
                         defaultTarget: defaultTarget)
    }()

    /// The target `check` uses when none is named.
    public static let defaultTarget = "encord"
}
