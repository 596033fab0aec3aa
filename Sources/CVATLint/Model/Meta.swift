import Foundation

/// A small element tree, used for `<meta>` only (its size does not grow with the annotations).
public struct XMLNode: Sendable {
    public var name: String
    public var xmlAttributes: [XMLAttribute]
    public var text: String
    public var children: [XMLNode]
    public var location: SourceLocation

    public init(name: String, xmlAttributes: [XMLAttribute] = [], text: String = "", children: [XMLNode] = [],
                location: SourceLocation) {
        self.name = name
        self.xmlAttributes = xmlAttributes
        self.text = text
        self.children = children
        self.location = location
    }

    /// The first child with this name.
    public func child(_ name: String) -> XMLNode? { children.first(where: { $0.name == name }) }

    /// All children with this name.
    public func children(_ name: String) -> [XMLNode] { children.filter { $0.name == name } }

    /// The elements with this name below this one, in document order (as ElementTree's `iter` finds them).
    public func descendants(_ name: String) -> [XMLNode] {
        children.flatMap { ($0.name == name ? [$0] : []) + $0.descendants(name) }
    }

    /// Joins every further child named `name` into the first (CVAT writes one): its children follow the first's, and
    /// it is left out. True when any was.
    public mutating func joinChildren(named name: String) -> Bool {
        guard let first = children.firstIndex(where: { $0.name == name }) else { return false }
        let further = children.indices.filter { $0 > first && children[$0].name == name }
        guard !further.isEmpty else { return false }
        children[first].children += further.flatMap { children[$0].children }
        children = children.enumerated().filter { !further.contains($0.offset) }.map(\.element)
        return true
    }

    /// Leaves out every element below this one that `drop` picks; true when any was.
    public mutating func removeDescendants(where drop: (XMLNode) -> Bool) -> Bool {
        let count = children.count
        children.removeAll(where: drop)
        var removed = children.count != count
        for index in children.indices where children[index].removeDescendants(where: drop) { removed = true }
        return removed
    }

    /// The trimmed text of the first child with this name.
    public func value(_ name: String) -> String? { child(name).map { $0.text.trimmingSpaces() } }

    /// The first child with this name, read as an integer.
    public func integer(_ name: String) -> Int? { value(name).flatMap(parseInteger) }
}

/// The level an export was made at.
public enum ExportLevel: String, Sendable, Codable {
    case task, job, project
}

/// The task mode: `annotation` for image data, `interpolation` for video data.
public enum TaskMode: String, Sendable, Codable {
    case annotation, interpolation
}

/// A `<task>` (task export or `project/tasks/task`) or a `<job>` (job export).
///
/// Its fields are read once: rules ask for them for every frame of every track.
public struct TaskMeta: Sendable {
    public let node: XMLNode
    public let isJob: Bool
    public let id: Int?
    public let name: String?
    public let size: Int?
    public let mode: TaskMode?
    public let subset: String?
    public let startFrame: Int?
    public let stopFrame: Int?
    public let frameFilter: String?
    /// The frame step from `frame_filter` (`step=N`), 1 when absent.
    public let frameStep: Int

    public init(node: XMLNode, isJob: Bool) {
        self.node = node
        self.isJob = isJob
        id = node.integer("id")
        name = node.value("name")
        size = node.integer("size")
        mode = node.value("mode").flatMap(TaskMode.init(rawValue:))
        subset = node.value("subset")
        startFrame = node.integer("start_frame")
        stopFrame = node.integer("stop_frame")
        frameFilter = node.value("frame_filter")
        frameStep = Self.step(in: frameFilter)
    }

    private static func step(in filter: String?) -> Int {
        guard let filter, let range = filter.range(of: "step=") else { return 1 }
        let digits = filter[range.upperBound...].prefix(while: \.isNumber)
        return Int(digits).flatMap { $0 > 0 ? $0 : nil } ?? 1
    }

    public var location: SourceLocation { node.location }
}

