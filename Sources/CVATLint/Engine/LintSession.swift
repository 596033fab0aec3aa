import Foundation

/// What the command line chose; anything left nil falls back to the configuration, then to defaults.
public struct CommandLineChoices: Sendable {
    public var target: String?
    /// `--select`: only these rules.
    public var select: [String]?
    /// `--ignore`: not these rules.
    public var ignore: [String]
    public var boxesAsPolygons: Bool?
    public var maximumSchemaFindings: Int
    /// `--config`: this file instead of the nearest `.cvat-lint.yml`.
    public var configPath: String?
    /// Do not look for `.cvat-lint.yml` files.
    public var noConfig: Bool
    /// Fetch the lines findings point at (for the text report).
    public var excerpts: Bool
    /// `--no-media-content`: never read media beyond their headers.
    public var noMediaContent: Bool
    /// Draw findings on their images (for the HTML report), within these bounds; nil for none.
    public var pictures: PictureOptions?

    public init(target: String? = nil, select: [String]? = nil, ignore: [String] = [], boxesAsPolygons: Bool? = nil,
                maximumSchemaFindings: Int = 200, configPath: String? = nil, noConfig: Bool = false,
                excerpts: Bool = false, noMediaContent: Bool = false, pictures: PictureOptions? = nil) {
        self.target = target
        self.select = select
        self.ignore = ignore
        self.boxesAsPolygons = boxesAsPolygons
        self.maximumSchemaFindings = maximumSchemaFindings
        self.configPath = configPath
        self.noConfig = noConfig
        self.excerpts = excerpts
        self.noMediaContent = noMediaContent
        self.pictures = pictures
    }
}

/// One run over several exports: finds each export's configuration, resolves the options, lints.
public struct LintSession {
    public let catalogue: Catalogue
    public let choices: CommandLineChoices
    public let zipLimits: ZipLimits

    public init(catalogue: Catalogue, choices: CommandLineChoices, zipLimits: ZipLimits = ZipLimits()) {
        self.catalogue = catalogue
        self.choices = choices
        self.zipLimits = zipLimits
    }

    private var knownRules: Set<String> { Set(catalogue.descriptions.map(\.id)) }

    /// Loads a configuration file, checked against this catalogue.
    public func configuration(at path: String) throws -> Configuration {
        try Configuration.load(path: path, knownRules: knownRules, knownTargets: Set(catalogue.targetNames))
    }

    /// The options for an export under a configuration (nil: none found).
    public func options(for configuration: Configuration?) throws -> CheckOptions {
        // An empty selection would silently turn every check off, even the XML error of a broken file.
        if let select = choices.select, select.isEmpty {
            throw InputError("--select names no rule; give rule ids (`cvat-lint rules` lists them) or leave it out")
        }
        for id in (choices.select ?? []) + choices.ignore where !knownRules.contains(id) {
            throw InputError("unknown rule '\(id)' in --select/--ignore; `cvat-lint rules` lists them")
        }
        let targetName = choices.target ?? configuration?.target ?? catalogue.defaultTarget
        let target: TargetProfile
        do { target = try catalogue.profile(named: targetName) } catch { throw InputError("\(error)") }
        var disabled = Set(configuration?.disabledRules ?? []).union(choices.ignore)
        var severities: [String: Severity] = [:]
        for (rule, severity) in configuration?.severities ?? [:] {
            if let severity { severities[rule] = severity } else { disabled.insert(rule) }
        }
        let selected = choices.select ?? configuration?.enabledRules
        return CheckOptions(
            target: target,
            maximumSchemaFindings: choices.maximumSchemaFindings,
            ruleOptions: RuleOptions(boxesAsPolygons: choices.boxesAsPolygons ?? configuration?.boxesAsPolygons ?? false,
                                     thresholds: thresholds(configuration),
                                     valueMappings: configuration?.valueMappings ?? [:]),
            disabledRules: disabled,
            selectedRules: selected.map(Set.init),
            severityOverrides: severities,
            mediaIgnore: configuration?.mediaIgnore ?? [])
    }

    /// The configuration's thresholds, with what the command line says on top.
    private func thresholds(_ configuration: Configuration?) -> Thresholds {
        var thresholds = configuration?.thresholds ?? Thresholds()
        if choices.noMediaContent { thresholds.mediaContentGB = 0 }
        return thresholds
    }

