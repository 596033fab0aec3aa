/// `repairPolygon`: a self-intersecting polygon split at its crossings into simple polygons of the same
/// area (`PolygonRepair`), each written with the shape's label, attributes and group.
enum RepairPolygon {
    /// What the repair makes of one polygon.
    enum Outcome {
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
                guard let split = PolygonRepair.pieces(of: ring, minimumArea: program.minimumArea) else { return .unrepairable }
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
            let all = (PolygonRepair.pieces(of: points, minimumArea: 0)?.pieces ?? []).map { PolygonRepair.deduplicated($0.map(asWritten)) }
            guard let largest = all.first(where: { $0.count >= 3 && SelfIntersection.firstCrossing(of: $0) == nil }) else {
                return .unrepairable
            }
            return .split(pieces: [largest], slivers: max(0, slivers - 1))
        }
        // Largest first, each area once.
        let largestFirst = done.map { (ring: $0, area: abs(PolygonRepair.area($0))) }.sorted { $0.area > $1.area }.map(\.ring)
        return .split(pieces: largestFirst, slivers: slivers)
    }

    /// A point as the writer writes it and a reader reads it back.
    static func asWritten(_ point: Point) -> Point {
        Point(x: XMLBytes.written(point.x), y: XMLBytes.written(point.y))
    }
}
