/// What an export holds, counted as it streams past: annotations per label and kind (and per task or
/// subset), images and frames with and without annotations, tracks and their lengths, the values of
/// choice attributes, and how many shapes images hold. Memory grows with labels, tasks and attribute
/// values (capped), never with shapes.
public struct ExportStatistics: Sendable, Codable, Equatable {
    /// One label × kind count.
    public struct LabelCount: Sendable, Codable, Equatable {
        public var label: String
        public var kind: String
        public var count: Int
    }

    /// One task's or subset's annotation count.
    public struct ScopeCount: Sendable, Codable, Equatable {
        public var taskID: Int?
        public var subset: String?
        public var annotations: Int
        public var images: Int
        public var imagesAnnotated: Int

        enum CodingKeys: String, CodingKey {
            case taskID = "task_id"
            case subset, annotations, images
            case imagesAnnotated = "images_annotated"
        }
    }

    /// Counts of one choice attribute's values.
    public struct AttributeValues: Sendable, Codable, Equatable {
        public var label: String
        public var attribute: String
        public var inputType: String
        public var values: [String: Int]
        /// Occurrences of values past the distinct values kept.
        public var otherValues: Int

        enum CodingKeys: String, CodingKey {
            case label, attribute, values
            case inputType = "input_type"
            case otherValues = "other_values"
        }
    }

    /// Track count and lengths (in frames that show the object).
    public struct Tracks: Sendable, Codable, Equatable {
        public var count: Int
        public var shortest: Int?
        public var longest: Int?
        public var mean: Double?
    }

    public var annotations: Int
    public var byLabel: [LabelCount]
    public var byScope: [ScopeCount]
    public var images: Int
    public var imagesAnnotated: Int
    /// Frames of video tasks (from `<meta>`) and how many of them show an object.
    public var frames: Int
    public var framesAnnotated: Int
    public var tracks: Tracks
    public var attributeValues: [AttributeValues]
    /// Images by how many annotations they hold: bucket name ("0", "1", "2-5", …) → images.
    public var shapesPerImage: [String: Int]

    enum CodingKeys: String, CodingKey {
        case annotations
        case byLabel = "by_label"
        case byScope = "by_scope"
        case images
        case imagesAnnotated = "images_annotated"
        case frames
        case framesAnnotated = "frames_annotated"
        case tracks
        case attributeValues = "attribute_values"
        case shapesPerImage = "shapes_per_image"
    }

    /// The largest and the smallest label count (over labels used at all), and their ratio.
    public var imbalance: (largest: (String, Int), smallest: (String, Int), ratio: Double)? {
        var perLabel: [String: Int] = [:]
        for entry in byLabel { perLabel[entry.label, default: 0] += entry.count }
        let sorted = perLabel.sorted { ($0.value, $1.key) > ($1.value, $0.key) }
        guard sorted.count >= 2, let largest = sorted.first, let smallest = sorted.last, smallest.value > 0 else { return nil }
        return ((largest.key, largest.value), (smallest.key, smallest.value), Double(largest.value) / Double(smallest.value))
    }

    /// The bucket names of `shapesPerImage`, in order.
    public static let buckets = ["0", "1", "2-5", "6-10", "11-50", "51-100", "101+"]

    /// The index in `buckets` of an image holding `count` annotations.
    static func bucketIndex(_ count: Int) -> Int {
        switch count {
        case 0: 0
        case 1: 1
        case 2...5: 2
        case 6...10: 3
        case 11...50: 4
        case 51...100: 5
        default: 6
        }
    }
}

/// Counts an export's statistics as it streams past.
public final class StatisticsCollector: AnnotationVisitor {
    private struct Scope: Hashable {
        var taskID: Int?
        var subset: String?
    }

    private struct AttributeKey: Hashable {
        var label: String
        var attribute: String
    }

    /// Distinct values kept per attribute; the rest are counted together.
    static let valueLimit = 100

