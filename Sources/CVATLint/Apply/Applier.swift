import Foundation
import ZIPFoundation

/// What `apply` did, or why it did not.
public struct ApplyResult: Sendable {
    /// The manifest (written as `cvat-lint-apply.json` unless this was a dry run or a refusal).
    public var manifest: ApplyManifest
    /// The check of the input.
    public var inputReport: ExportReport
    /// The check of the output, when one was written.
    public var outputReport: ExportReport?
    /// Why nothing was written: each lossy action an error needs, or what blocks (empty when written).
    public var refusals: [String]
    public var dryRun: Bool
    /// How long each pass took.
    public var timings = ApplyTimings()

    /// 0: the output has no errors; 1: refused, or errors remain.
    public var hasErrors: Bool { !refusals.isEmpty || (outputReport?.summary.errors ?? 0) > 0 }
}

/// Executes an export's import plan: checks it, writes a new export the target takes, and checks that.
///
/// The input is only read. Everything is written under `out` (a zip is assembled in a private
/// temporary folder first, then removed).
public struct Applier {
    public static let manifestName = "cvat-lint-apply.json"

    private let linter: Linter

    public init(linter: Linter) {
        self.linter = linter
    }

    /// Applies the plan (the export's own, or `plan`) to the export at `path`, writing to `out`.
    public func apply(path: String, out: String, plan given: PlanDocument? = nil, options: ApplyOptions,
                      dryRun: Bool = false) throws -> ApplyResult {
        try apply(source: try ExportOpener.open(path, limits: linter.zipLimits), out: out, plan: given, options: options, dryRun: dryRun)
    }

