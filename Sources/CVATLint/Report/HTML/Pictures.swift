import Foundation

/// How many findings the HTML report draws on their images, and how much media it may embed.
public struct PictureOptions: Sendable, Equatable {
    /// Bytes of media embedded in the whole page; past it, shapes are drawn on a blank canvas.
    public var mediaBudget: Int
    /// Pictures for at most this many places of each rule (the first in the file).
    public var perRule: Int

    public init(mediaBudget: Int = 25_000_000, perRule: Int = 12) {
        self.mediaBudget = mediaBudget
        self.perRule = perRule
    }
}

/// A shape as the page draws it, in its image's pixel coordinates.
public enum Drawing: Sendable, Equatable {
    case box(x: Double, y: Double, width: Double, height: Double, rotation: Double)
    case ellipse(cx: Double, cy: Double, rx: Double, ry: Double, rotation: Double)
    case polygon([Point])
    case polyline([Point])
    case points([Point])
    /// Both faces (front then back: top-left, top-right, bottom-right, bottom-left each) of a cuboid.
    case cuboid([Point])
    /// A mask's box and its foreground as row runs (x, y, length); `complete` is false when the runs were cut.
    case mask(left: Double, top: Double, width: Double, height: Double, runs: [MaskRun], complete: Bool)
    /// A skeleton's vertices by name (outside ones flagged); edges come from the plan's item.
    case skeleton([SkeletonVertex])
}

/// One row run of a mask's foreground.
public struct MaskRun: Sendable, Equatable {
    public var x: Int
    public var y: Int
    public var length: Int
}

/// One vertex of a drawn skeleton.
public struct SkeletonVertex: Sendable, Equatable {
    public var name: String
    public var point: Point
    public var outside: Bool
}

/// One annotation of a picture.
public struct SceneShape: Sendable, Equatable {
    public var kind: ShapeKind
    public var label: String
    /// The line of its element in `annotations.xml`.
    public var line: Int
    public var trackID: Int?
    public var drawing: Drawing
}

/// Media embedded in the page once and drawn under every picture of its image.
public struct EmbeddedMedia: Sendable, Equatable {
    public var file: String
    public var mimeType: String
    public var data: Data
}

/// One image (or video frame) with the annotations on it, as the HTML report draws it.
public struct Scene: Sendable, Equatable {
    /// The image's name, or "frame 7" (with its task in a project).
    public var title: String
    /// The declared size, in pixels; nil when nothing declares one (the page fits the shapes).
    public var width: Int?
    public var height: Int?
    public var shapes: [SceneShape]
    /// Index into `ExportPictures.media`, when the image is embedded.
    public var media: Int?
    /// Why the picture has a blank canvas, when it has one.
    public var blankReason: String?
}

/// The pictures of one export: scenes, the media they show, and which finding line each draws.
public struct ExportPictures: Sendable, Equatable {
    public var scenes: [Scene] = []
    public var media: [EmbeddedMedia] = []
    /// A finding's line → its scene and the index of the shape it is about.
    public var byLine: [Int: PicturePlace] = [:]
    /// The bounds they were gathered within.
    public var options: PictureOptions

    public init(options: PictureOptions = PictureOptions()) { self.options = options }
}

/// Where a finding is drawn.
public struct PicturePlace: Sendable, Equatable {
    public var scene: Int
    public var shape: Int
}

/// Finds the images the first findings of each rule are about and gathers what their pictures need, in one
/// streaming pass over `annotations.xml` (a second one only for video frames, to find every track on them).
/// Memory is bounded by the pictures kept, not by the export.
public enum PictureCollector {
    /// At most this many shapes are drawn on one picture; at most this many mask runs per mask.
    static let maximumShapes = 2000
    static let maximumRuns = 20000

