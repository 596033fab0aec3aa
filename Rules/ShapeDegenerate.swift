import CVATLint
import Foundation

/// Shapes too small or thin to mean anything: slivers of boxes and ellipses, polygons without area,
/// polylines without length, rotated boxes entirely off their image, and extreme aspect ratios.
final class ShapeDegenerate: Rule {
    static let description = RuleDescription(
        id: "shape-degenerate",
        defaultSeverity: .warning,
        category: .geometry,
        summary: "a shape with almost no size: a sliver box or ellipse, a polygon without area, a polyline without length",
        rationale: """
            A stray click leaves a box of half a pixel, a polygon whose points lie on a line, or a polyline \
            of one repeated point; importers keep them and training treats them as objects. A rotated box \
            whose every corner lies off the image was turned away from what it marked. Thresholds \
            (thresholds: min_side, min_area, min_length, max_aspect_ratio in .cvat-lint.yml) say how small \
            is too small; an extreme aspect ratio is an info, since thin objects exist.
            """,
        issueTypes: [.init("box_degenerate"), .init("ellipse_degenerate"), .init("polygon_without_area"),
                     .init("polyline_without_length"), .init("rotated_box_off_image"),
                     .init("extreme_aspect_ratio", severity: .info)],
        triggering: [
            RuleExample.inImage("a box half a pixel wide", #"↓<box label="a" xtl="1" ytl="1" xbr="1.5" ybr="8"/>"#),
            RuleExample.inImage("a polygon whose points lie on one line", #"↓<polygon label="a" points="1,1;3,3;5,5"/>"#),
            RuleExample.inImage("a polyline of one repeated point", #"↓<polyline label="a" points="2,2;2,2"/>"#),
            RuleExample.inImage("a box 60 times as wide as high (an info)", #"↓<box label="a" xtl="0" ytl="1" xbr="9" ybr="1.15"/>"#),
        ],
        nonTriggering: [
            RuleExample.inImage("ordinary shapes", """
                <box label="a" xtl="1" ytl="1" xbr="5" ybr="5" rotation="30"/>
                <polygon label="a" points="1,1;5,1;3,4"/>
                <polyline label="a" points="1,1;5,1"/>
                <ellipse label="a" cx="5" cy="5" rx="2" ry="1"/>
                """),
        ])

    private struct Key: Hashable {
        var label: String
        var issueType: String
    }

    private let context: RuleContext
    private var problems = Occurrences<Key>()
    private var limits: Thresholds { context.options.thresholds }

    init(context: RuleContext) { self.context = context }

    func visitImage(_ image: ImageRecord) {
        let size = image.width.flatMap { width in image.height.map { (Double(width), Double($0)) } }
        for shape in image.shapes { check(shape, label: shape.label, image: size) }
    }

    func visitTrackShape(_ shape: Shape, of track: TrackRecord) {
        guard !shape.outside else { return }
        check(shape, label: track.label, image: nil)
    }

    private func check(_ shape: Shape, label: String, image: (width: Double, height: Double)?) {
        switch shape.kind {
        case .box:
            // The geometry in Shape.geometryNames order (xtl, ytl, xbr, ybr), read without a name lookup.
            guard shape.geometry.count == 4, let xtl = shape.geometry[0], let ytl = shape.geometry[1],
                  let xbr = shape.geometry[2], let ybr = shape.geometry[3] else { return }
            let (width, height) = (xbr - xtl, ybr - ytl)
            // Inverted boxes are geometry-invalid's; a box is degenerate when it is real but thin.
            guard width > 0, height > 0 else { return }
            if min(width, height) < limits.minimumSide {
                note(label, "box_degenerate", "box \(width.rounded(toPlaces: 2)) × \(height.rounded(toPlaces: 2)) px, under min_side \(limits.minimumSide.clean)", shape)
            } else if max(width / height, height / width) > limits.maximumAspectRatio {
                note(label, "extreme_aspect_ratio", "box \(width.rounded(toPlaces: 2)) × \(height.rounded(toPlaces: 2)) px, over max_aspect_ratio \(limits.maximumAspectRatio.clean)", shape)
            }
            if let image, let rotation = shape.rotation, rotation != 0, let corners = shape.outline,
               corners.allSatisfy({ $0.x < 0 || $0.y < 0 || $0.x > image.width || $0.y > image.height }) {
                note(label, "rotated_box_off_image", "rotated box (\(rotation.rounded(toPlaces: 2))°) with every corner off the image", shape)
            }
        case .ellipse:
            // cx, cy, rx, ry.
            guard shape.geometry.count == 4, let rx = shape.geometry[2], let ry = shape.geometry[3], rx > 0, ry > 0 else { return }
            if 2 * min(rx, ry) < limits.minimumSide {
                note(label, "ellipse_degenerate", "ellipse \((2 * rx).rounded(toPlaces: 2)) × \((2 * ry).rounded(toPlaces: 2)) px, under min_side \(limits.minimumSide.clean)", shape)
            } else if max(rx / ry, ry / rx) > limits.maximumAspectRatio {
                note(label, "extreme_aspect_ratio", "ellipse \((2 * rx).rounded(toPlaces: 2)) × \((2 * ry).rounded(toPlaces: 2)) px, over max_aspect_ratio \(limits.maximumAspectRatio.clean)", shape)
            }
        case .polygon:
            guard let points = shape.points, points.count >= 3 else { return }
            let area = Overlap.area(points)
            // A crossing contour's signed areas cancel: that is polygon-self-intersecting's to say.
            if area < limits.minimumArea, SelfIntersection.firstCrossing(of: points) == nil {
                note(label, "polygon_without_area", "polygon of \(points.count) points with an area of \(area.rounded(toPlaces: 2)) px², under min_area \(limits.minimumArea.clean)", shape)
            }
        case .polyline:
            guard let points = shape.points, points.count >= 2 else { return }
            let length = zip(points, points.dropFirst()).reduce(0) { $0 + hypot($1.1.x - $1.0.x, $1.1.y - $1.0.y) }
            if length < limits.minimumLength {
                note(label, "polyline_without_length", "polyline \(length.rounded(toPlaces: 2)) px long, under min_length \(limits.minimumLength.clean)", shape)
            }
        default:
            break
        }
    }

    private func note(_ label: String, _ issueType: String, _ what: String, _ shape: Shape) {
        let key = Key(label: label, issueType: issueType)
        problems.note(key, at: shape.location, example: what)
    }

    func finish() {
        for (key, entry) in problems.all {
            let more = entry.count > 1 ? "\(counted(entry.count, "shape")) alike; the first: " : ""
            context.report("label '\(key.label)': a degenerate shape (\(more)\(entry.example ?? ""))",
                           at: entry.first, severity: key.issueType == "extreme_aspect_ratio" ? .info : nil,
                           issueType: key.issueType, count: entry.count) { $0.label = key.label }
        }
    }
}
