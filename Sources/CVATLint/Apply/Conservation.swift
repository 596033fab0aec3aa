/// One input label × kind and where every one of its annotations went: `in` = `unchanged` + Σ `converted`
/// + Σ `repaired` + Σ `left_out`; `written` is how many output annotations came from them (a mask traced
/// into 3 polygons is 1 converted and 3 written). A visible track shape counts once per frame.
public struct ConservationRow: Sendable, Codable, Hashable {
    public var label: String
    public var kind: String
    public var input: Int
    public var unchanged: Int
    /// By the action that changed them (the first step of their route).
    public var converted: [String: Int]
    /// By the repair that kept them.
    public var repaired: [String: Int]
    /// By the issue type of the finding that caused it.
    public var leftOut: [String: Int]
    public var written: Int

    enum CodingKeys: String, CodingKey {
        case label, kind
        case input = "in"
        case unchanged, converted, repaired
        case leftOut = "left_out"
        case written
    }

    /// Whether every annotation in is accounted for once.
    public var addsUp: Bool {
        input == unchanged + converted.values.reduce(0, +) + repaired.values.reduce(0, +) + leftOut.values.reduce(0, +)
    }
}

/// The conservation table of a write pass, and its check against counts made by other passes.
enum Conservation {
    /// Steps that keep an annotation by mending it: the repair actions, the keyframe fix of a track with none, the
    /// flags written on skeleton elements that lacked them, a negative group renumbered, a track's frames put
    /// in order, a tag's subset stated, and a child element the schema refuses left out (`--drop-invalid`).
    static let repairs: Set<String> = [
        "declareAttribute", "declareAttributeValue", "mapAttributeValue", "repairPolygon", "rescaleToMedia", "clipToImage", "keyframe", "elementFlags",
        "groupID", "frameOrder", "tagSubset", "refusedChild",
    ]

    /// The table, one row per input label × kind, in label and kind order.
    static func table(_ routes: [WritePass.Route: (count: Int, produced: Int)]) -> [ConservationRow] {
        var rows: [ApplyProgram.LabelKind: ConservationRow] = [:]
        for (route, tally) in routes {
            let key = ApplyProgram.LabelKind(label: route.label, kind: route.kind)
            var row = rows[key] ?? ConservationRow(label: route.label, kind: route.kind.rawValue, input: 0, unchanged: 0,
                                                   converted: [:], repaired: [:], leftOut: [:], written: 0)
            row.input += tally.count
            if route.toLabel == nil {
                row.leftOut[leftOutReason(route), default: 0] += tally.count
            } else if let repair = route.steps.first(where: repairs.contains) {
                row.repaired[repair, default: 0] += tally.count
                row.written += tally.produced
            } else if let step = primary(route.steps) {
                row.converted[step, default: 0] += tally.count
                row.written += tally.produced
            } else {
                row.unchanged += tally.count
                row.written += tally.produced
            }
            rows[key] = row
        }
        return rows.values.sorted { ($0.label, $0.kind) < ($1.label, $1.kind) }
    }

    /// The steps that say most of what became of an annotation, most first: a new format, a new kind, new
    /// pieces, then what changed within it.
    static let precedence = ["reexport", "convertShape", "dropAnnotation", "splitPoints", "dropAttribute", "convertAttribute",
                             "splitLabel", "dropField"]

    /// The step a route is counted under: the weightiest it took.
    static func primary(_ steps: [String]) -> String? {
        precedence.first { step in steps.contains(step) } ?? steps.first
    }

    /// The issue type behind a route that left its annotations out.
    static func leftOutReason(_ route: WritePass.Route) -> String {
        for step in route.steps.reversed() {
            if step.hasPrefix("drop-invalid:") {
                let type = String(step.dropFirst("drop-invalid:".count))
                // A track frame with no frame number is what the schema refuses.
                return type == "frame_missing" ? "schema" : type
            }
            // Left out (or not convertible) because the target cannot take the kind.
            if step == "dropAnnotation" || step.hasPrefix("convertShape") { return "\(route.kind.rawValue)_unsupported" }
        }
        return route.steps.last ?? "unknown"
    }

    /// What does not add up: a row whose parts miss its total; input counts that differ from the check of
    /// the input, output counts from the check of the output (each an independent pass over the bytes).
    static func discrepancies(rows: [ConservationRow], routes: [WritePass.Route: (count: Int, produced: Int)],
                              input: ExportStatistics?, output: ExportStatistics?) -> [String] {
        var problems: [String] = []
        for row in rows where !row.addsUp {
            problems.append("\(row.label) × \(row.kind): \(row.input) in, but its parts add up to another number")
        }
        func counts(_ statistics: ExportStatistics) -> [Key: Int] {
            Dictionary(statistics.byLabel.map { (Key(label: $0.label, kind: $0.kind), $0.count) }, uniquingKeysWith: +)
        }
        if let input {
            let read = Dictionary(rows.map { (Key(label: $0.label, kind: $0.kind), $0.input) }, uniquingKeysWith: +)
            problems += compare(expected: counts(input), found: read, verb: "read")
        }
        if let output {
            var written: [Key: Int] = [:]
            for (route, tally) in routes {
                guard let label = route.toLabel, let kind = route.toKind else { continue }
                written[Key(label: label, kind: kind.rawValue), default: 0] += tally.produced
            }
            problems += compare(expected: written, found: counts(output), verb: "wrote")
        }
        return problems
    }

    /// A label × kind as the statistics name it.
    private struct Key: Hashable {
        var label: String
        var kind: String
    }

    /// "lost 3 annotations of 'car' × box" for every label × kind whose counts differ.
    private static func compare(expected: [Key: Int], found: [Key: Int], verb: String) -> [String] {
        Set(expected.keys).union(found.keys).sorted { ($0.label, $0.kind) < ($1.label, $1.kind) }.compactMap { key in
            let (want, have) = (expected[key] ?? 0, found[key] ?? 0)
            guard want != have else { return nil }
            let what = "'\(key.label)' × \(key.kind)"
            return want > have ? "lost \(counted(want - have, "annotation")) of \(what) (\(verb) \(have) of \(want))"
                : "counted \(counted(have - want, "annotation")) of \(what) more than it \(verb) (\(have) for \(want))"
        }
    }
}
