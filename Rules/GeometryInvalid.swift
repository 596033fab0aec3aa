import CVATLint
import Foundation

/// Geometry no importer can use: non-finite numbers, inverted boxes, too few points, radii ≤ 0,
/// rotation outside [0, 360], cuboids with no extent, skeleton elements without exactly one point; and
/// negative group ids, which CVAT's serializer refuses with the geometry.
final class GeometryInvalid: ShapeRule {
    static let description = RuleDescription(
        id: "geometry-invalid",
        defaultSeverity: .error,
        category: .geometry,
        summary: "a shape's geometry is unusable: non-finite numbers, inverted box, too few points, radius ≤ 0, bad rotation; a negative group id",
        rationale: """
            CVAT's serializer rejects polygons with fewer than 3 points, polylines with fewer than 2 and \
            rotations outside [0, 360]; it does not check that xtl < xbr, so inverted and empty boxes pass \
            CVAT and break targets that compute a width. Numbers such as 1e400 parse as infinity. A skeleton \
            element holds exactly one point. The same serializer takes group ids from 0 up: a negative one \
            (a converter's "no group") stops the import where the target keeps groups.
            """,
        issueTypes: [.init("number_not_finite"), .init("rotation_out_of_range"), .init("box_inverted"), .init("too_few_points"), .init("ellipse_radius"), .init("cuboid_degenerate"), .init("skeleton_element_points"), .init("skeleton_empty"), .init("group_id_negative", severity: .warning)],
        triggering: [
            RuleExample.inImage("a box whose right edge is left of its left edge", #"↓<box label="a" xtl="9" ytl="1" xbr="2" ybr="5"/>"#),
            RuleExample.inImage("a polygon of two points", #"↓<polygon label="a" points="1,1;5,5"/>"#),
            RuleExample.inImage("an ellipse with radius 0", #"↓<ellipse label="a" cx="5" cy="5" rx="0" ry="2"/>"#),
            RuleExample.inImage("a coordinate that overflows to infinity", #"↓<box label="a" xtl="1e400" ytl="1" xbr="2" ybr="5"/>"#),
            RuleExample.inImage("a cuboid whose corners all lie on one line", """
                ↓<cuboid label="a" xtl1="1" ytl1="1" xbl1="1" ybl1="4" xtr1="1" ytr1="1" xbr1="1" ybr1="4" xtl2="1" ytl2="1" xbl2="1" ybl2="4" xtr2="1" ytr2="1" xbr2="1" ybr2="4"/>
                """),
        ],
        nonTriggering: [
            RuleExample.inImage("sound shapes", """
                <box label="a" xtl="1" ytl="1" xbr="5" ybr="5" rotation="359.99"/>
                <polygon label="a" points="1,1;5,1;3,4"/>
                <polyline label="a" points="1,1;5,1"/>
                """),
            RuleExample.inImage("a cuboid seen from its other side: the back face lies left of the front (xtl2 > xtr2)", """
                <cuboid label="a" xtl1="4" ytl1="2" xbl1="4" ybl1="8" xtr1="8" ytr1="2" xbr1="8" ybr1="8" xtl2="3" ytl2="1" xbl2="3" ybl2="6" xtr2="1" ytr2="1" xbr2="1" ybr2="6"/>
                """),
        ])

    private let context: RuleContext
    /// At most this many findings are listed per kind of problem; the rest are counted.
    private let listLimit = 50
    private var listed: [String: Int] = [:]
    private var unlisted = Occurrences<String>()

    init(context: RuleContext) { self.context = context }

    func visitShape(_ shape: Shape, label: String, track: TrackRecord?) {
        // A track's group is its <track>'s (below); CVAT reads none from its frames.
        if track == nil, let problem = groupProblem(shape.groupID) { report(problem, shape: shape, label: label) }
        for problem in Self.problems(of: shape) { report(problem, shape: shape, label: label) }
        for element in shape.elements {
            if let points = element.points, points.count != 1 {
                report(("skeleton_element_points", "skeleton element '\(element.label)' has \(points.count) points; it holds exactly one"),
                       shape: element, label: label)
            }
            for problem in Self.problems(of: element) { report(problem, shape: element, label: label) }
        }
    }

    /// The problems of one shape: (issue type, message).
    static func problems(of shape: Shape) -> [(String, String)] {
        var problems: [(String, String)] = []
        let kind = shape.kind.rawValue
        for (name, value) in zip(Shape.geometryNames(shape.kind), shape.geometry) {
            if let value, !value.isFinite {
                problems.append(("number_not_finite", "\(kind): \(name) '\(shape[name] ?? "")' is not a finite number"))
            }
        }
        if let rotation = shape.rotation, !rotation.isFinite {
            problems.append(("number_not_finite", "\(kind): rotation '\(shape["rotation"] ?? "")' is not a finite number"))
        }
        if let points = shape.points, points.contains(where: { !$0.x.isFinite || !$0.y.isFinite }) {
            problems.append(("number_not_finite", "\(kind): points hold a number that is not finite"))
        }
        if let rotation = shape.rotation, rotation.isFinite, rotation < 0 || rotation > 360 {
            problems.append(("rotation_out_of_range", "\(kind): rotation \(rotation) is outside [0, 360]"))
        }
        switch shape.kind {
        case .box:
            if let xtl = shape.number("xtl"), let xbr = shape.number("xbr"), xtl >= xbr {
                problems.append(("box_inverted", "box: xtl \(xtl) is not left of xbr \(xbr)"))
            }
            if let ytl = shape.number("ytl"), let ybr = shape.number("ybr"), ytl >= ybr {
                problems.append(("box_inverted", "box: ytl \(ytl) is not above ybr \(ybr)"))
            }
        case .polygon:
            if let count = shape.points?.count, count < 3 {
                problems.append(("too_few_points", "polygon has \(count) point\(count == 1 ? "" : "s"); it needs at least 3"))
            }
        case .polyline:
            if let count = shape.points?.count, count < 2 {
                problems.append(("too_few_points", "polyline has \(count) point; it needs at least 2"))
            }
        case .ellipse:
            for radius in ["rx", "ry"] {
                if let value = shape.number(radius), value <= 0 {
                    problems.append(("ellipse_radius", "ellipse: \(radius) \(value) is not > 0"))
                }
            }
        case .cuboid:
            // CVAT's 16 numbers are the front face's corners (tl1, bl1, tr1, br1), then the back face's. The
            // back face may lie left of the front (a cuboid seen from its other side, xtl2 > xtr2) and CVAT
            // draws either orientation, so no ordering of the corners is wrong; only a cuboid with no extent
            // cannot be drawn or converted.
            let values = shape.geometry.compactMap { $0 }
            if values.count == 16, values.allSatisfy(\.isFinite) {
                let xs = stride(from: 0, to: 16, by: 2).map { values[$0] }
                let ys = stride(from: 1, to: 16, by: 2).map { values[$0] }
                if let minX = xs.min(), let maxX = xs.max(), let minY = ys.min(), let maxY = ys.max(),
                   maxX - minX <= 0 || maxY - minY <= 0 {
                    problems.append(("cuboid_degenerate", "cuboid: its 8 corners span no area (\(maxX - minX) × \(maxY - minY) px)"))
                }
            }
        case .skeleton:
            if shape.elements.isEmpty {
                problems.append(("skeleton_empty", "skeleton has no elements; CVAT needs at least one"))
            }
        default:
            break
        }
        return problems
    }

    func visitTrackStart(_ track: TrackRecord) {
        if let problem = groupProblem(track.groupID) { report(problem, at: track.location, label: track.label, frame: nil) }
    }

    /// A group id below 0, where the target keeps groups (one that drops them loses it anyway).
    private func groupProblem(_ group: Int?) -> (String, String)? {
        guard let group, group < 0, context.target.field("group_id").status != .dropped else { return nil }
        return ("group_id_negative", "group_id \(group) is negative; group ids count from 0 (no group)")
    }

    private func report(_ problem: (String, String), shape: Shape, label: String) {
        report(problem, at: shape.location, label: label, frame: shape.frame)
    }

    private func report(_ problem: (String, String), at location: SourceLocation, label: String, frame: Int?) {
        let (issueType, message) = problem
        guard listed[issueType, default: 0] < listLimit else {
            unlisted.note(issueType, at: location)
            context.noteInstance(issueType, at: location)
            return
        }
        listed[issueType, default: 0] += 1
        context.report("label '\(label)': \(message)", at: location, issueType: issueType) {
            $0.label = label
            $0.frame = frame
        }
    }

    func finish() {
        for (issueType, entry) in unlisted.all {
            context.report("… and \(entry.count) more \(issueType.replacingOccurrences(of: "_", with: " ")) \(entry.count == 1 ? "problem" : "problems") not listed",
                           at: entry.first, issueType: issueType)
        }
    }
}
