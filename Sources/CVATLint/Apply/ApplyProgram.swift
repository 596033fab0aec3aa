/// The plan compiled into what the write pass looks up per element: which actions run, and for each
/// label × kind its output label and kind. Built once from the plan, the check's findings and the survey.
struct ApplyProgram {
    struct LabelKind: Hashable {
        var label: String
        var kind: ShapeKind
    }

    let target: TargetProfile
    let options: ApplyOptions
    let level: ExportLevel?
    let format: ExportFormat

    /// Actions that run, in plan order, and those that do not, with why.
    private(set) var executed: [ImportAction] = []
    private(set) var skipped: [SkippedAction] = []

    /// Output label name per input label × output kind.
    private(set) var itemNames: [LabelKind: String] = [:]
    /// The same, by label, in kind order (`<meta>` is rewritten label by label, and a project may have thousands).
    private var itemNamesByLabel: [String: [(kind: ShapeKind, name: String)]] = [:]
    /// Output kind per input label × kind, where it changes.
    private(set) var conversions: [LabelKind: ShapeKind] = [:]
    /// The action type each conversion executes (`convertShape`, or `dropAnnotation` turned polygon by its flag).
    private(set) var conversionCauses: [LabelKind: String] = [:]
    /// CVAT's attribute input types: the only ones the XML can hold.
    static let inputTypes: Set<String> = ["checkbox", "radio", "number", "text", "select"]
    /// Input label × kind left out.
    private(set) var droppedKinds: Set<LabelKind> = []
    private(set) var pointSplits: Set<String> = []
    /// Attributes left out, per label (skeleton elements: per sublabel).
    private(set) var droppedAttributes: [String: Set<String>] = [:]
    /// Input type changes per label and attribute.
    private(set) var attributeTypes: [String: [String: String]] = [:]
    /// Built-in fields left off the shapes of every label, and of each label named (those of every label included).
    private var fieldsDroppedEverywhere: [ShapeAttributeRole.Field] = []
    private var fieldsDroppedByLabel: [String: [ShapeAttributeRole.Field]] = [:]
    /// The built-in fields a target may have left off.
    private static let droppableFields: Set<ShapeAttributeRole.Field> = [.occluded, .zOrder, .groupID, .source]
    /// Labels whose attributes become immutable.
    private(set) var immutableLabels: Set<String> = []
    /// Exact XML name → file name mappings, and the rules for many.
    private(set) var nameMappings: [String: String] = [:]
    private(set) var nameRules: [(from: String, to: String, normalization: String?)] = []
    /// Project subsets whose images move to images/default/.
    private(set) var relayoutSubsets: Set<String> = []
    private(set) var jobToTask = false
    private(set) var synthesizeTask = false
    private(set) var videoToImages = false
    /// Files named by skipMedia.
    private(set) var skippedFiles: Set<String> = []
    /// Repairs: attributes declared as text, per label (skeleton elements: per sublabel), in plan order.
    private(set) var declaredAttributes: [String: [String]] = [:]
    /// Repairs: values added to an attribute's list, per label and attribute.
    private(set) var declaredValues: [String: [String: [String]]] = [:]
    /// Repairs: value spellings written instead, per label, attribute and value.
    private(set) var valueSpellings: [String: [String: [String: String]]] = [:]
    /// Repairs: labels whose self-intersecting polygons are split into simple ones.
    private(set) var polygonRepairs: Set<String> = []
    /// Repairs: images declared at one size ("W×H") whose files are uniformly another.
    private(set) var rescales: [String: String] = [:]
    /// Repairs: labels whose shapes are clipped to their image.
    private(set) var clippedLabels: Set<String> = []
    /// Repairs: the frame size written as `<original_size>` for a task (nil: the only task or job), where `<meta>` states none.
    private(set) var originalSize: (task: Int?, width: Int, height: Int)?
    /// Repairs: 1.0 text attribute specs written as 1.1 elements, where the target refuses the text form.
    private(set) var rewritesTextSpecs = false
    /// `--drop-invalid`: an `<original_size>` the target cannot read is left out where no size is written in its place.
    private(set) var leavesOutUnreadableSizes = false
    /// Repairs: a `<label>` outside the label list without a name is left out, where the target reads it (Datumaro).
    private(set) var removesStrayLabels = false
    /// Repairs: an `<image>` or `<track>` inside `<meta>` is left out, whatever the target makes of it.
    private(set) var removesMetaAnnotations = false
    /// Repairs: each tag of a project export states its image's subset, where the target reads one from the tag.
    private(set) var statesTagSubsets = false
    /// The smallest polygon piece a repair keeps (the `min_area` threshold, px²).
    let minimumArea: Double

