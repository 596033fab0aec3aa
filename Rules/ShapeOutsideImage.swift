import CVATLint
import Foundation

/// Shapes that reach outside their image by more than a small tolerance.
final class ShapeOutsideImage: Rule {
    static let description = RuleDescription(
        id: "shape-outside-image",
        defaultSeverity: .warning,
        category: .geometry,
        summary: "a shape reaches outside its image by more than 2 pixels",
        rationale: """
            CVAT does not clamp coordinates (its code carries a FIXME for it), so shapes beyond the image \
            border are common. Targets that normalise coordinates by the image size (Encord) then get values \
            below 0 or above 1, which they clamp, reject or mis-draw. Reported per label with the worst overhang.
            """,
        issueTypes: [.init("shape_outside_image")],
        actions: ["clipToImage"],
        triggering: [
            RuleExample.inImage("a box 20 px past the right edge of a 10 px image", #"↓<box label="a" xtl="1" ytl="1" xbr="30" ybr="5"/>"#),
        ],
        nonTriggering: [
            RuleExample.inImage("a box inside, and one within 2 pixels of the edge", """
                <box label="a" xtl="1" ytl="1" xbr="5" ybr="5"/>
                <box label="a" xtl="0" ytl="0" xbr="11.5" ybr="10"/>
                """),
        ])

    /// Overhangs up to this many pixels are rounding and brush slack, not errors (real exports show up to ~1.5 px).
    static let tolerance = 2.0

    private let context: RuleContext
    private var outside = Occurrences<String>()
    private var worst: [String: Double] = [:]
    /// Per label, the shapes outside that `clipToImage` leaves as drawn: kept by the target as a kind no clip keeps.
    private var unclippable: [String: Int] = [:]

    init(context: RuleContext) { self.context = context }

    func visitImage(_ image: ImageRecord) {
        guard let width = image.width, let height = image.height, width > 0, height > 0 else { return }
        for shape in image.shapes { check(shape, label: shape.label, width: Double(width), height: Double(height)) }
    }

    func visitTrackShape(_ shape: Shape, of track: TrackRecord) {
        guard !shape.outside, let size = frameSize(taskID: track.taskID) else { return }
        check(shape, label: track.label, width: size.width, height: size.height)
    }

    /// A video task's frame size as `<meta>` declares it (its task's, or the job's at meta level).
    private func frameSize(taskID: Int?) -> (width: Double, height: Double)? {
        context.facts.frameSizes.declared(taskID: taskID).map { (Double($0.width), Double($0.height)) }
    }

    private func check(_ shape: Shape, label: String, width: Double, height: Double) {
        guard let outline = shape.outline, let extent = Extent(outline) else { return }
        let overhang = extent.overhang(width: width, height: height)
        guard overhang.isFinite, overhang > Self.tolerance else { return }
        outside.note(label, at: shape.location)
        worst[label] = max(worst[label] ?? 0, overhang)
        // A kind the target does not keep is converted (a polygon, then clipped) or left out by apply anyway.
        if !shape.clipsAsItself, context.target.shape(context.options.effectiveKind(shape.kind), level: context.facts.level).isKept {
            unclippable[label, default: 0] += 1
        }
    }

    func finish() {
        for (label, entry) in outside.all {
            let distance = (worst[label] ?? 0).rounded(toPlaces: 2)
            let stay = unclippable[label] ?? 0
            // No action where every shape outside is one no clip keeps.
            let note = stay == 0 ? "" : "; " + (stay == entry.count ? "" : "\(stay) ")
                + "not clipped: clipping an ellipse, a cuboid, a rotated box, a mask or a skeleton would make another shape"
            context.report("label '\(label)': \(counted(entry.count, "shape")) \(entry.count == 1 ? "reaches" : "reach") outside the image, "
                           + "by up to \(distance) px" + note,
                           at: entry.first, issueType: "shape_outside_image",
                           action: stay == entry.count ? nil : .clipToImage(label: label)) { $0.label = label }
        }
    }
}

extension Double {
    func rounded(toPlaces places: Int) -> Double {
        let factor = pow(10, Double(places))
        return (self * factor).rounded() / factor
    }
}
