/// `<meta>` as the program needs it: one label per output item, attribute types changed or left out,
/// undeclared labels declared, a job made a task, a task written where there was none, a frame size stated.
/// Returns nil when nothing changes, so that the bytes are copied as they were.
struct MetaRewrite {
    let program: ApplyProgram
    let survey: ApplySurvey
    /// What was left out of `<meta>`, in words, for the manifest.
    private(set) var notes: [String] = []

    mutating func rewrite(_ meta: XMLNode) -> XMLNode? {
        var meta = meta
        var changed = false
        let sections = ["project", "task", "job"]
        if let index = meta.children.firstIndex(where: { sections.contains($0.name) }) {
            if meta.children[index].name == "job", program.jobToTask {
                meta.children[index].name = "task"
                changed = true
            }
            if rewriteLabels(in: &meta.children[index]) { changed = true }
        } else if program.synthesizeTask {
            var task = XMLNode(name: "task", location: meta.location)
            task.children = [XMLNode(name: "name", text: "cvat-lint apply", location: meta.location),
                             XMLNode(name: "labels", location: meta.location)]
            _ = rewriteLabels(in: &task)
            meta.children.insert(task, at: 0)
            changed = true
        }
        if let size = program.originalSize,
           DeclareOriginalSize.write(task: size.task, width: size.width, height: size.height, into: &meta) {
            changed = true
        } else if program.leavesOutUnreadableSizes, DeclareOriginalSize.removeUnreadable(from: &meta) {
            notes.append("an <original_size> without a whole-number width and height left out (original_size_invalid)")
            changed = true
        }
        // Images a relayout moved into the default subset are its images now: their tasks, and the project's list of
        // subsets, say so (else the output names subsets none of its images is in, and its check says that).
        let moved = program.relayoutSubsets.subtracting([ExportMeta.defaultSubset])
        if !moved.isEmpty, Self.moveSubsets(moved, in: &meta) { changed = true }
        if program.removesStrayLabels,
           leaveOut(survey.meta?.unnamedStrayLabels ?? [], from: &meta, "<label>", "outside the label list without a name", "label_misplaced") {
            changed = true
        }
        if program.removesMetaAnnotations,
           leaveOut(survey.meta?.annotationElements ?? [], from: &meta, "<image> or <track> element", "inside <meta>", "annotation_in_meta") {
            changed = true
        }
        return changed ? meta : nil
    }

    /// Leaves `nodes` (found in the surveyed `<meta>`) out of `meta`, noted for the manifest; true when any was.
    private mutating func leaveOut(_ nodes: [XMLNode], from meta: inout XMLNode, _ noun: String, _ place: String,
                                   _ issueType: String) -> Bool {
        let names = Set(nodes.map(\.name)), places = Set(nodes.map(\.location))
        guard !nodes.isEmpty, meta.removeDescendants(where: { names.contains($0.name) && places.contains($0.location) }) else {
            return false
        }
        notes.append("\(counted(nodes.count, noun)) \(place) left out (\(issueType))")
        return true
    }