    init(plan: ImportPlan, report: ExportReport, survey: ApplySurvey, target: TargetProfile, options: ApplyOptions,
         minimumArea: Double = Thresholds().minimumArea) {
        self.minimumArea = minimumArea
        self.target = target
        self.options = options
        level = survey.meta?.level
        format = report.format
        let meta = survey.meta
        for action in plan.actions { consider(action, report: report, meta: meta) }
        // Meta repairs that run where their finding is an error for the target.
        let errorTypes = Set(report.findings.filter { $0.severity == .error }.map(\.issueType))
        rewritesTextSpecs = errorTypes.contains("attribute_spec_text_form")
        removesStrayLabels = errorTypes.contains("label_misplaced")
        // A warning as well: in the default subset the import files the shapes before a tag under a made-up name.
        statesTagSubsets = report.findings.contains { $0.issueType == "tag_subset_unstated" }
        // At any severity: no reader takes it for what it is, and CVAT's stops on it.
        removesMetaAnnotations = report.findings.contains { $0.issueType == "annotation_in_meta" }
        leavesOutUnreadableSizes = options.dropInvalid && errorTypes.contains("original_size_invalid")
        for (label, fields) in fieldsDroppedByLabel { fieldsDroppedByLabel[label] = fields + fieldsDroppedEverywhere }
        nameLabels(plan: plan, survey: survey)
    }

