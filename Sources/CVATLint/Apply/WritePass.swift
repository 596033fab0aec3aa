import Foundation

/// The second pass of `apply`: reads `annotations.xml` again through the same reader, with byte offsets,
/// and writes it out with the program's edits. Untouched elements are copied byte for byte. Memory holds
/// one image or one track frame; video frames turned into images spill to a temporary file, sorted by frame.
final class WritePass: AnnotationVisitor {
    /// One input label × kind going to one output label × kind by some steps.
    struct Route: Hashable {
        var label: String
        var kind: ShapeKind
        var toLabel: String?
        var toKind: ShapeKind?
        var steps: [String]
    }

    private let program: ApplyProgram
    private let survey: ApplySurvey
    private let splicer: Splicer
    private let media: MediaIndex?
    private let invalid: InvalidPlaces?
    private let mediaOut: MediaPlan
    /// A video frame's size, from its task (or the job) or its file.
    private let frameSize: (Int?, MediaFile?) -> FrameSizes.Size?
    /// Reads a media file's header (for images rescaled to their media).
    private let mediaHeader: (MediaFile) -> ImageHeader?
    /// Whether the export could hold media at all (a folder or zip, not a bare annotations.xml).
    private let hasMedia: Bool

    /// What went where, counted.
    private(set) var before: [ApplyProgram.LabelKind: Int] = [:]
    private(set) var routes: [Route: (count: Int, produced: Int)] = [:]
    private(set) var images = ImageTally()
    /// Pieces of repaired polygons left out for being under `min_area`.
    private(set) var slivers = 0
    /// Changes to `<meta>` the counts do not show, in words.
    private(set) var notes: [String] = []
    /// Set when the bytes could not be matched to the elements (a bug or a non-UTF-8 file).
    private(set) var failure: String?

    private var metaWritten = false
    private var trackIndex = -1
    /// The track being written.
    private struct OpenTrack {
        var record: TrackRecord
        /// Why it is left out, if it is.
        var dropped: String?
        /// Whether its start tag is written yet, and its label renamed there by a split.
        var headerDone = false
        var renamed = false
        /// Whether every frame it writes is made a keyframe (it has none).
        var fixKeyframes: Bool
        /// Whether its frames become shapes of their images (video → images).
        var converts: Bool
    }

    private var track: OpenTrack?
    private var seenImageIDs: [String: IntegerBitSet] = [:]
    private var nextImageID: Int
    private var seenTrackIDs = IntegerBitSet()
    private var nextTrackID: Int
    private var outputNames: Set<String> = []
    private let frames: FrameSpill?

    init(program: ApplyProgram, survey: ApplySurvey, splicer: Splicer, media: MediaIndex?, invalid: InvalidPlaces?,
         mediaOut: MediaPlan, frameSize: @escaping (Int?, MediaFile?) -> FrameSizes.Size?,
         mediaHeader: @escaping (MediaFile) -> ImageHeader?, hasMedia: Bool) {
        self.mediaHeader = mediaHeader
        self.hasMedia = hasMedia
        self.program = program
        self.survey = survey
        self.splicer = splicer
        self.media = media
        self.invalid = invalid
        self.mediaOut = mediaOut
        self.frameSize = frameSize
        nextImageID = survey.largestImageID + 1
        nextTrackID = survey.largestTrackID + 1
        frames = program.videoToImages ? FrameSpill() : nil
    }

    // MARK: - Meta

    func visitMeta(_ meta: ExportMeta) {
        metaWritten = true
        guard let span = meta.span else { return fail("no offsets for <meta>") }
        var rewrite = MetaRewrite(program: program, survey: survey)
        let rewritten = rewrite.rewrite(meta.node)
        notes += rewrite.notes
        guard let node = rewritten else { return copy(to: span.end) }
        let indent = splicer.indentation(before: span.start)
        attempt { try splicer.replace(span.start..<span.end, with: CVATStyle.node(node, indent: indent)) }
    }

    /// A `<meta>` for a file that has none, written before its first image or track.
    private func writeMissingMeta(before offset: Int64) {
        guard !metaWritten else { return }
        metaWritten = true
        var rewrite = MetaRewrite(program: program, survey: survey)
        guard program.synthesizeTask,
              let node = rewrite.rewrite(XMLNode(name: "meta", location: SourceLocation(line: 0, column: 0))) else { return }
        notes.append("<meta><task> written: the file had none")
        var text = XMLBytes()
        text.append("\n  ")
        CVATStyle.node(node, indent: "  ", into: &text)
        attempt { try splicer.insert(text, before: offset) }
    }

