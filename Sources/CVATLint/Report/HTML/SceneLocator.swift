import Foundation

/// Pass 1: resolves each finding line to the record it lies in (the last image or track shape starting at or
/// before it) and keeps the images of the first places of each rule.
final class SceneLocator: AnnotationVisitor {
    struct Kept {
        var scene: Scene
        /// The XML name its media file answers to (a frame's `frame_NNNNNN`).
        var mediaName: (name: String, subset: String?, taskID: Int?)
    }

    private let rulesByLine: [Int: [String]]
    private let lines: [Int]
    private var cursor = 0
    private let perRule: Int
    private var taken: [String: Int] = [:]
    private(set) var scenes: [Kept] = []
    private(set) var byLine: [Int: PicturePlace] = [:]
    private(set) var meta: ExportMeta?
    private var sceneOfImage: [Int: Int] = [:]
    private var sceneOfFrame: [FrameKey: Int] = [:]
    /// Finding line, highlighted shape line and frame of each frame picture, resolved once pass 2 has the shapes.
    private var pendingFrameLines: [(line: Int, shapeLine: Int, key: FrameKey)] = []
    /// Lines of the track shapes findings are about: pass 2 draws them even when outside.
    private(set) var highlightedFrameShapes: Set<Int> = []
    /// The record read last, waiting for the next record's start to close its range of lines.
    private var pending: Pending?
    private var imageOrdinal = 0

    private enum Pending {
        case image(ImageRecord, ordinal: Int)
        case trackShape(Shape, TrackRecord)
        case trackStart(TrackRecord)
    }

    init(rulesByLine: [Int: [String]], perRule: Int) {
        self.rulesByLine = rulesByLine
        lines = rulesByLine.keys.sorted()
        self.perRule = perRule
    }

    func visitMeta(_ meta: ExportMeta) { self.meta = meta }

    func visitImage(_ image: ImageRecord) {
        settle(before: image.location.line)
        imageOrdinal += 1
        pending = .image(image, ordinal: imageOrdinal)
    }

    func visitTrackStart(_ track: TrackRecord) {
        settle(before: track.location.line)
        pending = .trackStart(track)
    }

    func visitTrackShape(_ shape: Shape, of track: TrackRecord) {
        if case .trackStart? = pending {
            // Lines from the <track> start tag to its first shape (a finding on the track) go to that shape.
            pending = .trackShape(shape, track)
        }
        settle(before: shape.location.line)
        pending = .trackShape(shape, track)
    }

    func finish() { settle(before: Int.max) }

    /// The video frames pictures are drawn on: pass 2 gathers every track shape on them.
    var frameScenes: Set<FrameKey> { Set(sceneOfFrame.keys) }

    /// Every finding line is behind the reader: what follows can hold no picture.
    var isDone: Bool { cursor >= lines.count }

    /// Resolves every finding line before `line` against the pending record.
    private func settle(before line: Int) {
        defer { pending = nil }
        while cursor < lines.count, lines[cursor] < line {
            let wanted = lines[cursor]
            cursor += 1
            switch pending {
            case let .image(image, ordinal)?:
                // A line on the <image> tag itself is about the image, not a shape: no picture.
                guard wanted > image.location.line,
                      let shapeIndex = image.shapes.lastIndex(where: { $0.location.line <= wanted }),
                      let drawing = PictureCollector.drawing(of: image.shapes[shapeIndex]),
                      claim(line: wanted) else { continue }
                take(line: wanted, image: image, ordinal: ordinal, subject: image.shapes[shapeIndex], drawing: drawing)
            case let .trackShape(shape, track)?:
                guard wanted >= track.location.line, let frame = shape.frame, PictureCollector.drawing(of: shape) != nil,
                      claim(line: wanted) else { continue }
                take(line: wanted, shape: shape, frame: frame, track: track)
            case .trackStart?, nil:
                continue
            }
        }
    }

