import Foundation

/// Draws a scene as inline SVG in its image's pixel coordinates: the image (or a blank canvas), the other
/// shapes faintly, the shape a finding is about on top.
struct SceneSVG {
    let scene: Scene
    /// The page-wide id of the scene's embedded media, when it has one.
    let mediaID: String?
    /// Skeleton edges by label, from the plan's items (vertex names).
    let skeletonEdges: [String: [PlannedEdge]]

    /// The picture, with `highlight` (an index into the scene's shapes) drawn as the finding's.
    func render(highlight: Int) -> String {
        let box = viewBox()
        let unit = max(box.width, box.height) / 160
        // Shown at most 360 px on its long side, in its own proportions (the page scales it; a click zooms).
        let scale = 360 / max(box.width, box.height)
        var out = "<svg class=\"scene\" viewBox=\"\(svgNumber(box.x)) \(svgNumber(box.y)) \(svgNumber(box.width)) \(svgNumber(box.height))\""
            + " width=\"\(Int((box.width * scale).rounded()))\" height=\"\(Int((box.height * scale).rounded()))\""
            + " role=\"img\" aria-label=\"\(XMLEscaping.escape(scene.title, attribute: true))\">"
        if let mediaID, let width = scene.width, let height = scene.height {
            out += "<use href=\"#\(mediaID)\" width=\"\(width)\" height=\"\(height)\"/>"
        } else if let width = scene.width, let height = scene.height {
            out += "<rect class=\"canvas\" width=\"\(width)\" height=\"\(height)\"/>"
        }
        for (index, shape) in scene.shapes.enumerated() where index != highlight {
            out += element(shape, className: "other", unit: unit)
        }
        if scene.shapes.indices.contains(highlight) {
            let subject = scene.shapes[highlight]
            var drawn = element(subject, className: "subject", unit: unit)
            // A shape too small to see (a degenerate box, a lone point) gets a ring around it, inside its group.
            let points = Self.extent(subject)
            if let minX = points.map(\.x).min(), let maxX = points.map(\.x).max(), let minY = points.map(\.y).min(),
               let maxY = points.map(\.y).max(), max(maxX - minX, maxY - minY) < 6 * unit {
                drawn.removeLast("</g>".count)
                drawn += "<circle class=\"marker\" cx=\"\(svgNumber((minX + maxX) / 2))\" cy=\"\(svgNumber((minY + maxY) / 2))\" r=\"\(svgNumber(6 * unit))\"/></g>"
            }
            out += drawn
        }
        return out + "</svg>"
    }

    /// The image's own frame, or the shapes' extent (padded) when no size is declared; the image frame also
    /// grows to show a shape that lies outside it.
    private func viewBox() -> (x: Double, y: Double, width: Double, height: Double) {
        var minX = 0.0, minY = 0.0
        var maxX = Double(scene.width ?? 0), maxY = Double(scene.height ?? 0)
        for point in scene.shapes.flatMap(Self.extent) {
            minX = min(minX, point.x); minY = min(minY, point.y)
            maxX = max(maxX, point.x); maxY = max(maxY, point.y)
        }
        let pad = scene.width == nil || minX < 0 || minY < 0 || maxX > Double(scene.width ?? 0) || maxY > Double(scene.height ?? 0)
            ? max(maxX - minX, maxY - minY, 10) * 0.05 : 0
        return (minX - pad, minY - pad, max(maxX - minX, 1) + 2 * pad, max(maxY - minY, 1) + 2 * pad)
    }

    private static func extent(_ shape: SceneShape) -> [Point] {
        switch shape.drawing {
        case let .box(x, y, width, height, _): [Point(x: x, y: y), Point(x: x + width, y: y + height)]
        case let .ellipse(cx, cy, rx, ry, _): [Point(x: cx - rx, y: cy - ry), Point(x: cx + rx, y: cy + ry)]
        case let .polygon(points), let .polyline(points), let .points(points), let .cuboid(points): points
        case let .mask(left, top, width, height, _, _): [Point(x: left, y: top), Point(x: left + width, y: top + height)]
        case let .skeleton(vertices): vertices.map(\.point)
        }
    }