    /// Applies the plan to an export already opened (or held in memory).
    public func apply(source: ExportSource, out: String, plan given: PlanDocument? = nil, options: ApplyOptions,
                      dryRun: Bool = false) throws -> ApplyResult {
        let path = source.path
        let zipOutput = out.lowercased().hasSuffix(".zip")
        if !dryRun { try Self.checkOutput(out, input: path, zip: zipOutput) }

        // Pass 1: the check, with what apply needs to know beside it.
        let survey = ApplySurvey()
        // Every occurrence the rules count, and every schema error's place (past --max-schema-findings too; a
        // missing keyframe flag as a type of its own, which is not dropped: the keyframe fix writes it).
        var occurrences: [InvalidPlaces.Place] = []
        let clock = ContinuousClock()
        var timings = ApplyTimings()
        var started = clock.now
        let report = try linter.check(source, visitors: [survey], instances: { InvalidPlaces.keep($0, at: $1, in: &occurrences) })
        if let broken = report.findings.first(where: { $0.rule == "xml" && $0.severity == .error }) {
            throw InputError("\(path): \(broken.location.file):\(broken.location.line ?? 0): \(broken.message); apply needs well-formed XML")
        }
        timings.check = clock.now - started
        let plan = try given.map { try $0.plan(for: report) } ?? report.plan
        let program = ApplyProgram(plan: plan, report: report, survey: survey, target: linter.options.target, options: options,
                                   minimumArea: linter.options.ruleOptions.thresholds.minimumArea)
        // An error every finding of whose type a running repair mends marks nothing for --drop-invalid.
        let errors = report.findings.filter { $0.severity == .error }
        let mended = Set(errors.map(\.issueType)).filter { type in
            errors.allSatisfy { $0.issueType != type || $0.action.map(program.executed.contains) == true }
        }
        let errorTypes = Set(errors.map(\.issueType)).subtracting(mended)
        let invalid = options.dropInvalid ? InvalidPlaces(occurrences: occurrences, errorTypes: errorTypes) : nil

        var manifest = ApplyManifest(
            input: path, output: out, target: linter.options.target.target, allowLoss: options.allowLoss,
            dropInvalid: options.dropInvalid,
            policies: ["masks": options.masks.rawValue, "ellipses": options.ellipses.rawValue,
                       "cuboids": options.cuboids.rawValue, "media": options.media.rawValue],
            plan: plan, executed: [], skipped: program.skipped, transitions: [], before: [], after: [],
            images: ImageTally(), media: MediaTally(), checkBefore: report.summary, checkAfter: nil, remainingErrors: [])

        let refusals = Self.refusals(report: report, program: program, options: options)
        if !refusals.isEmpty {
            return ApplyResult(manifest: manifest, inputReport: report, outputReport: nil, refusals: refusals, dryRun: dryRun,
                               timings: timings)
        }

        // Pass 2: write. A zip is assembled in a private folder, a folder in place.
        let fileManager = FileManager.default
        let staging = zipOutput || dryRun
            ? fileManager.temporaryDirectory.appendingPathComponent("cvat-lint-apply-\(UUID().uuidString)").path : out
        try fileManager.createDirectory(atPath: staging, withIntermediateDirectories: false,
                                        attributes: [.posixPermissions: zipOutput || dryRun ? 0o700 : 0o755])
        // Held until the run ends: a signal that stops it part-way removes what is half-written.
        ScratchPaths.hold(staging)
        let cleanStaging = zipOutput || dryRun
        defer { if cleanStaging { ScratchPaths.discard(staging) } }
        var outputCheck: OutputCheck?
        do {
            let mediaFiles = try source.mediaFiles()
            let mediaPlan = MediaPlan()
            let bare = source.container == .xml
            let makesImagesFolder = !bare && mediaFiles == nil && linter.options.target.media.requiresImages
            let annotationsFile = (staging as NSString).appendingPathComponent("annotations.xml")
            // A bare annotations.xml in, a bare one checked out: media rules have nothing to check either way.
            let checkedPath = bare ? annotationsFile : staging
            // The same bytes under the same name beside the same media files (and no links or other entries
            // the input's listing left out) are checked as the input was: the check is a function of those,
            // and of the media folder's name, which the output always spells images/.
            let misnamedFolderFound = report.findings.contains { $0.issueType == "media_folder_misnamed" }
            let mayReuse = !makesImagesFolder && !misnamedFolderFound && source.annotationsPath == "annotations.xml"
                && (source.container == .xml || source.container == .directory) && (try? source.integrityProblems().isEmpty) == true
            // The output's check runs beside the write, fed the bytes as they are written.
            if !dryRun {
                let check = OutputCheck(linter: linter, annotationsFile: annotationsFile, checkedPath: checkedPath, bare: bare,
                                        input: source, hasImagesFolder: !bare && (mediaFiles != nil || makesImagesFolder),
                                        reusable: mayReuse)
                mediaPlan.observer = check.plan
                outputCheck = check
            }
            started = clock.now
            let (pass, edited) = try write(source: source, program: program, survey: survey, invalid: invalid, media: mediaFiles,
                                           mediaPlan: mediaPlan, to: annotationsFile, check: outputCheck)
            if !bare, mediaFiles != nil || makesImagesFolder {
                try fileManager.createDirectory(atPath: (staging as NSString).appendingPathComponent("images"),
                                                withIntermediateDirectories: true)
            }
            timings.write = clock.now - started
            started = clock.now
            if !dryRun, let mediaFiles {
                try mediaPlan.write(from: source, files: mediaFiles, into: staging, mode: options.media, tally: &manifest.media)
            } else {
                manifest.media.input = mediaFiles?.count ?? 0
            }
            timings.media = clock.now - started
            manifest.images = pass.images
            manifest.notes = pass.notes
            if pass.slivers > 0 {
                manifest.notes.append("repairPolygon: \(counted(pass.slivers, "piece")) under min_area (\(program.minimumArea) px²) left out of the polygons split")
            }
            fill(&manifest, pass: pass, program: program, report: report)
            manifest.conservation = Conservation.table(pass.routes)
            if dryRun { try Self.conserve(manifest.conservation, pass: pass, input: report, output: nil) }
            var outputReport: ExportReport?
            if !dryRun {
                // The output, checked under the same target and options, in the same run: beside the write
                // (the time it ran past it is counted), or as the input's, or, when neither holds, now.
                let written: ExportReport
                started = clock.now
                if let concurrent = try outputCheck?.report() {
                    written = concurrent
                    timings.outputCheckMode = .besideWrite
                } else if !edited, mayReuse, Self.sameMedia(manifest.media) {
                    written = report.moved(to: checkedPath)
                    timings.outputCheckMode = .reused
                } else {
                    written = try linter.check(try ExportOpener.open(checkedPath, limits: linter.zipLimits),
                                               visitors: [], instances: { _, _ in })
                    timings.outputCheckMode = .afterWrite
                }
                timings.outputCheck = clock.now - started
                outputReport = written
                try Self.conserve(manifest.conservation, pass: pass, input: report, output: written)
                manifest.checkAfter = written.summary
                manifest.remainingErrors = written.findings.filter { $0.severity == .error }.map { "\($0.issueType): \($0.message)" }
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                try encoder.encode(manifest).write(to: URL(fileURLWithPath: (staging as NSString).appendingPathComponent(Self.manifestName)))
                if zipOutput {
                    // A zip cut short (a full disk, a signal) is removed: `out` did not exist before.
                    ScratchPaths.hold(out)
                    do {
                        try fileManager.zipItem(at: URL(fileURLWithPath: staging), to: URL(fileURLWithPath: out),
                                                shouldKeepParent: false, compressionMethod: .deflate)
                    } catch {
                        ScratchPaths.discard(out)
                        throw error
                    }
                    ScratchPaths.keep(out)
                }
            }
            if !cleanStaging { ScratchPaths.keep(staging) }
            return ApplyResult(manifest: manifest, inputReport: report, outputReport: outputReport, refusals: [], dryRun: dryRun,
                               timings: timings)
        } catch {
            outputCheck?.cancel()
            // Nothing half-written is left behind.
            if !cleanStaging { ScratchPaths.discard(staging) }
            throw error
        }
    }

