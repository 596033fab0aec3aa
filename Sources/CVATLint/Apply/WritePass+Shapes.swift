import Foundation

/// What becomes of one shape in the write pass: repairs, label splits, conversions, fields and attributes left off.
extension WritePass {
    enum Outcome {
        /// As it was, byte for byte; `steps` name what it was counted under (a value declared in `<meta>`).
        case keep(steps: [String])
        case drop(step: String)
        /// The shape's new text; `tagEdit` when it differs from the input only in its start tag.
        case write([ShapeText], label: String, kind: ShapeKind, steps: [String], tagEdit: StartTagEdit?)
    }

    /// What becomes of one shape: the label it points at after splits, its kind after conversions, the
    /// attributes and fields left off, its points split; `keep` when nothing changes.
    func transform(_ original: Shape, label: String, attributes given: [XMLAttribute], labelled: Bool, splits: Bool,
                   steps initial: [String] = [], forceWrite: Bool = false, place: ShapePlace = ShapePlace()) -> Outcome {
        if let reason = dropReason(original, label: label, splits: splits) { return .drop(step: "drop-invalid:\(reason)") }
        guard let kind = program.outputKind(label: label, kind: original.kind) else { return .drop(step: "dropAnnotation") }
        // Repairs first: what they mend is converted, split and renamed like any other shape.
        let (shape, repairSteps) = ShapeRepairs.apply(original, label: label, program: program, place: place)
        var input = given
        if !repairSteps.isEmpty {
            let repaired = Dictionary(shape.xmlAttributes.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
            input = given.map { attribute in
                guard attribute.role.field == .points || attribute.role.field == .geometry || attribute.name == "rle",
                      let value = repaired[attribute.name] else { return attribute }
                return XMLAttribute(name: attribute.name, value: value)
            }
        }
        var steps = initial + repairSteps
        // Repairs in <meta> alone: the shape keeps its bytes, counted under the repair.
        let noted = (DeclareAttributeValue.holdsDeclaredValue(shape, label: label, program: program) ? ["declareAttributeValue"] : [])
            + (DeclareAttribute.carriesDeclared(shape, label: label, program: program) ? ["declareAttribute"] : [])
        let name = program.itemName(label: label, kind: kind)
        var attributes = input
        if labelled, name != label, let index = attributes.firstIndex(where: { $0.role.field == .label }) {
            attributes[index] = XMLAttribute(name: "label", value: name, role: attributes[index].role)
            steps.append("splitLabel")
        }
        let droppedFields = program.droppedFields(of: label)
        if stripFields(&attributes, dropping: droppedFields) { steps.append("dropField") }
        if kind == .tag, program.statesTagSubsets, let subset = place.subset, TagSubsets.state(subset, on: &attributes) {
            steps.append("tagSubset")
        }
        if GroupRenumber.renumber(&attributes, largest: survey.largestGroupID) { steps.append("groupID") }
        var values = shape.attributes
        if let dropped = program.droppedAttributes[label], values.contains(where: { dropped.contains($0.name) }) {
            values.removeAll { dropped.contains($0.name) }
            steps.append("dropAttribute")
        }
        var elements: [ShapeText] = []
        // A track frame that stays one: its elements' keyframe is its own.
        let trackKeyframe = forceWrite ? nil : given.first { $0.role.field == .keyframe }?.value
        for element in shape.elements {
            // A video frame made an image shape: its elements lose their frame fields too.
            var elementAttributes = forceWrite
                ? element.xmlAttributes.filter { $0.role.field != .frame && $0.role.field != .keyframe } : element.xmlAttributes
            if SkeletonElementFlags.complete(&elementAttributes, trackKeyframe: trackKeyframe, dropping: droppedFields,
                                             target: program.target),
               !steps.contains("elementFlags") {
                steps.append("elementFlags")
            }
            if stripFields(&elementAttributes, dropping: droppedFields), !steps.contains("dropField") { steps.append("dropField") }
            var elementValues = element.attributes
            if let dropped = program.droppedAttributes[element.label], elementValues.contains(where: { dropped.contains($0.name) }) {
                elementValues.removeAll { dropped.contains($0.name) }
                if !steps.contains("dropAttribute") { steps.append("dropAttribute") }
            }
            elements.append(ShapeText(kind: "points", attributes: elementAttributes, values: elementValues))
        }
        var texts = [ShapeText(kind: kind.rawValue, attributes: attributes, values: values, elements: elements)]
        if kind != shape.kind {
            guard let polygons = PolygonConversion.polygons(for: shape) else { return .drop(step: "convertShape:unconvertible") }
            func isGeometry(_ attribute: XMLAttribute) -> Bool {
                switch attribute.role.field {
                case .points, .rotation: true
                case .geometry: attribute.role.geometryKind == shape.kind
                default: attribute.name == "rle"
                }
            }
            texts = polygons.map { polygon in
                var converted: [XMLAttribute] = []
                var placed = false
                for attribute in attributes {
                    if isGeometry(attribute) {
                        if !placed { converted.append(XMLAttribute(name: "points", value: "")) }
                        placed = true
                    } else {
                        converted.append(attribute)
                    }
                }
                if !placed { converted.append(XMLAttribute(name: "points", value: "")) }
                return ShapeText(kind: kind.rawValue, attributes: converted, values: values, points: polygon)
            }
            steps.append(program.conversionCauses[ApplyProgram.LabelKind(label: label, kind: shape.kind)] ?? "convertShape")
            // A shape made polygons is clipped as polygons (an ellipse or cuboid cannot be clipped as itself).
            if let size = place.size, program.clippedLabels.contains(label) {
                var clipped = false
                texts = texts.map { text in
                    guard let points = text.points, let ring = ClipToImage.clippedPolygon(points, size: size) else { return text }
                    clipped = true
                    var copy = text
                    copy.points = ring
                    return copy
                }
                if clipped, !steps.contains("clipToImage") { steps.append("clipToImage") }
            }
        }
        if splits, kind == .polygon, shape.kind == .polygon, let points = shape.points {
            switch RepairPolygon.repair(points, label: label, program: program) {
            case let .split(pieces, pieceSlivers):
                texts = pieces.map { piece in
                    ShapeText(kind: kind.rawValue, attributes: texts[0].attributes, values: values, elements: texts[0].elements, points: piece)
                }
                slivers += pieceSlivers
                steps.append("repairPolygon")
            case .unrepairable where invalid != nil:
                // The repair marked no polygon for `--drop-invalid` (it mends the issue type): what it
                // cannot mend is left out here.
                return .drop(step: "drop-invalid:polygon_self_intersecting")
            case .unrepairable, .untouched:
                break
            }
        }
        if splits, kind == .points, program.pointSplits.contains(label), let points = shape.points, points.count > 1 {
            texts = points.map { point in
                ShapeText(kind: kind.rawValue, attributes: texts[0].attributes, values: values, points: [point])
            }
            steps.append("splitPoints")
        }
        // A child other than <attribute> (and a skeleton's <points>), which the schema refuses (libxml2 names
        // only the first of a run) and importers skip, is left out under --drop-invalid: the shape is written
        // from what was read.
        if invalid != nil, original.holdsForeignChild || original.elements.contains(where: \.holdsForeignChild) {
            steps.append("refusedChild")
        }
        if steps.isEmpty, !forceWrite { return .keep(steps: noted) }
        steps += noted
        // Fields left off and the label renamed, nothing else, on attributes as read (no step came in: a
        // track frame's keyframe fix is one, and a video frame is written anew; nor points made anew, as a
        // repair into one piece makes): an edit of the start tag.
        var tagEdit: StartTagEdit?
        if kind == shape.kind, texts.count == 1, texts[0].points == nil, elements.isEmpty, initial.isEmpty, repairSteps.isEmpty, !forceWrite,
           !steps.contains("dropAttribute"), !steps.contains("groupID"), !steps.contains("refusedChild"),
           input.count == shape.xmlAttributes.count {
            var edit = StartTagEdit(removing: input.filter { droppedFields.contains($0.role.field) }.map(\.name))
            if labelled, name != label { edit.label = name }
            tagEdit = edit.isEmpty ? nil : edit
        }
        return .write(texts, label: name, kind: kind, steps: steps, tagEdit: tagEdit)
    }

    /// Why `--drop-invalid` leaves the shape out: a broken place on it that no repair mends (every place is
    /// judged, so that a value the program respells does not keep a shape another broken value is on).
    func dropReason(_ shape: Shape, label: String, splits: Bool, ignoring: Set<String> = []) -> String? {
        invalid?.reason(for: shape, label: label, ignoring: ignoring) { type, value, owner in
            switch type {
            case "polygon_self_intersecting": splits && program.polygonRepairs.contains(owner)
            case "attribute_value_not_in_list", "attribute_value_not_boolean":
                value.map { program.repairsValue($0.value, label: owner, attribute: $0.name) } ?? false
            default: false
            }
        }
    }

    /// Leaves off the built-in fields `dropped`; true when one was there.
    func stripFields(_ attributes: inout [XMLAttribute], dropping dropped: [ShapeAttributeRole.Field]) -> Bool {
        guard !dropped.isEmpty, attributes.contains(where: { dropped.contains($0.role.field) }) else { return false }
        attributes.removeAll { dropped.contains($0.role.field) }
        return true
    }
}