    // MARK: - Images

    func visitImage(_ image: ImageRecord) {
        guard let span = image.span else { return fail("no offsets for <image>") }
        writeMissingMeta(before: span.start)
        images.input += 1
        for shape in image.shapes { before[ApplyProgram.LabelKind(label: shape.label, kind: shape.kind), default: 0] += 1 }
        let resolution = media?.resolve(name: image.name, subset: image.subset, level: program.level)
        if let reason = dropReason(image: image, resolution: resolution) {
            images.dropped[reason, default: 0] += 1
            for shape in image.shapes { route(shape.label, shape.kind, to: nil, nil, steps: ["drop-invalid:\(reason)"]) }
            attempt { try splicer.remove(span.start..<span.end) }
            return
        }
        images.written += 1
        var attributes = image.xmlAttributes
        var tagChanged = false
        func set(_ name: String, _ value: String) {
            if let index = attributes.firstIndex(where: { $0.name == name }) {
                guard attributes[index].value != value else { return }
                attributes[index] = XMLAttribute(name: name, value: value)
            } else {
                attributes.append(XMLAttribute(name: name, value: value))
            }
            tagChanged = true
        }
        let (name, subset) = outputName(image.name, subset: image.subset, resolution: resolution)
        if name != image.name { set("name", name) }
        var place = ShapePlace(size: image.width.flatMap { width in image.height.map { (Double(width), Double($0)) } })
        if let rescale = rescale(image, file: resolution?.file) {
            place = ShapePlace(size: (Double(rescale.width), Double(rescale.height)), scale: rescale.factors)
            set("width", String(rescale.width))
            set("height", String(rescale.height))
        }
        if let subset, subset != image.subset { set("subset", subset) }
        // Ids repeated within a subset of the output get fresh ones past the largest.
        if let id = image.id {
            let scope = program.level == .project ? (subset ?? "") : ""
            if !seenImageIDs[scope, default: IntegerBitSet()].insert(id) {
                set("id", String(nextImageID))
                nextImageID += 1
            }
        }
        if let file = resolution?.file { mediaOut.add(file, as: MediaIndex.expectedPath(name: name, subset: subset, level: program.level)) }
        attempt {
            if tagChanged {
                var tag = XMLBytes()
                CVATStyle.startTag("image", attributes, into: &tag)
                try splicer.replace(span.start..<span.tagEnd, with: tag)
            }
            // Shapes, and elements the schema refuses that --drop-invalid leaves out, in document order.
            let foreign = image.foreign.filter { invalid?.reason(forImageAt: $0.location) != nil }
            var next = foreign.makeIterator()
            var pending = next.next()
            for shape in image.shapes {
                while let element = pending, element.span.start < (shape.span?.start ?? 0) {
                    try splicer.remove(element.span.start..<element.span.end)
                    pending = next.next()
                }
                try write(shape, label: shape.label, place: place)
            }
            while let element = pending {
                try splicer.remove(element.span.start..<element.span.end)
                pending = next.next()
            }
            try splicer.copy(upTo: span.end)
        }
    }

    /// Why an image is left out, if it is: broken at its own place, or its media missing where the target
    /// needs them (with `--drop-invalid`).
    private func dropReason(image: ImageRecord, resolution: MediaResolution?) -> String? {
        guard let invalid else { return nil }
        if let reason = invalid.reason(forImageAt: image.location),
           reason != "media_size_mismatch" || rescale(image, file: resolution?.file) == nil {
            return reason
        }
        // A bare annotations.xml has no media to miss.
        if program.target.media.missing == .error, hasMedia, resolution?.file == nil { return "media_missing" }
        return nil
    }

    /// The size an image's file has and the factors its coordinates scale by, when a `rescaleToMedia` covers
    /// its declared size and the file is the size the action names.
    private func rescale(_ image: ImageRecord, file: MediaFile?) -> (width: Int, height: Int, factors: (x: Double, y: Double))? {
        guard !program.rescales.isEmpty, let width = image.width, let height = image.height, width > 0, height > 0,
              let target = program.rescales[ImportAction.sizeText(width, height)], let file,
              let size = mediaHeader(file)?.displayedSize, ImportAction.sizeText(size.width, size.height) == target else { return nil }
        return (size.width, size.height, (Double(size.width) / Double(width), Double(size.height) / Double(height)))
    }