    /// Pass 2: the input read again with offsets, written out with the program's edits.
    private func write(source: ExportSource, program: ApplyProgram, survey: ApplySurvey, invalid: InvalidPlaces?,
                       media: [MediaFile]?, mediaPlan: MediaPlan, to path: String, check: OutputCheck?) throws -> (WritePass, edited: Bool) {
        guard FileManager.default.createFile(atPath: path, contents: nil) else { throw InputError("\(path): cannot be written") }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        let splicer = Splicer { bytes, edited in
            try handle.write(contentsOf: Data(bytes))
            check?.wrote(bytes, edited: edited)
        }
        let index = media.map(MediaIndex.init(files:))
        let sizes = FrameSizes(meta: survey.meta)
        let pass = WritePass(program: program, survey: survey, splicer: splicer, media: index, invalid: invalid,
                             mediaOut: mediaPlan, frameSize: { sizes.size(taskID: $0, file: $1) { try? source.mediaHeader($0) } },
                             mediaHeader: { try? source.mediaHeader($0) }, hasMedia: source.container != .xml)
        let reader = AnnotationsReader(visitor: pass) { _ in }
        // libxml2 parses on a thread of its own; the edits are made here as its events replay, the document's
        // bytes handed to the splicer ahead of the events they hold.
        let parse = ParsePass(source: source, schema: nil, offsets: true, reportsNamespaces: false,
                              firstChunk: { try Self.requireUTF8($0, path: source.path) })
        guard parse.isUsable else { throw InputError("\(source.path): cannot start the XML parser (out of memory?)") }
        reader.offsets = parse.offsets
        parse.start()
        _ = try parse.replay(into: reader) { splicer.feed($0) }
        try pass.finish()
        check?.finishWriting()
        return (pass, splicer.edited)
    }

    /// Stops (exit 2) when the conservation table does not add up, or disagrees with the checks of input and
    /// output, which count annotations in passes of their own: a lost annotation is a bug, never a success.
    private static func conserve(_ rows: [ConservationRow], pass: WritePass, input: ExportReport, output: ExportReport?) throws {
        let problems = Conservation.discrepancies(rows: rows, routes: pass.routes, input: input.statistics,
                                                  output: output?.statistics)
        guard problems.isEmpty else {
            throw InputError(problems.prefix(5).joined(separator: "; ") + ": this is a bug (nothing was kept)")
        }
    }