    /// Decides one action: run it (recording what it means for the write pass), or say why not.
    private mutating func consider(_ action: ImportAction, report: ExportReport, meta: ExportMeta?) {
        func skip(_ reason: String) { skipped.append(SkippedAction(action: action, lossless: action.isLossless, reason: reason)) }
        // Conversions the importer makes itself (box → rotatable box, checkbox → checklist) are not
        // apply's to make: the XML cannot even say them.
        switch action {
        case let .convertShape(_, from, to) where ShapeKind(rawValue: to) == nil:
            return skip("the importer turns \(from) into \(to) itself")
        case let .convertAttribute(_, _, from, to) where !Self.inputTypes.contains(to):
            return skip("the importer turns \(from) into \(to) itself")
        default: break
        }
        // A reexport is partly lossless (job → task): it decides for itself below.
        if !action.isLossless, !options.allowLoss, action.typeName != "reexport" {
            skip("lossy: run with --allow-loss to execute it")
            return
        }
        switch action {
        case .splitLabel:
            break // names are worked out with the conversions, in nameLabels
        case let .convertShape(label, from, to):
            guard let fromKind = ShapeKind(rawValue: from), let toKind = ShapeKind(rawValue: to),
                  toKind == .polygon, [.box, .ellipse, .cuboid, .mask].contains(fromKind) else {
                skip("no conversion from \(from) to \(to)")
                return
            }
            conversions[LabelKind(label: label, kind: fromKind)] = toKind
            conversionCauses[LabelKind(label: label, kind: fromKind)] = action.typeName
        case let .dropAnnotation(label, shape):
            guard let kind = ShapeKind(rawValue: shape) else { return skip("unknown kind \(shape)") }
            // An ellipse, cuboid or mask becomes a polygon unless its flag says drop.
            let policy: ApplyOptions.ShapePolicy? = switch kind {
            case .ellipse: options.ellipses
            case .cuboid: options.cuboids
            case .mask: options.masks
            default: nil
            }
            if policy == .polygon {
                conversions[LabelKind(label: label, kind: kind)] = .polygon
                conversionCauses[LabelKind(label: label, kind: kind)] = action.typeName
            } else {
                droppedKinds.insert(LabelKind(label: label, kind: kind))
            }
        case let .splitPoints(label, _):
            pointSplits.insert(label)
        case let .convertAttribute(label, attribute, _, to):
            attributeTypes[label, default: [:]][attribute] = to
        case let .dropAttribute(label, attribute):
            droppedAttributes[label, default: []].insert(attribute)
        case let .dropField(label, field):
            if field == "mutable" {
                if let label { immutableLabels.insert(label) }
            } else if ["outside", "keyframe", "rotation"].contains(field) {
                // A track needs its outside and keyframe flags, and a box its rotation: never stripped.
                return skip("\(field) is kept: tracks and rotated boxes need it")
            } else if case let role = ShapeAttributeRole(name: field).field, Self.droppableFields.contains(role) {
                if let label {
                    fieldsDroppedByLabel[label, default: []].append(role)
                } else {
                    fieldsDroppedEverywhere.append(role)
                }
            }
        case let .declareAttribute(label, attribute):
            if declaredAttributes[label]?.contains(attribute) != true { declaredAttributes[label, default: []].append(attribute) }
        case let .declareAttributeValue(label, attribute, value):
            declaredValues[label, default: [:]][attribute, default: []].append(value)
        case let .mapAttributeValue(label, attribute, from, to):
            valueSpellings[label, default: [:]][attribute, default: [:]][from] = to
        case let .repairPolygon(label):
            polygonRepairs.insert(label)
        case let .rescaleToMedia(from, to, _):
            rescales[from] = to
        case let .clipToImage(label):
            clippedLabels.insert(label)
        case let .declareOriginalSize(task, width, height):
            guard width > 0, height > 0 else { return skip("\(ImportAction.sizeText(width, height)) is no frame size") }
            guard originalSize == nil else { return skip("<meta> takes one <original_size>, written already") }
            originalSize = (task, width, height)
        case let .skipMedia(file):
            skippedFiles.insert(file)
        case let .mapMediaName(file, name):
            nameMappings[name] = file
        case let .mapMediaNames(from, to, normalization, _, _):
            nameRules.append((from, to, normalization))
        case let .relayoutMedia(subset, _):
            relayoutSubsets.insert(subset)
        case let .reexport(format, level):
            var done: [String] = []
            if meta?.level == .job, level == "task" {
                jobToTask = true
                done.append("job → task")
            }
            if meta?.level == nil, level == "task" {
                synthesizeTask = true
                done.append("<meta><task> written from the labels used")
            }
            if format.hasPrefix("CVAT for images"), report.format == .video {
                if options.allowLoss {
                    videoToImages = true
                    done.append("video → images")
                } else {
                    skipped.append(SkippedAction(action: action, lossless: false,
                                                 reason: "video → images is lossy (track identity): run with --allow-loss to execute it"))
                }
            } else if format.hasPrefix("CVAT for images"), report.format == .mixed {
                skipped.append(SkippedAction(action: action, lossless: false,
                                             reason: "a file mixing <image> and <track>: export it again from CVAT as CVAT for images 1.1"))
            }
            let needsMedia = report.findings.contains { $0.issueType == "media_not_saved" && $0.severity == .error }
            if needsMedia {
                skipped.append(SkippedAction(action: action, lossless: false,
                                             reason: "the export has no media: export it again from CVAT with \"save images\" on (blocking)"))
            }
            if done.isEmpty { return }
        }
        executed.append(action)
    }