/// An attribute spec of a label (`<label><attributes><attribute>`).
public struct AttributeSpec: Sendable {
    public var name: String
    public var mutable: Bool?
    public var inputType: String
    public var defaultValue: String?
    /// The allowed values, one per line as CVAT writes them.
    public var values: [String]
    public var location: SourceLocation
    /// Of `<name>` and `<input_type>`, those a 1.1 spec leaves out (a 1.0 text spec lacks none): CVAT's project
    /// import reads both from every spec it meets, with no default.
    public var lacks: [String] = []
    /// Written in the 1.0 text form (`@select=name:a,b,c`) rather than as 1.1 elements.
    public var isTextForm = false

    public init(name: String, mutable: Bool?, inputType: String, defaultValue: String?, values: [String],
                location: SourceLocation) {
        self.name = name
        self.mutable = mutable
        self.inputType = inputType
        self.defaultValue = defaultValue
        self.values = values
        self.location = location
    }

    init(node: XMLNode) {
        if node.children.isEmpty {
            // Version 1.0 label DSL: "@select=name:a,b,c" (@ immutable, ~ mutable).
            self = AttributeSpec(dsl: node.text.trimmingSpaces(), location: node.location)
            return
        }
        let valuesText = node.child("values")?.text ?? ""
        self.init(
            name: node.value("name") ?? "",
            mutable: node.value("mutable").map { ["true", "1"].contains($0.lowercased()) },
            // Absent, the type apply writes (attribute-spec reports the absence): text holds any value.
            inputType: node.value("input_type") ?? "text",
            defaultValue: node.child("default_value")?.text,
            values: valuesText.isEmpty ? [] : valuesText.split(separator: "\n", omittingEmptySubsequences: false)
                .map { String($0).trimmingSpaces() },
            location: node.location)
        lacks = ["name", "input_type"].filter { node.child($0) == nil }
    }

    init(dsl: String, location: SourceLocation) {
        var rest = Substring(dsl)
        let mutable = rest.first == "~"
        if rest.first == "~" || rest.first == "@" { rest = rest.dropFirst() }
        let typeEnd = rest.firstIndex(of: "=") ?? rest.endIndex
        let inputType = String(rest[..<typeEnd])
        rest = typeEnd < rest.endIndex ? rest[rest.index(after: typeEnd)...] : ""
        let nameEnd = rest.firstIndex(of: ":") ?? rest.endIndex
        let name = String(rest[..<nameEnd])
        let values = nameEnd < rest.endIndex ? rest[rest.index(after: nameEnd)...].split(separator: ",").map(String.init) : []
        self.init(name: name, mutable: mutable, inputType: inputType, defaultValue: values.first, values: values,
                  location: location)
        isTextForm = true
    }
}

/// A label spec (`<labels><label>`); skeleton sublabels carry their parent's name.
///
/// A class: rules look a label up for every shape, and handing out a reference costs one retain where
/// copying the spec and its attribute specs cost dozens.
public final class LabelSpec: Sendable {
    public let name: String
    public let color: String?
    public let type: String?
    public let parent: String?
    public let attributes: [AttributeSpec]
    /// 1.1 specs without `<name>`: no shape can name them, so no rule takes them for declared attributes.
    public let namelessAttributes: [AttributeSpec]
    public let location: SourceLocation

    public init(name: String, color: String? = nil, type: String? = nil, parent: String? = nil,
                attributes: [AttributeSpec] = [], namelessAttributes: [AttributeSpec] = [], location: SourceLocation) {
        self.name = name
        self.color = color
        self.type = type
        self.parent = parent
        self.attributes = attributes
        self.namelessAttributes = namelessAttributes
        self.location = location
    }

    convenience init(node: XMLNode) {
        var label = node
        let specs = Self.takeSpecs(from: &label).map(AttributeSpec.init(node:))
        self.init(
            name: node.value("name") ?? "",
            color: node.value("color"),
            type: node.value("type"),
            parent: node.value("parent").flatMap { $0.isEmpty ? nil : $0 },
            attributes: specs.filter { !$0.lacks.contains("name") },
            namelessAttributes: specs.filter { $0.lacks.contains("name") },
            location: node.location)
    }

