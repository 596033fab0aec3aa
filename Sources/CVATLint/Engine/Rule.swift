import Foundation

/// What part of an export a rule looks at.
public enum RuleCategory: String, Sendable, Codable, CaseIterable {
    case structure, format, labels, attributes, geometry, tracks, media, target
}

/// An issue type a rule can emit, and where its severity comes from.
public struct IssueTypeSpec: Sendable, Hashable {
    /// snake_case; `*` stands for any run of letters (`*_unsupported` for one per shape kind).
    public var id: String
    /// The severity it is reported with, when not the rule's own.
    public var severity: Severity?
    /// The target profile entry that decides its severity instead (`media.missing`, `shapes`, `fields`, …).
    public var profile: String?

    public init(_ id: String, severity: Severity? = nil, profile: String? = nil) {
        self.id = id
        self.severity = severity
        self.profile = profile
    }

    /// Whether an emitted issue type is this one.
    public func matches(_ issueType: String) -> Bool {
        guard id.contains("*") else { return id == issueType }
        let parts = id.split(separator: "*", omittingEmptySubsequences: false).map(String.init)
        guard let head = parts.first, let tail = parts.last else { return false }
        return issueType.hasPrefix(head) && issueType.hasSuffix(tail) && issueType.count > head.count + tail.count
    }

    /// The severities it can have under a target, worst first (the profile's, else its own).
    public func severities(default fallback: Severity, under target: TargetProfile?) -> [Severity] {
        guard let target else { return [severity ?? fallback] }
        if !id.contains("*"), let override = target.issue(id) { return [override.severity] }
        if let profile, let decided = target.severities(at: profile) { return decided }
        return [severity ?? fallback]
    }
}

/// A rule's documentation, declared beside its logic; `rules`, `explain` and the tests read it.
public struct RuleDescription: Sendable {
    /// kebab-case id, e.g. `label-multiple-shapes`.
    public var id: String
    public var defaultSeverity: Severity
    public var category: RuleCategory
    /// One line: what the rule finds.
    public var summary: String
    /// Why it matters: what goes wrong downstream.
    public var rationale: String
    /// Files that must trigger the rule.
    public var triggering: [RuleExample]
    /// Files that must not.
    public var nonTriggering: [RuleExample]
    /// The issue types it can emit (a test fails on any other).
    public var issueTypes: [IssueTypeSpec]
    /// The action types (`ImportAction`'s `type`) its findings can carry.
    public var actions: [String]

    public init(id: String, defaultSeverity: Severity, category: RuleCategory, summary: String, rationale: String,
                issueTypes: [IssueTypeSpec], actions: [String] = [],
                triggering: [RuleExample], nonTriggering: [RuleExample]) {
        self.issueTypes = issueTypes
        self.actions = actions
        self.id = id
        self.defaultSeverity = defaultSeverity
        self.category = category
        self.summary = summary
        self.rationale = rationale
        self.triggering = triggering
        self.nonTriggering = nonTriggering
    }

    /// The severity each issue type declares for itself (`IssueTypeSpec.severity`), which its findings take
    /// unless the report names one.
    public var issueSeverities: [String: Severity] {
        Dictionary(issueTypes.compactMap { spec in spec.severity.map { (spec.id, $0) } }, uniquingKeysWith: { first, _ in first })
    }
}

extension RuleDescription {
    /// The severities the rule's findings can have under a target (its default's when nil), worst first.
    public func severities(under target: TargetProfile?) -> [Severity] {
        let all = Set(issueTypes.flatMap { $0.severities(default: defaultSeverity, under: target) })
        return all.isEmpty ? [defaultSeverity] : all.sorted(by: >)
    }

    /// Whether the rule declares this issue type.
    public func declares(_ issueType: String) -> Bool { issueTypes.contains { $0.matches(issueType) } }
}

/// A check over the stream. It sees meta, each image and each track as they pass, keeps only the
/// state it needs (per label, per task; never the shapes), and concludes in `finish`.
///
/// A rule runs on one thread, so state it updates for every shape or frame may be marked
/// `@exclusivity(unchecked)`: the dynamic checks would otherwise cost a measurable share of a run.
public protocol Rule: AnnotationVisitor, SendableMetatype {
    static var description: RuleDescription { get }
    init(context: RuleContext)
    /// Whole-export conclusions, after the last record.
    func finish()
}

