/// A negative group id, which CVAT's serializer refuses (groups count from 0), made a fresh one past the
/// largest group of the input: -k becomes largest + k, so shapes that shared a group still share one and
/// join no other. A lossless mend `apply` always makes, counted as the repair `groupID` on the shapes it
/// touches (a track's group is its header's, and its frames stay as they were).
enum GroupRenumber {
    /// The text a negative group id is written as; nil for any other (or one past every integer).
    static func mended(_ value: String, largest: Int) -> String? {
        guard let group = parseInteger(value), group < 0, let distance = Int(exactly: group.magnitude) else { return nil }
        let (fresh, overflow) = max(largest, 0).addingReportingOverflow(distance)
        return overflow ? nil : String(fresh)
    }

    /// Renumbers a negative `group_id` among `attributes`; true when it did.
    static func renumber(_ attributes: inout [XMLAttribute], largest: Int) -> Bool {
        guard let index = attributes.firstIndex(where: { $0.role.field == .groupID }),
              let fresh = mended(attributes[index].value, largest: largest) else { return false }
        attributes[index] = XMLAttribute(name: attributes[index].name, value: fresh, role: attributes[index].role)
        return true
    }
}
