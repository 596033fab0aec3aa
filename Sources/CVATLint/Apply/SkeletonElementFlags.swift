/// The flags CVAT's importer reads from every skeleton element with no default (`load_anno` takes
/// `el.attrib["outside"]`, `el.attrib["occluded"]` and, in a track, `el.attrib["keyframe"]`): an element
/// without one stops the whole import with a KeyError. Written where missing, as the values CVAT means by
/// leaving them out; a lossless mend `apply` always makes. The rule that reports them asks the same list.
public enum SkeletonElementFlags {
    /// The flags an element lacks that the target takes (a flag it drops is no loss when absent), in the order
    /// CVAT writes them.
    public static func missing(from attributes: [XMLAttribute], inTrack: Bool, target: TargetProfile) -> [String] {
        (inTrack ? ["keyframe", "outside", "occluded"] : ["outside", "occluded"]).filter { name in
            !attributes.contains { $0.name == name } && target.field(name).status != .dropped
        }
    }

    /// Adds each flag the element lacks (`outside` and `occluded` as 0; in a track, `keyframe` as its frame's),
    /// unless the run drops that field or the target does not take it; true when one was added.
    static func complete(_ attributes: inout [XMLAttribute], trackKeyframe: String?, dropping dropped: [ShapeAttributeRole.Field],
                         target: TargetProfile) -> Bool {
        let added = missing(from: attributes, inTrack: trackKeyframe != nil, target: target)
            .map { XMLAttribute(name: $0, value: $0 == "keyframe" ? trackKeyframe ?? "1" : "0") }
            .filter { !dropped.contains($0.role.field) }
        guard !added.isEmpty else { return false }
        // Where CVAT writes them: before the points.
        let position = attributes.firstIndex { $0.role.field == .points } ?? attributes.count
        attributes.insert(contentsOf: added, at: position)
        return true
    }
}