    /// Where a video frame's shapes lie: its declared size, for clipping.
    private func framePlace(taskID: Int?) -> ShapePlace {
        guard !program.clippedLabels.isEmpty, let size = frameSize(taskID, nil) else { return ShapePlace() }
        return ShapePlace(size: (Double(size.width), Double(size.height)))
    }

    /// The name (and subset) an image takes: its file's name where a mapping runs, flattened into the
    /// default subset where a relayout runs.
    private func outputName(_ name: String, subset: String?, resolution: MediaResolution?) -> (String, String?) {
        var name = resolution.flatMap { program.mappedName(name, resolution: $0) } ?? name
        guard program.level == .project else { return (name, subset) }
        let folder = (subset?.isEmpty ?? true) ? "default" : subset ?? "default"
        let moves = folder != "default" ? program.relayoutSubsets.contains(folder)
            : program.relayoutSubsets.contains("default") && name.contains("/")
        guard moves else { return (name, subset) }
        name = (folder == "default" ? "" : folder + "_") + name.replacingOccurrences(of: "/", with: "_")
        // Unique in images/default/, as CVAT renames a collision: a suffix before the extension.
        let stem = MediaIndex.stem(name), ext = MediaIndex.fileExtension(name)
        var candidate = name
        var suffix = 1
        while !outputNames.insert(candidate).inserted {
            candidate = "\(stem)_\(suffix)\(ext)"
            suffix += 1
        }
        return (candidate, "default")
    }

    /// Writes one shape of an image: kept byte for byte, rewritten, or left out.
    private func write(_ shape: Shape, label: String, place: ShapePlace) throws {
        guard let span = shape.span else { return fail("no offsets for a shape") }
        let outcome = transform(shape, label: label, attributes: shape.xmlAttributes, labelled: true, splits: true, place: place)
        switch outcome {
        case let .keep(noted):
            route(label, shape.kind, to: label, shape.kind, steps: noted)
        case let .drop(step):
            route(label, shape.kind, to: nil, nil, steps: [step])
            try splicer.remove(span.start..<span.end)
        case let .write(texts, toLabel, toKind, steps, tagEdit):
            route(label, shape.kind, to: toLabel, toKind, steps: steps, produced: texts.count)
            try replace(span, with: texts, tagEdit: tagEdit)
        }
    }

    /// Writes a shape's new text over its input bytes; only its start tag, edited in place, when that is
    /// all that changed (and its bytes read as a start tag).
    private func replace(_ span: ByteSpan, with texts: [ShapeText], tagEdit: StartTagEdit?) throws {
        if let tagEdit, let tag = splicer.bytes(span.start..<span.tagEnd), let edited = tagEdit.apply(to: tag) {
            try splicer.replace(span.start..<span.tagEnd, with: edited)
        } else {
            try splicer.replace(span.start..<span.end, with: ShapeText.render(texts, indent: splicer.indentation(before: span.start)))
        }
    }

    // MARK: - Tracks

    func visitTrackStart(_ header: TrackRecord) {
        trackIndex += 1
        guard let span = header.span else { return fail("no offsets for <track>") }
        writeMissingMeta(before: span.start)
        let lines = survey.tracks.indices.contains(trackIndex)
            ? survey.tracks[trackIndex].first...survey.tracks[trackIndex].last : header.location.line...header.location.line
        let converts = program.videoToImages
        let dropped = converts ? nil : invalid?.reason(forTrackLines: lines)
        let fix = survey.tracks.indices.contains(trackIndex) && !survey.tracks[trackIndex].hasKeyframe
        track = OpenTrack(record: header, dropped: dropped, fixKeyframes: fix, converts: converts)
        attempt {
            if converts || dropped != nil {
                try splicer.remove(span.start..<span.tagEnd)
            } else {
                try splicer.copy(upTo: span.start)
            }
        }
    }

