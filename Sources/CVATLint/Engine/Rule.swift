import Foundation

/// What part of an export a rule looks at.
public enum RuleCategory: String, Sendable, Codable, CaseIterable {
    case structure, format, labels, attributes, geometry, tracks, media, target
}

/// A small `annotations.xml` (or a fixture export under `Fixtures/`) that shows a rule at work.
///
/// In a triggering example, `↓` marks where a finding must land: the line, and the column of the
/// character after it (as SwiftLint's examples do). The marks are taken out of the file's text.
public struct RuleExample: Sendable {
    /// The character that marks a finding's place in an example.
    public static let marker: Character = "↓"

    /// The whole file's text, marks taken out; empty when the example is a fixture.
    public var xml: String
    /// Where the marks stood: each is a place a finding of the rule must have.
    public var markedPlaces: [SourceLocation]
    /// The name of a fixture export under `Fixtures/`, for examples that need media beside the XML.
    public var fixture: String?
    /// Why it does (or does not) trigger.
    public var note: String
    /// The import target it is checked for; nil for the default target.
    public var target: String?
    /// A `.cvat-lint.yml` the example is checked under (e.g. thresholds); nil for none.
    public var configuration: String?

    /// The same example, checked under this `.cvat-lint.yml` text.
    public func configured(_ yaml: String) -> RuleExample {
        var example = self
        example.configuration = yaml
        return example
    }

    public init(_ note: String, target: String? = nil, xml: String) {
        self.note = note
        self.target = target
        (self.xml, markedPlaces) = Self.takingMarks(out: xml)
        fixture = nil
    }

    /// The text without its marks, and the place (1-based line and column) of each.
    static func takingMarks(out text: String) -> (String, [SourceLocation]) {
        var places: [SourceLocation] = []
        var clean = ""
        var line = 1
        var column = 1
        for character in text {
            if character == marker {
                places.append(SourceLocation(line: line, column: column))
                continue
            }
            clean.append(character)
            if character == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return (clean, places)
    }

    /// An example that is a whole export under `Fixtures/`.
    public static func fixture(_ note: String, _ name: String, target: String? = nil) -> RuleExample {
        var example = RuleExample(note, target: target, xml: "")
        example.fixture = name
        return example
    }

    /// A file holding one 10×10 image named `a.jpg` with these shapes (one element per line).
    public static func inImage(_ note: String, target: String? = nil, _ shapes: String) -> RuleExample {
        RuleExample(note, target: target, xml: document(meta: "", body: imageElement(shapes)))
    }

    /// A file holding one track of `label` with these frame shapes (one element per line); `marking`
    /// puts a mark (`↓`) on the `<meta>` or `<track>` start tag.
    public static func inTrack(_ note: String, target: String? = nil, label: String = "car", meta: String = "",
                               marking: Mark? = nil, _ shapes: String) -> RuleExample {
        let track = (marking == .track ? "  \(marker)" : "  ") + "<track id=\"0\" label=\"\(label)\">\n"
        return RuleExample(note, target: target, xml: document(
            meta: meta, body: track + indent(shapes, by: 4) + "\n  </track>\n", markMeta: marking == .meta))
    }

    /// A start tag the helpers can mark.
    public enum Mark: Sendable { case meta, track }

    /// A file with this `<meta>` content (e.g. a `<task>` section) and this body; `markMeta` marks `<meta>`.
    public static func document(meta: String, body: String, markMeta: Bool = false) -> String {
        var text = "<annotations>\n  <version>1.1</version>\n"
        if !meta.isEmpty { text += "  " + (markMeta ? String(marker) : "") + "<meta>\n" + indent(meta, by: 4) + "\n  </meta>\n" }
        return text + body + "</annotations>\n"
    }

    /// `<image id="0" name="a.jpg" width="10" height="10">` holding these shapes.
    public static func imageElement(_ shapes: String, name: String = "a.jpg") -> String {
        "  <image id=\"0\" name=\"\(name)\" width=\"10\" height=\"10\">\n" + indent(shapes, by: 4) + "\n  </image>\n"
    }

    /// A `<task>` meta section with this mode and these labels: `name`, `name^parent` for a skeleton
    /// sublabel, `name#type` for a label type, and `name:input_type:attribute[:values]` (values `|`-separated).
    /// A `↓` before a label's name marks its `<label>`, before its input type its `<attribute>`; `marked`
    /// marks `<task>`.
    public static func task(mode: String = "annotation", labels: [String], marked: Bool = false) -> String {
        let specs = labels.map { written -> String in
            let labelMark = written.first == marker ? String(marker) : ""
            let label = labelMark.isEmpty ? written : String(written.dropFirst())
            var parts = label.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            let head = parts.first ?? label
            let typed = head.split(separator: "#").map(String.init)
            let named = (typed.first ?? head).split(separator: "^").map(String.init)
            var spec = labelMark + "<label>\n  <name>\(named.first ?? head)</name>\n"
            if typed.count == 2 { spec += "  <type>\(typed[1])</type>\n" }
            spec += "  <attributes>\n"
            if parts.count >= 3 {
                let attributeMark = parts[1].first == marker ? String(marker) : ""
                if !attributeMark.isEmpty { parts[1].removeFirst() }
                let values = parts.count >= 4 ? parts[3].replacingOccurrences(of: "|", with: "\n") : ""
                spec += "    \(attributeMark)<attribute>\n      <name>\(parts[2])</name>\n      <mutable>False</mutable>\n"
                spec += "      <input_type>\(parts[1])</input_type>\n      <default_value></default_value>\n"
                spec += "      <values>\(values)</values>\n    </attribute>\n"
            }
            spec += "  </attributes>\n"
            if named.count == 2 { spec += "  <parent>\(named[1])</parent>\n" }
            return spec + "</label>"
        }
        return (marked ? String(marker) : "") + "<task>\n  <id>1</id>\n  <name>t</name>\n  <size>1</size>\n  <mode>\(mode)</mode>\n"
            + "  <labels>\n" + indent(specs.joined(separator: "\n"), by: 4) + "\n  </labels>\n</task>"
    }

    private static func indent(_ text: String, by spaces: Int) -> String {
        let pad = String(repeating: " ", count: spaces)
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : pad + $0 }
            .joined(separator: "\n")
    }
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

    public init(ruleID: String, severity: Severity, annotationsPath: String, container: ExportContainer,
                target: TargetProfile, options: RuleOptions = RuleOptions(),
                facts: ExportFacts = ExportFacts(),
                mediaHeader: @escaping (MediaFile) throws -> ImageHeader = { _ in .notImage },
                mediaContent: @escaping (MediaFile, (UnsafeRawBufferPointer) throws -> Void) throws -> Void = { _, _ in },
                instances: ((String, SourceLocation) -> Void)? = nil,
                sink: @escaping (Finding) -> Void) {
        self.instances = instances
        self.ruleID = ruleID
        self.severity = severity
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
        sink(Finding(rule: ruleID, severity: targeted?.severity ?? severity ?? self.severity,
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
