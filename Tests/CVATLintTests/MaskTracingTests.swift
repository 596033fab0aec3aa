@testable import CVATLint
import Foundation
import Testing

/// convertShape for masks: a mask traced into polygons along pixel edges, within a bound on their number.
@Suite("apply: masks traced into polygons")
struct MaskTracingTests {
    @Test("Masks trace into simple polygons whose areas add up to the pixel count, holes and pieces included")
    func maskTracing() throws {
        // A ring (a hole in the middle), a separate pixel, and two pixels touching only at a corner.
        let rows = ["#####...#.",
                    "#...#.....",
                    "#####..#..",
                    "........#."]
        let bits = rows.flatMap { $0.map { $0 == "#" } }
        let polygons = try #require(MaskTracer(width: 10, height: 4, bits: bits).polygons())
        func area(_ polygon: [MaskTracer.Vertex]) -> Int {
            var twice = 0
            for index in polygon.indices {
                let (a, b) = (polygon[index], polygon[(index + 1) % polygon.count])
                twice += a.x * b.y - b.x * a.y
            }
            return abs(twice) / 2
        }
        #expect(polygons.map(area).reduce(0, +) == bits.filter { $0 }.count)
        for polygon in polygons {
            #expect(Set(polygon).count == polygon.count, "no corner visited twice")
            let points = polygon.map { Point(x: Double($0.x), y: Double($0.y)) }
            #expect(SelfIntersection.firstCrossing(of: points) == nil, "simple: \(polygon)")
        }
        #expect(polygons.count >= 4, "the ring is cut open; the lone pixel and the diagonal pair are pieces of their own")
        // Bits that are not width × height (the public init allows it) take the path through the set pixels'
        // bounding box: the last unset bit missing traces the same.
        #expect(MaskTracer(width: 10, height: 4, bits: Array(bits.dropLast())).polygons() == polygons)
        // Past a limit of pieces there are no polygons, whole-mask bitmap or not.
        #expect(MaskTracer(width: 10, height: 4, bits: bits).polygons(atMost: 3) == nil)
        #expect(MaskTracer(width: 10, height: 4, bits: Array(bits.dropLast())).polygons(atMost: 3) == nil)
    }

    @Test("A mask in more pieces than the bound is left out as unconvertible, counted, not traced into memory")
    func speckledMaskLeftOut() throws {
        // A 201 × 200 checkerboard: 20,100 one-pixel pieces, past PolygonConversion.maximumMaskPolygons.
        let (width, height) = (201, 200)
        let rle = Array(repeating: "1", count: width * height).joined(separator: ", ")
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let export = try Paths.editedFixtureCopy("task-images-every-shape", in: directory) {
            $0.replacingOccurrences(of: #"rle="0, 2, 1, 3" left="2" top="3" width="3" height="2""#,
                                    with: #"rle="\#(rle)" left="0" top="0" width="\#(width)" height="\#(height)""#)
                .replacingOccurrences(of: #"name="street.png" width="64" height="48""#, with: #"name="street.png" width="210" height="210""#)
        }
        try Data(png(width: 210, height: 210)).write(to: export.appendingPathComponent("images/street.png"))
        #expect(width * height / 2 + 1 > PolygonConversion.maximumMaskPolygons)
        let (result, xml) = try RepairTests.apply(export.path, options: ApplyOptions(allowLoss: true))
        let row = try #require(result.manifest.conservation.first { $0.label == "person" && $0.kind == "mask" })
        #expect(row.leftOut == ["mask_unsupported": 1] && row.written == 0)
        #expect(!xml.contains("<mask"))
        #expect(xml.components(separatedBy: "<polygon").count < 100)
    }
}
