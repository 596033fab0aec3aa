import Foundation

/// The write pass turning video frames into images (`reexport` as CVAT for images): spilled, then written by frame.
extension WritePass {
    /// A visible track frame as a shape of its frame's image, spilled until every track is read.
    func spillFrame(_ shape: Shape, of header: TrackRecord) {
        guard let frames, let frame = shape.frame, frame >= 0 else {
            route(header.label, shape.kind, to: nil, nil, steps: ["drop-invalid:frame_missing"])
            return
        }
        // A repair mends a frame as it mends an image's shape (transform judges the rest again).
        if let reason = dropReason(shape, label: header.label, splits: true, ignoring: InvalidPlaces.trackWide) {
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
    func writeFrames() throws {
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
                Self.tally(&routes[route, default: (0, 0)], produced: produced)
            }
            let id = outputImageID(key.frame, subset: outSubset)
            var attributes = [XMLAttribute(name: "id", value: String(id)), XMLAttribute(name: "name", value: name)]
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
}