    func visitTrackShape(_ shape: Shape, of header: TrackRecord) {
        guard let current = track, let span = shape.span else { return fail("no offsets for a track shape") }
        let label = header.label
        let counted = !shape.outside
        if counted { before[ApplyProgram.LabelKind(label: label, kind: shape.kind), default: 0] += 1 }
        if let reason = current.dropped {
            if counted { route(label, shape.kind, to: nil, nil, steps: ["drop-invalid:\(reason)"]) }
            splicer.skip(upTo: span.end)
            return
        }
        if current.converts {
            splicer.skip(upTo: span.end)
            if counted { spillFrame(shape, of: header) }
            return
        }
        attempt {
            var renamed = current.renamed
            if !current.headerDone {
                track?.headerDone = true
                renamed = try rewriteHeader(header, firstKind: shape.kind)
                track?.renamed = renamed
            }
            var attributes = shape.xmlAttributes
            var steps: [String] = []
            // A track with no keyframe: every shape it writes made one (CVAT keeps keyframes only).
            if current.fixKeyframes {
                if let index = attributes.firstIndex(where: { $0.name == "keyframe" }) {
                    if attributes[index].value != "1" {
                        attributes[index] = XMLAttribute(name: "keyframe", value: "1")
                        steps.append("keyframe")
                    }
                } else {
                    let after = (attributes.firstIndex { $0.name == "frame" }).map { $0 + 1 } ?? 0
                    attributes.insert(XMLAttribute(name: "keyframe", value: "1"), at: after)
                    steps.append("keyframe")
                }
            }
            let outcome = transform(shape, label: label, attributes: attributes, labelled: false, splits: false, steps: steps,
                                    place: framePlace(taskID: header.taskID))
            // The label lives on the track's start tag: a split renamed it there, once for every frame.
            switch outcome {
            case let .keep(noted):
                if counted {
                    route(label, shape.kind, to: program.itemName(label: label, kind: shape.kind), shape.kind,
                          steps: (renamed ? ["splitLabel"] : []) + noted)
                }
                try splicer.copy(upTo: span.end)
            case let .drop(step):
                if counted { route(label, shape.kind, to: nil, nil, steps: [step]) }
                try splicer.remove(span.start..<span.end)
            case let .write(texts, toLabel, toKind, steps, tagEdit):
                if counted {
                    route(label, shape.kind, to: toLabel, toKind, steps: (renamed ? ["splitLabel"] : []) + steps, produced: texts.count)
                }
                try replace(span, with: texts, tagEdit: tagEdit)
            }
        }
    }

    func visitTrackEnd(_ header: TrackRecord) {
        guard let current = track, let span = header.span else { return fail("no offsets for </track>") }
        track = nil
        if current.dropped != nil || current.converts {
            splicer.skip(upTo: span.end)
        } else {
            attempt { try splicer.copy(upTo: span.end) }
        }
    }

    /// The track's start tag with its label split for the kind it is drawn as, a repeated id renumbered,
    /// and dropped fields left off; true when the label was renamed.
    private func rewriteHeader(_ header: TrackRecord, firstKind: ShapeKind) throws -> Bool {
        guard let span = header.span else { return false }
        var attributes = header.xmlAttributes
        var changed = false
        let kind = program.outputKind(label: header.label, kind: firstKind) ?? firstKind
        let name = program.itemName(label: header.label, kind: kind)
        if name != header.label, let index = attributes.firstIndex(where: { $0.name == "label" }) {
            attributes[index] = XMLAttribute(name: "label", value: name)
            changed = true
        }
        if let id = header.id, !seenTrackIDs.insert(id), let index = attributes.firstIndex(where: { $0.name == "id" }) {
            attributes[index] = XMLAttribute(name: "id", value: String(nextTrackID))
            nextTrackID += 1
            changed = true
        }
        let before = attributes.count
        // A track's start tag carries its source and group.
        let dropped = program.droppedFields(of: header.label)
        attributes.removeAll { ($0.role.field == .source || $0.role.field == .groupID) && dropped.contains($0.role.field) }
        changed = changed || attributes.count != before
        if changed {
            var tag = XMLBytes()
            CVATStyle.startTag("track", attributes, into: &tag)
            try splicer.replace(span.start..<span.tagEnd, with: tag)
        }
        return name != header.label
    }

    // MARK: - Video frames to images

