/// `mapAttributeValue`: a value outside its list written in the spelling the configuration maps it to.
enum MapAttributeValue {
    /// Writes mapped spellings into `values`; true when one changed.
    static func respell(_ values: inout [AttributeValue], label: String, program: ApplyProgram) -> Bool {
        guard let spellings = program.valueSpellings[label] else { return false }
        var changed = false
        for index in values.indices {
            if let spelling = spellings[values[index].name]?[values[index].value.withoutASCIISpacesAtEdges] {
                values[index].value = spelling
                changed = true
            }
        }
        return changed
    }
}