    public static func collect(report: ExportReport, annotations: ExportSource, media: ExportSource,
                               options: PictureOptions) throws -> ExportPictures {
        var rulesByLine: [Int: [String]] = [:]
        for finding in report.findings where finding.location.file.hasSuffix(".xml") {
            guard let line = finding.location.line else { continue }
            if rulesByLine[line]?.contains(finding.rule) != true { rulesByLine[line, default: []].append(finding.rule) }
        }
        guard !rulesByLine.isEmpty, options.perRule > 0 else { return ExportPictures(options: options) }
        let locator = SceneLocator(rulesByLine: rulesByLine, perRule: options.perRule)
        // Reading stops once every finding line is placed (lines lie in document order).
        try AnnotationsReader.stream(annotations, into: locator, until: { locator.isDone })
        locator.finish()
        if !locator.frameScenes.isEmpty {
            let gatherer = FrameGatherer(wanted: locator.frameScenes, highlighted: locator.highlightedFrameShapes)
            try AnnotationsReader.stream(annotations, into: gatherer)
            for (key, shapes) in gatherer.shapes { locator.fill(frame: key, with: shapes) }
        }
        var pictures = ExportPictures(options: options)
        pictures.scenes = locator.scenes.map(\.scene)
        pictures.byLine = locator.byLine
        embedMedia(&pictures, sources: locator.scenes.map(\.mediaName), report: report, media: media,
                   meta: locator.meta, options: options)
        return pictures
    }

    /// Embeds the scenes' images, smallest first, while the budget lasts; the others get a blank canvas and say why.
    private static func embedMedia(_ pictures: inout ExportPictures, sources: [(name: String, subset: String?, taskID: Int?)],
                                   report: ExportReport, media: ExportSource, meta: ExportMeta?, options: PictureOptions) {
        guard let files = try? media.mediaFiles(), !files.isEmpty else {
            let reason = media.container == .xml ? "no media: the export is a bare annotations.xml"
                : "no media: the export was saved without images"
            for index in pictures.scenes.indices { pictures.scenes[index].blankReason = reason }
            return
        }
        let index = MediaIndex(files: files)
        var fileOfScene: [MediaFile?] = []
        for source in sources {
            switch index.resolve(name: source.name, subset: source.subset, level: report.level) {
            case let .exact(file), let .normalized(file), let .mapped(file), let .ambiguous(file, _): fileOfScene.append(file)
            case .missing: fileOfScene.append(nil)
            }
        }
        let frameSizes = FrameSizes(meta: meta)
        var spent = 0
        var embedded: [String: Int] = [:]
        var refused: [String: String] = [:]
        let wanted = Set(fileOfScene.compactMap { $0 }).sorted { ($0.size, $0.path) < ($1.size, $1.path) }
        for file in wanted {
            guard let mimeType = mimeType(of: (try? media.mediaPrefix(file, count: 16)) ?? []) else {
                refused[file.path] = "\(file.path) is in a format browsers do not show"
                continue
            }
            guard spent + Int(file.size) <= options.mediaBudget else {
                refused[file.path] = "\(file.path) is past the page's media budget of \(options.mediaBudget) bytes"
                continue
            }
            struct OverBudget: Error {}
            var data = Data()
            do {
                // The listing's size may be stale: the budget holds for the bytes actually read.
                try media.streamMedia(file) { chunk in
                    guard spent + data.count + chunk.count <= options.mediaBudget else { throw OverBudget() }
                    data.append(contentsOf: chunk)
                }
            } catch is OverBudget {
                refused[file.path] = "\(file.path) is past the page's media budget of \(options.mediaBudget) bytes"
                continue
            } catch {
                refused[file.path] = "\(file.path) cannot be read"
                continue
            }
            spent += data.count
            embedded[file.path] = pictures.media.count
            pictures.media.append(EmbeddedMedia(file: file.path, mimeType: mimeType, data: data))
        }
        for (sceneIndex, file) in fileOfScene.enumerated() {
            if pictures.scenes[sceneIndex].width == nil, let size = frameSizes.size(taskID: sources[sceneIndex].taskID, file: file, header: { try? media.mediaHeader($0) }) {
                pictures.scenes[sceneIndex].width = size.width
                pictures.scenes[sceneIndex].height = size.height
            }
            guard let file else {
                pictures.scenes[sceneIndex].blankReason = "no media file for '\(sources[sceneIndex].name)'"
                continue
            }
            if let mediaIndex = embedded[file.path] {
                pictures.scenes[sceneIndex].media = mediaIndex
            } else {
                pictures.scenes[sceneIndex].blankReason = refused[file.path] ?? "\(file.path) is not embedded"
            }
        }
    }

