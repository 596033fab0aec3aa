/// The flags CVAT's importer reads from every skeleton element with no default (`load_anno` takes
/// `el.attrib["outside"]`, `el.attrib["occluded"]` and, in a track, `el.attrib["keyframe"]`): an element
/// without one stops the whole import with a KeyError. Written where missing, as the values CVAT means by
/// leaving them out; a lossless mend `apply` always makes.
enum SkeletonElementFlags {
    /// Adds each flag the element lacks (`outside` and `occluded` as 0; in a track, `keyframe` as its frame's),
    /// unless the run drops that field or the target does not take it; true when one was added.
    static func complete(_ attributes: inout [XMLAttribute], trackKeyframe: String?, dropping dropped: [ShapeAttributeRole.Field],
                         target: TargetProfile) -> Bool {
        var missing: [XMLAttribute] = []
        if let trackKeyframe, !attributes.contains(where: { $0.role.field == .keyframe }) {
            missing.append(XMLAttribute(name: "keyframe", value: trackKeyframe))
        }
        for (field, name) in [(ShapeAttributeRole.Field.outside, "outside"), (.occluded, "occluded")]
        where !attributes.contains(where: { $0.role.field == field }) {
            missing.append(XMLAttribute(name: name, value: "0"))
        }
        missing.removeAll { dropped.contains($0.role.field) || target.field($0.name).status == .dropped }
        guard !missing.isEmpty else { return false }
        // Where CVAT writes them: before the points.
        let position = attributes.firstIndex { $0.role.field == .points } ?? attributes.count
        attributes.insert(contentsOf: missing, at: position)
        return true
    }
}
