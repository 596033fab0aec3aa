/// What an import stage should do about a finding. Encoded as `{"type": "splitLabel", …fields}`.
public enum ImportAction: Sendable, Hashable, Codable {
    /// Make one target item per shape kind: `label` drawn as `shape` goes to item `into`.
    case splitLabel(label: String, shape: String, into: String)
    /// Turn `label`'s shapes of kind `from` into `to` (e.g. box → polygon).
    case convertShape(label: String, from: String, to: String)
    /// Turn an attribute of input type `from` into target type `to` (e.g. number → text).
    case convertAttribute(label: String, attribute: String, from: String, to: String)
    /// Leave an attribute out (the target cannot hold it, or the label does not declare it).
    case dropAttribute(label: String, attribute: String)
    /// Leave a built-in field out (occluded, z_order, group_id, source, …).
    case dropField(label: String?, field: String)
    /// Turn every `<points>` of `label` holding several points into one shape per point, each going to item `into`.
    case splitPoints(label: String, into: String)
    /// Leave annotations of `label` drawn as `shape` out.
    case dropAnnotation(label: String, shape: String)
    /// Do not upload a media file.
    case skipMedia(file: String)
    /// Match a media file to the XML name it stands for.
    case mapMediaName(file: String, name: String)
    /// Match many files by one rule: every XML name ending in `from` ("" for none) stands for the file of
    /// the same name with `to` as its ending instead, after `normalization` (NFC or NFD) of the name when
    /// set; `count` names follow it, `example` is the first.
    case mapMediaNames(from: String, to: String, normalization: String?, count: Int, example: String)
    /// Move the `count` project images of `subset` (or, for `default`, those whose names hold folders)
    /// to `images/default/` under flat, unique names, the XML following.
    case relayoutMedia(subset: String, count: Int)
    /// Export again from CVAT in another format or at another level.
    case reexport(format: String, level: String?)
    /// Declare in `<meta>` an attribute `label`'s shapes carry and the label lacks (as text), so that its values
    /// reach an importer that keeps declared attributes only.
    case declareAttribute(label: String, attribute: String)
    /// Add `value` to the declared values of `label`'s attribute, so the values it holds are all declared.
    case declareAttributeValue(label: String, attribute: String, value: String)
    /// Write the declared spelling `to` wherever `label`'s attribute holds `from` (from configuration).
    case mapAttributeValue(label: String, attribute: String, from: String, to: String)
    /// Split each self-intersecting polygon of `label` at its crossings into simple polygons covering its area.
    case repairPolygon(label: String)
    /// Scale the coordinates of images declared `from` (`W×H`) whose files are `to`, by one uniform ratio.
    case rescaleToMedia(from: String, to: String, count: Int)
    /// Clip the shapes of `label` that reach outside their image to the image.
    case clipToImage(label: String)
    /// Write `<original_size>` (`width` × `height`, a frame file's) for task `task` (nil: the export's only task
    /// or job), so that an importer sizing every track by `<meta>` alone can read the tracks.
    case declareOriginalSize(task: Int?, width: Int, height: Int)

    private enum Kind: String, Codable {
        case splitLabel, convertShape, convertAttribute, dropAttribute, dropField, dropAnnotation, splitPoints, skipMedia,
             mapMediaName, mapMediaNames, relayoutMedia, reexport, declareAttribute, declareAttributeValue, mapAttributeValue, repairPolygon,
             rescaleToMedia, clipToImage, declareOriginalSize
    }

    private enum Keys: String, CodingKey {
        case type, label, shape, into, from, to, attribute, field, file, name, format, level, normalization, count, example, subset, value,
             task, width, height
    }