    /// Whether a rule at this line still has pictures to give; counts the line for each such rule.
    private func claim(line: Int) -> Bool {
        let open = (rulesByLine[line] ?? []).filter { taken[$0, default: 0] < perRule }
        for rule in open { taken[rule, default: 0] += 1 }
        return !open.isEmpty
    }

    private func take(line: Int, image: ImageRecord, ordinal: Int, subject: Shape, drawing: Drawing) {
        if sceneOfImage[ordinal] == nil {
            let shapes = image.shapes.prefix(PictureCollector.maximumShapes).compactMap { shape in
                PictureCollector.drawing(of: shape).map {
                    SceneShape(kind: shape.kind, label: shape.label, line: shape.location.line, trackID: nil, drawing: $0)
                }
            }
            sceneOfImage[ordinal] = scenes.count
            scenes.append(Kept(scene: Scene(title: image.name, width: image.width, height: image.height, shapes: shapes),
                               mediaName: (image.name, image.subset, image.taskID)))
        }
        guard let sceneIndex = sceneOfImage[ordinal] else { return }
        let subjectLine = subject.location.line
        if scenes[sceneIndex].scene.shapes.firstIndex(where: { $0.line == subjectLine }) == nil {
            // Past the shapes drawn of a crowded image: the finding's own shape is drawn all the same.
            scenes[sceneIndex].scene.shapes.append(SceneShape(kind: subject.kind, label: subject.label, line: subjectLine,
                                                              trackID: nil, drawing: drawing))
        }
        if let drawn = scenes[sceneIndex].scene.shapes.firstIndex(where: { $0.line == subjectLine }) {
            byLine[line] = PicturePlace(scene: sceneIndex, shape: drawn)
        }
    }

    private func take(line: Int, shape: Shape, frame: Int, track: TrackRecord) {
        highlightedFrameShapes.insert(shape.location.line)
        let key = FrameKey(taskID: track.taskID, frame: frame)
        if sceneOfFrame[key] == nil {
            sceneOfFrame[key] = scenes.count
            let title = "frame \(frame)" + (track.taskID.map { " of task \($0)" } ?? "")
            scenes.append(Kept(scene: Scene(title: title, width: nil, height: nil, shapes: []),
                               mediaName: (frameName(frame), track.subset, track.taskID)))
        }
        pendingFrameLines.append((line, shape.location.line, key))
    }

    func fill(frame key: FrameKey, with shapes: [SceneShape]) {
        guard let sceneIndex = sceneOfFrame[key] else { return }
        scenes[sceneIndex].scene.shapes = shapes
        for entry in pendingFrameLines where entry.key == key {
            if let drawn = shapes.firstIndex(where: { $0.line == entry.shapeLine }) {
                byLine[entry.line] = PicturePlace(scene: sceneIndex, shape: drawn)
            }
        }
    }
}

/// A video frame of one task.
struct FrameKey: Hashable, Sendable {
    var taskID: Int?
    var frame: Int
}

/// Pass 2 for video frames: every visible track shape on the wanted frames.
final class FrameGatherer: AnnotationVisitor {
    private let wanted: Set<FrameKey>
    private let highlighted: Set<Int>
    private(set) var shapes: [FrameKey: [SceneShape]] = [:]

    init(wanted: Set<FrameKey>, highlighted: Set<Int>) {
        self.wanted = wanted
        self.highlighted = highlighted
    }

    func visitTrackShape(_ shape: Shape, of track: TrackRecord) {
        guard let frame = shape.frame, !shape.outside || highlighted.contains(shape.location.line) else { return }
        let key = FrameKey(taskID: track.taskID, frame: frame)
        guard wanted.contains(key),
              shapes[key, default: []].count < PictureCollector.maximumShapes || highlighted.contains(shape.location.line),
              let drawing = PictureCollector.drawing(of: shape) else { return }
        shapes[key, default: []].append(SceneShape(kind: shape.kind, label: track.label, line: shape.location.line,
                                                   trackID: track.id, drawing: drawing))
    }
}