    /// Every input media file written under its own name, none left out.
    private static func sameMedia(_ tally: MediaTally) -> Bool {
        tally.renamed == 0 && tally.skipped == 0 && tally.linked + tally.copied == tally.input
    }

    /// Counts and transitions into the manifest; each executed action with what it touched.
    private func fill(_ manifest: inout ApplyManifest, pass: WritePass, program: ApplyProgram, report: ExportReport) {
        func sorted(_ counts: [ApplyProgram.LabelKind: Int]) -> [LabelKindCount] {
            counts.map { LabelKindCount(label: $0.key.label, kind: $0.key.kind.rawValue, count: $0.value) }
                .sorted { ($0.label, $0.kind) < ($1.label, $1.kind) }
        }
        var after: [ApplyProgram.LabelKind: Int] = [:]
        manifest.transitions = pass.routes.map { route, tally in
            if let label = route.toLabel, let kind = route.toKind {
                after[ApplyProgram.LabelKind(label: label, kind: kind), default: 0] += tally.produced
            }
            return ApplyTransition(label: route.label, kind: route.kind.rawValue, toLabel: route.toLabel,
                                   toKind: route.toKind?.rawValue, count: tally.count, produced: tally.produced, steps: route.steps)
        }.filter { !$0.steps.isEmpty }
        .sorted { ($0.label, $0.kind, $0.steps.joined(separator: ",")) < ($1.label, $1.kind, $1.steps.joined(separator: ",")) }
        manifest.before = sorted(pass.before)
        manifest.after = sorted(after)
        manifest.executed = program.executed.map { action in
            let touched = pass.routes.filter { route, _ in
                route.steps.contains(action.typeName) && (action.label.map { $0 == route.label } ?? true)
                    && (action.kind.map { $0 == route.kind.rawValue || $0 == route.toKind?.rawValue } ?? true)
            }
            var counts: [ApplyProgram.LabelKind: Int] = [:]
            // Counted by its finding: the routes know the label, not which value a shape held.
            if action.mendsAttributeValues, let finding = report.findings.first(where: { $0.action == action }) {
                let unit = if case .declareAttribute = action { "use" } else { "value" }
                return ExecutedAction(action: action, lossless: action.isLossless, touched: [],
                                      note: counted(finding.count ?? 1, unit) + " in shapes")
            }
            for (route, tally) in touched { counts[ApplyProgram.LabelKind(label: route.label, kind: route.kind), default: 0] += tally.count }
            var note: String?
            if case let .dropAnnotation(label, shape) = action, let kind = ShapeKind(rawValue: shape),
               program.outputKind(label: label, kind: kind) == .polygon {
                note = "made polygons (--\(shape)s polygon), not dropped"
            }
            return ExecutedAction(action: action, lossless: action.isLossless || (action.typeName == "reexport" && !program.videoToImages),
                                  touched: sorted(counts), note: note)
        }
    }

    /// Why apply stops before writing: each error (once per issue type) that no running action or fix
    /// mends: a lossy action without --allow-loss, broken annotations without --drop-invalid, media never
    /// saved (blocking), or nothing apply can do.
    static func refusals(report: ExportReport, program: ApplyProgram, options: ApplyOptions) -> [String] {
        var reasons: [String] = []
        var named: Set<String> = []
        for error in report.findings where error.severity == .error && !named.contains(error.issueType) {
            guard let reason = refusal(for: error, program: program, options: options) else { continue }
            named.insert(error.issueType)
            reasons.append("\(error.issueType): \(reason)")
        }
        return reasons
    }