    /// The MIME type of an image browsers show, from its first bytes; nil for others (TIFF, unknown).
    static func mimeType(of prefix: [UInt8]) -> String? {
        func starts(_ bytes: [UInt8], at offset: Int = 0) -> Bool {
            prefix.count >= offset + bytes.count && Array(prefix[offset..<(offset + bytes.count)]) == bytes
        }
        if starts([0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        if starts([0x89, 0x50, 0x4E, 0x47]) { return "image/png" }
        if starts(Array("GIF8".utf8)) { return "image/gif" }
        if starts(Array("RIFF".utf8)), starts(Array("WEBP".utf8), at: 8) { return "image/webp" }
        if starts(Array("BM".utf8)) { return "image/bmp" }
        if starts(Array("ftyp".utf8), at: 4), starts(Array("avi".utf8), at: 8) { return "image/avif" }
        return nil
    }

    /// A shape as it is drawn; nil when its numbers do not read (a tag has no drawing either).
    static func drawing(of shape: Shape) -> Drawing? {
        let numbers = shape.geometry
        switch shape.kind {
        case .box:
            guard numbers.count == 4, let xtl = numbers[0], let ytl = numbers[1], let xbr = numbers[2], let ybr = numbers[3]
            else { return nil }
            return .box(x: xtl, y: ytl, width: xbr - xtl, height: ybr - ytl, rotation: shape.rotation ?? 0)
        case .ellipse:
            guard numbers.count == 4, let cx = numbers[0], let cy = numbers[1], let rx = numbers[2], let ry = numbers[3]
            else { return nil }
            // The XML's rx and ry are radii (CVAT stores the ellipse as [cx, cy, cx + rx, cy − ry] and writes the differences).
            return .ellipse(cx: cx, cy: cy, rx: abs(rx), ry: abs(ry), rotation: shape.rotation ?? 0)
        case .cuboid:
            // CVAT's order per face is tl, bl, tr, br; drawn as a ring tl, tr, br, bl.
            guard let corners = shape.outline, corners.count == 8 else { return nil }
            return .cuboid([corners[0], corners[2], corners[3], corners[1], corners[4], corners[6], corners[7], corners[5]])
        case .polygon: return shape.points.map(Drawing.polygon)
        case .polyline: return shape.points.map(Drawing.polyline)
        case .points: return shape.points.map(Drawing.points)
        case .mask: return maskDrawing(shape)
        case .skeleton:
            let vertices = shape.elements.compactMap { element -> SkeletonVertex? in
                guard let point = element.points?.first else { return nil }
                return SkeletonVertex(name: element.label, point: point, outside: element.outside)
            }
            return vertices.isEmpty ? nil : .skeleton(vertices)
        case .tag: return nil
        }
    }

    /// A mask's foreground as row runs, read straight from its RLE (no pixel array).
    private static func maskDrawing(_ shape: Shape) -> Drawing? {
        let numbers = shape.geometry
        guard numbers.count == 4, let left = numbers[0], let top = numbers[1], let width = numbers[2], let height = numbers[3],
              width >= 1, height >= 1, width < 1e6, height < 1e6, let rle = shape["rle"] else { return nil }
        let rowLength = Int(width)
        var runs: [MaskRun] = []
        var position = 0
        var foreground = false
        var complete = true
        let read = Shape.forEachRun(of: rle) { run in
            if foreground {
                var start = position
                let end = position + run
                while start < end {
                    guard runs.count < maximumRuns else { complete = false; return false }
                    let row = start / rowLength
                    let column = start % rowLength
                    let length = min(end - start, rowLength - column)
                    runs.append(MaskRun(x: Int(left) + column, y: Int(top) + row, length: length))
                    start += length
                }
            }
            position += run
            foreground.toggle()
            return true
        }
        guard read else { return nil }
        return .mask(left: left, top: top, width: width, height: height, runs: runs, complete: complete)
    }
}