    /// The configuration file that applies to an export path, if any.
    public func configurationPath(for exportPath: String) -> String? {
        if let explicit = choices.configPath { return explicit }
        if choices.noConfig { return nil }
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: exportPath, isDirectory: &isDirectory)
        // URL, not NSString: Foundation's deletingLastPathComponent traps on a one-character name ("-", "z").
        let start = exists && isDirectory.boolValue
            ? exportPath : URL(fileURLWithPath: exportPath).deletingLastPathComponent().path
        return Configuration.find(from: start)
    }

    /// At most this many excerpt lines are fetched per export.
    public static let maximumExcerpts = 500

    /// Lints every path. A bad configuration or option stops the run (exit 2); an unusable export is noted.
    /// `progress` hears (export path, bytes read, total bytes) as each export streams.
    public func run(paths: [String], progress: ((String, UInt64, UInt64?) -> Void)? = nil) throws -> LintOutcome {
        var linters: [String: Linter] = [:]
        var exports: [ExportReport] = []
        var containers: [ExportContainer] = []
        var excerpts: [[Int: String]] = []
        var pictures: [ExportPictures] = []
        var errors: [InputError] = []
        for path in paths {
            let configPath = configurationPath(for: path)
            let key = configPath ?? ""
            let linter: Linter
            if let existing = linters[key] {
                linter = existing
            } else {
                let configuration = try configPath.map(configuration(at:))
                linter = try Linter(catalogue: catalogue, options: options(for: configuration), zipLimits: zipLimits)
                linters[key] = linter
            }
            do {
                let source = try ExportOpener.open(path, limits: zipLimits)
                // Excerpts of a zip come from a copy spooled to disk as the check reads it: the zip is
                // inflated once, and memory stays flat.
                let rereads = choices.excerpts || choices.pictures != nil
                let spool = rereads && source.readsAreCostly ? SpoolFile() : nil
                let report = try linter.check(source, progress: progress.map { report in
                    { done, total in report(path, done, total) }
                }, tee: spool.map { file in { try file.write($0) } })
                exports.append(report)
                containers.append(source.container)
                // Excerpts only decorate the text report: a failure to read them costs nothing else.
                let xml: ExportSource = spool.flatMap { $0.finished() } ?? source
                excerpts.append(choices.excerpts ? (try? self.excerpts(for: report, from: xml)) ?? [:] : [:])
                // Pictures decorate the HTML report: one that cannot be made leaves a page without pictures.
                pictures.append(choices.pictures.flatMap { options in
                    try? PictureCollector.collect(report: report, annotations: xml, media: source, options: options)
                } ?? ExportPictures())
            } catch let error as InputError {
                errors.append(error)
            }
        }
        return LintOutcome(report: RunReport(exports: exports, containers: containers, excerpts: excerpts,
                                                     pictures: pictures),
                           inputErrors: errors)
    }

    /// The lines of `annotations.xml` that an export's findings point at (a second, early-stopping pass).
    private func excerpts(for report: ExportReport, from source: ExportSource) throws -> [Int: String] {
        let lines = report.findings.filter { $0.location.file.hasSuffix(".xml") }.compactMap(\.location.line)
        guard !lines.isEmpty else { return [:] }
        let wanted = Set(lines.sorted().prefix(Self.maximumExcerpts))
        return try Excerpts.lines(wanted, of: source)
    }
}

/// A private temporary file that a stream is copied into, read back as a bare XML file, and removed
/// when the last reference goes.
final class SpoolFile {
    private let url = ScratchPaths.newFile(suffix: ".xml")
    private var handle: FileHandle?
    private var failed = false
    /// Bytes not yet written (up to a megabyte).
    private var pending: [UInt8] = []

    init() {
        handle = url.flatMap { try? FileHandle(forWritingTo: $0) }
        failed = handle == nil
    }

    deinit {
        try? handle?.close()
        if let url { ScratchPaths.discard(url.path) }
    }

    /// Appends bytes (buffered: apply spools one shape at a time); a failure to write only costs the excerpts.
    func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard !failed, handle != nil else { return }
        pending.append(contentsOf: bytes)
        if pending.count >= 1 << 20 { flush() }
    }

    private func flush() {
        guard !pending.isEmpty, !failed, let handle else { return }
        do { try pending.withUnsafeBytes { try handle.write(contentsOf: Data($0)) } } catch { failed = true }
        pending.removeAll(keepingCapacity: true)
    }

    private func close() {
        flush()
        pending = []
        try? handle?.close()
        handle = nil
    }

    /// The spooled copy as an export to read lines from; nil when it could not be written whole.
    func finished() -> ExportSource? {
        close()
        guard !failed, let url else { return nil }
        return SpooledExport(file: self, path: url.path)
    }

    /// The spooled bytes open for reading; nil when they could not be written whole.
    func finishedReader() -> FileHandle? {
        close()
        guard !failed, let url else { return nil }
        return try? FileHandle(forReadingFrom: url)
    }

    /// Keeps the spool file alive while its lines are read.
    private struct SpooledExport: ExportSource {
        let file: SpoolFile
        let path: String
        var container: ExportContainer { .xml }
        var annotationsPath: String { "annotations.xml" }
        var annotationsSize: UInt64? { fileSize(path) }
        func streamAnnotations(_ consume: (UnsafeRawBufferPointer) throws -> Void) throws {
            try streamFile(at: path, displayName: path, consume)
        }
        func mediaFiles() throws -> [MediaFile]? { nil }
        func mediaPrefix(_ file: MediaFile, count: Int) throws -> [UInt8] { [] }
    }
}
