/// Where the check found annotations and images broken beyond repair (for `--drop-invalid`): every
/// occurrence of an error whose issue type is one an annotation or image can be left out for.
struct InvalidPlaces {
    /// Issue types that mark the annotation (or image) they point at as broken, and which a lossless
    /// fix does not mend first (undeclared labels are declared, keyframe-less tracks get keyframes).
    static let droppable: Set<String> = [
        "number_not_finite", "rotation_out_of_range", "box_inverted", "too_few_points", "ellipse_radius",
        "cuboid_degenerate", "skeleton_element_points", "skeleton_empty", "skeleton_element_repeated",
        "attribute_value_not_boolean", "attribute_value_not_in_list", "attribute_value_not_a_number",
        "attribute_value_out_of_range", "attribute_value_off_step", "attribute_value_too_long",
        "mask_rle_sum", "mask_box_empty", "polygon_self_intersecting",
        "track_frame_off_grid", "track_frame_repeated", "track_mixes_shape_kinds", "track_task_undeclared",
        "subset_undeclared", "tracks_size_unstated", "media_size_mismatch", "media_empty", "media_not_image", "media_header_unreadable", "media_unreadable",
        "image_name_duplicate", "image_name_differs_only_in_extension", "image_name_empty", "image_size_zero", "schema",
    ]

    /// Errors `apply` always mends without loss: undeclared labels are declared, keyframe-less tracks get
    /// keyframes on every frame they write, repeated ids are renumbered, media are written under `images/`,
    /// skeleton elements get the flags they lack, an attribute spec without a name is left out of `<meta>` and
    /// one without an input type becomes text, a negative group id gets a fresh one past the largest, a 1.0 text
    /// spec is written as 1.1 elements (where the target refuses the text form), a track's shapes are written in
    /// frame order, a `<label>` outside the label list without a name is left out of `<meta>`, a tag of a project
    /// export states its image's subset, an `<image>` or `<track>` inside `<meta>` is left out.
    static let mendedByApply: Set<String> = [
        "label_not_declared", "track_without_keyframe", "image_id_duplicate", "track_id_duplicate", "media_folder_misnamed",
        "skeleton_element_flags_missing", "attribute_spec_incomplete", "group_id_negative", "attribute_spec_text_form",
        "track_frames_not_increasing", "label_misplaced", "tag_subset_unstated", "annotation_in_meta",
    ]

    /// Errors about a whole image (its media missing), a whole label declaration (declared twice) or an
    /// `<original_size>` no reader can take, that `--drop-invalid` mends by leaving it out; they are not
    /// occurrences at annotations.
    static let droppedWhole: Set<String> = ["media_missing", "label_name_duplicate", "frame_size_unknown", "original_size_invalid"]

    /// A schema error the keyframe fix mends: a track frame without its `keyframe` flag, which apply writes.
    static func isMendedByKeyframeFix(_ finding: Finding) -> Bool {
        finding.rule == "schema" && finding.message.contains("required attribute 'keyframe'")
    }

    /// Issue types that concern a track as a whole when it stays a track.
    static let trackWide: Set<String> = [
        "track_frame_off_grid", "track_frame_repeated", "track_mixes_shape_kinds", "track_task_undeclared",
        "tracks_size_unstated", "subset_undeclared", "schema",
    ]

    /// The droppable types in a fixed order, so that a place stores a byte, not a string.
    private static let typeNames: [String] = droppable.sorted()
    private static let typeIndex: [String: UInt8] = Dictionary(uniqueKeysWithValues: typeNames.enumerated().map { ($1, UInt8($0)) })

    /// One broken place: line and column packed, and the type's index (16 bytes in an array): memory grows
    /// with the broken annotations `--drop-invalid` leaves out, by that much each, never with the export.
    struct Place {
        var key: UInt64
        var type: UInt8
    }

    /// Packs a location so that keys sort as (line, column).
    static func key(_ location: SourceLocation) -> UInt64 {
        UInt64(UInt32(clamping: max(location.line, 0))) << 32 | UInt64(UInt32(clamping: max(location.column, 0)))
    }

    /// Keeps one occurrence noted during the check when its type is droppable at all (which ones are errors is
    /// known only once the check ends).
    static func keep(_ issueType: String, at location: SourceLocation, in places: inout [Place]) {
        guard let type = typeIndex[issueType] else { return }
        places.append(Place(key: key(location), type: type))
    }

    /// Sorted by key, one per place (the first noted).
    private var places: [Place] = []

    /// Keeps the occurrences whose issue type is, in this check, an error.
    init(occurrences: [Place], errorTypes: Set<String>) {
        let errors = Set(errorTypes.compactMap { Self.typeIndex[$0] })
        var kept = occurrences.enumerated().filter { errors.contains($0.element.type) }
        // Stable: the first noted of a place wins, as it did.
        kept.sort { ($0.element.key, $0.offset) < ($1.element.key, $1.offset) }
        for (_, place) in kept where places.last?.key != place.key { places.append(place) }
    }

    private func index(atOrAfter key: UInt64) -> Int {
        var low = 0, high = places.count
        while low < high {
            let middle = (low + high) / 2
            if places[middle].key < key { low = middle + 1 } else { high = middle }
        }
        return low
    }

    private func type(at location: SourceLocation) -> String? {
        let key = Self.key(location)
        let found = index(atOrAfter: key)
        return found < places.count && places[found].key == key ? Self.typeNames[Int(places[found].type)] : nil
    }

    var isEmpty: Bool { places.isEmpty }

    /// Why an image (at its own place) is left out, if it is.
    func reason(forImageAt location: SourceLocation) -> String? { type(at: location) }

    /// Why a shape of `label` is left out: a broken place at it, its attributes, its elements or theirs, unless
    /// `mended` says a repair mends it (given the place's type, the value there if any, and the label it is of).
    func reason(for shape: Shape, label: String, ignoring: Set<String>, mended: (String, AttributeValue?, String) -> Bool) -> String? {
        func at(_ location: SourceLocation, _ value: AttributeValue?, of owner: String) -> String? {
            guard let type = type(at: location), !ignoring.contains(type), !mended(type, value, owner) else { return nil }
            return type
        }
        if let type = at(shape.location, nil, of: label) { return type }
        for value in shape.attributes { if let type = at(value.location, value, of: label) { return type } }
        for element in shape.elements {
            if let type = at(element.location, nil, of: element.label) { return type }
            for value in element.attributes { if let type = at(value.location, value, of: element.label) { return type } }
        }
        return nil
    }

    /// Why a track that stays a track is left out: any broken place on the lines it spans but the schema's refusal
    /// of an element the write pass leaves out of it (`refused`, as keys).
    func reason(forTrackLines range: ClosedRange<Int>, refused: Set<UInt64>) -> String? {
        var found = index(atOrAfter: Self.key(SourceLocation(line: range.lowerBound, column: 0)))
        while found < places.count, Int(places[found].key >> 32) <= range.upperBound {
            let type = Self.typeNames[Int(places[found].type)]
            if type != "schema" || !refused.contains(places[found].key) { return type }
            found += 1
        }
        return nil
    }
}
