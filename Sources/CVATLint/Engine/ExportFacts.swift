/// What the engine learns about an export as it streams past, for every rule to read.
///
/// It keeps per-label and per-task state only, never shapes. It sees each record before any rule does.
public final class ExportFacts: AnnotationVisitor {
    public private(set) var meta: ExportMeta?
    public private(set) var version: String?
    // `@exclusivity(unchecked)`: this state is touched for every element on one thread only, and the
    // dynamic exclusivity checks on it cost several per cent of a run.
    @exclusivity(unchecked) public private(set) var imageCount = 0
    @exclusivity(unchecked) public private(set) var trackCount = 0
    /// One top-level label in use: where each kind was first drawn, and how many (visible) annotations
    /// of each kind it has, indexed by `ShapeKind.allCases` order (one hash per shape, none per kind).
    public struct LabelUse: Sendable {
        public var firstPlace = [SourceLocation?](repeating: nil, count: ShapeKind.allCases.count)
        public var counts = [Int](repeating: 0, count: ShapeKind.allCases.count)
    }

    @exclusivity(unchecked) private var labelSlots: [String: Int] = [:]
    @exclusivity(unchecked) public private(set) var labelUses: [LabelUse] = []
    /// Labels in the order they were first used (parallel to `labelUses`).
    @exclusivity(unchecked) public private(set) var labelsInUseOrder: [String] = []
    /// The label used last and its slot: a track's shapes, and many of an image's, share one.
    @exclusivity(unchecked) private var lastUse: (label: String, slot: Int)?

    /// The shape kinds a top-level label is drawn with, and where each kind was first seen; nil when the
    /// label is not drawn at all.
    public func kinds(of label: String) -> [ShapeKind: SourceLocation]? {
        guard let slot = labelSlots[label] else { return nil }
        return Dictionary(uniqueKeysWithValues: zip(ShapeKind.allCases, labelUses[slot].firstPlace).compactMap { kind, place in
            place.map { (kind, $0) }
        })
    }
    /// The export's media, when it has an `images/` folder.
    public let media: MediaIndex?
    /// The media folder's name when it differs from `images` in case (`Images`).
    public let misnamedImagesFolder: String?

    public init(media: MediaIndex? = nil, misnamedImagesFolder: String? = nil) {
        self.media = media
        self.misnamedImagesFolder = misnamedImagesFolder
    }

    public func visitVersion(_ version: String, at location: SourceLocation) {
        self.version = version
        versionLocation = location
    }

    private var versionLocation: SourceLocation?

    /// Where a finding about the export as a whole points: its `<meta>`, else its `<version>`, else the first line.
    public var headLocation: SourceLocation { meta?.node.location ?? versionLocation ?? SourceLocation(line: 1, column: 1) }
    /// Label specs by key: (name, nil) for top-level labels, (name, parent) for skeleton sublabels.
    public private(set) var labelsByKey: [LabelKey: LabelSpec] = [:]

    /// Video frame sizes as `<meta>` declares them (the one resolver `check` and `apply` share).
    public private(set) var frameSizes = FrameSizes(meta: nil)

    public func visitMeta(_ meta: ExportMeta) {
        self.meta = meta
        frameSizes = FrameSizes(meta: meta)
        recentLabels = []
        for label in meta.labels where labelsByKey[LabelKey(name: label.name, parent: label.parent)] == nil {
            labelsByKey[LabelKey(name: label.name, parent: label.parent)] = label
        }
    }

    /// The key of a label: sublabels resolve by (parent, name). A pair, not a joined string: no text is
    /// built per lookup, and a top-level label named "a/b" is not sublabel "b" of "a".
    public struct LabelKey: Hashable, Sendable {
        public var name: String
        public var parent: String?

        public init(name: String, parent: String?) {
            self.name = name
            self.parent = parent
        }
    }