    /// A visible track frame as a shape of its frame's image, spilled until every track is read.
    private func spillFrame(_ shape: Shape, of header: TrackRecord) {
        guard let frames, let frame = shape.frame, frame >= 0 else {
            route(header.label, shape.kind, to: nil, nil, steps: ["drop-invalid:frame_missing"])
            return
        }
        if let reason = invalid?.reason(for: shape, ignoring: InvalidPlaces.trackWide) {
            route(header.label, shape.kind, to: nil, nil, steps: ["drop-invalid:\(reason)"])
            return
        }
        // An image shape: label and source first, the frame's own fields after, the track's group last.
        var attributes = [XMLAttribute(name: "label", value: header.label)]
        if let source = header.source ?? shape.source { attributes.append(XMLAttribute(name: "source", value: source)) }
        attributes += shape.xmlAttributes.filter { !["frame", "keyframe", "outside", "source"].contains($0.name) }
        if let group = header["group_id"], !attributes.contains(where: { $0.name == "group_id" }) {
            attributes.append(XMLAttribute(name: "group_id", value: group))
        }
        let outcome = transform(shape, label: header.label, attributes: attributes, labelled: true, splits: true,
                                steps: ["reexport"], forceWrite: true, place: framePlace(taskID: header.taskID))
        guard case let .write(texts, toLabel, toKind, steps, _) = outcome else {
            if case let .drop(step) = outcome { route(header.label, shape.kind, to: nil, nil, steps: ["reexport", step]) }
            return
        }
        let route = Route(label: header.label, kind: shape.kind, toLabel: toLabel, toKind: toKind, steps: steps)
        frames.add(frame: frame, subset: header.subset, taskID: header.taskID, route: route, produced: texts.count,
                   text: ShapeText.render(texts, indent: "    ", leading: true))
    }

    /// Writes the images of every frame that has shapes or a file, before `</annotations>`.
    private func writeFrames() throws {
        guard let frames else { return }
        for file in media?.files ?? [] {
            guard let frame = Self.frameNumber(file.path) else { continue }
            let parts = file.path.split(separator: "/")
            let subset = program.level == .project && parts.count > 2 ? String(parts[1]) : nil
            frames.addEmpty(frame: frame, subset: subset)
        }
        try frames.forEachFrame { frame, subset, taskID, shapes in
            let key = (frame: frame, subset: subset)
            images.input += 1
            let resolution = media?.resolve(name: frameName(key.frame), subset: key.subset, level: program.level)
            let size = frameSize(taskID, resolution?.file)
            var reason: String?
            if size == nil { reason = "frame_size_unknown" }
            if invalid != nil, program.target.media.missing == .error, hasMedia, resolution?.file == nil { reason = "media_missing" }
            if let reason {
                images.dropped[reason, default: 0] += 1
                for (route, _) in shapes { self.route(route.label, route.kind, to: nil, nil, steps: route.steps + ["drop-invalid:\(reason)"]) }
                return nil
            }
            images.written += 1
            images.fromFrames += 1
            let (name, outSubset) = outputName(frameName(key.frame), subset: key.subset, resolution: resolution)
            if let file = resolution?.file { mediaOut.add(file, as: MediaIndex.expectedPath(name: name, subset: outSubset, level: program.level)) }
            for (route, produced) in shapes {
                routes[route, default: (0, 0)].count += 1
                routes[route, default: (0, 0)].produced += produced
            }
            var attributes = [XMLAttribute(name: "id", value: String(key.frame)), XMLAttribute(name: "name", value: name)]
            if program.level == .project {
                attributes.append(XMLAttribute(name: "subset", value: outSubset ?? "default"))
                if let taskID { attributes.append(XMLAttribute(name: "task_id", value: String(taskID))) }
            }
            if let size {
                attributes += [XMLAttribute(name: "width", value: String(size.width)), XMLAttribute(name: "height", value: String(size.height))]
            }
            var tag = XMLBytes()
            tag.append("\n  ")
            CVATStyle.startTag("image", attributes, into: &tag)
            return tag
        } write: { bytes in
            try self.splicer.write(bytes)
        }
    }

    /// 42 for `images/frame_000042.PNG` (or `images/<subset>/frame_000042.png`).
    static func frameNumber(_ path: String) -> Int? {
        let name = MediaIndex.stem(String(path.split(separator: "/").last ?? ""))
        guard name.hasPrefix("frame_"), name.count == 12 else { return nil }
        return Int(name.dropFirst(6))
    }

    /// Ends the document: frames made images go before the root's end tag.
    func finish() throws {
        if let failure { throw InputError(failure) }
        if !metaWritten, program.synthesizeTask, let end = rootEndTag() { writeMissingMeta(before: end) }
        if let end = rootEndTag() { try splicer.copy(upTo: splicer.lineStart(before: end)) }
        try writeFrames()
        try splicer.finish()
        if let failure { throw InputError(failure) }
    }