    /// Takes every `<attribute>` out of a label's subtree, in document order: CVAT writes them in one `<attributes>`,
    /// and Datumaro's reader takes each one under the label wherever it sits (`label.iter("attribute")`), one inside
    /// another too. Nested labels keep theirs.
    public static func takeSpecs(from node: inout XMLNode) -> [XMLNode] {
        var specs: [XMLNode] = []
        var kept: [XMLNode] = []
        for var child in node.children {
            let inner = child.name == "label" ? [] : takeSpecs(from: &child)
            if child.name == "attribute" {
                specs.append(child)
            } else {
                kept.append(child)
            }
            specs += inner
        }
        node.children = kept
        return specs
    }

    /// Where the attribute `name` is declared, trying `position` first: CVAT writes a shape's attributes in
    /// the order of the spec, so the guess is nearly always right and no other name is compared.
    public func attributeIndex(named name: String, guess position: Int) -> Int? {
        if position < attributes.count, attributes[position].name == name { return position }
        return attributes.firstIndex { $0.name == name }
    }

    /// Whether `values` name only declared attributes.
    public func declaresAll(_ values: [AttributeValue]) -> Bool {
        values.indices.allSatisfy { attributeIndex(named: values[$0].name, guess: $0) != nil }
    }
}

/// `<meta>`, typed: the export level, its tasks (or job), and the label specs.
public struct ExportMeta: Sendable {
    public var node: XMLNode
    public var level: ExportLevel?
    /// Task exports: one; project exports: each `project/tasks/task`; job exports: the job.
    public var tasks: [TaskMeta]
    public var labels: [LabelSpec]
    /// The `<project>`, `<task>` or `<job>` section, as written.
    public var section: XMLNode?
    /// Where `<meta>` lies in the file, when the reader was asked for offsets.
    public var span: ByteSpan?

    public init(node: XMLNode) {
        self.node = node
        if let project = node.child("project") {
            level = .project
            section = project
            tasks = (project.child("tasks")?.children("task") ?? []).map { TaskMeta(node: $0, isJob: false) }
        } else if let task = node.child("task") {
            level = .task
            section = task
            tasks = [TaskMeta(node: task, isJob: false)]
        } else if let job = node.child("job") {
            level = .job
            section = job
            tasks = [TaskMeta(node: job, isJob: true)]
        } else {
            level = nil
            section = nil
            tasks = []
        }
        // Every <labels> of the section (CVAT writes one): Datumaro's reader takes each <label> in them.
        labels = (section?.children("labels") ?? []).flatMap { $0.children("label") }.map(LabelSpec.init(node:))
    }

    /// The subset CVAT files an image or track of no subset (or a blank one) under.
    public static let defaultSubset = "default"

    /// `subset`, or the default one where it is missing or blank (CVAT's `get_defaulted_subset`).
    public static func defaultedSubset(_ subset: String?) -> String {
        guard let subset, !subset.isEmpty else { return defaultSubset }
        return subset
    }

    /// `<label>` elements elsewhere in `<meta>` than its label list (never CVAT's layout) without a name: Datumaro's
    /// reader takes every `<label>` in `<meta>` for a spec (`meta_root.iter("label")`) and stops on one.
    public var unnamedStrayLabels: [XMLNode] {
        let specs = Set(labels.map(\.location))
        return node.descendants("label").filter { !specs.contains($0.location) && ($0.child("name")?.text ?? "").isEmpty }
    }

    /// `<image>` and `<track>` elements inside `<meta>` (never CVAT's layout), the outermost of each nest: CVAT's task
    /// import takes every such start tag for a frame or a track, wherever it stands.
    public var annotationElements: [XMLNode] {
        func outermost(_ node: XMLNode) -> [XMLNode] {
            node.children.flatMap { $0.name == "image" || $0.name == "track" ? [$0] : outermost($0) }
        }
        return outermost(node)
    }

    /// The tasks' combined mode: nil when no task states one, `mixed` is reported by the caller.
    public var modes: Set<TaskMode> { Set(tasks.compactMap(\.mode)) }
}
