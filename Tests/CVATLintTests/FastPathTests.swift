@testable import CVATLint
import Foundation
import Testing

// The byte-level readers and writers that replaced Foundation calls on hot paths, held to the Foundation
// behaviour they replaced.

@Suite("RLE reading")
struct RLEReadingTests {
    /// The reading the byte scanner replaced: split at commas (empty parts skipped), trim spaces and tabs, Int.
    static func reference(_ rle: String) -> [Int]? {
        var runs: [Int] = []
        for part in rle.split(separator: ",") {
            guard let run = Int(part.trimmingCharacters(in: .whitespaces)), run >= 0 else { return nil }
            runs.append(run)
        }
        return runs
    }

    @Test("Shape.forEachRun reads every RLE as the Foundation reading did, valid or not")
    func sameAsReference() {
        var generator = SystemRandomNumberGenerator()
        let alphabet: [Character] = ["0", "1", "7", "9", ",", " ", "\t", "+", "-", "x", "\n"]
        var cases = ["", "0, 2, 1, 3", "3,,4", "5,", ",5", " 12 , 3 ", "+4", "+ 4", "1 2", "-0", "99999999999999999999", "\t7\t"]
        for _ in 0..<20_000 {
            cases.append(String((0..<Int.random(in: 0...9, using: &generator)).map { _ in alphabet.randomElement(using: &generator) ?? "0" }))
        }
        for rle in cases {
            var runs: [Int] = []
            let read = Shape.forEachRun(of: rle) { runs.append($0); return true }
            #expect((read ? runs : nil) == Self.reference(rle), "\(rle.debugDescription)")
        }
    }
}

@Suite("Decimal reading")
struct DecimalReadingTests {
    /// What the reader must give: the C library's value for the decimal at the start of the text, and its
    /// length; nil where it has an exponent or more than 15 significant digits (the general parser's).
    static func reference(_ text: String) -> (Double, Int)? {
        let bytes = Array(text.utf8)
        var index = bytes.first == UInt8(ascii: "-") || bytes.first == UInt8(ascii: "+") ? 1 : 0
        var digits = 0
        var significant = 0
        var fraction = 0
        var seenPoint = false
        while index < bytes.count {
            let byte = bytes[index]
            if (0x30...0x39).contains(byte) {
                digits += 1
                if significant > 0 || byte != 0x30 { significant += 1 }
                if seenPoint { fraction += 1 }
            } else if byte == UInt8(ascii: "."), !seenPoint {
                seenPoint = true
            } else {
                break
            }
            index += 1
        }
        guard digits > 0, significant <= 15, fraction <= 22 else { return nil }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") { return nil }
        return (strtod(String(decoding: bytes[..<index], as: UTF8.self), nil), index)
    }

    @Test("DecimalReader.read gives strtod's value, to the bit, for every plain decimal it takes, and leaves the rest")
    func sameAsStrtod() {
        var generator = SeededGenerator(seed: 7)
        let alphabet: [Character] = ["0", "0", "1", "5", "9", ".", "-", "+", "e", ",", ";", " "]
        var cases = ["12.50", "-0", ".5", "5.", "0.000000000000000000001", "999999999999999", "1000000000000000",
                     "0000000000000000000001", "1.2.3", "12e", "-.", "+7;"]
        for _ in 0..<50_000 {
            cases.append(String((0..<Int.random(in: 0...24, using: &generator)).map { _ in alphabet.randomElement(using: &generator) ?? "0" }))
            let whole = Int.random(in: 0...99_999, using: &generator)
            let cents = Int.random(in: 0...99, using: &generator)
            cases.append("\(Bool.random(using: &generator) ? "-" : "")\(whole).\(cents < 10 ? "0" : "")\(cents)")
        }
        let mismatches = cases.filter { text in
            let read = Array(text.utf8).withUnsafeBufferPointer { DecimalReader.read($0) }
            let expected = Self.reference(text)
            guard let read, let expected else { return (read == nil) != (expected == nil) }
            return read.value.bitPattern != expected.0.bitPattern || read.length != expected.1
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    }
}

@Suite("Coordinates as apply writes them")
struct CoordinateTextTests {
    @Test("CVATStyle.number writes what \"%.2f\" of the value rounded to cents writes, without Foundation's formatter")
    func sameAsFormat() {
        func reference(_ value: Double) -> String {
            let rounded = (value * 100).rounded() / 100
            let text = String(format: "%.2f", rounded == 0 ? 0 : rounded)
            return text == "-0.00" ? "0.00" : text
        }
        var generator = SystemRandomNumberGenerator()
        var values: [Double] = [0, -0.0, 0.004, -0.004, 0.005, -0.005, 1.005, 2.675, 1.115, -1.115, 0.125, 9.995, -9.995,
                                123456.785, 1e14, -1e14, 12345678901234.56, 1e300, -1e-300, .infinity, -.infinity, .nan]
        for _ in 0..<100_000 {
            values.append(Double.random(in: -5000...5000, using: &generator))
            values.append(Double(Int.random(in: -1_000_000...1_000_000, using: &generator)) / 1000)
            values.append(Double(Int.random(in: -100_000...100_000, using: &generator)) / 200)
        }
        let mismatches = values.filter { CVATStyle.number($0) != reference($0) }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5).map { "\($0): \(CVATStyle.number($0)) vs \(reference($0))" })")
    }
}