    /// Whether `<meta>` declares labels at all (trimmed files may not: then nothing can be resolved).
    public var declaresLabels: Bool { !(meta?.labels.isEmpty ?? true) }

    /// The spec of a top-level label, or of a sublabel of `parent`.
    public func label(_ name: String, parent: String? = nil) -> LabelSpec? {
        // A dozen rules ask for each shape's label, and an export has few labels: comparing a short name
        // with the few asked for lately costs less than hashing it.
        guard parent == nil else { return labelsByKey[LabelKey(name: name, parent: parent)] }
        // Lengths first: most names asked after are not this one, and a length is read without comparing text.
        let length = name.utf8.count
        for index in recentLabels.indices where recentLabels[index].length == length && recentLabels[index].name == name {
            return recentLabels[index].spec
        }
        let spec = labelsByKey[LabelKey(name: name, parent: nil)]
        if recentLabels.count < 16 { recentLabels.append((name, length, spec)) } else { recentLabels[nextRecent] = (name, length, spec) }
        nextRecent = (nextRecent + 1) & 15
        return spec
    }

    @exclusivity(unchecked) private var recentLabels: [(name: String, length: Int, spec: LabelSpec?)] = []
    @exclusivity(unchecked) private var nextRecent = 0

    /// The image or track (and frame) being visited, for findings to name their place.
    public struct RecordPlace: Sendable {
        public var image: String?
        public var imageID: Int?
        public var subset: String?
        public var taskID: Int?
        public var trackID: Int?
        public var frame: Int?
    }

    /// Where the stream stands: set as each image or track comes, kept through the track's end, and
    /// cleared before the rules' whole-export conclusions.
    @exclusivity(unchecked) public private(set) var currentRecord: RecordPlace?

    /// Forgets the record read last (the engine calls this before the rules finish).
    public func leaveRecord() { currentRecord = nil }

    /// "task 12 'street'" (or job, project) from `<meta>`; nil without one.
    public var exportIdentity: String? {
        guard let meta, let level = meta.level else { return nil }
        let section = level == .project ? meta.section : meta.tasks.first?.node
        let id = section?.value("id")
        let name = section?.value("name")
        guard id != nil || name != nil else { return nil }
        return [level.rawValue, id, name.map { "'\($0)'" }].compactMap { $0 }.joined(separator: " ")
    }

    public func visitImage(_ image: ImageRecord) {
        currentRecord = RecordPlace(image: image.name, imageID: image.id, subset: image.subset, taskID: image.taskID)
        imageCount += 1
        for shape in image.shapes { noteUse(of: shape.label, as: shape.kind, at: shape.location, visible: true) }
        imageMedia = media?.resolve(name: image.name, subset: image.subset, level: level)
    }

    public func visitTrackStart(_ track: TrackRecord) {
        currentRecord = RecordPlace(subset: track.subset, taskID: track.taskID, trackID: track.id)
        trackCount += 1
        trackFrames = shownFrames.removeValue(forKey: frameKey(track.subset)) ?? IntegerBitSet()
    }

    /// Findings at a track's end are about the track, not its last frame.
    public func visitTrackEnd(_ track: TrackRecord) {
        currentRecord?.frame = nil
        shownFrames[frameKey(track.subset)] = trackFrames
        trackFrames = IntegerBitSet()
    }

    /// Frames some track shows an object on (not outside), per subset; the current track's subset's set
    /// is held apart while it streams, so a frame costs no lookup.
    @exclusivity(unchecked) private var shownFrames: [String: IntegerBitSet] = [:]
    @exclusivity(unchecked) private var trackFrames = IntegerBitSet()
    /// How many distinct frames (per subset) some track shows an object on.
    @exclusivity(unchecked) public private(set) var framesShown = 0

    /// Tracks carry their subset in project exports only; a task's own `<subset>` names no folder there.
    private func frameKey(_ subset: String?) -> String { level == .project ? subset ?? "" : "" }

