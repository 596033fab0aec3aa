/// What `apply` learns in the check pass besides the findings: the labels, kinds and attribute names
/// actually used, the tracks' line ranges and keyframes, and the largest ids. It keeps per label and
/// per track, never per shape.
final class ApplySurvey: AnnotationVisitor {
    struct TrackSpan {
        var first: Int
        var last: Int
        var hasKeyframe = false
    }

    private(set) var meta: ExportMeta?
    /// Kinds each label is drawn with, in first-use order of the labels.
    private(set) var kindsByLabel: [String: Set<ShapeKind>] = [:]
    private(set) var labelOrder: [String] = []
    /// Attribute names used per label (for labels `<meta>` does not declare).
    private(set) var attributesByLabel: [String: [String]] = [:]
    /// Skeleton element labels used per skeleton label, in first-use order.
    private(set) var elementsBySkeleton: [String: [String]] = [:]
    /// Every track by its order in the file: the lines it spans, whether it has a keyframe.
    private(set) var tracks: [TrackSpan] = []
    private(set) var largestImageID = -1
    private(set) var largestTrackID = -1
    private(set) var imageCount = 0

    func visitMeta(_ meta: ExportMeta) { self.meta = meta }

    func visitImage(_ image: ImageRecord) {
        imageCount += 1
        if let id = image.id {
            largestImageID = max(largestImageID, id)
        }
        for shape in image.shapes { note(shape, label: shape.label) }
    }

    func visitTrackStart(_ track: TrackRecord) {
        if let id = track.id { largestTrackID = max(largestTrackID, id) }
        tracks.append(TrackSpan(first: track.location.line, last: track.location.line))
    }

    func visitTrackShape(_ shape: Shape, of track: TrackRecord) {
        note(shape, label: track.label)
        guard !tracks.isEmpty else { return }
        tracks[tracks.count - 1].last = max(tracks[tracks.count - 1].last, shape.location.line)
        if shape.keyframe == true { tracks[tracks.count - 1].hasKeyframe = true }
    }

    private func note(_ shape: Shape, label: String) {
        if kindsByLabel[label] == nil { labelOrder.append(label) }
        kindsByLabel[label, default: []].insert(shape.kind)
        for value in shape.attributes where !(attributesByLabel[label]?.contains(value.name) ?? false) {
            attributesByLabel[label, default: []].append(value.name)
        }
        for element in shape.elements {
            if !(elementsBySkeleton[label]?.contains(element.label) ?? false) {
                elementsBySkeleton[label, default: []].append(element.label)
            }
            let key = "\(label)\u{0}\(element.label)"
            for value in element.attributes where !(attributesByLabel[key]?.contains(value.name) ?? false) {
                attributesByLabel[key, default: []].append(value.name)
            }
        }
    }
}
