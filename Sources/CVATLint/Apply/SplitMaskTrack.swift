/// `splitMaskTrack`: a mask track that CVAT would collapse (its task import keeps masks as shapes only and makes a
/// mask track one shape, from its first keyframe) written as one track per visible frame, each holding that frame
/// as its only keyframe: CVAT's importer makes each the mask shape on its frame, so no frame is lost. A lossless
/// mend `apply` always makes where the target keeps tracks; the frames where the mask is outside are left off, as
/// a track of one frame needs none.
extension WritePass {
    /// Whether the track is one to split: masks only, visible on more than one frame, for a target that keeps tracks.
    static func splitsMasks(_ track: ApplySurvey.TrackSpan, _ program: ApplyProgram) -> Bool {
        track.visibleMasks > 1 && track.visibleMasks == track.visible && !program.videoToImages
            && program.target.format(.video).status == .supported
    }

    /// One frame of a track being split: a visible one becomes a track of its own, an outside one is left off.
    func splitMaskFrame(_ shape: Shape, of header: TrackRecord, span: ByteSpan) throws {
        guard !shape.outside, let current = track else { return try splicer.remove(span.start..<span.end) }
        let label = header.label
        var attributes = shape.xmlAttributes
        if let index = attributes.firstIndex(where: { $0.name == "keyframe" }) {
            attributes[index] = XMLAttribute(name: "keyframe", value: "1")
        } else {
            attributes.insert(XMLAttribute(name: "keyframe", value: "1"), at: (attributes.firstIndex { $0.name == "frame" }).map { $0 + 1 } ?? 0)
        }
        let outcome = transform(shape, label: label, attributes: attributes, labelled: false, splits: false,
                                steps: ["splitMaskTrack"], place: framePlace(taskID: header.taskID))
        let indent = splicer.indentation(before: span.start)
        var body = XMLBytes()
        switch outcome {
        case let .drop(step):
            route(label, shape.kind, to: nil, nil, steps: ["splitMaskTrack", step])
            return try splicer.remove(span.start..<span.end)
        case let .keep(steps):
            // Not met (the split is a step), but the shape as read is the shape to keep.
            guard let bytes = splicer.bytes(span.start..<span.end) else { return fail("no bytes for a mask frame") }
            body.append(bytes: bytes)
            route(label, shape.kind, to: label, shape.kind, steps: ["splitMaskTrack"] + steps)
        case let .write(texts, toLabel, toKind, steps, _):
            body = ShapeText.render(texts, indent: indent)
            route(label, shape.kind, to: toLabel, toKind, steps: steps, produced: texts.count)
        }
        // The first frame keeps the track's id (renumbered if repeated); every later one takes a fresh id.
        let (headerAttributes, _, _) = headerAttributes(header, firstKind: shape.kind, freshID: current.headerDone)
        track?.headerDone = true
        var text = XMLBytes()
        text.append("\n")
        text.append(current.indent)
        CVATStyle.startTag("track", headerAttributes, into: &text)
        text.append("\n")
        text.append(indent)
        text.append(bytes: body.bytes[...])
        text.append("\n")
        text.append(current.indent)
        text.append("</track>")
        try splicer.replace(splicer.lineStart(before: span.start)..<span.end, with: text)
    }
}
