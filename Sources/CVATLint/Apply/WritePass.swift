import Foundation

/// The second pass of `apply`: reads `annotations.xml` again through the same reader, with byte offsets,
/// and writes it out with the program's edits. Untouched elements are copied byte for byte. Memory holds
/// one image or one track frame (a whole track when its frames are out of order, to write them in order); video
/// frames turned into images spill to a temporary file, sorted by frame.
final class WritePass: AnnotationVisitor {
    /// One input label × kind going to one output label × kind by some steps.
    struct Route: Hashable {
        var label: String
        var kind: ShapeKind
        var toLabel: String?
        var toKind: ShapeKind?
        var steps: [String]
    }

    let program: ApplyProgram
    let survey: ApplySurvey
    let splicer: Splicer
    let media: MediaIndex?
    let invalid: InvalidPlaces?
    let mediaOut: MediaPlan
    /// A video frame's size, from its task (or the job) or its file.
    let frameSize: (Int?, MediaFile?) -> FrameSizes.Size?
    /// Reads a media file's header (for images rescaled to their media).
    let mediaHeader: (MediaFile) -> ImageHeader?
    /// Whether the export could hold media at all (a folder or zip, not a bare annotations.xml).
    let hasMedia: Bool

    /// What went where, counted.
    var before: [ApplyProgram.LabelKind: Int] = [:]
    var routes: [Route: (count: Int, produced: Int)] = [:]
    var images = ImageTally()
    /// Pieces of repaired polygons left out for being under `min_area`.
    var slivers = 0
    /// Changes to `<meta>` the counts do not show, in words.
    var notes: [String] = []
    /// Elements of `<annotations>` the schema refuses, left out: how many, and the first.
    var refusedElements: (count: Int, first: SourceLocation?) = (0, nil)
    /// The same, inside tracks that stay tracks (their shapes' and elements' unknown children count as `refusedChild` steps).
    var refusedTrackElements: (count: Int, first: SourceLocation?) = (0, nil)
    /// Set when the bytes could not be matched to the elements (a bug or a non-UTF-8 file).
    var failure: String?

    var metaWritten = false
    var trackIndex = -1
    /// The track being written.
    struct OpenTrack {
        var record: TrackRecord
        /// Why it is left out, if it is.
        var dropped: String?
        /// Whether its start tag is written yet, and its label renamed there by a split.
        var headerDone = false
        var renamed = false
        /// Whether its start tag carries a built-in field the program leaves off (its source or group), which each of its shapes loses.
        var leavesOffFields = false
        /// Whether every frame it writes is made a keyframe (it has none).
        var fixKeyframes: Bool
        /// Whether its frames become shapes of their images (video → images).
        var converts: Bool
        /// Whether each visible frame becomes a track of its own (a mask track CVAT would collapse), and the
        /// indentation its start tag had.
        var splitsMasks = false
        /// Its frames in order when they are not as written: its shapes are then written in that order.
        var sortedFrames: [Int]?
        /// The indentation of its start tag.
        var indent = ""
        /// Its start tag, until its first shape is written.
        var pendingHead: PendingHead?
        /// Pieces of its last frame beyond the first, and the tracks made of earlier ones, written after it.
        var pendingPieces: PendingPieces?
        var pieceTracks = XMLBytes()

        /// `steps`, and what the track as a whole did to each of its shapes that they do not say yet: fields left off
        /// its start tag, frames put in order.
        func withTrackSteps(_ steps: [String]) -> [String] {
            let whole = (leavesOffFields ? ["dropField"] : []) + (sortedFrames != nil ? ["frameOrder"] : [])
            return steps + whole.filter { !steps.contains($0) }
        }
    }

    /// A track's start tag not yet written: its bytes and the line break and indentation before them, and whether
    /// shapes left out after it took them out of the output (then a shape written brings them back).
    struct PendingHead {
        var leading: [UInt8]
        var tag: [UInt8]
        var span: ByteSpan
        var skipped = false
    }

    var track: OpenTrack?
    var seenImageIDs: [String: IntegerBitSet] = [:]
    var nextImageID: Int
    var seenTrackIDs = IntegerBitSet()
    var nextTrackID: Int
    var outputNames: Set<String> = []
    let frames: FrameSpill?

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
        // Planned first: the output's check, running beside this pass, finds each frame a track shows.
        keepVideoFrames()
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

