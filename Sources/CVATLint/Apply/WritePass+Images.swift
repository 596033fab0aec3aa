import Foundation

/// The write pass over `<image>` elements: names, sizes and ids mended, media planned, shapes written.
extension WritePass {
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
        place.subset = subset
        // Ids repeated within a subset of the output get fresh ones past the largest.
        if let id = image.id {
            let fresh = outputImageID(id, subset: subset)
            if fresh != id { set("id", String(fresh)) }
        }
        if let file = resolution?.file { mediaOut.add(file, as: MediaIndex.expectedPath(name: name, subset: subset, level: program.level)) }
        attempt {
            if tagChanged {
                var tag = XMLBytes()
                CVATStyle.startTag("image", attributes, into: &tag)
                try splicer.replace(span.start..<span.tagEnd, with: tag)
            }
            // Shapes, and elements the schema refuses that --drop-invalid leaves out, in document order: every one
            // (an image holds only shapes and tags, and libxml2 names only the first refused element of a run).
            let foreign = invalid == nil ? [] : image.foreign
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
    func dropReason(image: ImageRecord, resolution: MediaResolution?) -> String? {
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
    func rescale(_ image: ImageRecord, file: MediaFile?) -> (width: Int, height: Int, factors: (x: Double, y: Double))? {
        guard !program.rescales.isEmpty, let width = image.width, let height = image.height, width > 0, height > 0,
              let target = program.rescales[ImportAction.sizeText(width, height)], let file,
              let size = mediaHeader(file)?.displayedSize, ImportAction.sizeText(size.width, size.height) == target else { return nil }
        return (size.width, size.height, (Double(size.width) / Double(width), Double(size.height) / Double(height)))
    }

    /// Where a video frame's shapes lie: its declared size, for clipping.
    func framePlace(taskID: Int?) -> ShapePlace {
        guard !program.clippedLabels.isEmpty, let size = frameSize(taskID, nil) else { return ShapePlace() }
        return ShapePlace(size: (Double(size.width), Double(size.height)))
    }

    /// The name (and subset) an image takes: its file's name where a mapping runs, flattened into the
    /// default subset where a relayout runs.
    func outputName(_ name: String, subset: String?, resolution: MediaResolution?) -> (String, String?) {
        var name = resolution.flatMap { program.mappedName(name, resolution: $0) } ?? name
        guard program.level == .project else { return (name, subset) }
        let folder = ExportMeta.defaultedSubset(subset)
        let moves = folder != ExportMeta.defaultSubset ? program.relayoutSubsets.contains(folder)
            : program.relayoutSubsets.contains(ExportMeta.defaultSubset) && name.contains("/")
        guard moves else { return (name, subset) }
        name = (folder == ExportMeta.defaultSubset ? "" : folder + "_") + name.replacingOccurrences(of: "/", with: "_")
        // Unique in images/default/, as CVAT renames a collision: a suffix before the extension.
        let stem = MediaIndex.stem(name), ext = MediaIndex.fileExtension(name)
        var candidate = name
        var suffix = 1
        while !outputNames.insert(candidate).inserted {
            candidate = "\(stem)_\(suffix)\(ext)"
            suffix += 1
        }
        return (candidate, ExportMeta.defaultSubset)
    }

    /// Writes one shape of an image: kept byte for byte, rewritten, or left out.
    func write(_ shape: Shape, label: String, place: ShapePlace) throws {
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
    func replace(_ span: ByteSpan, with texts: [ShapeText], tagEdit: StartTagEdit?) throws {
        if let tagEdit, let tag = splicer.bytes(span.start..<span.tagEnd), let edited = tagEdit.apply(to: tag) {
            try splicer.replace(span.start..<span.tagEnd, with: edited)
        } else {
            try splicer.replace(span.start..<span.end, with: ShapeText.render(texts, indent: splicer.indentation(before: span.start)))
        }
    }
}