    /// The frames of a subset that some track shows an object on (complete once the stream has ended).
    public func shownFrames(subset: String?) -> IntegerBitSet { shownFrames[frameKey(subset)] ?? IntegerBitSet() }

    public func visitTrackShape(_ shape: Shape, of track: TrackRecord) {
        currentRecord?.frame = shape.frame
        if !shape.outside, let frame = shape.frame, trackFrames.insert(frame) { framesShown += 1 }
        noteUse(of: track.label, as: shape.kind, at: shape.location, visible: !shape.outside)
        newFrameMedia = nil
        if let media, let frame = shape.frame, seenFrames.insert(FrameKey(subset: track.subset ?? "", frame: frame)).inserted {
            newFrameMedia = media.markFrame(frame, subset: track.subset, level: level)
        }
    }

    /// How the image being visited resolves to a media file; nil when the export has no `images/` folder.
    /// Resolved here once, for every media rule to read.
    public private(set) var imageMedia: MediaResolution?
    /// How the frame of the track shape being visited resolves, the first time that frame (per subset)
    /// comes by; nil for frames seen before, and without media.
    public private(set) var newFrameMedia: MediaResolution?

    private struct FrameKey: Hashable {
        var subset: String
        var frame: Int
    }

    private var seenFrames: Set<FrameKey> = []

    private func noteUse(of label: String, as kind: ShapeKind, at location: SourceLocation, visible: Bool) {
        let slot: Int
        if let last = lastUse, last.label == label {
            slot = last.slot
        } else if let known = labelSlots[label] {
            slot = known
        } else {
            slot = labelUses.count
            labelSlots[label] = slot
            labelUses.append(LabelUse())
            labelsInUseOrder.append(label)
        }
        lastUse = (label, slot)
        let index = kind.index
        if labelUses[slot].firstPlace[index] == nil { labelUses[slot].firstPlace[index] = location }
        if visible { labelUses[slot].counts[index] += 1 }
    }

    /// Whether a top-level label is drawn at all.
    public func isUsed(_ label: String) -> Bool { labelSlots[label] != nil }

    public var format: ExportFormat {
        switch (imageCount > 0, trackCount > 0) {
        case (true, true): .mixed
        case (false, true): .video
        default: .images
        }
    }

    public var level: ExportLevel? { meta?.level }
    /// What the export's frames belong to, as findings name it: a job export's are its job's.
    public var frameOwner: String { level == .job ? "job" : "task" }

    public var mode: ExportMode? {
        let modes = meta?.modes ?? []
        if modes.count > 1 { return .mixed }
        switch modes.first {
        case .annotation: return .annotation
        case .interpolation: return .interpolation
        case nil: return nil
        }
    }

    /// Each task with the number its frames are shifted by in frame ids and file names. In a project
    /// export CVAT orders tasks by (subset, id) and shifts each by the frames of the earlier tasks of its
    /// subset (start_frame + step × size each); a task or job export is not shifted.
    public var taskFrameOffsets: [(task: TaskMeta, offset: Int)] {
        let tasks = meta?.tasks ?? []
        guard level == .project else { return tasks.map { ($0, 0) } }
        var next: [String: Int] = [:]
        return tasks.sorted { ($0.subset ?? "", $0.id ?? 0) < ($1.subset ?? "", $1.id ?? 0) }.map { task in
            let subset = task.subset ?? ""
            let offset = next[subset, default: 0]
            next[subset] = offset + (task.startFrame ?? 0) + task.frameStep * (task.size ?? 0)
            return (task, offset)
        }
    }

    /// The task (or job) a record belongs to: by `task_id` in project exports, else the only one.
    public func task(id: Int?) -> TaskMeta? {
        guard let tasks = meta?.tasks else { return nil }
        if let id, let match = tasks.first(where: { $0.id == id }) { return match }
        return tasks.count == 1 ? tasks.first : nil
    }
}