    /// The section's `<labels>` rebuilt; true when anything differs.
    private mutating func rewriteLabels(in section: inout XMLNode) -> Bool {
        // A further <labels> (never CVAT's) joins the first, so each of its labels is rewritten like the rest.
        let joined = section.joinChildren(named: "labels")
        let index = section.children.firstIndex { $0.name == "labels" } ?? {
            section.children.append(XMLNode(name: "labels", location: section.location))
            return section.children.count - 1
        }()
        let original = section.children[index]
        var labels: [XMLNode] = []
        var declared: Set<String> = []
        var declaredElements: Set<String> = []
        for node in original.children {
            guard node.name == "label" else {
                labels.append(node)
                continue
            }
            let name = node.value("name") ?? ""
            if let parent = node.value("parent"), !parent.isEmpty {
                declaredElements.insert("\(parent)\u{0}\(name)")
                var element = adjusted(node, label: name, surveyKey: "\(parent)\u{0}\(name)")
                let newParent = program.itemName(label: parent, kind: .skeleton)
                if newParent != parent { set(&element, "parent", newParent) }
                labels.append(element)
                continue
            }
            // A name declared twice makes every lookup ambiguous; with --drop-invalid the first declaration stays.
            guard declared.insert(name).inserted || !program.options.dropInvalid else {
                notes.append("label '\(name)': a second declaration left out (label_name_duplicate)")
                continue
            }
            let items = program.itemNames(of: name)
            guard !items.isEmpty else {
                labels.append(adjusted(node, label: name, surveyKey: name))
                continue
            }
            for (itemName, kinds) in Self.grouped(items) {
                var copy = adjusted(node, label: name, surveyKey: name)
                if itemName != name { set(&copy, "name", itemName) }
                // A label split or converted by apply, whose type names one kind, takes the kind it is now
                // drawn as (a type that disagrees with the input is the input's own, and stays).
                let drawn = survey.kinds(of: name)
                if kinds.count == 1, let kind = kinds.first, itemName != name || !drawn.contains(kind),
                   let type = copy.value("type"), type != "any", ShapeKind(labelType: type) != kind {
                    set(&copy, "type", Self.labelType(kind))
                }
                labels.append(copy)
            }
        }
        // Labels the shapes use and <meta> does not declare: declared, with the attributes they carry as text. An
        // empty name (a shape without its label) cannot be declared: those shapes keep their error.
        for label in survey.labelOrder where !label.isEmpty && !declared.contains(label) {
            for (itemName, kinds) in Self.grouped(program.itemNames(of: label)) {
                labels.append(newLabel(itemName, type: kinds.count == 1 ? Self.labelType(kinds[0]) : "any", parent: nil,
                                       surveyKey: label, dropped: program.droppedAttributes[label]))
            }
        }
        for (skeleton, elements) in survey.elementsBySkeleton.sorted(by: { $0.key < $1.key }) {
            for element in elements where !element.isEmpty && !declaredElements.contains("\(skeleton)\u{0}\(element)") {
                labels.append(newLabel(element, type: "points", parent: program.itemName(label: skeleton, kind: .skeleton),
                                       surveyKey: "\(skeleton)\u{0}\(element)", dropped: program.droppedAttributes[element]))
            }
        }
        var rebuilt = original
        rebuilt.children = labels
        let changed = joined || CVATStyle.node(rebuilt, indent: "") != CVATStyle.node(original, indent: "")
        section.children[index] = rebuilt
        return changed
    }

    /// A label spec with its attributes as the program has them; `surveyKey` is where the survey keeps its use.
    private func adjusted(_ label: XMLNode, label name: String, surveyKey: String) -> XMLNode {
        var label = label
        // The names it declares, 1.0 text specs included, as the check read them.
        let names = LabelSpec(node: label).attributes.map(\.name)
        let declared = DeclareAttribute.specs(for: name, listed: names, surveyKey: surveyKey, program: program, survey: survey)
        Self.gatherSpecs(in: &label, addingSection: !declared.isEmpty)
        guard let index = label.children.firstIndex(where: { $0.name == "attributes" }) else { return label }
        let dropped = program.droppedAttributes[name] ?? []
        let types = program.attributeTypes[name] ?? [:]
        let immutable = program.immutableLabels.contains(name)
        label.children[index].children = label.children[index].children.compactMap { written in
            guard written.name == "attribute" else { return written }
            // A 1.0 text spec ("@select=model:a,b,c") becomes the 1.1 elements it stands for where the target
            // refuses the text form (Datumaro's reader stops on it); elsewhere the file stays as it was.
            let isTextForm = program.rewritesTextSpecs && written.children.isEmpty && !written.text.trimmingSpaces().isEmpty
            var attribute = isTextForm ? Self.elements(of: AttributeSpec(dsl: written.text.trimmingSpaces(), location: written.location),
                                                       at: written.location) : written
            // A 1.1 spec without <name> is one no shape can name: left out (CVAT's project import trips on it).
            guard let attributeName = attribute.value("name") else { return attribute.children.isEmpty ? attribute : nil }
            if dropped.contains(attributeName) { return nil }
            // Without <input_type>, text: the type that holds every value its shapes carry (where CVAT writes it).
            if attribute.child("input_type") == nil {
                let position = attribute.children.lastIndex { ["name", "mutable"].contains($0.name) }.map { $0 + 1 } ?? 0
                attribute.children.insert(XMLNode(name: "input_type", text: "text", location: attribute.location), at: position)
            }
            if let type = types[attributeName] {
                let from = attribute.value("input_type")
                set(&attribute, "input_type", type)
                // A number's values are min, max and step; as text they become its default.
                if type == "text", from == "number" { set(&attribute, "values", attribute.value("default_value") ?? "") }
            }
            if immutable, attribute.value("mutable") == "True" { set(&attribute, "mutable", "False") }
            // Values the shapes hold outside the list join it (declareAttributeValue), one per line as CVAT writes them.
            if let added = program.declaredValues[name]?[attributeName], !added.isEmpty {
                let listed = attribute.child("values")?.text ?? ""
                set(&attribute, "values", DeclareAttributeValue.values(listed, adding: added))
            }
            return attribute
        } + declared
        return label
    }