    /// The action's type and its fields, in order; nil values are left out.
    private var parts: (Kind, [(Keys, String?)]) {
        switch self {
        case let .splitLabel(label, shape, into): (.splitLabel, [(.label, label), (.shape, shape), (.into, into)])
        case let .convertShape(label, from, to): (.convertShape, [(.label, label), (.from, from), (.to, to)])
        case let .convertAttribute(label, attribute, from, to):
            (.convertAttribute, [(.label, label), (.attribute, attribute), (.from, from), (.to, to)])
        case let .dropAttribute(label, attribute): (.dropAttribute, [(.label, label), (.attribute, attribute)])
        case let .dropField(label, field): (.dropField, [(.label, label), (.field, field)])
        case let .dropAnnotation(label, shape): (.dropAnnotation, [(.label, label), (.shape, shape)])
        case let .splitPoints(label, into): (.splitPoints, [(.label, label), (.into, into)])
        case let .skipMedia(file): (.skipMedia, [(.file, file)])
        case let .mapMediaName(file, name): (.mapMediaName, [(.file, file), (.name, name)])
        case let .mapMediaNames(from, to, normalization, _, example):
            (.mapMediaNames, [(.from, from), (.to, to), (.normalization, normalization), (.example, example)])
        case let .relayoutMedia(subset, _): (.relayoutMedia, [(.subset, subset)])
        case let .reexport(format, level): (.reexport, [(.format, format), (.level, level)])
        case let .declareAttribute(label, attribute): (.declareAttribute, [(.label, label), (.attribute, attribute)])
        case let .declareAttributeValue(label, attribute, value):
            (.declareAttributeValue, [(.label, label), (.attribute, attribute), (.value, value)])
        case let .mapAttributeValue(label, attribute, from, to):
            (.mapAttributeValue, [(.label, label), (.attribute, attribute), (.from, from), (.to, to)])
        case let .repairPolygon(label): (.repairPolygon, [(.label, label)])
        case let .rescaleToMedia(from, to, _): (.rescaleToMedia, [(.from, from), (.to, to)])
        case let .clipToImage(label): (.clipToImage, [(.label, label)])
        case .declareOriginalSize: (.declareOriginalSize, [])
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        let (kind, fields) = parts
        try container.encode(kind, forKey: .type)
        for (key, value) in fields { try container.encodeIfPresent(value, forKey: key) }
        if case let .mapMediaNames(_, _, _, count, _) = self { try container.encode(count, forKey: .count) }
        if case let .relayoutMedia(_, count) = self { try container.encode(count, forKey: .count) }
        if case let .rescaleToMedia(_, _, count) = self { try container.encode(count, forKey: .count) }
        if case let .declareOriginalSize(task, width, height) = self {
            try container.encodeIfPresent(task, forKey: .task)
            try container.encode(width, forKey: .width)
            try container.encode(height, forKey: .height)
        }
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        func text(_ key: Keys) throws -> String { try container.decode(String.self, forKey: key) }
        func optional(_ key: Keys) throws -> String? { try container.decodeIfPresent(String.self, forKey: key) }
        switch try container.decode(Kind.self, forKey: .type) {
        case .splitLabel: self = .splitLabel(label: try text(.label), shape: try text(.shape), into: try text(.into))
        case .convertShape: self = .convertShape(label: try text(.label), from: try text(.from), to: try text(.to))
        case .convertAttribute:
            self = .convertAttribute(label: try text(.label), attribute: try text(.attribute), from: try text(.from),
                                     to: try text(.to))
        case .dropAttribute: self = .dropAttribute(label: try text(.label), attribute: try text(.attribute))
        case .dropField: self = .dropField(label: try optional(.label), field: try text(.field))
        case .dropAnnotation: self = .dropAnnotation(label: try text(.label), shape: try text(.shape))
        case .splitPoints: self = .splitPoints(label: try text(.label), into: try text(.into))
        case .skipMedia: self = .skipMedia(file: try text(.file))
        case .mapMediaName: self = .mapMediaName(file: try text(.file), name: try text(.name))
        case .mapMediaNames:
            self = .mapMediaNames(from: try text(.from), to: try text(.to), normalization: try optional(.normalization),
                                  count: try container.decode(Int.self, forKey: .count), example: try text(.example))
        case .relayoutMedia:
            self = .relayoutMedia(subset: try text(.subset), count: try container.decode(Int.self, forKey: .count))
        case .reexport: self = .reexport(format: try text(.format), level: try optional(.level))
        case .declareAttribute: self = .declareAttribute(label: try text(.label), attribute: try text(.attribute))
        case .declareAttributeValue:
            self = .declareAttributeValue(label: try text(.label), attribute: try text(.attribute), value: try text(.value))
        case .mapAttributeValue:
            self = .mapAttributeValue(label: try text(.label), attribute: try text(.attribute), from: try text(.from), to: try text(.to))
        case .repairPolygon: self = .repairPolygon(label: try text(.label))
        case .rescaleToMedia:
            self = .rescaleToMedia(from: try text(.from), to: try text(.to), count: try container.decode(Int.self, forKey: .count))
        case .clipToImage: self = .clipToImage(label: try text(.label))
        case .declareOriginalSize:
            self = .declareOriginalSize(task: try container.decodeIfPresent(Int.self, forKey: .task),
                                        width: try container.decode(Int.self, forKey: .width),
                                        height: try container.decode(Int.self, forKey: .height))
        }
    }
}

extension ImportAction {
    /// The action's type as the JSON plan spells it (`splitLabel`, …).
    public var typeName: String { parts.0.rawValue }