@Suite("Polygon overlap sampling")
struct OverlapSamplingTests {
    /// A random polygon: `count` vertices, integer or fractional, simple or not.
    static func polygon(_ count: Int, integers: Bool, using generator: inout SystemRandomNumberGenerator) -> [Point] {
        (0..<count).map { _ in
            integers ? Point(x: Double(Int.random(in: 0...20, using: &generator)), y: Double(Int.random(in: 0...20, using: &generator)))
                : Point(x: Double.random(in: 0...20, using: &generator), y: Double.random(in: 0...20, using: &generator))
        }
    }

    @Test("Row-by-row sampling counts the centres that testing each centre against every edge counts")
    func sameAsPointInPolygon() {
        var generator = SystemRandomNumberGenerator()
        for round in 0..<400 {
            let integers = round % 2 == 0
            let first = Self.polygon(Int.random(in: 3...24, using: &generator), integers: integers, using: &generator)
            let second = Self.polygon(Int.random(in: 3...24, using: &generator), integers: integers, using: &generator)
            // Integer boxes put centres on vertices' rows and columns: the ties the walk must break alike.
            let (minX, minY, maxX, maxY) = integers ? (0.0, 0.0, 20.0, 20.0) : (1.5, 2.25, 18.0, 17.5)
            let steps = integers ? 40 : 64
            var brute = 0
            for i in 0..<steps {
                for j in 0..<steps {
                    let point = Point(x: minX + (Double(i) + 0.5) * (maxX - minX) / Double(steps),
                                      y: minY + (Double(j) + 0.5) * (maxY - minY) / Double(steps))
                    if Overlap.contains(first, point), Overlap.contains(second, point) { brute += 1 }
                }
            }
            let walked = Overlap.sampledInside(first, second, steps: steps, minX: minX, minY: minY, maxX: maxX, maxY: maxY)
            #expect(walked == brute, "\(first) \(second)")
        }
    }

    @Test("Polygons whose areas or extents keep them under the threshold are not measured, and others are")
    func boundSkipsOnlyWhatCannotReach() {
        let square = [Point(x: 0, y: 0), Point(x: 10, y: 0), Point(x: 10, y: 10), Point(x: 0, y: 10)]
        // Two triangles in one box, apart: areas 50 and 32 cap IoU at 32 / 50 = 0.64, so the pair is not
        // measured and the cap comes back; measured, they share nothing.
        let lower = [Point(x: 0, y: 0), Point(x: 10, y: 0), Point(x: 0, y: 10)]
        let upper = [Point(x: 10, y: 10), Point(x: 10, y: 2), Point(x: 2, y: 10)]
        #expect(abs(Overlap.iou(.polygon(lower), .polygon(upper), atLeast: 0.95) - 0.64) < 1e-9)
        #expect(Overlap.iou(.polygon(lower), .polygon(upper)) == 0)
        // A hair apart: measured, the same with or without the threshold.
        let moved = square.map { Point(x: $0.x + 0.1, y: $0.y) }
        let measured = Overlap.iou(.polygon(square), .polygon(moved))
        #expect(measured > 0.95)
        #expect(Overlap.iou(.polygon(square), .polygon(moved), atLeast: 0.95) == measured)
    }
}
