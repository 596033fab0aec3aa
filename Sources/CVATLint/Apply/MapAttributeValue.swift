/// `mapAttributeValue`: a value outside its list written in the spelling the configuration maps it to, or a
/// checkbox's true or false written without the spaces around it.
enum MapAttributeValue {
    /// Writes mapped spellings into `values`; true when one changed.
    static func respell(_ values: inout [AttributeValue], label: String, program: ApplyProgram) -> Bool {
        guard let spellings = program.valueSpellings[label] else { return false }
        var changed = false
        for index in values.indices {
            guard let byValue = spellings[values[index].name] else { continue }
            // A checkbox's spelling is mapped as written; a value outside a list as the rule compared it (trimmed).
            let value = values[index].value
            if let spelling = byValue[value] ?? byValue[value.withoutASCIISpacesAtEdges] {
                values[index].value = spelling
                changed = true
            }
        }
        return changed
    }
}