    /// Whether executing the action keeps every piece of information (in another form), or drops or
    /// approximates some. `apply` runs lossy actions only with `--allow-loss`.
    public var isLossless: Bool { Self.declarations.first { $0.key == typeName }?.value.lossless ?? false }

    /// Whether the action mends an attribute's declaration against the values shapes hold (the attribute or
    /// a value declared, or a value written as its declared spelling): what it touched is a count of uses or
    /// values, which its finding holds, not of annotations per label × kind.
    public var mendsAttributeValues: Bool {
        switch self {
        case .declareAttribute, .declareAttributeValue, .mapAttributeValue: true
        default: false
        }
    }

    /// Every action type: lossless or not, and what `apply` does to execute it.
    public static let declarations: KeyValuePairs<String, (lossless: Bool, effect: String)> = [
        "splitLabel": (true, "one <meta> label per label × kind under the item's name, its attributes copied; each shape points at its item"),
        "convertShape": (false, "box → polygon of its (rotated) corners, ellipse → polygon within 0.25 px, cuboid → polygon of its outline, mask → polygons traced from the RLE; per --ellipses/--cuboids/--masks, drop instead"),
        "convertAttribute": (false, "the <meta> input type changed (select → radio keeps the options; number → text keeps each value, loses min, max and step)"),
        "dropAttribute": (false, "the attribute left out of <meta> and of every shape of the label"),
        "dropField": (false, "the built-in field (occluded, z_order, group_id, source) left off every shape; for mutable, the label's attributes made immutable"),
        "dropAnnotation": (false, "the label's shapes of that kind left out (when --ellipses/--cuboids/--masks drop, or for kinds with no conversion)"),
        "splitPoints": (false, "a <points> of N points becomes N one-point shapes (their grouping into one shape is lost)"),
        "skipMedia": (true, "the file is not written to the output (junk, or a file no image names)"),
        "mapMediaName": (true, "the <image> name set to the file's name, so that XML and files agree"),
        "mapMediaNames": (true, "every <image> name the rule covers set to its file's name"),
        "relayoutMedia": (false, "project images moved to images/default/ under flat unique names (subset prefix, folders joined by _), their subset and their tasks' set to default"),
        "declareAttribute": (true, "the attribute declared in <meta> for the label as text (mutable where a track that stays one carries it); every shape keeps its value"),
        "declareAttributeValue": (true, "the value added to the attribute's declared values in <meta>; every shape keeps what it holds"),
        "mapAttributeValue": (true, "the value written as the declared spelling the configuration maps it to (values: in .cvat-lint.yml), or a checkbox's true or false without the spaces around it"),
        "repairPolygon": (false, "each self-intersecting polygon split at its crossings into simple polygons covering the same area, each with the label, attributes and group (lossy in vertex order; pieces under min_area left out and counted)"),
        "rescaleToMedia": (false, "every coordinate of an image scaled by file size ÷ declared size (one ratio on both axes, to rounding), and its width and height set to the file's (lossy in rounding)"),
        "clipToImage": (false, "the shape clipped to its image: boxes and points clamped, polygons cut along the border, polylines' vertices clamped (ellipses, cuboids, rotated boxes and masks the target keeps stay as they are)"),
        "declareOriginalSize": (true, "<original_size> written in <meta> (in the task, or under <meta> for a job; in place of one without a whole-number width and height) with the size of the first frame file of a video task that shows one, so that an importer sizing tracks by <meta> alone (Datumaro) reads them; the tracks keep their bytes"),
        "reexport": (false, "executed where it can be: a job's <meta><job> becomes <task> (lossless); CVAT for video becomes CVAT for images, each track's visible frames a shape on its frame's <image> (track identity lost); missing media cannot be made (blocking)"),
    ]
}

extension ImportAction {
    /// `2765×1843`: how `rescaleToMedia` names a size.
    public static func sizeText(_ width: Int, _ height: Int) -> String { "\(width)×\(height)" }
}

extension ImportAction {
    /// The action in words, as reports print it: `splitLabel 'car' (box) → 'car (bounding box)'`.
    public var summary: String {
        switch self {
        case let .splitLabel(label, shape, into): "splitLabel '\(label)' (\(shape)) → '\(into)'"
        case let .convertShape(label, from, to): "convertShape '\(label)' \(from) → \(to)"
        case let .convertAttribute(label, attribute, from, to): "convertAttribute '\(label)'.\(attribute) \(from) → \(to)"
        case let .dropAttribute(label, attribute): "dropAttribute '\(label)'.\(attribute)"
        case let .dropField(label, field): "dropField \(field)" + (label.map { " of '\($0)'" } ?? "")
        case let .dropAnnotation(label, shape): "dropAnnotation '\(label)' (\(shape))"
        case let .splitPoints(label, into): "splitPoints '\(label)' → '\(into)'"
        case let .skipMedia(file): "skipMedia \(file)"
        case let .mapMediaName(file, name): "mapMediaName '\(name)' → \(file)"
        case let .mapMediaNames(from, to, _, count, example): "mapMediaNames \(count) names like '\(example)' (\(from.isEmpty ? "∅" : from) → \(to.isEmpty ? "∅" : to))"
        case let .relayoutMedia(subset, count): "relayoutMedia \(count) images of subset '\(subset)' → images/default/"
        case let .reexport(format, level): "reexport as \(format)" + (level.map { " at level \($0)" } ?? "")
        case let .declareAttribute(label, attribute): "declareAttribute '\(label)'.\(attribute)"
        case let .declareAttributeValue(label, attribute, value): "declareAttributeValue '\(label)'.\(attribute) += '\(value)'"
        case let .mapAttributeValue(label, attribute, from, to): "mapAttributeValue '\(label)'.\(attribute) '\(from)' → '\(to)'"
        case let .repairPolygon(label): "repairPolygon '\(label)'"
        case let .rescaleToMedia(from, to, count): "rescaleToMedia \(count) images \(from) → \(to)"
        case let .clipToImage(label): "clipToImage '\(label)'"
        case let .declareOriginalSize(task, width, height):
            "declareOriginalSize \(Self.sizeText(width, height))" + (task.map { " for task \($0)" } ?? "")
        }
    }
}