    /// An element of `<annotations>` other than version, meta, image and track, which the schema refuses and no
    /// importer reads, is left out under `--drop-invalid`: every one, though libxml2 names only the first of a run.
    func visitForeignElement(_ element: ForeignElement) {
        guard invalid != nil else { return }
        guard let current = track else {
            refusedElements = (refusedElements.count + 1, refusedElements.first ?? element.location)
            return attempt { try splicer.remove(element.span.start..<element.span.end) }
        }
        refusedTrackElements = (refusedTrackElements.count + 1, refusedTrackElements.first ?? element.location)
        if current.dropped != nil || current.converts || current.splitsMasks {
            // Its track's shapes are skipped (left out, or written anew elsewhere): so is this.
            splicer.skip(upTo: element.span.end)
        } else if current.pendingHead != nil {
            // Before the first shape written: the start tag goes with it, and comes back with that shape.
            splicer.skip(upTo: element.span.end)
            track?.pendingHead?.skipped = true
        } else {
            attempt { try splicer.remove(element.span.start..<element.span.end) }
        }
    }

    /// A `<meta>` for a file that has none, written before its first image or track.
    func writeMissingMeta(before offset: Int64) {
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

    /// Ends the document: frames made images go before the root's end tag.
    func finish() throws {
        if let failure { throw InputError(failure) }
        if let first = refusedElements.first {
            notes.append("drop-invalid: \(counted(refusedElements.count, "element")) of <annotations> other than version, meta, image "
                         + "and track left out (the first at line \(first.line)): the schema refuses them and no importer reads them")
        }
        if let first = refusedTrackElements.first {
            notes.append("drop-invalid: \(counted(refusedTrackElements.count, "element")) of <track> other than its shapes left out (the "
                         + "first at line \(first.line)), the tracks kept: the schema refuses them and no importer reads them")
        }
        if !metaWritten, program.synthesizeTask, let end = rootEndTag() { writeMissingMeta(before: end) }
        if let end = rootEndTag() { try splicer.copy(upTo: splicer.lineStart(before: end)) }
        try writeFrames()
        try splicer.finish()
        if let failure { throw InputError(failure) }
    }

    /// A video that stays a video keeps its frames: every `frame_NNNNNN` file goes out under its own path (CVAT
    /// saves each frame of the range, whether a track shows it or not); other files are not frames of it.
    private func keepVideoFrames() {
        guard !program.videoToImages, program.format == .video, let media else { return }
        for file in media.files where Self.frameNumber(file.path) != nil && !file.isSymlink {
            mediaOut.add(file, as: file.path)
        }
    }

    /// Where `</annotations>` starts in what is left of the input.
    func rootEndTag() -> Int64? {
        let tail = splicer.heldTail
        guard let index = tail.lastIndex(of: UInt8(ascii: "<")) else { return nil }
        return splicer.position + Int64(tail.distance(from: tail.startIndex, to: index))
    }

    // MARK: - Bookkeeping

    /// The id an output image takes: its own, or, where its subset of the output (a project's) holds that id
    /// already, the next free one past the largest (images moved into one subset, frames of several tasks).
    func outputImageID(_ id: Int, subset: String?) -> Int {
        let scope = program.level == .project ? (subset ?? "") : ""
        if seenImageIDs[scope, default: IntegerBitSet()].insert(id) { return id }
        while !seenImageIDs[scope, default: IntegerBitSet()].insert(nextImageID) { nextImageID += 1 }
        defer { nextImageID += 1 }
        return nextImageID
    }

    func route(_ label: String, _ kind: ShapeKind, to toLabel: String?, _ toKind: ShapeKind?, steps: [String], produced: Int? = nil) {
        let key = Route(label: label, kind: kind, toLabel: toLabel, toKind: toKind, steps: steps)
        Self.tally(&routes[key, default: (0, 0)], produced: produced ?? (toLabel == nil ? 0 : 1))
    }

    /// One more shape along a route, and what it produced (one dictionary access: a route hashes its steps).
    static func tally(_ counts: inout (count: Int, produced: Int), produced: Int) {
        counts.count += 1
        counts.produced += produced
    }

    func copy(to offset: Int64) { attempt { try splicer.copy(upTo: offset) } }

    func attempt(_ body: () throws -> Void) {
        guard failure == nil else { return }
        do { try body() } catch { failure = ErrorText.line(error) }
    }

    func fail(_ message: String) {
        if failure == nil { failure = "apply: \(message)" }
    }
}
