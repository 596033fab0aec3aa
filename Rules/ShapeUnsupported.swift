import CVATLint

/// Shape kinds the target cannot take: they are lost on import unless converted first; and point shapes
/// holding more points than one target item can.
final class ShapeUnsupported: ShapeRule {
    static let description = RuleDescription(
        id: "shape-unsupported",
        defaultSeverity: .warning,
        category: .target,
        summary: "a label is drawn with a shape kind the target drops or does not take",
        rationale: """
            Encord's CVAT importer has no ellipse or 2-D cuboid, and masks are not in its table; CVAT's own \
            project dataset import skips ellipses, cuboids and masks. Such annotations are lost without an \
            error unless an import stage converts them first (an ellipse to a polygon, say). An Encord \
            keypoint holds one point: a <points> shape of several points arrives as its first point only, \
            unless it is split into one keypoint per point.
            """,
        issueTypes: [.init("*_unsupported", profile: "shapes"), .init("points_several_per_shape")],
        actions: ["dropAnnotation", "splitPoints"],
        triggering: [
            RuleExample.inImage("an ellipse, for Encord", #"↓<ellipse label="cell" cx="5" cy="5" rx="2" ry="1"/>"#),
            RuleExample.inImage("three points in one shape, for Encord (a keypoint holds one)",
                                #"↓<points label="joint" points="1,1;2,2;3,3"/>"#),
        ],
        nonTriggering: [
            RuleExample.inImage("an ellipse, for CVAT's task import", target: "cvat",
                                #"<ellipse label="cell" cx="5" cy="5" rx="2" ry="1"/>"#),
            RuleExample.inImage("a polygon, for Encord", #"<polygon label="cell" points="1,1;5,1;3,4"/>"#),
        ])

    private let context: RuleContext
    /// Per label: point shapes holding more points than a target item takes.
    private var crowdedPoints = Occurrences<String>()
    private var mostPoints: [String: Int] = [:]
    private lazy var pointLimit = context.target.shape(.points, level: nil).maxPoints

    init(context: RuleContext) { self.context = context }

    // Only point shapes matter here: the image's shapes are scanned for them without a call per shape.
    func visitImage(_ image: ImageRecord) {
        guard pointLimit != nil else { return }
        for shape in image.shapes where shape.kind == .points { visitShape(shape, label: shape.label, track: nil) }
    }

    func visitShape(_ shape: Shape, label: String, track: TrackRecord?) {
        guard shape.kind == .points, let limit = pointLimit, let count = shape.points?.count, count > limit else { return }
        crowdedPoints.note(label, at: shape.location)
        mostPoints[label] = max(mostPoints[label] ?? 0, count)
    }

    func finish() {
        reportCrowdedPoints()
        let facts = context.facts
        for label in facts.labelsInUseOrder {
            for (kind, location) in (facts.kinds(of: label) ?? [:]).sorted(by: { $0.key < $1.key }) {
                let effective = context.options.effectiveKind(kind)
                let support = context.target.shape(effective, level: facts.level)
                guard support.status == .unsupported || support.status == .dropped else { continue }
                context.report("label '\(label)' is drawn as \(kind.rawValue); "
                               + (support.note ?? "\(context.target.name) does not take it"),
                               at: location, severity: support.severity, issueType: "\(kind.rawValue)_unsupported",
                               action: .dropAnnotation(label: label, shape: kind.rawValue)) { $0.label = label }
            }
        }
    }

    private func reportCrowdedPoints() {
        guard let limit = pointLimit else { return }
        let facts = context.facts
        for (label, entry) in crowdedPoints.all {
            // The item's name as the plan gives it: split per kind when the label is drawn with several.
            let kept = (facts.kinds(of: label) ?? [:]).keys.map(context.options.effectiveKind)
                .filter { context.target.shape($0, level: facts.level).isKept }
            let item = Set(kept).count > 1 && context.target.labelsBindOneShape
                ? "\(label) (\(context.target.itemName(.points)))" : label
            context.report("label '\(label)': \(counted(entry.count, "points shape")) \(entry.count == 1 ? "holds" : "hold") several points "
                           + "(up to \(mostPoints[label] ?? 0)); a \(context.target.name) \(context.target.itemName(.points)) holds "
                           + "\(limit), so all but the first would be lost: split each into one per point",
                           at: entry.first, issueType: "points_several_per_shape", action: .splitPoints(label: label, into: item),
                           count: entry.count) { $0.label = label }
        }
    }
}
