/// A track frame converted into several polygons (a mask in pieces). A track holds one shape per frame: the
/// first piece stays on the track, and each other becomes a track of its own, visible on that frame only. Its
/// copy marked outside on the track's next frame ends it there, as a one-keyframe track would otherwise last
/// to the end of the task in CVAT; after the track's last frame it lasts as long as the track does.
extension WritePass {
    /// The pieces of a track's last frame beyond its first, waiting for the track's next frame.
    struct PendingPieces {
        var frame: Int
        var kind: ShapeKind
        var texts: [ShapeText]
    }

    /// Writes the frame's first piece in place and keeps the others until the track's next frame is known (an
    /// outside frame shows nothing: its first piece alone marks where the track ends).
    func writePieces(_ texts: [ShapeText], of shape: Shape, span: ByteSpan) throws {
        try replace(span, with: Array(texts.prefix(1)), tagEdit: nil)
        guard let frame = shape.frame, !shape.outside, texts.count > 1 else { return }
        track?.pendingPieces = PendingPieces(frame: frame, kind: shape.kind, texts: Array(texts.dropFirst()))
    }

    /// Makes the waiting pieces tracks of their own, ended by an outside copy on `next` (the track's next frame;
    /// nil after its last), to be written after the track.
    func closePieces(at next: Int?) {
        guard let current = track, let pending = current.pendingPieces else { return }
        track?.pendingPieces = nil
        // Frames out of order: the next is the next in frame order, not the next written.
        let following = current.sortedFrames.map { Self.firstFrame(after: pending.frame, in: $0) } ?? next
        for piece in pending.texts {
            var frames = [Self.frameCopy(of: piece, frame: nil, outside: false)]
            if let following, following > pending.frame { frames.append(Self.frameCopy(of: piece, frame: following, outside: true)) }
            let (attributes, _, _) = headerAttributes(current.record, firstKind: pending.kind, freshID: true)
            var text = XMLBytes()
            CVATStyle.track(attributes, frames: frames, indent: current.indent, into: &text)
            track?.pieceTracks.append(bytes: text.bytes[...])
        }
    }

    /// The first of `frames` (sorted) past `frame`, by bisection: a long track can have pieces on every frame.
    static func firstFrame(after frame: Int, in frames: [Int]) -> Int? {
        var low = 0, high = frames.count
        while low < high {
            let middle = (low + high) / 2
            if frames[middle] > frame { high = middle } else { low = middle + 1 }
        }
        return low < frames.count ? frames[low] : nil
    }

    /// A piece as a keyframe of its own track, on `frame` (its own when nil), visible or outside.
    private static func frameCopy(of piece: ShapeText, frame: Int?, outside: Bool) -> ShapeText {
        var copy = piece
        _ = makeKeyframe(&copy.attributes)
        for index in copy.attributes.indices {
            switch copy.attributes[index].name {
            case "frame" where frame != nil: copy.attributes[index] = XMLAttribute(name: "frame", value: String(frame ?? 0))
            case "outside": copy.attributes[index] = XMLAttribute(name: "outside", value: outside ? "1" : "0")
            default: break
            }
        }
        return copy
    }
}
