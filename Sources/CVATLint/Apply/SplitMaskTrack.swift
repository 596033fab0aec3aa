/// `splitMaskTrack`: a mask track that CVAT would collapse (its task import keeps masks as shapes only and makes a
/// mask track one shape, from its first keyframe) written as one track per visible frame, each holding that frame
/// as its only keyframe: CVAT's importer makes each the mask shape on its frame, so no frame is lost. A lossless
/// mend `apply` always makes where the target keeps tracks; the frames where the mask is outside are left off, as
/// a track of one frame needs none.
public enum MaskTrackCollapse {
    /// Whether a track with this many visible mask frames loses some on import: more than one, for a target that
    /// keeps video as tracks and says nothing else of masks in tracks (Datumaro refuses them instead). The rule
    /// that reports it (`mask_track_collapsed`) asks the same.
    public static func losesFrames(visibleMaskFrames: Int, target: TargetProfile) -> Bool {
        visibleMaskFrames > 1 && target.format(.video).status == .supported && target.trackShapes?["mask"] == nil
    }
}

extension WritePass {
    /// Whether the track is one to split: masks only, and frames lost otherwise, while it stays a track of
    /// masks (converted to polygons, it is an ordinary track that keeps every frame).
    static func splitsMasks(_ track: ApplySurvey.TrackSpan, label: String, _ program: ApplyProgram) -> Bool {
        MaskTrackCollapse.losesFrames(visibleMaskFrames: track.visibleMasks, target: program.target)
            && track.visibleMasks == track.visible && !program.videoToImages
            && program.outputKind(label: label, kind: .mask) == .mask
    }

    /// One frame of a track being split: a visible one becomes a track of its own, an outside one is left off.
    func splitMaskFrame(_ shape: Shape, of header: TrackRecord, span: ByteSpan) throws {
        guard !shape.outside, let current = track else { return try splicer.remove(span.start..<span.end) }
        let label = header.label
        var attributes = shape.xmlAttributes
        _ = Self.makeKeyframe(&attributes)
        let outcome = transform(shape, label: label, attributes: attributes, labelled: false, splits: false,
                                steps: ["splitMaskTrack"], place: framePlace(taskID: header.taskID))
        let texts: [ShapeText]
        switch outcome {
        case let .drop(step):
            route(label, shape.kind, to: nil, nil, steps: ["splitMaskTrack", step])
            return try splicer.remove(span.start..<span.end)
        case .keep:
            // The split is a step of its own, so a frame is always written anew.
            return fail("a split mask frame was kept as it was")
        case let .write(written, toLabel, toKind, steps, _):
            texts = written
            route(label, shape.kind, to: toLabel, toKind, steps: current.withTrackSteps(steps), produced: written.count)
        }
        // The first frame keeps the track's id (renumbered if repeated); every later one takes a fresh id.
        let (headerAttributes, _, _) = headerAttributes(header, firstKind: shape.kind, freshID: current.headerDone)
        track?.headerDone = true
        var text = XMLBytes()
        CVATStyle.track(headerAttributes, frames: texts, indent: current.indent, into: &text)
        try splicer.replace(splicer.lineStart(before: span.start)..<span.end, with: text)
    }
}