    /// What stops one error from being mended, or nil when it is.
    private static func refusal(for error: Finding, program: ApplyProgram, options: ApplyOptions) -> String? {
        let dropHint = "run with --drop-invalid to leave what it concerns out"
        if error.rule == "schema" {
            // A root other than <annotations> is no CVAT file: nothing can be left out to mend that.
            if error.message.hasPrefix("root element") { return "\(error.message): not a CVAT export" }
            if InvalidPlaces.isMendedByKeyframeFix(error) || options.dropInvalid { return nil }
            return "line \(error.location.line ?? 0): \(error.message); \(dropHint)"
        }
        if case .reexport? = error.action {
            switch error.issueType {
            case "media_not_saved":
                return options.dropInvalid ? nil : "no media were saved: export again from CVAT with \"save images\" on (blocking), or \(dropHint)"
            case "meta_missing":
                return program.synthesizeTask ? nil : "no <meta> section can be written"
            case let type where type.hasSuffix("_export_unsupported"):
                return program.jobToTask ? nil : "export the task from CVAT (blocking)"
            default:
                if program.videoToImages { return nil }
                if program.format == .mixed { return "a file mixing <image> and <track>: export again from CVAT as CVAT for images 1.1 (blocking)" }
                return "video → images is lossy (track identity); run with --allow-loss"
            }
        }
        if let action = error.action {
            if program.executed.contains(action) { return nil }
            if let skipped = program.skipped.first(where: { $0.action == action }) { return "\(action.typeName): \(skipped.reason)" }
        }
        if InvalidPlaces.mendedByApply.contains(error.issueType) { return nil }
        if InvalidPlaces.droppable.contains(error.issueType) || InvalidPlaces.droppedWhole.contains(error.issueType) {
            return options.dropInvalid ? nil : "\(error.message); \(dropHint)"
        }
        return "\(error.message); apply has no fix for it"
    }

    /// Refuses an output that exists (unless an empty folder), lies inside the input, or is the input.
    static func checkOutput(_ out: String, input: String, zip: Bool) throws {
        let fileManager = FileManager.default
        let outURL = URL(fileURLWithPath: out).standardizedFileURL.resolvingSymlinksInPath()
        let inURL = URL(fileURLWithPath: input).standardizedFileURL.resolvingSymlinksInPath()
        if outURL.path == inURL.path || outURL.path.hasPrefix(inURL.path + "/") {
            throw InputError("\(out): inside the input \(input); apply never writes into its input")
        }
        var isDirectory: ObjCBool = false
        if fileManager.fileExists(atPath: out, isDirectory: &isDirectory) {
            let empty = isDirectory.boolValue && ((try? fileManager.contentsOfDirectory(atPath: out))?.isEmpty ?? false)
            guard empty, !zip else { throw InputError("\(out): already exists; apply writes a new export (name another --out)") }
            try fileManager.removeItem(atPath: out)
        }
        let parent = outURL.deletingLastPathComponent().path
        guard fileManager.fileExists(atPath: parent, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw InputError("\(out): its folder \(parent) does not exist")
        }
    }

    /// `apply` copies bytes and writes UTF-8: a file declaring another encoding is refused.
    static func requireUTF8(_ head: UnsafeRawBufferPointer, path: String) throws {
        let text = String(decoding: head.prefix(200), as: UTF8.self).lowercased()
        guard text.hasPrefix("<?xml"), let declarationEnd = text.range(of: "?>") else { return }
        let declaration = text[..<declarationEnd.lowerBound]
        guard let range = declaration.range(of: "encoding") else { return }
        let rest = declaration[range.upperBound...].drop { $0 == " " || $0 == "=" || $0 == "\"" || $0 == "'" }
        let name = rest.prefix { $0 != "\"" && $0 != "'" && $0 != " " }
        guard ["utf-8", "utf8", "us-ascii", "ascii"].contains(String(name)) else {
            throw InputError("\(path): annotations.xml is in \(name); apply writes UTF-8 only (CVAT always does)")
        }
    }
}

extension ImportAction {
    /// The kind an action is about, when it names one.
    var kind: String? {
        switch self {
        case let .splitLabel(_, shape, _), let .dropAnnotation(_, shape): shape
        case let .convertShape(_, from, _): from
        default: nil
        }
    }

    /// The label an action is about, when it names one.
    var label: String? {
        switch self {
        case let .splitLabel(label, _, _), let .convertShape(label, _, _), let .convertAttribute(label, _, _, _),
             let .dropAttribute(label, _), let .declareAttribute(label, _), let .dropAnnotation(label, _), let .splitPoints(label, _),
             let .repairPolygon(label), let .clipToImage(label):
            label
        case let .dropField(label, _): label
        default: nil
        }
    }
}
