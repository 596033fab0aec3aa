/// The subset of its image written on each `<tag>` of a project export that states another or none, where the
/// target reads a subset anew at each tag (CVAT's project import files a tag, and everything after it in the
/// image, under the subset it read last). A lossless mend `apply` makes wherever the check reports
/// `tag_subset_unstated`; CVAT's task import and other readers ignore the attribute.
enum TagSubsets {
    /// Writes `subset` on a tag's attributes, after the ones CVAT writes; true when it changed them.
    static func state(_ subset: String, on attributes: inout [XMLAttribute]) -> Bool {
        if let index = attributes.firstIndex(where: { $0.name == "subset" }) {
            guard attributes[index].value != subset else { return false }
            attributes[index] = XMLAttribute(name: "subset", value: subset)
        } else {
            attributes.append(XMLAttribute(name: "subset", value: subset))
        }
        return true
    }
}