    private let facts: ExportFacts
    // `@exclusivity(unchecked)`: touched for every shape on one thread only.
    @exclusivity(unchecked) private var byScope: [Scope: (annotations: Int, images: Int, annotated: Int)] = [:]
    private var scopeOrder: [Scope] = []
    private var images = 0
    private var imagesAnnotated = 0
    /// Images per bucket of `ExportStatistics.buckets`.
    private var histogram = [Int](repeating: 0, count: ExportStatistics.buckets.count)
    /// The scope counted last and its counts: the images of one task come together.
    @exclusivity(unchecked) private var lastScope: (scope: Scope, counts: (annotations: Int, images: Int, annotated: Int))?
    /// Per label spec with choice attributes: for each of its attributes, the slot of its value counts
    /// in `choiceCounts` (nil for other input types). Counts are mutated in place, never copied.
    @exclusivity(unchecked) private var choiceSlots: [ObjectIdentifier: [Int?]] = [:]
    @exclusivity(unchecked) private var choiceCounts: [ValueCounter] = []

    /// One choice attribute's value counts: its declared values counted by position (compared as bytes,
    /// no hashing for the common case), anything else in a dictionary.
    struct ValueCounter {
        var declared: [String]
        var declaredCounts: [Int]
        var others: [String: Int] = [:]
        var isEmpty = true

        init(values: [String]) {
            declared = values
            declaredCounts = Array(repeating: 0, count: values.count)
        }

        /// Counts a value; false when it is new and the distinct values are already at `limit`.
        mutating func count(_ value: String, limit: Int) -> Bool {
            isEmpty = false
            for index in declared.indices where declared[index].utf8.count == value.utf8.count && declared[index] == value {
                declaredCounts[index] += 1
                return true
            }
            guard others[value] != nil || declared.count + others.count < limit else { return false }
            others[value, default: 0] += 1
            return true
        }

        var all: [String: Int] {
            var values = others
            for (value, count) in zip(declared, declaredCounts) where count > 0 { values[value, default: 0] += count }
            return values
        }
    }
    @exclusivity(unchecked) private var lastSpec: (spec: LabelSpec, slots: [Int?])?
    private var otherValues: [AttributeKey: Int] = [:]
    private var valueOrder: [(LabelSpec, Int)] = []
    @exclusivity(unchecked) private var trackLength = 0
    @exclusivity(unchecked) private var trackAnnotations = 0
    private var trackLengths: (count: Int, shortest: Int, longest: Int, total: Int) = (0, .max, 0, 0)

    public init(facts: ExportFacts) { self.facts = facts }

    public func visitMeta(_ meta: ExportMeta) {
        for label in meta.labels {
            let slots = label.attributes.map { attribute -> Int? in
                guard ["radio", "select", "checkbox"].contains(attribute.inputType) else { return nil }
                choiceCounts.append(ValueCounter(values: attribute.values))
                return choiceCounts.count - 1
            }
            if slots.contains(where: { $0 != nil }) { choiceSlots[ObjectIdentifier(label)] = slots }
        }
    }

    /// Counts the values of a shape's choice attributes (label and kind counts are the facts' own).
    private func countValues(_ shape: Shape, label: String) {
        guard !shape.attributes.isEmpty, !choiceSlots.isEmpty, let spec = facts.label(label) else { return }
        let slots: [Int?]
        if let last = lastSpec, last.spec === spec {
            slots = last.slots
        } else {
            guard let known = choiceSlots[ObjectIdentifier(spec)] else { return }
            slots = known
            lastSpec = (spec, known)
        }
        for (position, value) in shape.attributes.enumerated() {
            guard let index = spec.attributeIndex(named: value.name, guess: position), let slot = slots[index] else { continue }
            if choiceCounts[slot].isEmpty { valueOrder.append((spec, index)) }
            if !choiceCounts[slot].count(value.value, limit: Self.valueLimit) {
                otherValues[AttributeKey(label: label, attribute: value.name), default: 0] += 1
            }
        }
    }

