@testable import CVATLint
import Foundation
import Testing

@Suite("The README's import stage section")
struct ApplyReadmeTests {
    static let readme = (try? String(contentsOf: Paths.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)) ?? ""

    @Test("The action table names every action type, lossless or lossy as declared")
    func actionTable() {
        let rows = Self.readme.split(separator: "\n").filter { $0.hasPrefix("| `") && ($0.contains("| lossless |") || $0.contains("| lossy |")) }
        for (action, declared) in ImportAction.declarations {
            let row = rows.first { $0.contains("`\(action)`") }
            #expect(row != nil, "README: no row for \(action)")
            #expect(row?.contains("| \(declared.lossless ? "lossless" : "lossy") |") == true, "README: \(action) is \(declared.lossless ? "lossless" : "lossy")")
        }
    }

    @Test("The worked example is what apply prints")
    func workedExample() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("ready").path
        let run = try runTool(["apply", "--no-config", "--target", "encord", "--allow-loss", "--out", out, Paths.fixture("task-images-every-shape")])
        #expect(run.status == 0)
        let printed = run.stdout.replacingOccurrences(of: out, with: "ready")
        let marker = "$ cvat-lint apply --target encord --allow-loss --out ready Fixtures/task-images-every-shape\n"
        let start = try #require(Self.readme.range(of: marker))
        let end = try #require(Self.readme.range(of: "```", range: start.upperBound..<Self.readme.endIndex))
        let example = String(Self.readme[start.upperBound..<end.lowerBound])
        #expect(printed.replacingOccurrences(of: Paths.fixture("task-images-every-shape"), with: "Fixtures/task-images-every-shape") == example)
    }

    @Test("The bounds the action table states are the ones apply keeps")
    func statedBounds() {
        func grouped(_ value: Int) -> String {
            let digits = String(value)
            return digits.enumerated().map { ($0.offset > 0 && (digits.count - $0.offset) % 3 == 0 ? "," : "") + String($0.element) }.joined()
        }
        for claim in ["masks over \(PolygonConversion.maximumMaskPixels / 1_000_000) M px, or in more than \(grouped(PolygonConversion.maximumMaskPolygons)) pieces",
                      "more than \(grouped(PolygonRepair.Budget.crossings)) crossings, or \(PolygonRepair.Budget.pairTests / 1_000_000) million pairs"] {
            #expect(Self.readme.contains(claim), "README: \(claim)")
        }
    }
}