    /// Every spec of the label in one `<attributes>`, where the first was (or last): the check read those elsewhere
    /// under the label too (never CVAT's layout, but Datumaro reads them), so each is rewritten like the rest.
    private static func gatherSpecs(in label: inout XMLNode, addingSection: Bool) {
        let specs = LabelSpec.takeSpecs(from: &label)
        _ = label.joinChildren(named: "attributes")
        if let first = label.children.firstIndex(where: { $0.name == "attributes" }) {
            label.children[first].children += specs
        } else if !specs.isEmpty || addingSection {
            label.children.append(XMLNode(name: "attributes", children: specs, location: label.location))
        }
    }

    /// A label the shapes use and `<meta>` lacks, with the attributes they carry as text (mutable where a track carries them).
    private func newLabel(_ name: String, type: String, parent: String?, surveyKey: String, dropped: Set<String>?) -> XMLNode {
        let place = SourceLocation(line: 0, column: 0)
        var children = [XMLNode(name: "name", text: name, location: place),
                        XMLNode(name: "color", text: Self.color(for: name), location: place),
                        XMLNode(name: "type", text: type, location: place)]
        if let parent { children.append(XMLNode(name: "parent", text: parent, location: place)) }
        let specs = survey.attributes(of: surveyKey).filter { !(dropped?.contains($0) ?? false) }.map { attribute in
            DeclareAttribute.textSpec(attribute, mutable: DeclareAttribute.isMutable(attribute, label: name, surveyKey: surveyKey,
                                                                                     program: program, survey: survey))
        }
        children.append(XMLNode(name: "attributes", children: specs, location: place))
        return XMLNode(name: "label", children: children, location: place)
    }

    /// A spec as CVAT 1.1 writes it: name, mutable, input type, default value, values one per line.
    static func elements(of spec: AttributeSpec, at place: SourceLocation) -> XMLNode {
        XMLNode(name: "attribute", children: [
            XMLNode(name: "name", text: spec.name, location: place),
            XMLNode(name: "mutable", text: spec.mutable == true ? "True" : "False", location: place),
            XMLNode(name: "input_type", text: spec.inputType, location: place),
            XMLNode(name: "default_value", text: spec.defaultValue ?? "", location: place),
            XMLNode(name: "values", text: spec.values.joined(separator: "\n"), location: place),
        ], location: place)
    }

    /// Sets a leaf child's text, adding the child when it is missing.
    private func set(_ node: inout XMLNode, _ child: String, _ text: String) {
        if let index = node.children.firstIndex(where: { $0.name == child }) {
            node.children[index].text = text
            node.children[index].children = []
        } else {
            node.children.append(XMLNode(name: child, text: text, location: node.location))
        }
    }

    /// Every `<subset>` below `node` that names a moved subset names the default one instead, and a `<subsets>` list
    /// names it in their place, once; true when any did.
    static func moveSubsets(_ moved: Set<String>, in node: inout XMLNode) -> Bool {
        var changed = false
        for index in node.children.indices {
            let child = node.children[index]
            if child.name == "subset", child.children.isEmpty, moved.contains(child.text.trimmingSpaces()) {
                node.children[index].text = ExportMeta.defaultSubset
                changed = true
            } else if child.name == "subsets", child.children.isEmpty {
                var listed: [String] = []
                for line in child.text.split(separator: "\n", omittingEmptySubsequences: false) {
                    let name = moved.contains(String(line).trimmingSpaces()) ? ExportMeta.defaultSubset : String(line)
                    if !listed.contains(name) { listed.append(name) }
                }
                let text = listed.joined(separator: "\n")
                if text != child.text {
                    node.children[index].text = text
                    changed = true
                }
            } else if moveSubsets(moved, in: &node.children[index]) {
                changed = true
            }
        }
        return changed
    }

    /// Output names in order, each with the kinds drawn under it.
    static func grouped(_ items: [(kind: ShapeKind, name: String)]) -> [(String, [ShapeKind])] {
        var order: [String] = []
        var kinds: [String: [ShapeKind]] = [:]
        for item in items {
            if kinds[item.name] == nil { order.append(item.name) }
            kinds[item.name, default: []].append(item.kind)
        }
        return order.map { ($0, kinds[$0] ?? []) }
    }

    /// CVAT's label type for a kind.
    static func labelType(_ kind: ShapeKind) -> String { kind == .box ? "rectangle" : kind.rawValue }

    /// A stable colour from the name (CVAT wants one; any will do).
    static func color(for name: String) -> String {
        var hash: UInt32 = 2_166_136_261
        for byte in name.utf8 { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        let hex = String(hash & 0xFFFFFF, radix: 16)
        return "#" + String(repeating: "0", count: 6 - hex.count) + hex
    }
}
