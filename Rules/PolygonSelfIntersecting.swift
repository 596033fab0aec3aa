import CVATLint

/// Polygons whose edges cross: a bow-tie, a loop, a contour touching itself.
final class PolygonSelfIntersecting: ShapeRule {
    static let description = RuleDescription(
        id: "polygon-self-intersecting",
        defaultSeverity: .warning,
        category: .geometry,
        summary: "a polygon whose edges cross (a bow-tie, a loop) or touch, with the first crossing point",
        rationale: """
            CVAT draws any ring of points, so a contour dragged across itself survives an export. Encord's \
            polygons cannot be self-intersecting (its documentation), and area, IoU and mask rasterisation \
            are undefined or wrong for them everywhere else. Each polygon is checked by a sweep over its \
            edges, so long contours stay cheap. Reported per label with a count and the first crossing.
            """,
        issueTypes: [.init("polygon_self_intersecting")],
        actions: ["repairPolygon"],
        triggering: [
            RuleExample.inImage("a bow-tie", #"↓<polygon label="a" points="0,0;10,10;10,0;0,10"/>"#),
            RuleExample.inImage("a bow-tie, for CVAT (a warning there)", target: "cvat",
                                #"↓<polygon label="a" points="0,0;8,8;8,0;0,8"/>"#),
        ],
        nonTriggering: [
            RuleExample.inImage("a concave polygon", #"<polygon label="a" points="0,0;4,0;4,4;2,1;0,4"/>"#),
            RuleExample.inImage("a bow-tie drawn as a polyline", #"<polyline label="a" points="0,0;10,10;10,0;0,10"/>"#),
        ])

    private let context: RuleContext
    private var crossings = Occurrences<String>()

    init(context: RuleContext) { self.context = context }

    func visitShape(_ shape: Shape, label: String, track: TrackRecord?) {
        guard shape.kind == .polygon, let points = shape.points, points.count >= 4, let point = SelfIntersection.firstCrossing(of: points) else { return }
        context.noteInstance("polygon_self_intersecting", at: shape.location)
        crossings.note(label, at: shape.location, example: "(\(point.x.rounded(toPlaces: 2)), \(point.y.rounded(toPlaces: 2)))")
    }

    func finish() {
        for (label, entry) in crossings.all {
            context.report("label '\(label)': \(counted(entry.count, "polygon")) \(entry.count == 1 ? "crosses itself" : "cross themselves"); "
                           + "the first at \(entry.example ?? "?")", at: entry.first, issueType: "polygon_self_intersecting",
                           action: .repairPolygon(label: label), count: entry.count) { $0.label = label }
        }
    }
}
