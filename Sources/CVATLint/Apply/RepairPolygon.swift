/// `repairPolygon`: a self-intersecting polygon split at its crossings into simple polygons of the same
/// area (`PolygonRepair`), each written with the shape's label, attributes and group.
enum RepairPolygon {
    /// What the repair makes of one polygon.
    enum Outcome: Equatable {
        /// Simple already, or of a label the plan does not repair: written as it is.
        case untouched
        /// Simple pieces, as they are written (two decimals); `slivers` pieces under `min_area` left out.
        case split(pieces: [[Point]], slivers: Int)
        /// No split gives simple pieces (edges overlapping along a line, crossings that rounding to two
        /// decimals brings back): the polygon stays as it is, or is left out under `--drop-invalid`.
        case unrepairable
    }

    /// Rounds of splitting the written pieces again, where rounding their new corners made them cross.
    private static let rounds = 3

    /// The simple pieces a self-intersecting polygon of a repaired label falls into, judged as written.
    static func repair(_ points: [Point], label: String, program: ApplyProgram) -> Outcome {
        guard !program.polygonRepairs.isEmpty, program.polygonRepairs.contains(label), points.count >= 4,
              SelfIntersection.firstCrossing(of: points) != nil else {
            return .untouched
        }
        var slivers = 0
        var pending = [points]
        var done: [[Point]] = []
        for _ in 0..<rounds {
            var next: [[Point]] = []
            for ring in pending {
                let split = PolygonRepair.pieces(of: ring, minimumArea: program.minimumArea)
                slivers += split.slivers
                for piece in split.pieces {
                    // The output check reads the pieces back from two decimals: judge them as written.
                    let written = PolygonRepair.deduplicated(piece.map(asWritten))
                    if written.count < 3 || abs(PolygonRepair.area(written)) < program.minimumArea {
                        slivers += 1
                    } else if SelfIntersection.firstCrossing(of: written) == nil {
                        done.append(written)
                    } else {
                        next.append(written)
                    }
                }
            }
            pending = next
            if pending.isEmpty { break }
        }
        guard pending.isEmpty else { return .unrepairable }
        // A polygon of slivers only keeps its largest: nothing is lost that a repair could keep.
        if done.isEmpty {
            let all = PolygonRepair.pieces(of: points, minimumArea: 0).pieces.map { PolygonRepair.deduplicated($0.map(asWritten)) }
            guard let largest = all.first(where: { $0.count >= 3 && SelfIntersection.firstCrossing(of: $0) == nil }) else {
                return .unrepairable
            }
            return .split(pieces: [largest], slivers: max(0, slivers - 1))
        }
        return .split(pieces: done.sorted { abs(PolygonRepair.area($0)) > abs(PolygonRepair.area($1)) }, slivers: slivers)
    }

    /// A point as the writer writes it and a reader reads it back: each coordinate to whole cents
    /// (`XMLBytes.appendNumber`; cents over 100 is the double nearest the two-decimal text).
    static func asWritten(_ point: Point) -> Point {
        func cents(_ value: Double) -> Double {
            let rounded = (value * 100).rounded()
            return rounded.isFinite && abs(rounded) < 1e15 ? rounded / 100 : value
        }
        return Point(x: cents(point.x), y: cents(point.y))
    }
}
