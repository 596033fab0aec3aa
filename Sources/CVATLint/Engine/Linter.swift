/// What the engine needs from a rule catalogue: the schema, the words for its types, and the rules.
public struct Catalogue: Sendable {
    /// The XSD that `annotations.xml` is validated against.
    public var schemaText: String
    /// XSD pattern text → what a value should look like, for readable schema findings.
    public var patternDescriptions: [String: String]
    /// The rules run over the stream, in report order.
    public var rules: [RuleEntry]
    /// Documentation of the findings the engine itself makes (`xml`, `schema`).
    public var builtinRules: [RuleDescription]
    /// Target profiles as YAML text, by target name.
    public var profileSources: [String: String]
    /// The target used when neither the command line nor a configuration names one.
    public var defaultTarget: String
    /// The fixture exports examples cite, as `NAME/annotations.xml` and `NAME/media.txt` → text.
    public var fixtures: [String: String]

    public init(schemaText: String, patternDescriptions: [String: String], rules: [RuleEntry] = [],
                builtinRules: [RuleDescription] = [], profileSources: [String: String] = [:],
                defaultTarget: String = "cvat", fixtures: [String: String] = [:]) {
        self.schemaText = schemaText
        self.patternDescriptions = patternDescriptions
        self.rules = rules
        self.builtinRules = builtinRules
        self.profileSources = profileSources
        self.defaultTarget = defaultTarget
        self.fixtures = fixtures
    }

    /// The names `--target` takes.
    public var targetNames: [String] { profileSources.keys.sorted() }

    /// Each target's display name (`encord` → `Encord`), for reports people read.
    public var targetTitles: [String: String] {
        Dictionary(uniqueKeysWithValues: targetNames.map { ($0, (try? profile(named: $0).name) ?? $0) })
    }

    /// The profile of a target; throws when there is none or it does not read.
    public func profile(named name: String) throws -> TargetProfile {
        guard let yaml = profileSources[name] else {
            throw ProfileError(message: "unknown target '\(name)' (known: \(targetNames.joined(separator: ", ")))")
        }
        return try TargetProfile.load(yaml: yaml, name: name)
    }

    /// Every documented rule: the engine's own, then the catalogue's.
    public var descriptions: [RuleDescription] { builtinRules + rules.map(\.description) }
}

/// The outcome of linting several paths: reports for the usable ones, one-line reasons for the rest.
public struct LintOutcome: Sendable {
    public var report: RunReport
    public var inputErrors: [InputError]

    /// The outcome without the findings a baseline accepts.
    public func applying(_ baseline: Baseline?) -> LintOutcome {
        guard let baseline else { return self }
        return LintOutcome(report: baseline.apply(to: report), inputErrors: inputErrors)
    }
}

/// Lints exports end to end: opens each path, checks it, collects the reports.
///
/// Immutable once made, so one linter may serve several threads (each check has its own parser).
public final class Linter: Sendable {
    private let checker: Checker
    public let zipLimits: ZipLimits

    public convenience init(catalogue: Catalogue, options: CheckOptions, zipLimits: ZipLimits = ZipLimits()) throws {
        try self.init(catalogue: catalogue, options: options, zipLimits: zipLimits, nativePatterns: true)
    }

    /// `nativePatterns` off makes libxml2 match every XSD pattern itself (see `PatternShortcut`): what tests hold
    /// the shortcut to.
    init(catalogue: Catalogue, options: CheckOptions, zipLimits: ZipLimits = ZipLimits(), nativePatterns: Bool) throws {
        let schema = try CompiledSchema(xsd: catalogue.schemaText, nativePatterns: nativePatterns)
        checker = Checker(schema: schema, messages: XMLMessages(patternDescriptions: catalogue.patternDescriptions),
                          rules: catalogue.rules, options: options)
        self.zipLimits = zipLimits
    }

    /// Lints one export given as a path.
    public func lint(path: String, progress: ((UInt64, UInt64?) -> Void)? = nil) throws -> (ExportReport, ExportContainer) {
        let source = try ExportOpener.open(path, limits: zipLimits)
        return (try checker.check(source, progress: progress), source.container)
    }

    /// Lints an export the caller already opened (or holds in memory); `tee` sees the bytes of its
    /// `annotations.xml` as they are read.
    public func check(_ source: ExportSource, progress: ((UInt64, UInt64?) -> Void)? = nil,
                      tee: ((UnsafeRawBufferPointer) throws -> Void)? = nil) throws -> ExportReport {
        try checker.check(source, progress: progress, tee: tee)
    }

    /// Lints an export with more visitors beside the rules, hearing each occurrence findings stand for.
    func check(_ source: ExportSource, visitors: [AnnotationVisitor], instances: @escaping (String, SourceLocation) -> Void) throws -> ExportReport {
        try checker.check(source, visitors: visitors, instances: instances)
    }

    /// The options this linter checks with.
    public var options: CheckOptions { checker.options }
}
