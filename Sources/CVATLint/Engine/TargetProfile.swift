import Yams

/// How a target takes one CVAT feature.
public enum SupportStatus: String, Sendable, Codable {
    /// Arrives 1:1.
    case supported
    /// Arrives, but as another type or form.
    case converted
    /// Silently lost.
    case dropped
    /// Rejected, not imported, or breaks the import.
    case unsupported
}

/// One row of a target profile: what happens to a feature, how much that matters, what becomes of it.
public struct FeatureSupport: Sendable, Codable, Hashable {
    public var status: SupportStatus
    /// The severity of a finding about it; nil when there is nothing to say.
    public var severity: Severity?
    /// What it becomes in the target (a shape, an attribute type).
    public var to: String?
    /// The name an ontology item of this shape gets in the target, e.g. `bounding box`.
    public var item: String?
    /// One line for the user: why, and what to do.
    public var note: String?
    /// For point shapes: how many points one target item holds (Encord's keypoint holds one).
    public var maxPoints: Int?

    public init(status: SupportStatus, severity: Severity? = nil, to: String? = nil, item: String? = nil, note: String? = nil,
                maxPoints: Int? = nil) {
        self.status = status
        self.severity = severity
        self.to = to
        self.item = item
        self.note = note
        self.maxPoints = maxPoints
    }

    enum CodingKeys: String, CodingKey {
        case status, severity, to, item, note
        case maxPoints = "max_points"
    }

    static let supported = FeatureSupport(status: .supported)

    /// Whether the feature arrives in the target at all (as it is or converted).
    public var isKept: Bool { status == .supported || status == .converted }
}

/// What an import target accepts, as data (`Rules/Profiles/<target>.yml`).
public struct TargetProfile: Sendable, Codable {
    /// The target's id, as `--target` names it.
    public var target: String
    /// How messages name the target (`Encord`).
    public var name: String
    public var description: String
    /// Export formats: `images`, `video`, `mixed`.
    public var formats: [String: FeatureSupport]
    /// Export levels: `task`, `job`, `project`.
    public var levels: [String: FeatureSupport]
    /// Shape kinds, by CVAT element name (`box`, …, `tag`).
    public var shapes: [String: FeatureSupport]
    /// Shape kinds in project exports, where they differ (CVAT's project import skips some).
    public var projectShapes: [String: FeatureSupport]?
    /// Shape kinds as the frames of a track, where they differ from the kinds in images (Datumaro's reader
    /// stops on a mask or a skeleton in a track).
    public var trackShapes: [String: FeatureSupport]?
    /// Attribute input types (`checkbox`, `radio`, `number`, `text`, `select`).
    public var attributes: [String: FeatureSupport]
    /// Built-in fields: occluded, z_order, group_id, source, outside, keyframe, rotation, mutable.
    public var fields: [String: FeatureSupport]
    /// Media expectations.
    public var media: MediaExpectations
    /// One ontology item holds one shape, so a label drawn as several kinds is split.
    public var labelsBindOneShape: Bool
    /// The importer skips the shapes it does not take but still reads their `<attribute>` children, into
    /// the attributes of the annotation it read before them (CVAT's project import and Datumaro's CVAT
    /// reader fill one dictionary per annotation and open none for a skipped shape).
    public var skippedShapeAttributesCarryOver: Bool?
    /// The importer resolves labels against `<meta>` alone, even when it declares none (Datumaro's reader): then
    /// every label used is undeclared. Otherwise a `<meta>` without labels leaves them to the server's task.
    public var labelsFromMeta: Bool?
    /// Attribute names the importer fills with a built-in field of the shape, losing a label's own
    /// attribute of that name.
    public var reservedAttributeNames: ReservedAttributeNames?

    /// Names an importer writes built-in fields under, among a shape's attributes.
    public struct ReservedAttributeNames: Sendable, Codable {
        /// The export levels whose import does it (`project`); every level when empty.
        public var levels: [String]
        /// Written for every shape (not for tags).
        public var everyShape: [String]
        /// Written for the shapes of a track as well.
        public var trackShapes: [String]

        enum CodingKeys: String, CodingKey {
            case levels
            case everyShape = "every_shape"
            case trackShapes = "track_shapes"
        }

        /// The names reserved in an export of one level, worked out once: on an image's shapes, and on a track's.
        public struct AtLevel: Sendable {
            public var onImages: [String] = []
            public var onTracks: [String] = []

            public init() {}

            /// The names reserved for a shape on a track or not.
            public func names(onTrack: Bool) -> [String] { onTrack ? onTracks : onImages }
        }

        /// The names reserved for shapes in an export of `level`.
        public func atLevel(_ level: ExportLevel?) -> AtLevel {
            var reserved = AtLevel()
            guard levels.isEmpty || levels.contains(level?.rawValue ?? "") else { return reserved }
            reserved.onImages = everyShape
            reserved.onTracks = everyShape + trackShapes
            return reserved
        }
    }

    /// The attribute names this importer writes built-in fields under, in an export of `level`.
    public func reservedNames(level: ExportLevel?) -> ReservedAttributeNames.AtLevel {
        reservedAttributeNames?.atLevel(level) ?? ReservedAttributeNames.AtLevel()
    }
    /// The importer reads `<attribute>` values as Python values (a boolean for `true` and `false`, `float()` of a
    /// value whose spec is typed other than text), and what it keeps is its own spelling of them (`str()`).
    public var attributeValuesTyped: TypedAttributeValues?