    /// Where `</annotations>` starts in what is left of the input.
    private func rootEndTag() -> Int64? {
        let tail = splicer.heldTail
        guard let index = tail.lastIndex(of: UInt8(ascii: "<")) else { return nil }
        return splicer.position + Int64(tail.distance(from: tail.startIndex, to: index))
    }

    // MARK: - Shapes

    enum Outcome {
        /// As it was, byte for byte; `steps` name what it was counted under (a value declared in `<meta>`).
        case keep(steps: [String])
        case drop(step: String)
        /// The shape's new text; `tagEdit` when it differs from the input only in its start tag.
        case write([ShapeText], label: String, kind: ShapeKind, steps: [String], tagEdit: StartTagEdit?)
    }

    /// What becomes of one shape: the label it points at after splits, its kind after conversions, the
    /// attributes and fields left off, its points split; `keep` when nothing changes.
    func transform(_ original: Shape, label: String, attributes given: [XMLAttribute], labelled: Bool, splits: Bool,
                   steps initial: [String] = [], forceWrite: Bool = false, place: ShapePlace = ShapePlace()) -> Outcome {
        if let reason = invalid?.reason(for: original), !repairs(reason, of: original, label: label, splits: splits) {
            return .drop(step: "drop-invalid:\(reason)")
        }
        guard let kind = program.outputKind(label: label, kind: original.kind) else { return .drop(step: "dropAnnotation") }
        // Repairs first: what they mend is converted, split and renamed like any other shape.
        let (shape, repairSteps) = ShapeRepairs.apply(original, label: label, program: program, place: place)
        var input = given
        if !repairSteps.isEmpty {
            let repaired = Dictionary(shape.xmlAttributes.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
            input = given.map { attribute in
                guard attribute.role.field == .points || attribute.role.field == .geometry || attribute.name == "rle",
                      let value = repaired[attribute.name] else { return attribute }
                return XMLAttribute(name: attribute.name, value: value)
            }
        }
        var steps = initial + repairSteps
        let noted = ShapeRepairs.holdsDeclaredValue(shape, label: label, program: program) ? ["declareAttributeValue"] : []
        let name = program.itemName(label: label, kind: kind)
        var attributes = input
        if labelled, name != label, let index = attributes.firstIndex(where: { $0.role.field == .label }) {
            attributes[index] = XMLAttribute(name: "label", value: name, role: attributes[index].role)
            steps.append("splitLabel")
        }
        let droppedFields = program.droppedFields(of: label)
        if stripFields(&attributes, dropping: droppedFields) { steps.append("dropField") }
        var values = shape.attributes
        if let dropped = program.droppedAttributes[label], values.contains(where: { dropped.contains($0.name) }) {
            values.removeAll { dropped.contains($0.name) }
            steps.append("dropAttribute")
        }
        var elements: [ShapeText] = []
        for element in shape.elements {
            // A video frame made an image shape: its elements lose their frame fields too.
            var elementAttributes = forceWrite
                ? element.xmlAttributes.filter { $0.role.field != .frame && $0.role.field != .keyframe } : element.xmlAttributes
            if stripFields(&elementAttributes, dropping: droppedFields), !steps.contains("dropField") { steps.append("dropField") }
            var elementValues = element.attributes
            if let dropped = program.droppedAttributes[element.label], elementValues.contains(where: { dropped.contains($0.name) }) {
                elementValues.removeAll { dropped.contains($0.name) }
                if !steps.contains("dropAttribute") { steps.append("dropAttribute") }
            }
            elements.append(ShapeText(kind: "points", attributes: elementAttributes, values: elementValues))
        }
        var texts = [ShapeText(kind: kind.rawValue, attributes: attributes, values: values, elements: elements)]
        if kind != shape.kind {
            guard let polygons = PolygonConversion.polygons(for: shape) else { return .drop(step: "convertShape:unconvertible") }
            func isGeometry(_ attribute: XMLAttribute) -> Bool {
                switch attribute.role.field {
                case .points, .rotation: true
                case .geometry: attribute.role.geometryKind == shape.kind
                default: attribute.name == "rle"
                }
            }
            texts = polygons.map { polygon in
                var converted: [XMLAttribute] = []
                var placed = false
                for attribute in attributes {
                    if isGeometry(attribute) {
                        if !placed { converted.append(XMLAttribute(name: "points", value: "")) }
                        placed = true
                    } else {
                        converted.append(attribute)
                    }
                }
                if !placed { converted.append(XMLAttribute(name: "points", value: "")) }
                return ShapeText(kind: kind.rawValue, attributes: converted, values: values, points: polygon)
            }
            steps.append(program.conversionCauses[ApplyProgram.LabelKind(label: label, kind: shape.kind)] ?? "convertShape")
            // A shape made polygons is clipped as polygons (an ellipse or cuboid cannot be clipped as itself).
            if let size = place.size, program.clippedLabels.contains(label) {
                var clipped = false
                texts = texts.map { text in
                    guard let points = text.points, let ring = ShapeRepairs.clippedPolygon(points, size: size) else { return text }
                    clipped = true
                    var copy = text
                    copy.points = ring
                    return copy
                }
                if clipped, !steps.contains("clipToImage") { steps.append("clipToImage") }
            }
        }
        if splits, kind == .polygon, shape.kind == .polygon, let points = shape.points,
           let split = ShapeRepairs.polygonPieces(points, label: label, program: program) {
            texts = split.pieces.map { piece in
                ShapeText(kind: kind.rawValue, attributes: texts[0].attributes, values: values, elements: texts[0].elements, points: piece)
            }
            slivers += split.slivers
            steps.append("repairPolygon")
        }
        if splits, kind == .points, program.pointSplits.contains(label), let points = shape.points, points.count > 1 {
            texts = points.map { point in
                ShapeText(kind: kind.rawValue, attributes: texts[0].attributes, values: values, points: [point])
            }
            steps.append("splitPoints")
        }
        if steps.isEmpty, !forceWrite { return .keep(steps: noted) }
        steps += noted
        // Fields left off and the label renamed, nothing else, on attributes as read (no step came in: a
        // track frame's keyframe fix is one, and a video frame is written anew): an edit of the start tag.
        var tagEdit: StartTagEdit?
        if kind == shape.kind, texts.count == 1, elements.isEmpty, initial.isEmpty, repairSteps.isEmpty, !forceWrite,
           !steps.contains("dropAttribute"), input.count == shape.xmlAttributes.count {
            var edit = StartTagEdit(removing: input.filter { droppedFields.contains($0.role.field) }.map(\.name))
            if labelled, name != label { edit.label = name }
            tagEdit = edit.isEmpty ? nil : edit
        }
        return .write(texts, label: name, kind: kind, steps: steps, tagEdit: tagEdit)
    }

    /// Whether a repair mends what `--drop-invalid` would leave the shape out for.
    private func repairs(_ reason: String, of shape: Shape, label: String, splits: Bool) -> Bool {
        switch reason {
        case "polygon_self_intersecting": splits && program.polygonRepairs.contains(label)
        case "attribute_value_not_in_list":
            (shape.attributes.contains { program.repairsValue($0.value, label: label, attribute: $0.name) })
                || shape.elements.contains { element in
                    element.attributes.contains { program.repairsValue($0.value, label: element.label, attribute: $0.name) }
                }
        default: false
        }
    }

    /// Leaves off the built-in fields `dropped`; true when one was there.
    private func stripFields(_ attributes: inout [XMLAttribute], dropping dropped: [ShapeAttributeRole.Field]) -> Bool {
        guard !dropped.isEmpty, attributes.contains(where: { dropped.contains($0.role.field) }) else { return false }
        attributes.removeAll { dropped.contains($0.role.field) }
        return true
    }

    // MARK: - Bookkeeping

    private func route(_ label: String, _ kind: ShapeKind, to toLabel: String?, _ toKind: ShapeKind?, steps: [String], produced: Int? = nil) {
        let key = Route(label: label, kind: kind, toLabel: toLabel, toKind: toKind, steps: steps)
        routes[key, default: (0, 0)].count += 1
        routes[key, default: (0, 0)].produced += produced ?? (toLabel == nil ? 0 : 1)
    }

    private func copy(to offset: Int64) { attempt { try splicer.copy(upTo: offset) } }

    private func attempt(_ body: () throws -> Void) {
        guard failure == nil else { return }
        do { try body() } catch { failure = "\(error)" }
    }

    private func fail(_ message: String) {
        if failure == nil { failure = "apply: \(message)" }
    }
}