    /// Output names of every label × kind: the plan's item names where it gives one, and "label (item)"
    /// where conversions leave a label with several kinds the target binds to one item each.
    private mutating func nameLabels(plan: ImportPlan, survey: ApplySurvey) {
        var planned: [LabelKind: String] = [:]
        for item in plan.ontology {
            guard let kind = ShapeKind(rawValue: item.kind) else { continue }
            planned[LabelKind(label: item.label, kind: kind)] = item.name
        }
        for case let .splitLabel(label, shape, into) in plan.actions {
            if let kind = ShapeKind(rawValue: shape) { planned[LabelKind(label: label, kind: kind)] = into }
        }
        var labels = survey.labelOrder
        var listed = Set(labels)
        for label in (survey.meta?.labels ?? []) where label.parent == nil && listed.insert(label.name).inserted {
            labels.append(label.name)
        }
        for label in labels {
            let outputs = Set(survey.kinds(of: label).compactMap { outputKind(label: label, kind: $0) })
            let kept = outputs.filter { target.shape($0, level: level).isKept }
            let split = kept.count > 1 && target.labelsBindOneShape
            for kind in outputs.sorted() {
                let key = LabelKind(label: label, kind: kind)
                if let name = planned[key], name != label || !split {
                    itemNames[key] = name
                } else {
                    let name = split && kept.contains(kind) ? "\(label) (\(target.itemName(kind)))" : label
                    itemNames[key] = name
                    // A conversion gave the label another kind the target binds to an item of its own.
                    if name != label { executed.append(.splitLabel(label: label, shape: kind.rawValue, into: name)) }
                }
            }
        }
        itemNamesByLabel = Dictionary(grouping: itemNames.map { (label: $0.key.label, kind: $0.key.kind, name: $0.value) }, by: \.label)
            .mapValues { $0.map { (kind: $0.kind, name: $0.name) }.sorted { $0.kind < $1.kind } }
    }

    /// The kind a shape of `label` is written as; nil when it is left out.
    func outputKind(label: String, kind: ShapeKind) -> ShapeKind? {
        let key = LabelKind(label: label, kind: kind)
        if droppedKinds.contains(key) { return nil }
        return conversions[key] ?? kind
    }

    /// The label name a shape of `label` written as `kind` points at.
    func itemName(label: String, kind: ShapeKind) -> String {
        itemNames[LabelKind(label: label, kind: kind)] ?? label
    }

    /// Every output name a label gets, in kind order.
    func itemNames(of label: String) -> [(kind: ShapeKind, name: String)] {
        itemNamesByLabel[label] ?? []
    }

    /// The built-in fields (occluded, z_order, group_id, source) left off the shapes of `label`, by role.
    func droppedFields(of label: String) -> [ShapeAttributeRole.Field] {
        fieldsDroppedByLabel[label] ?? fieldsDroppedEverywhere
    }

    /// Whether a value of `label`'s attribute is declared or respelled by a repair.
    func repairsValue(_ raw: String, label: String, attribute: String) -> Bool {
        // Compared as the rule compared it: a checkbox's spelling as written, others without spaces at their edges.
        let value = raw.withoutASCIISpacesAtEdges
        let spellings = valueSpellings[label]?[attribute]
        return spellings?[raw] != nil || spellings?[value] != nil || declaredValues[label]?[attribute]?.contains(value) == true
    }

    /// The file name an XML image name is to take (so that names and files agree), when a mapping covers it.
    func mappedName(_ name: String, resolution: MediaResolution) -> String? {
        guard let file = resolution.file else { return nil }
        let fileName = MediaPaths.name(of: file.path, level: level)
        if case .exact = resolution { return nil }
        if nameMappings[name] == file.path { return fileName }
        for rule in nameRules {
            switch resolution {
            case .normalized where rule.normalization != nil: return fileName
            case .mapped, .ambiguous:
                if rule.normalization == nil, name.hasSuffix(rule.from), fileName.hasSuffix(rule.to) { return fileName }
            default: break
            }
        }
        return nil
    }
}

/// Media paths inside an export.
enum MediaPaths {
    /// `images/a/b.jpg` → `a/b.jpg`; in a project export `images/default/a.jpg` → `a.jpg`.
    static func name(of path: String, level: ExportLevel?) -> String {
        var parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        if parts.first == "images" { parts.removeFirst() }
        if level == .project, parts.count > 1 { parts.removeFirst() }
        return parts.joined(separator: "/")
    }
}