    /// The importer reads a subset at each `<tag>` as at each `<image>`, so a tag that states none moves what follows
    /// it (CVAT's project import).
    public var tagsReadSubset: Bool?

    /// Where an importer types attribute values as it reads them.
    public struct TypedAttributeValues: Sendable, Codable {
        /// The export levels whose import does it (`project`); every level when empty.
        public var levels: [String]
        /// Whether a number attribute's value kept in another spelling (`3` as `3.0`) is worth a finding.
        public var numbers: Bool

        /// Whether an export of `level` is imported so.
        public func applies(to level: ExportLevel?) -> Bool {
            levels.isEmpty || levels.contains(level?.rawValue ?? "")
        }
    }
    /// Severities this target gives particular issue types, with the reason (what its importer does).
    public var issues: [String: IssueSeverity]?

    /// How much an issue type matters to this target, and why.
    public struct IssueSeverity: Sendable, Codable, Hashable {
        public var severity: Severity
        /// What the importer does with it, said after the finding's message.
        public var note: String?
    }

    /// The target's own severity and reason for an issue type, where its profile says one.
    public func issue(_ issueType: String) -> IssueSeverity? { issues?[issueType] }

    /// What the target needs of `images/`.
    public struct MediaExpectations: Sendable, Codable {
        /// Without `images/` the import fails ("save images" was off).
        public var requiresImages: Bool
        /// Project exports: only `images/default/` is read, and not recursively.
        public var projectDefaultSubsetOnly: Bool
        /// File extensions the target takes as images (lower case, no dot); empty = any.
        public var imageExtensions: [String]
        /// Severity of an XML image with no file (nil: not worth a finding for this target).
        public var missing: Severity?
        /// Severity of a name that matches its file only without the extension.
        public var mapped: Severity?
        /// Severity of a file no image names.
        public var unnamed: Severity?
        /// Severity of junk files (.DS_Store, Thumbs.db, ._*).
        public var junk: Severity?
        /// Severity of an export with no `images/` folder.
        public var noImages: Severity?
        /// Whether video frames need their files too (nil: yes); Datumaro's reader looks only for the files of
        /// `<image>` elements.
        public var framesNeedFiles: Bool?

        enum CodingKeys: String, CodingKey {
            case requiresImages = "requires_images"
            case projectDefaultSubsetOnly = "project_default_subset_only"
            case imageExtensions = "image_extensions"
            case missing, mapped, unnamed, junk
            case noImages = "no_images"
            case framesNeedFiles = "frames_need_files"
        }
    }

    enum CodingKeys: String, CodingKey {
        case target, name, description, formats, levels, shapes
        case projectShapes = "project_shapes"
        case trackShapes = "track_shapes"
        case attributes, fields, media
        case labelsBindOneShape = "labels_bind_one_shape"
        case skippedShapeAttributesCarryOver = "skipped_shape_attributes_carry_over"
        case labelsFromMeta = "labels_from_meta"
        case reservedAttributeNames = "reserved_attribute_names"
        case attributeValuesTyped = "attribute_values_typed"
        case tagsReadSubset = "tags_read_subset"
        case issues
    }

    /// Reads a profile from YAML; the error names the line when YAML can say it.
    public static func load(yaml: String, name: String) throws -> TargetProfile {
        do {
            return try YAMLDecoder().decode(TargetProfile.self, from: yaml)
        } catch {
            throw ProfileError(message: "profile \(name): \(error)")
        }
    }

    public func shape(_ kind: ShapeKind, level: ExportLevel?) -> FeatureSupport {
        if level == .project, let special = projectShapes?[kind.rawValue] { return special }
        return shapes[kind.rawValue] ?? .supported
    }

    public func attribute(_ inputType: String) -> FeatureSupport {
        attributes[inputType] ?? FeatureSupport(status: .unsupported, severity: .warning,
                                                note: "unknown input type '\(inputType)'")
    }

    public func field(_ name: String) -> FeatureSupport { fields[name] ?? .supported }
    public func format(_ format: ExportFormat) -> FeatureSupport { formats[format.rawValue] ?? .supported }
    public func level(_ level: ExportLevel) -> FeatureSupport { levels[level.rawValue] ?? .supported }

    /// The severities a profile entry gives (`media.missing`, or every entry of `shapes`, `levels`,
    /// `formats`, `attributes`, `fields`), worst first; [] when it gives none (nothing is reported).
    public func severities(at path: String) -> [Severity]? {
        let media: [String: Severity?] = ["missing": self.media.missing, "mapped": self.media.mapped,
                                          "unnamed": self.media.unnamed, "junk": self.media.junk,
                                          "no_images": self.media.noImages]
        if path.hasPrefix("media.") { return media[String(path.dropFirst(6))].map { $0.map { [$0] } ?? [] } }
        let section: [String: FeatureSupport]?
        switch path {
        case "shapes": section = shapes.merging(projectShapes ?? [:]) { lhs, _ in lhs }
        case "track_shapes": section = trackShapes ?? [:]
        case "levels": section = levels
        case "formats": section = formats
        case "attributes": section = attributes
        case "fields": section = fields
        default: section = nil
        }
        guard let section else { return nil }
        return Set(section.values.compactMap(\.severity)).sorted(by: >)
    }

    /// The name of an ontology item for a shape kind in this target (`bounding box` for `box` in Encord).
    public func itemName(_ kind: ShapeKind) -> String { shapes[kind.rawValue]?.item ?? kind.rawValue }
}

/// A profile that does not read.
public struct ProfileError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var description: String { message }
}
