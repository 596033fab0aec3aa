import Foundation

/// The write pass over `<track>` elements that stay tracks (or are left out, or become images frame by frame).
extension WritePass {
    func visitTrackStart(_ header: TrackRecord) {
        trackIndex += 1
        guard let span = header.span else { return fail("no offsets for <track>") }
        writeMissingMeta(before: span.start)
        let surveyed = survey.tracks.indices.contains(trackIndex) ? survey.tracks[trackIndex] : nil
        let lines = surveyed.map { $0.first...$0.last } ?? header.location.line...header.location.line
        let converts = program.videoToImages
        let dropped = converts ? nil : invalid?.reason(forTrackLines: lines, refused: surveyed?.refusedChildren ?? [])
        let fix = surveyed.map { !$0.hasKeyframe } ?? false
        track = OpenTrack(record: header, dropped: dropped, fixKeyframes: fix, converts: converts)
        track?.indent = splicer.indentation(before: span.start)
        let leftOff = headerFieldsLeftOff(header)
        track?.leavesOffFields = header.xmlAttributes.contains { leftOff.contains($0.role.field) }
        if !converts, dropped == nil, let surveyed, Self.splitsMasks(surveyed, label: header.label, program) {
            track?.splitsMasks = true
        }
        // Frames out of order: the shapes are held and written in frame order at the track's end (CVAT's
        // import reads them in the order written where it splits a track into its jobs).
        if !converts, dropped == nil, track?.splitsMasks == false, let surveyed {
            track?.sortedFrames = surveyed.sortedFrames
        }
        attempt {
            if converts || dropped != nil || track?.splitsMasks == true {
                try splicer.remove(span.start..<span.tagEnd)
            } else {
                // The start tag waits for the first shape written: a track whose every shape is left out goes whole.
                let lead = splicer.lineStart(before: span.start)
                guard let leading = splicer.bytes(lead..<span.start), let tag = splicer.bytes(span.start..<span.tagEnd) else {
                    return fail("the start tag of a track is no longer held")
                }
                track?.pendingHead = PendingHead(leading: Array(leading), tag: Array(tag), span: span)
                try splicer.copy(upTo: lead)
                if track?.sortedFrames != nil { splicer.beginSegments() }
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
        if current.splitsMasks { return attempt { try splitMaskFrame(shape, of: header, span: span) } }
        if let frame = shape.frame { closePieces(at: frame) }
        attempt {
            var attributes = shape.xmlAttributes
            var steps: [String] = []
            // A track with no keyframe: every shape it writes made one (CVAT keeps keyframes only).
            if current.fixKeyframes, Self.makeKeyframe(&attributes) { steps.append("keyframe") }
            let outcome = transform(shape, label: label, attributes: attributes, labelled: false, splits: false, steps: steps,
                                    place: framePlace(taskID: header.taskID))
            let sorts = current.sortedFrames != nil
            if sorts { splicer.writeSegment(frame: nil) }
            if case .drop = outcome {} else { try writeHead(header, firstKind: shape.kind) }
            if sorts { splicer.writeSegment(frame: shape.frame ?? .max) }
            let renamed = track?.renamed ?? false
            // The label lives on the track's start tag: a split renamed it there, once for every frame.
            switch outcome {
            case let .keep(noted):
                if counted {
                    route(label, shape.kind, to: program.itemName(label: label, kind: shape.kind), shape.kind,
                          steps: (renamed ? ["splitLabel"] : []) + current.withTrackSteps(noted))
                }
                try splicer.copy(upTo: span.end)
            case let .drop(step):
                if counted { route(label, shape.kind, to: nil, nil, steps: [step]) }
                if track?.pendingHead != nil {
                    // Left out with the start tag still unwritten: the tag goes too, unless a later shape brings it back.
                    splicer.skip(upTo: span.end)
                    track?.pendingHead?.skipped = true
                } else {
                    try splicer.remove(span.start..<span.end)
                }
            case let .write(texts, toLabel, toKind, steps, tagEdit):
                if counted {
                    route(label, shape.kind, to: toLabel, toKind, steps: (renamed ? ["splitLabel"] : []) + current.withTrackSteps(steps),
                          produced: texts.count)
                }
                if texts.count > 1 {
                    try writePieces(texts, of: shape, span: span)
                } else {
                    try replace(span, with: texts, tagEdit: tagEdit)
                }
            }
        }
    }

    func visitTrackEnd(_ header: TrackRecord) {
        guard track != nil, let span = header.span else { return fail("no offsets for </track>") }
        closePieces(at: nil)
        guard let current = track else { return }
        attempt { try splicer.endSegments() }
        track = nil
        if current.dropped != nil || current.converts || current.splitsMasks || current.pendingHead != nil {
            splicer.skip(upTo: span.end)
        } else {
            attempt {
                try splicer.copy(upTo: span.end)
                try splicer.write(current.pieceTracks)
            }
        }
    }

    /// Makes a track frame's attributes say `keyframe="1"` (after `frame` when the flag is missing); true when they did not.
    static func makeKeyframe(_ attributes: inout [XMLAttribute]) -> Bool {
        guard let index = attributes.firstIndex(where: { $0.name == "keyframe" }) else {
            attributes.insert(XMLAttribute(name: "keyframe", value: "1"), at: (attributes.firstIndex { $0.name == "frame" }).map { $0 + 1 } ?? 0)
            return true
        }
        guard attributes[index].value != "1" else { return false }
        attributes[index] = XMLAttribute(name: "keyframe", value: "1")
        return true
    }

    /// Writes the track's start tag before its first shape written: as it was, or with its label split for the
    /// kind it is drawn as, a repeated id renumbered, dropped fields left off and a negative group renumbered.
    func writeHead(_ header: TrackRecord, firstKind: ShapeKind) throws {
        guard let head = track?.pendingHead else { return }
        track?.pendingHead = nil
        track?.headerDone = true
        let (attributes, changed, renamed) = headerAttributes(header, firstKind: firstKind)
        track?.renamed = renamed
        var tag = XMLBytes()
        if changed {
            CVATStyle.startTag("track", attributes, into: &tag)
        } else if head.skipped {
            tag.append(bytes: head.tag[...])
        }
        if head.skipped {
            // Shapes left out before it took the tag with them: it is written anew.
            var text = XMLBytes()
            text.append(bytes: head.leading[...])
            text.append(bytes: tag.bytes[...])
            try splicer.write(text)
        } else if changed {
            try splicer.replace(head.span.start..<head.span.tagEnd, with: tag)
        } else {
            // Written now, not with the shape after it: a track put in frame order holds the two apart.
            try splicer.copy(upTo: head.span.tagEnd)
        }
    }

    /// The attributes of the track's start tag as `writeHead` writes them (a fresh id when `freshID`), whether
    /// they differ from the input's, and whether the label was renamed.
    func headerAttributes(_ header: TrackRecord, firstKind: ShapeKind,
                          freshID: Bool = false) -> (attributes: [XMLAttribute], changed: Bool, renamed: Bool) {
        var attributes = header.xmlAttributes
        var changed = false
        let kind = program.outputKind(label: header.label, kind: firstKind) ?? firstKind
        let name = program.itemName(label: header.label, kind: kind)
        if name != header.label, let index = attributes.firstIndex(where: { $0.name == "label" }) {
            attributes[index] = XMLAttribute(name: "label", value: name)
            changed = true
        }
        if let id = header.id, freshID || !seenTrackIDs.insert(id), let index = attributes.firstIndex(where: { $0.name == "id" }) {
            attributes[index] = XMLAttribute(name: "id", value: String(nextTrackID))
            nextTrackID += 1
            changed = true
        }
        if stripFields(&attributes, dropping: headerFieldsLeftOff(header)) { changed = true }
        if GroupRenumber.renumber(&attributes, largest: survey.largestGroupID) { changed = true }
        return (attributes, changed, name != header.label)
    }

    /// The built-in fields the program leaves off a track's start tag: of those it carries (source and group), the dropped ones.
    func headerFieldsLeftOff(_ header: TrackRecord) -> [ShapeAttributeRole.Field] {
        program.droppedFields(of: header.label).filter { $0 == .source || $0 == .groupID }
    }
}
