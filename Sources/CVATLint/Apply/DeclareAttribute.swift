/// `declareAttribute`: an attribute the label's shapes carry and `<meta>` does not declare joins the label's
/// specs as text (`MetaRewrite` writes it), so an importer that keeps declared attributes only (CVAT's task
/// import, an ontology built from `<meta>`) keeps its values; the shapes keep their bytes and count as repaired.
enum DeclareAttribute {
    /// Whether the shape (or an element) carries an attribute a `declareAttribute` declares.
    static func carriesDeclared(_ shape: Shape, label: String, program: ApplyProgram) -> Bool {
        guard !program.declaredAttributes.isEmpty else { return false }
        return shape.holdsValue(label: label) { value, label in program.declaredAttributes[label]?.contains(value.name) == true }
    }

    /// The specs to add to a label whose `<attributes>` lists `listed`: the declared names it lacks, in plan order.
    static func specs(for label: String, listed: [String], surveyKey: String, program: ApplyProgram,
                      survey: ApplySurvey) -> [XMLNode] {
        (program.declaredAttributes[label] ?? []).filter { !listed.contains($0) }.map { name in
            textSpec(name, mutable: isMutable(name, label: label, surveyKey: surveyKey, program: program, survey: survey))
        }
    }

    /// Whether an attribute `apply` declares is mutable: where a track that stays one carries it, as CVAT's import
    /// keeps one value of an immutable attribute for the whole track (its last shape's, per bindings.py
    /// `_import_track`), unless the label's attributes are made immutable (`dropField mutable`).
    static func isMutable(_ name: String, label: String, surveyKey: String, program: ApplyProgram, survey: ApplySurvey) -> Bool {
        !program.videoToImages && !program.immutableLabels.contains(label) && survey.isOnTracks(name, of: surveyKey)
    }

    /// A text attribute spec as CVAT 1.1 writes it.
    static func textSpec(_ name: String, mutable: Bool) -> XMLNode {
        let place = SourceLocation(line: 0, column: 0)
        return MetaRewrite.elements(of: AttributeSpec(name: name, mutable: mutable, inputType: "text", defaultValue: "", values: [],
                                                      location: place), at: place)
    }
}