    private func element(_ shape: SceneShape, className: String, unit: Double) -> String {
        let title = "<title>\(XMLEscaping.escape("\(shape.label) (\(shape.kind.rawValue)), line \(shape.line)", attribute: false))</title>"
        let open = "<g class=\"\(className) kind-\(shape.kind.rawValue)\" data-line=\"\(shape.line)\">" + title
        var body = ""
        switch shape.drawing {
        case let .box(x, y, width, height, rotation):
            body = "<rect x=\"\(svgNumber(x))\" y=\"\(svgNumber(y))\" width=\"\(svgNumber(abs(width)))\" height=\"\(svgNumber(abs(height)))\""
                + rotate(rotation, x + width / 2, y + height / 2) + "/>"
        case let .ellipse(cx, cy, rx, ry, rotation):
            body = "<ellipse cx=\"\(svgNumber(cx))\" cy=\"\(svgNumber(cy))\" rx=\"\(svgNumber(rx))\" ry=\"\(svgNumber(ry))\""
                + rotate(rotation, cx, cy) + "/>"
        case let .polygon(points):
            body = "<polygon points=\"\(list(points))\"/>"
        case let .polyline(points):
            body = "<polyline points=\"\(list(points))\"/>"
        case let .points(points):
            body = points.map { dot($0, unit) }.joined()
        case let .cuboid(corners):
            let front = Array(corners.prefix(4)), back = Array(corners.dropFirst(4))
            body = "<polygon class=\"back\" points=\"\(list(back))\"/><polygon points=\"\(list(front))\"/>"
                + zip(front, back).map { "<line \(line($0, $1))/>" }.joined()
        case let .mask(left, top, width, height, runs, complete):
            let path = runs.map { "M\($0.x) \($0.y)h\($0.length)v1h-\($0.length)z" }.joined()
            body = "<path class=\"mask\" d=\"\(path)\"/>"
            if !complete {
                body += "<rect class=\"cut\" x=\"\(svgNumber(left))\" y=\"\(svgNumber(top))\" width=\"\(svgNumber(width))\" height=\"\(svgNumber(height))\"/>"
            }
        case let .skeleton(vertices):
            let byName = Dictionary(vertices.map { ($0.name, $0.point) }, uniquingKeysWith: { first, _ in first })
            for edge in skeletonEdges[shape.label] ?? [] {
                guard let from = byName[edge.from], let to = byName[edge.to] else { continue }
                body += "<line \(line(from, to))/>"
            }
            body += vertices.map { dot($0.point, unit, outside: $0.outside) }.joined()
        }
        return open + body + "</g>"
    }

    private func rotate(_ degrees: Double, _ x: Double, _ y: Double) -> String {
        degrees == 0 ? "" : " transform=\"rotate(\(svgNumber(degrees)) \(svgNumber(x)) \(svgNumber(y)))\""
    }

    private func dot(_ point: Point, _ radius: Double, outside: Bool = false) -> String {
        "<circle\(outside ? " class=\"outside\"" : "") cx=\"\(svgNumber(point.x))\" cy=\"\(svgNumber(point.y))\" r=\"\(svgNumber(radius))\"/>"
    }

    private func line(_ from: Point, _ to: Point) -> String {
        "x1=\"\(svgNumber(from.x))\" y1=\"\(svgNumber(from.y))\" x2=\"\(svgNumber(to.x))\" y2=\"\(svgNumber(to.y))\""
    }

    private func list(_ points: [Point]) -> String {
        points.map { "\(svgNumber($0.x)),\(svgNumber($0.y))" }.joined(separator: " ")
    }
}

/// A coordinate as SVG takes it: at most two decimals, no exponent, no "-0".
func svgNumber(_ value: Double) -> String {
    guard value.isFinite else { return "0" }
    let rounded = (value * 100).rounded() / 100
    if rounded == rounded.rounded(), abs(rounded) < 1e15 { return String(Int(rounded)) }
    return String(format: "%.2f", rounded).replacingOccurrences(of: #"0+$"#, with: "", options: .regularExpression)
}
