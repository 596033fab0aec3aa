/// Where an element lies in the bytes of `annotations.xml`: its `<`, the end of its start tag, the end of
/// its end tag. Filled only when the reader is asked for offsets (`apply` copies untouched elements).
public struct ByteSpan: Sendable, Hashable {
    public var start: Int64
    public var tagEnd: Int64
    public var end: Int64

    public init(start: Int64, tagEnd: Int64, end: Int64) {
        self.start = start
        self.tagEnd = tagEnd
        self.end = end
    }
}

/// An element inside an `<image>` that is no shape or tag (the schema reports it), with where it lies.
public struct ForeignElement: Sendable {
    public var location: SourceLocation
    public var span: ByteSpan
}

/// One `<image>` of a "CVAT for images" export, with its shapes and tags.
public struct ImageRecord: Sendable {
    public let xmlAttributes: [XMLAttribute]
    /// Shapes and tags in document order (tags have kind `.tag`).
    public var shapes: [Shape]
    public let location: SourceLocation
    /// Read once: several rules ask for them with each image.
    public let id: Int?
    public let name: String
    public let subset: String?
    public let taskID: Int?
    public let width: Int?
    public let height: Int?
    public internal(set) var span: ByteSpan?
    /// Children that are no shape or tag, recorded only when the reader tracks offsets.
    public internal(set) var foreign: [ForeignElement] = []

    public init(xmlAttributes: [XMLAttribute], shapes: [Shape] = [], location: SourceLocation) {
        self.xmlAttributes = xmlAttributes
        self.shapes = shapes
        self.location = location
        id = xmlAttributes.value(named: "id").flatMap(parseInteger)
        name = xmlAttributes.value(named: "name") ?? ""
        subset = xmlAttributes.value(named: "subset")
        taskID = xmlAttributes.value(named: "task_id").flatMap(parseInteger)
        width = xmlAttributes.value(named: "width").flatMap(parseInteger)
        height = xmlAttributes.value(named: "height").flatMap(parseInteger)
    }

    public subscript(_ name: String) -> String? { xmlAttributes.value(named: name) }
}

/// The header of one `<track>` of a "CVAT for video" export; its per-frame shapes stream past one by one.
public struct TrackRecord: Sendable {
    public let xmlAttributes: [XMLAttribute]
    public let location: SourceLocation
    /// Read once: every rule asks for them with each of the track's shapes.
    public let id: Int?
    public let label: String
    public let source: String?
    public let subset: String?
    public let taskID: Int?
    public let groupID: Int?
    public internal(set) var span: ByteSpan?

    public init(xmlAttributes: [XMLAttribute], location: SourceLocation) {
        self.xmlAttributes = xmlAttributes
        self.location = location
        id = xmlAttributes.value(named: "id").flatMap(parseInteger)
        label = xmlAttributes.value(named: "label") ?? ""
        source = xmlAttributes.value(named: "source")
        subset = xmlAttributes.value(named: "subset")
        taskID = xmlAttributes.value(named: "task_id").flatMap(parseInteger)
        groupID = xmlAttributes.value(named: "group_id").flatMap(parseInteger)
    }

    public subscript(_ name: String) -> String? { xmlAttributes.value(named: name) }

    /// "track 12" (or "track ?" when the id is missing), as findings name a track.
    public var displayName: String { "track \(id.map(String.init) ?? "?")" }
}

extension Array where Element == XMLAttribute {
    /// The raw value of the attribute with this name, as written.
    public func value(named name: String) -> String? {
        first(where: { $0.name == name })?.value
    }
}
