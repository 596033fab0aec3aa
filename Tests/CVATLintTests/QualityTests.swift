@testable import CVATLint
import CVATLintRules
import Foundation
import Testing

@Suite("Dataset quality: geometry")
struct SelfIntersectionTests {
    static func ring(_ text: String) -> [Point] {
        text.split(separator: ";").map { pair in
            let numbers = pair.split(separator: ",").compactMap { Double(String($0)) }
            return Point(x: numbers[0], y: numbers[1])
        }
    }

    @Test("Simple polygons have no crossing", arguments: [
        "0,0;10,0;10,10;0,10", "0,0;10,0;5,5;10,10;0,10", "0,0;4,0;4,4;2,1;0,4", "0,0;10,0;10,10;0,10;0,0",
        "0,0;5,0;10,0;10,10;0,10", "0,0;10,0;10,10;10,10;0,10",
    ])
    func simple(points: String) {
        #expect(SelfIntersection.firstCrossing(of: Self.ring(points)) == nil)
    }

    @Test("A bow-tie, a loop, a touch and a doubled-back edge cross", arguments: [
        ("0,0;10,10;10,0;0,10", 5.0, 5.0),
        ("0,0;10,0;10,10;4,-2;0,10", nil, nil),
        ("0,0;10,0;5,5;10,10;0,10;5,5", 5.0, 5.0),
        ("0,0;10,0;10,10;10,4;10,12;0,10", nil, nil),
    ] as [(String, Double?, Double?)])
    func crossing(points: String, x: Double?, y: Double?) throws {
        let point = try #require(SelfIntersection.firstCrossing(of: Self.ring(points)))
        if let x, let y { #expect(point == Point(x: x, y: y)) }
    }

    @Test("A 20,000-point contour is checked by a sweep, not by every pair")
    func longContour() {
        let count = 20_000
        var points = (0..<count).map { index -> Point in
            let angle = Double(index) / Double(count) * 2 * .pi
            return Point(x: 1000 * cos(angle), y: 1000 * sin(angle))
        }
        var tests = 0
        #expect(SelfIntersection.firstCrossing(of: points, pairTests: &tests) == nil)
        #expect(tests <= 3 * count, "\(tests) pair tests for \(count) edges: a sweep, not every pair")
        points.swapAt(10, 10_000)
        #expect(SelfIntersection.firstCrossing(of: points) != nil)
    }
}