extension Rule {
    public func finish() {}
}

/// A rule that looks at every annotation alike, whether it sits in an image or on a track frame.
public protocol ShapeRule: Rule {
    /// One shape or tag of an image (`track` nil), or one frame of a track; `label` is the label it carries.
    func visitShape(_ shape: Shape, label: String, track: TrackRecord?)
}

extension ShapeRule {
    public func visitImage(_ image: ImageRecord) {
        for shape in image.shapes { visitShape(shape, label: shape.label, track: nil) }
    }

    public func visitTrackShape(_ shape: Shape, of track: TrackRecord) {
        visitShape(shape, label: track.label, track: track)
    }
}

/// What a rule may know about the export, and where it reports.
public final class RuleContext {
    public let ruleID: String
    /// The rule's default severity (a configured override is applied by the engine afterwards).
    public let severity: Severity
    /// The annotations file's path inside the export, for locations.
    public let annotationsPath: String
    public let container: ExportContainer
    /// The import target the export is checked for.
    public let target: TargetProfile
    public let options: RuleOptions
    /// What the engine has learnt so far; complete by the time `finish` runs.
    public let facts: ExportFacts
    /// Reads the header of a media file of the export (only its first bytes).
    public let mediaHeader: (MediaFile) throws -> ImageHeader
    /// Streams a media file's whole content (only for rules that compare content, when allowed).
    public let mediaContent: (MediaFile, (UnsafeRawBufferPointer) throws -> Void) throws -> Void
    private let sink: (Finding) -> Void
    /// Hears every occurrence a finding stands for, one by one (a finding may count many): `apply` uses
    /// it to leave out each broken annotation. Nil in a check.
    private let instances: ((String, SourceLocation) -> Void)?
    /// The severities the rule's issue types declare, where they differ from the rule's own.
    private let issueSeverities: [String: Severity]

    public init(ruleID: String, severity: Severity, issueSeverities: [String: Severity] = [:], annotationsPath: String,
                container: ExportContainer, target: TargetProfile, options: RuleOptions = RuleOptions(),
                facts: ExportFacts = ExportFacts(),
                mediaHeader: @escaping (MediaFile) throws -> ImageHeader = { _ in .notImage },
                mediaContent: @escaping (MediaFile, (UnsafeRawBufferPointer) throws -> Void) throws -> Void = { _, _ in },
                instances: ((String, SourceLocation) -> Void)? = nil,
                sink: @escaping (Finding) -> Void) {
        self.instances = instances
        self.ruleID = ruleID
        self.severity = severity
        self.issueSeverities = issueSeverities
        self.annotationsPath = annotationsPath
        self.container = container
        self.target = target
        self.options = options
        self.facts = facts
        self.mediaHeader = mediaHeader
        self.mediaContent = mediaContent
        self.sink = sink
    }

    /// Reports a finding at a place in `annotations.xml` (or another file of the export), with the rule's
    /// severity unless told otherwise.
    public func report(_ message: String, at location: SourceLocation?, severity: Severity? = nil,
                       issueType: String? = nil, action: ImportAction? = nil, file: String? = nil, count: Int? = nil,
                       context: (inout FindingLocation) -> Void = { _ in }) {
        let path = file ?? annotationsPath
        var place = location.map { FindingLocation(file: path, at: $0) } ?? FindingLocation(file: path)
        // A finding made while an image or track streams past is about it (baselines, --group-by image).
        if file == nil, let record = facts.currentRecord {
            place.image = record.image
            place.imageID = record.imageID
            place.subset = record.subset
            place.taskID = record.taskID
            place.trackID = record.trackID
            place.frame = record.frame
        }
        context(&place)
        let type = issueType ?? ruleID.replacingHyphens()
        if let location, file == nil { instances?(type, location) }
        // The target's profile has the last word on an issue type it names, and says why.
        let targeted = target.issue(type)
        sink(Finding(rule: ruleID, severity: targeted?.severity ?? severity ?? issueSeverities[type] ?? self.severity,
                     message: targeted?.note.map { "\(message); \($0)" } ?? message, location: place,
                     issueType: type, action: action, count: count))
    }
}

