import Foundation

/// The write pass over `<track>` elements that stay tracks (or are left out, or become images frame by frame).
extension WritePass {
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
        if !converts, dropped == nil, survey.tracks.indices.contains(trackIndex), Self.splitsMasks(survey.tracks[trackIndex], program) {
            track?.splitsMasks = true
            track?.indent = splicer.indentation(before: span.start)
        }
        attempt {
            if converts || dropped != nil || track?.splitsMasks == true {
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
        if current.splitsMasks { return attempt { try splitMaskFrame(shape, of: header, span: span) } }
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
            if current.fixKeyframes, Self.makeKeyframe(&attributes) { steps.append("keyframe") }
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
        if current.dropped != nil || current.converts || current.splitsMasks {
            splicer.skip(upTo: span.end)
        } else {
            attempt { try splicer.copy(upTo: span.end) }
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

    /// The track's start tag with its label split for the kind it is drawn as, a repeated id renumbered,
    /// dropped fields left off and a negative group renumbered; true when the label was renamed.
    func rewriteHeader(_ header: TrackRecord, firstKind: ShapeKind) throws -> Bool {
        guard let span = header.span else { return false }
        let (attributes, changed, renamed) = headerAttributes(header, firstKind: firstKind)
        if changed {
            var tag = XMLBytes()
            CVATStyle.startTag("track", attributes, into: &tag)
            try splicer.replace(span.start..<span.tagEnd, with: tag)
        }
        return renamed
    }

    /// The attributes of the track's start tag as `rewriteHeader` writes them (a fresh id when `freshID`), whether
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
        let before = attributes.count
        // A track's start tag carries its source and group.
        let dropped = program.droppedFields(of: header.label)
        attributes.removeAll { ($0.role.field == .source || $0.role.field == .groupID) && dropped.contains($0.role.field) }
        changed = changed || attributes.count != before
        if GroupRenumber.renumber(&attributes, largest: survey.largestGroupID) { changed = true }
        return (attributes, changed, name != header.label)
    }
}
