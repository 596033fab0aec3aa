@testable import CVATLint
import CVATLintRules
import Foundation
import Testing

/// repairPolygon: a self-intersecting polygon split into simple ones of the same area, counted per label.
@Suite("apply: polygon repairs")
struct PolygonRepairTests {
    /// The one-piece fixture with its second polygon (the spike) given another label or other points.
    static func onePieceFixture(secondLabel label: String = "spot", secondPoints points: String? = nil) throws -> String {
        let fixture = try String(contentsOfFile: Paths.fixture("repair-polygon-one-piece/annotations.xml"), encoding: .utf8)
        let spike = "10.00,10.00;30.00,10.00;30.00,30.00;20.00,30.00;20.00,25.00;20.00,30.00;10.00,30.00"
        return fixture.replacingOccurrences(of: #"label="spot" source="manual" occluded="0" points="\#(spike)""#,
                                            with: #"label="\#(label)" source="manual" occluded="0" points="\#(points ?? spike)""#)
    }

    @Test("A self-intersecting polygon is split into simple polygons of the same area, with --drop-invalid too")
    func polygonRepaired() throws {
        for options in [ApplyOptions(allowLoss: true), ApplyOptions(allowLoss: true, dropInvalid: true)] {
            let (result, xml) = try RepairTests.apply(Paths.fixture("rule-polygon-self-intersecting"), options: options)
            #expect(result.refusals.isEmpty)
            #expect(!(result.outputReport?.findings.contains { $0.issueType == "polygon_self_intersecting" } ?? true))
            #expect(xml.contains(#"points="10.00,25.00;15.00,30.00;15.00,20.00""#) && xml.contains(#"points="5.00,20.00;10.00,25.00;5.00,30.00""#))
            let row = try #require(result.manifest.conservation.first { $0.label == "person" && $0.kind == "polygon" })
            #expect(row.repaired == ["repairPolygon": 1] && row.written == 2 && row.leftOut.isEmpty)
        }
    }

    @Test("Splitting keeps the area: a bow-tie, a loop, a vertex touching an edge")
    func splitKeepsArea() throws {
        func ring(_ text: String) -> [Point] { parsePoints(text) ?? [] }
        let cases: [(String, Double, Int)] = [
            ("0,0;10,10;10,0;0,10", 50, 2),                 // bow-tie: two triangles of 25
            ("0,0;10,0;10,10;4,10;6,12;6,8;0,10", 96, 2),   // a square (less a notch) with a small crossed loop on its top edge
            ("0,0;10,0;10,10;5,0;0,10", 50, 2),             // a vertex touching the bottom edge
        ]
        for (text, area, count) in cases {
            let split = try #require(PolygonRepair.pieces(of: ring(text), minimumArea: 0))
            #expect(split.pieces.count == count, "\(text)")
            #expect(abs(split.pieces.map { abs(PolygonRepair.area($0)) }.reduce(0, +) - area) < 1e-9, "\(text)")
            #expect(split.pieces.allSatisfy { SelfIntersection.firstCrossing(of: $0) == nil }, "\(text)")
        }
    }

    @Test("A chain of crossings splits into its diamonds, short (points found by a scan) or long (by an index)",
          arguments: [3, 40])
    func splitChain(crossings: Int) throws {
        // Out along a zigzag and back along its mirror image: the two cross in the middle of every step,
        // leaving a triangle of 25 at each end and a diamond of 50 between neighbouring crossings.
        let out = (0...crossings).map { Point(x: Double(10 * $0), y: $0.isMultiple(of: 2) ? 0 : 10) }
        let back = (0...crossings).reversed().map { Point(x: Double(10 * $0), y: $0.isMultiple(of: 2) ? 10 : 0) }
        let split = try #require(PolygonRepair.pieces(of: out + back, minimumArea: 0))
        #expect(split.pieces.count == crossings + 1)
        #expect(abs(split.pieces.map { abs(PolygonRepair.area($0)) }.reduce(0, +) - 50 * Double(crossings)) < 1e-9)
        #expect(split.pieces.allSatisfy { SelfIntersection.firstCrossing(of: $0) == nil })
    }

    @Test("A contour of long horizontal runs with one crossing is split by sweeping along y, once x overruns the budget")
    func splitSerpentine() throws {
        // 20,000 runs 1,000 wide stacked one unit apart: every run overlaps every other in x (200 million pairs),
        // none in y. Closed down a line at x = -10 that crosses itself once, in a bow-tie of area 5.
        let runs = 20_000
        var ring: [Point] = []
        for row in 0..<runs {
            let (from, to) = row.isMultiple(of: 2) ? (0.0, 1000.0) : (1000.0, 0.0)
            ring += [Point(x: from, y: Double(row)), Point(x: to, y: Double(row))]
        }
        ring += [Point(x: -10, y: Double(runs - 1)), Point(x: -10, y: 5), Point(x: -20, y: 3), Point(x: -20, y: 5),
                 Point(x: -10, y: 3), Point(x: -10, y: 0)]
        let split = try #require(PolygonRepair.pieces(of: ring, minimumArea: 0))
        #expect(split.pieces.count == 2)
        #expect(split.pieces.map { abs(PolygonRepair.area($0)) }.contains { abs($0 - 5) < 1e-9 })
        #expect(split.pieces.allSatisfy { SelfIntersection.firstCrossing(of: $0) == nil })
    }

    @Test("A scribble whose edges all cross each other is given up past the budget instead of taking minutes")
    func scribbleOverBudget() throws {
        // 3,000 points zigzagging in a 60 × 40 box: hundreds of thousands of crossings.
        let scribble = (0..<3000).map { Point(x: Double($0 % 60) + 0.5, y: Double($0 * 7 % 40) + 0.25) }
        #expect(PolygonRepair.pieces(of: scribble, minimumArea: 0) == nil)
        // apply leaves it as it is, or out under --drop-invalid, as any polygon no split makes simple.
        let text = scribble.map { String(format: "%.2f,%.2f", $0.x, $0.y) }.joined(separator: ";")
        let xml = try String(contentsOfFile: Paths.fixture("rule-polygon-self-intersecting/annotations.xml"), encoding: .utf8)
            .replacingOccurrences(of: "5.00,20.00;15.00,30.00;15.00,20.00;5.00,30.00", with: text)
        for dropInvalid in [false, true] {
            let (result, output) = try RepairTests.apply(xml: xml, options: ApplyOptions(allowLoss: true, dropInvalid: dropInvalid))
            let row = try #require(result.manifest.conservation.first { $0.label == "person" && $0.kind == "polygon" })
            #expect(row.repaired.isEmpty)
            #expect(dropInvalid ? row.leftOut.count == 1 && !output.contains(text) : row.written == 1 && output.contains(text))
        }
    }

    @Test("A repair into one piece writes that piece: a small loop left out as a sliver, a spike folded away",
          arguments: [false, true])
    func polygonRepairedIntoOnePiece(dropInvalid: Bool) throws {
        let path = Paths.fixture("repair-polygon-one-piece/annotations.xml")
        let (result, xml) = try RepairTests.apply(path, options: ApplyOptions(allowLoss: true, dropInvalid: dropInvalid))
        #expect(result.refusals.isEmpty && result.outputReport?.summary.errors == 0)
        // The loop's corner and the spike's tip are gone; the crossing point is a corner now.
        #expect(!xml.contains("11.60,21.50") && !xml.contains("20.00,25.00") && xml.contains("10.00,30.00;11.70,21.50;12.20,21.50"))
        #expect(xml.contains(#"points="10.00,10.00;30.00,10.00;30.00,30.00;20.00,30.00;10.00,30.00""#))
        let row = try #require(result.manifest.conservation.first { $0.label == "spot" })
        #expect(row.repaired == ["repairPolygon": 2] && row.written == 2 && row.leftOut.isEmpty)
        let repair = try #require(result.manifest.executed.first { $0.action == .repairPolygon(label: "spot") })
        #expect(repair.touched.map(\.count) == [2])
    }

    @Test("A polygon no split makes simple stays as it is, or is left out under --drop-invalid", arguments: [false, true])
    func polygonUnrepairable(dropInvalid: Bool) throws {
        // The second polygon made a line folded on itself: every piece of it has no area.
        let folded = "10.00,10.00;20.00,10.00;15.00,10.00;25.00,10.00"
        let xml = try Self.onePieceFixture(secondPoints: folded)
        let (result, output) = try RepairTests.apply(xml: xml, options: ApplyOptions(allowLoss: true, dropInvalid: dropInvalid))
        let row = try #require(result.manifest.conservation.first { $0.label == "spot" })
        #expect(row.repaired == ["repairPolygon": 1])
        if dropInvalid {
            #expect(result.outputReport?.summary.errors == 0 && !output.contains(folded))
            #expect(row.leftOut.count == 1 && row.leftOut.keys.allSatisfy { $0.contains("polygon_self_intersecting") } && row.written == 1)
        } else {
            #expect(output.contains(folded) && row.leftOut.isEmpty && row.written == 2)
            #expect(result.outputReport?.findings.contains { $0.issueType == "polygon_self_intersecting" } == true)
        }
    }

    @Test("Each label's repair counts that label's polygons in the manifest, not every label's")
    func repairCountedPerLabel() throws {
        let xml = try Self.onePieceFixture(secondLabel: "stain")
        let (result, _) = try RepairTests.apply(xml: xml, options: ApplyOptions(allowLoss: true))
        #expect(result.outputReport?.summary.errors == 0)
        for label in ["spot", "stain"] {
            let repair = try #require(result.manifest.executed.first { $0.action == .repairPolygon(label: label) })
            #expect(repair.touched.map(\.label) == [label] && repair.touched.map(\.count) == [1])
        }
    }
}
