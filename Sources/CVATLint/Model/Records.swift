/// One `<image>` of a "CVAT for images" export, with its shapes and tags.
public struct ImageRecord: Sendable {
    public var xmlAttributes: [XMLAttribute]
    /// Shapes and tags in document order (tags have kind `.tag`).
    public var shapes: [Shape]
    public var location: SourceLocation

    public init(xmlAttributes: [XMLAttribute], shapes: [Shape] = [], location: SourceLocation) {
        self.xmlAttributes = xmlAttributes
        self.shapes = shapes
        self.location = location
    }

    public subscript(_ name: String) -> String? {
        xmlAttributes.first(where: { $0.name == name })?.value
    }

    public var id: Int? { self["id"].flatMap(parseInteger) }
    public var name: String { self["name"] ?? "" }
    public var subset: String? { self["subset"] }
    public var taskID: Int? { self["task_id"].flatMap(parseInteger) }
    public var width: Int? { self["width"].flatMap(parseInteger) }
    public var height: Int? { self["height"].flatMap(parseInteger) }
}

/// The header of one `<track>` of a "CVAT for video" export; its per-frame shapes stream past one by one.
public struct TrackRecord: Sendable {
    public let xmlAttributes: [XMLAttribute]
    public let location: SourceLocation
    /// Read once: every rule asks for them with each of the track's shapes.
    public let id: Int?
    public let label: String

    public init(xmlAttributes: [XMLAttribute], location: SourceLocation) {
        self.xmlAttributes = xmlAttributes
        self.location = location
        id = xmlAttributes.first(where: { $0.name == "id" }).flatMap { parseInteger($0.value) }
        label = xmlAttributes.first(where: { $0.name == "label" })?.value ?? ""
    }

    public subscript(_ name: String) -> String? {
        xmlAttributes.first(where: { $0.name == name })?.value
    }

    public var source: String? { self["source"] }
    public var subset: String? { self["subset"] }
    public var taskID: Int? { self["task_id"].flatMap(parseInteger) }
    public var groupID: Int? { self["group_id"].flatMap(parseInteger) }
}
