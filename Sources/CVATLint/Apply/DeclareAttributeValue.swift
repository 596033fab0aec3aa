/// `declareAttributeValue`: the value joins the attribute's list in `<meta>` (`MetaRewrite` writes it);
/// the shapes that hold it keep their bytes and are counted as repaired.
enum DeclareAttributeValue {
    /// Whether a value the shape (or an element) holds is one a `declareAttributeValue` adds to its list:
    /// the shape keeps its bytes, and is counted as repaired.
    static func holdsDeclaredValue(_ shape: Shape, label: String, program: ApplyProgram) -> Bool {
        guard !program.declaredValues.isEmpty else { return false }
        return shape.holdsValue(label: label) { value, label in
            program.declaredValues[label]?[value.name]?.contains(value.value.withoutASCIISpacesAtEdges) == true
        }
    }

    /// The `<values>` text with `added` after the declared ones, one per line as CVAT writes them.
    static func values(_ listed: String, adding added: [String]) -> String {
        let joined = added.joined(separator: "\n")
        return listed.isEmpty ? joined : listed + "\n" + joined
    }
}
