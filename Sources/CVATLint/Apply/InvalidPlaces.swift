/// Where the check found annotations and images broken beyond repair (for `--drop-invalid`): every
/// occurrence of an error whose issue type is one an annotation or image can be left out for.
struct InvalidPlaces {
    /// Issue types that mark the annotation (or image) they point at as broken, and which a lossless
    /// fix does not mend first (undeclared labels are declared, keyframe-less tracks get keyframes).
    static let droppable: Set<String> = [
        "number_not_finite", "rotation_out_of_range", "box_inverted", "too_few_points", "ellipse_radius",
        "cuboid_degenerate", "skeleton_element_points", "skeleton_empty", "skeleton_element_repeated",
        "attribute_value_not_boolean", "attribute_value_not_in_list", "attribute_value_not_a_number",
        "attribute_value_out_of_range", "attribute_value_off_step",
        "mask_rle_sum", "mask_box_empty", "polygon_self_intersecting",
        "track_frame_off_grid", "track_frames_not_increasing", "track_mixes_shape_kinds",
        "media_size_mismatch", "media_empty", "media_not_image", "media_header_unreadable", "media_unreadable",
        "image_name_duplicate", "image_name_differs_only_in_extension", "schema",
    ]

    /// Errors `apply` always mends without loss: undeclared labels are declared, keyframe-less tracks get
    /// keyframes on every frame they write, repeated ids are renumbered.
    static let mendedByApply: Set<String> = ["label_not_declared", "track_without_keyframe", "image_id_duplicate", "track_id_duplicate"]

    /// Errors about a whole image (its media missing) or a whole label declaration (declared twice) that
    /// `--drop-invalid` mends by leaving it out; they are not occurrences at annotations.
    static let droppedWhole: Set<String> = ["media_missing", "label_name_duplicate"]

    /// A schema error the keyframe fix mends: a track frame without its `keyframe` flag, which apply writes.
    static func isMendedByKeyframeFix(_ finding: Finding) -> Bool {
        finding.rule == "schema" && finding.message.contains("required attribute 'keyframe'")
    }

    /// Issue types that concern a track as a whole when it stays a track.
    static let trackWide: Set<String> = ["track_frame_off_grid", "track_frames_not_increasing", "track_mixes_shape_kinds", "schema"]

    private var places: [SourceLocation: String] = [:]
    /// Lines holding a place, sorted, for finding which track holds one.
    private var lines: [(line: Int, issueType: String)] = []

    /// Keeps the occurrences whose issue type is droppable and, in this check, an error.
    init(occurrences: [(String, SourceLocation)], errorTypes: Set<String>) {
        for (issueType, location) in occurrences
        where Self.droppable.contains(issueType) && errorTypes.contains(issueType) && places[location] == nil {
            places[location] = issueType
            lines.append((location.line, issueType))
        }
        lines.sort { $0.line < $1.line }
    }

    var isEmpty: Bool { places.isEmpty }

    /// Why an image (at its own place) is left out, if it is.
    func reason(forImageAt location: SourceLocation) -> String? { places[location] }

    /// Why a shape is left out: a broken place at it, its attributes, its elements or theirs.
    func reason(for shape: Shape, ignoring: Set<String> = []) -> String? {
        func at(_ location: SourceLocation) -> String? {
            guard let type = places[location], !ignoring.contains(type) else { return nil }
            return type
        }
        if let type = at(shape.location) { return type }
        for value in shape.attributes { if let type = at(value.location) { return type } }
        for element in shape.elements {
            if let type = at(element.location) { return type }
            for value in element.attributes { if let type = at(value.location) { return type } }
        }
        return nil
    }

    /// Why a track that stays a track is left out: any broken place on the lines it spans.
    func reason(forTrackLines range: ClosedRange<Int>) -> String? {
        var low = 0, high = lines.count
        while low < high {
            let middle = (low + high) / 2
            if lines[middle].line < range.lowerBound { low = middle + 1 } else { high = middle }
        }
        return low < lines.count && lines[low].line <= range.upperBound ? lines[low].issueType : nil
    }
}