    public func visitImage(_ image: ImageRecord) {
        images += 1
        if !image.shapes.isEmpty { imagesAnnotated += 1 }
        histogram[ExportStatistics.bucketIndex(image.shapes.count)] += 1
        let scope = Scope(taskID: image.taskID, subset: image.subset)
        var entry: (annotations: Int, images: Int, annotated: Int)
        if let last = lastScope, last.scope == scope {
            entry = last.counts
        } else {
            flushScope()
            if byScope[scope] == nil { scopeOrder.append(scope) }
            entry = byScope[scope] ?? (0, 0, 0)
        }
        entry.annotations += image.shapes.count
        entry.images += 1
        if !image.shapes.isEmpty { entry.annotated += 1 }
        lastScope = (scope, entry)
        for shape in image.shapes { countValues(shape, label: shape.label) }
    }

    /// Writes the scope counted last back to the table.
    private func flushScope() {
        if let last = lastScope { byScope[last.scope] = last.counts }
        lastScope = nil
    }

    public func visitTrackStart(_ track: TrackRecord) {
        trackLength = 0
        trackAnnotations = 0
    }

    public func visitTrackShape(_ shape: Shape, of track: TrackRecord) {
        guard !shape.outside else { return }
        trackLength += 1
        trackAnnotations += 1
        countValues(shape, label: track.label)
    }

    public func visitTrackEnd(_ track: TrackRecord) {
        flushScope()
        let scope = Scope(taskID: track.taskID, subset: track.subset)
        if byScope[scope] == nil { scopeOrder.append(scope) }
        byScope[scope, default: (0, 0, 0)].annotations += trackAnnotations
        trackLengths.count += 1
        trackLengths.shortest = min(trackLengths.shortest, trackLength)
        trackLengths.longest = max(trackLengths.longest, trackLength)
        trackLengths.total += trackLength
    }

    /// The statistics, once the stream has ended.
    public var statistics: ExportStatistics {
        flushScope()
        let tracks = trackLengths.count == 0 ? ExportStatistics.Tracks(count: 0, shortest: nil, longest: nil, mean: nil)
            : ExportStatistics.Tracks(count: trackLengths.count, shortest: trackLengths.shortest, longest: trackLengths.longest,
                                      mean: (Double(trackLengths.total) / Double(trackLengths.count) * 100).rounded() / 100)
        let videoFrames = facts.format == .images ? 0 : (facts.meta?.tasks ?? []).compactMap(\.size).filter { $0 > 0 }.reduce(0, +)
        let byLabel = zip(facts.labelsInUseOrder, facts.labelUses).flatMap { label, use in
            ShapeKind.allCases.compactMap { kind in
                use.counts[kind.index] > 0 ? ExportStatistics.LabelCount(label: label, kind: kind.rawValue, count: use.counts[kind.index]) : nil
            }
        }
        return ExportStatistics(
            annotations: byLabel.map(\.count).reduce(0, +),
            byLabel: byLabel,
            byScope: scopeOrder.map { scope in
                let entry = byScope[scope] ?? (0, 0, 0)
                return ExportStatistics.ScopeCount(taskID: scope.taskID, subset: scope.subset, annotations: entry.annotations,
                                                   images: entry.images, imagesAnnotated: entry.annotated)
            },
            images: images, imagesAnnotated: imagesAnnotated,
            frames: videoFrames, framesAnnotated: facts.framesShown,
            tracks: tracks,
            attributeValues: valueOrder.map { spec, index in
                let attribute = spec.attributes[index]
                return ExportStatistics.AttributeValues(
                    label: spec.name, attribute: attribute.name, inputType: attribute.inputType,
                    values: choiceSlots[ObjectIdentifier(spec)]?[index].flatMap { $0 }.map { choiceCounts[$0].all } ?? [:],
                    otherValues: otherValues[AttributeKey(label: spec.name, attribute: attribute.name)] ?? 0)
            },
            shapesPerImage: Dictionary(uniqueKeysWithValues: zip(ExportStatistics.buckets, histogram).filter { $0.1 > 0 }))
    }
}
