/// `repairPolygon`: a self-intersecting polygon split at its crossings into simple polygons of the same
/// area (`PolygonRepair`), each written with the shape's label, attributes and group.
enum RepairPolygon {
    /// The pieces a self-intersecting polygon of a repaired label falls into; nil when it is simple or not
    /// repaired (`slivers`: pieces under `min_area` left out).
    static func polygonPieces(_ points: [Point], label: String, program: ApplyProgram) -> (pieces: [[Point]], slivers: Int)? {
        guard !program.polygonRepairs.isEmpty, program.polygonRepairs.contains(label), points.count >= 4, SelfIntersection.firstCrossing(of: points) != nil else {
            return nil
        }
        let split = PolygonRepair.pieces(of: points, minimumArea: program.minimumArea)
        // A polygon of slivers only keeps its largest: nothing is lost that a repair could keep.
        if split.pieces.isEmpty {
            let all = PolygonRepair.pieces(of: points, minimumArea: 0).pieces
            guard let largest = all.first else { return nil }
            return ([largest], max(0, split.slivers - 1))
        }
        return split
    }
}
