import CVATLint

/// Mask run lengths that do not cover the mask's box, and mask boxes outside their image.
final class MaskRLEInvalid: Rule {
    static let description = RuleDescription(
        id: "mask-rle",
        defaultSeverity: .error,
        category: .geometry,
        summary: "a mask's run lengths do not add up to width × height, or its box lies outside the image",
        rationale: """
            CVAT's mask RLE runs over the width × height box row by row, starting with background; the runs \
            must add up to exactly width × height (true of every real mask checked). A shorter or longer \
            list decodes into a shifted or truncated mask, and CVAT does not check it on import. A mask box \
            that leaves the image cannot be placed. Datumaro's CVAT reader draws each mask on a canvas of its \
            image's declared width and height, and stops on an image that states neither.
            """,
        issueTypes: [.init("mask_rle_sum"), .init("mask_box_empty"), .init("mask_outside_image", severity: .warning),
                     .init("mask_image_size_unknown", severity: .info)],
        triggering: [
            RuleExample.inImage("runs that add up to 5 for a 2 × 2 mask", #"↓<mask label="a" rle="1, 3, 1" left="0" top="0" width="2" height="2"/>"#),
        ],
        nonTriggering: [
            RuleExample.inImage("runs that cover the 3 × 2 box", #"<mask label="a" rle="0, 2, 1, 3" left="2" top="3" width="3" height="2"/>"#),
        ])

    private let context: RuleContext
    /// Images holding masks whose width or height the file does not state.
    private var unsized = Occurrences<String>()

    init(context: RuleContext) { self.context = context }

    func visitImage(_ image: ImageRecord) {
        var holdsMask = false
        for shape in image.shapes where shape.kind == .mask {
            holdsMask = true
            check(shape, label: shape.label, imageWidth: image.width, imageHeight: image.height)
        }
        if holdsMask, image.width == nil || image.height == nil { unsized.note("", at: image.location, example: image.name) }
    }

    func finish() {
        guard let entry = unsized.all.first?.entry else { return }
        context.report("\(counted(entry.count, "image")) holding masks \(entry.count == 1 ? "states" : "state") no width or height "
                       + "('\(entry.example ?? "")' first)", at: entry.first, issueType: "mask_image_size_unknown", count: entry.count)
    }

    func visitTrackShape(_ shape: Shape, of track: TrackRecord) {
        if shape.kind == .mask { check(shape, label: track.label, imageWidth: nil, imageHeight: nil) }
    }

    /// The sum of "a, b, c" run lengths in one pass over the bytes (a mask can hold thousands of runs),
    /// and whether it overflowed; nil when the list is not non-negative integers separated by commas.
    static func sum(ofRuns text: String) -> (Int, Bool)? {
        enum State { case expectingNumber, inNumber, afterNumber }
        var state = State.expectingNumber
        var total = 0
        var current = 0
        var overflowed = false
        func add() {
            let (sum, over) = total.addingReportingOverflow(current)
            total = sum
            overflowed = overflowed || over
            current = 0
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                guard state != .afterNumber else { return nil }
                let (times, over1) = current.multipliedReportingOverflow(by: 10)
                let (plus, over2) = times.addingReportingOverflow(Int(byte - UInt8(ascii: "0")))
                current = plus
                overflowed = overflowed || over1 || over2
                state = .inNumber
            case UInt8(ascii: ","):
                guard state != .expectingNumber else { return nil }
                add()
                state = .expectingNumber
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                if state == .inNumber { state = .afterNumber }
            default:
                return nil
            }
        }
        guard state != .expectingNumber else { return nil }
        add()
        return (total, overflowed)
    }

    private func check(_ shape: Shape, label: String, imageWidth: Int?, imageHeight: Int?) {
        guard let rle = shape["rle"], let left = shape.integer("left"), let top = shape.integer("top"),
              let width = shape.integer("width"), let height = shape.integer("height") else { return }
        if width <= 0 || height <= 0 {
            context.report("label '\(label)': mask box is \(width) × \(height); both must be ≥ 1", at: shape.location,
                           issueType: "mask_box_empty") { $0.label = label }
            return
        }
        let (area, overflow) = width.multipliedReportingOverflow(by: height)
        // The schema reports a malformed list; only a well-formed one is summed.
        guard let (total, totalOverflow) = Self.sum(ofRuns: rle) else { return }
        if overflow || totalOverflow || total != area {
            context.report("label '\(label)': mask runs add up to \(totalOverflow ? "more than Int.max" : String(total)), "
                           + "not width × height = \(overflow ? "more than Int.max" : String(area))",
                           at: shape.location, issueType: "mask_rle_sum") { $0.label = label }
        }
        if let imageWidth, let imageHeight,
           left < 0 || top < 0 || left + width > imageWidth || top + height > imageHeight {
            context.report("label '\(label)': mask box \(left),\(top) \(width) × \(height) leaves the \(imageWidth) × \(imageHeight) image",
                           at: shape.location, severity: .warning, issueType: "mask_outside_image") { $0.label = label }
        }
    }
}
