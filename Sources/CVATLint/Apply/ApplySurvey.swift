/// What `apply` learns in the check pass besides the findings: the labels, kinds and attribute names
/// actually used, the tracks' line ranges and keyframes, and the largest ids. It keeps per label and
/// per track, never per shape.
final class ApplySurvey: AnnotationVisitor {
    struct TrackSpan {
        var first: Int
        var last: Int
        var hasKeyframe = false
        /// Its frames where it is not outside, and how many of them are masks.
        var visible = 0
        var visibleMasks = 0
        /// Its frames in order when one of them comes before the one written before it (nil otherwise): `apply`
        /// writes such a track's shapes in frame order.
        var sortedFrames: [Int]?
        /// Where elements the schema refuses begin inside it (packed as `InvalidPlaces` keys): `--drop-invalid` leaves
        /// those out and keeps the track, so their schema errors are not the track's.
        var refusedChildren: Set<UInt64> = []
    }

    /// What one label (or skeleton element, keyed `skeleton\0element`) is used with, in first-use order.
    private struct LabelUse {
        var kinds: [ShapeKind] = []
        var attributes = OrderedNames()
        /// The attribute names a track shape carries (a subset of `attributes`).
        var trackAttributes = OrderedNames()
        var elements: [String] = []
        /// Where each element's own use is kept, once one carries attributes.
        var elementSlots: [Int?] = []
    }

    private(set) var meta: ExportMeta?
    /// Labels in first-use order, and where each one's use is kept: one lookup per shape, as every shape
    /// of the input passes here (a dictionary per kind, attribute and element cost a hash each).
    private(set) var labelOrder: [String] = []
    private var slots: [String: Int] = [:]
    private var uses: [LabelUse] = []
    /// Every track by its order in the file: the lines it spans, whether it has a keyframe.
    private(set) var tracks: [TrackSpan] = []
    private(set) var largestImageID = -1
    private(set) var largestTrackID = -1
    /// The largest group id of image shapes, tags and tracks (0 when none): negative ones are renumbered past it.
    private(set) var largestGroupID = 0
    private(set) var imageCount = 0
    /// The frames of the track being read, sorted onto its span at its end when they are out of order.
    private var trackFrames: [Int] = []
    private var trackOutOfOrder = false

    func visitMeta(_ meta: ExportMeta) { self.meta = meta }

    func visitImage(_ image: ImageRecord) {
        imageCount += 1
        if let id = image.id {
            largestImageID = max(largestImageID, id)
        }
        for shape in image.shapes {
            note(shape, label: shape.label, onTrack: false)
            if let group = shape.groupID { largestGroupID = max(largestGroupID, group) }
        }
    }

    func visitTrackStart(_ track: TrackRecord) {
        if let id = track.id { largestTrackID = max(largestTrackID, id) }
        if let group = track.groupID { largestGroupID = max(largestGroupID, group) }
        tracks.append(TrackSpan(first: track.location.line, last: track.location.line))
        trackFrames.removeAll(keepingCapacity: true)
        trackOutOfOrder = false
    }

    func visitRefusedTrackChild(at location: SourceLocation) {
        guard !tracks.isEmpty else { return }
        tracks[tracks.count - 1].refusedChildren.insert(InvalidPlaces.key(location))
    }

    func visitTrackEnd(_ track: TrackRecord) {
        guard trackOutOfOrder, !tracks.isEmpty else { return }
        tracks[tracks.count - 1].sortedFrames = trackFrames.sorted()
    }

    func visitTrackShape(_ shape: Shape, of track: TrackRecord) {
        note(shape, label: track.label, onTrack: true)
        guard !tracks.isEmpty else { return }
        tracks[tracks.count - 1].last = max(tracks[tracks.count - 1].last, shape.location.line)
        if shape.keyframe == true { tracks[tracks.count - 1].hasKeyframe = true }
        if let frame = shape.frame {
            if let last = trackFrames.last, frame < last { trackOutOfOrder = true }
            trackFrames.append(frame)
        }
        if !shape.outside {
            tracks[tracks.count - 1].visible += 1
            if shape.kind == .mask { tracks[tracks.count - 1].visibleMasks += 1 }
        }
    }

    private func note(_ shape: Shape, label: String, onTrack: Bool) {
        let slot = self.slot(of: label, drawn: true)
        if !uses[slot].kinds.contains(shape.kind) { uses[slot].kinds.append(shape.kind) }
        noteAttributes(shape.attributes, in: slot, onTrack: onTrack)
        for element in shape.elements {
            let position: Int
            if let known = uses[slot].elements.firstIndex(of: element.label) {
                position = known
            } else {
                position = uses[slot].elements.count
                uses[slot].elements.append(element.label)
                uses[slot].elementSlots.append(nil)
            }
            guard !element.attributes.isEmpty else { continue }
            let elementSlot = uses[slot].elementSlots[position] ?? self.slot(of: "\(label)\u{0}\(element.label)", drawn: false)
            uses[slot].elementSlots[position] = elementSlot
            noteAttributes(element.attributes, in: elementSlot, onTrack: onTrack)
        }
    }

    private func noteAttributes(_ values: [AttributeValue], in slot: Int, onTrack: Bool) {
        for value in values {
            uses[slot].attributes.insert(value.name)
            if onTrack { uses[slot].trackAttributes.insert(value.name) }
        }
    }

    /// Where `key`'s use is kept, made on first use (a label drawn on a shape joins `labelOrder`).
    private func slot(of key: String, drawn: Bool) -> Int {
        if let slot = slots[key] { return slot }
        slots[key] = uses.count
        uses.append(LabelUse())
        if drawn { labelOrder.append(key) }
        return uses.count - 1
    }

    /// The kinds `label` is drawn with (none for a label no shape uses).
    func kinds(of label: String) -> Set<ShapeKind> {
        slots[label].map { Set(uses[$0].kinds) } ?? []
    }

    /// The attribute names used on `label` (for labels `<meta>` does not declare), or on a skeleton's
    /// element keyed `skeleton\0element`, in first-use order.
    func attributes(of key: String) -> [String] {
        slots[key].map { uses[$0].attributes.names } ?? []
    }

    /// Whether a track shape of `key` (a label, or `skeleton\0element`) carries the attribute `name`.
    func isOnTracks(_ name: String, of key: String) -> Bool {
        slots[key].map { uses[$0].trackAttributes.contains(name) } ?? false
    }

    /// Skeleton element labels used per skeleton label, in first-use order.
    var elementsBySkeleton: [String: [String]] {
        Dictionary(uniqueKeysWithValues: labelOrder.compactMap { label in
            guard let slot = slots[label], !uses[slot].elements.isEmpty else { return nil }
            return (label, uses[slot].elements)
        })
    }
}