extension RuleContext {
    /// Notes one occurrence of `issueType` at `location` that a finding reported once (with a count) stands
    /// for. Costs nothing in a check.
    @inline(__always)
    public func noteInstance(_ issueType: String, at location: SourceLocation) {
        instances?(issueType, location)
    }
}

/// Options that change what rules conclude.
public struct RuleOptions: Sendable {
    /// Encord's `transform_bounding_boxes_to_polygons`: boxes count as polygons.
    public var boxesAsPolygons: Bool
    /// The data-quality rules' limits (`thresholds:` in `.cvat-lint.yml`).
    public var thresholds: Thresholds
    /// Declared spellings for values outside an attribute's list (`values:` in `.cvat-lint.yml`):
    /// label → attribute → value → spelling.
    public var valueMappings: [String: [String: [String: String]]]

    public init(boxesAsPolygons: Bool = false, thresholds: Thresholds = Thresholds(),
                valueMappings: [String: [String: [String: String]]] = [:]) {
        self.boxesAsPolygons = boxesAsPolygons
        self.thresholds = thresholds
        self.valueMappings = valueMappings
    }

    /// The kind a shape arrives as, before the target's own mapping.
    public func effectiveKind(_ kind: ShapeKind) -> ShapeKind {
        boxesAsPolygons && kind == .box ? .polygon : kind
    }
}

/// A rule type, as the engine holds it.
public struct RuleEntry: Sendable {
    public let description: RuleDescription
    public let make: @Sendable (RuleContext) -> Rule

    public init<R: Rule>(_ type: R.Type) {
        description = type.description
        make = { R(context: $0) }
    }
}

/// The limits the data-quality rules judge by, each configurable under `thresholds:` in `.cvat-lint.yml`.
public struct Thresholds: Sendable, Equatable {
    /// Boxes and ellipses with a side (or diameter) under this many pixels are degenerate.
    public var minimumSide: Double = 1
    /// Polygons with an area under this many square pixels are degenerate.
    public var minimumArea: Double = 1
    /// Polylines shorter than this many pixels are degenerate.
    public var minimumLength: Double = 0.5
    /// Boxes and ellipses longer than this many times their width (either way) are called out (info).
    public var maximumAspectRatio: Double = 50
    /// Statistics turned into findings: a label with fewer annotations than this (off when nil).
    public var minimumAnnotationsPerLabel: Int?
    /// Statistics turned into findings: the largest label count over the smallest above this (off when nil).
    public var maximumImbalanceRatio: Double?
    /// How many image names `image-unannotated` lists as examples.
    public var unannotatedExamples: Int = 5
    /// Two areas of one label and kind coincide from this intersection over union on.
    public var duplicateIoU: Double = 0.95
    /// Two vertex shapes coincide when every vertex lies within this many pixels of its counterpart.
    public var duplicateDistance: Double = 1
    /// Media contents are read (to find duplicate files) only while the export's media add up to at
    /// most this many GB; 0 turns content reading off (`--no-media-content`).
    public var mediaContentGB: Double = 10

    public init() {}

    /// The keys of `thresholds:`, with what each sets.
    public static let keys: [String: WritableKeyPath<Thresholds, Double> & Sendable] = [
        "min_side": \.minimumSide, "min_area": \.minimumArea, "min_length": \.minimumLength,
        "max_aspect_ratio": \.maximumAspectRatio, "duplicate_iou": \.duplicateIoU,
        "duplicate_distance": \.duplicateDistance, "media_content_gb": \.mediaContentGB,
    ]
    public static let integerKeys: [String: WritableKeyPath<Thresholds, Int?> & Sendable] = [
        "min_annotations_per_label": \.minimumAnnotationsPerLabel,
    ]
    public static let optionalKeys: [String: WritableKeyPath<Thresholds, Double?> & Sendable] = [
        "max_imbalance_ratio": \.maximumImbalanceRatio,
    ]
    /// Every key `thresholds:` takes.
    public static var allKeys: [String] { (Array(keys.keys) + Array(integerKeys.keys) + Array(optionalKeys.keys)).sorted() }
}
