@testable import CVATLint
@testable import CVATLintRules
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

    @Test("Two edges meet exactly when segments on a small grid share a point (the quick rejection loses none)")
    func edgePairs() {
        /// Whether segments ab and cd share a point, by orientations (integers, so exact).
        func intersects(_ a: Point, _ b: Point, _ c: Point, _ d: Point) -> Bool {
            func side(_ o: Point, _ p: Point, _ q: Point) -> Int {
                let turn = (p.x - o.x) * (q.y - o.y) - (p.y - o.y) * (q.x - o.x)
                return turn < 0 ? -1 : (turn > 0 ? 1 : 0)
            }
            func within(_ p: Point, _ a: Point, _ b: Point) -> Bool {
                (min(a.x, b.x)...max(a.x, b.x)).contains(p.x) && (min(a.y, b.y)...max(a.y, b.y)).contains(p.y)
            }
            let (s1, s2, s3, s4) = (side(c, d, a), side(c, d, b), side(a, b, c), side(a, b, d))
            if s1 * s2 < 0, s3 * s4 < 0 { return true }
            return (s1 == 0 && within(a, c, d)) || (s2 == 0 && within(b, c, d)) || (s3 == 0 && within(c, a, b))
                || (s4 == 0 && within(d, a, b))
        }
        var generator = SeededGenerator(seed: 5)
        func point() -> Point { Point(x: Double(Int.random(in: 0...5, using: &generator)), y: Double(Int.random(in: 0...5, using: &generator))) }
        var (met, apart) = (0, 0)
        for _ in 0..<20_000 {
            let (a, b, c, d) = (point(), point(), point(), point())
            guard a != b, c != d else { continue }
            // Edges 0 and 2 of a ring of 5: not neighbours.
            let found = SelfIntersection.crossing(.init(index: 0, a: a, b: b), .init(index: 2, a: c, b: d), count: 5)
            #expect((found != nil) == intersects(a, b, c, d), "\(a) \(b) \(c) \(d)")
            if found != nil { met += 1 } else { apart += 1 }
        }
        #expect(met > 1000 && apart > 1000, "the grid makes both outcomes common")
        // A NaN end lies on nothing; the finite end still touches.
        let nan = Point(x: .nan, y: 1)
        #expect(SelfIntersection.crossing(.init(index: 0, a: nan, b: Point(x: 2, y: 2)),
                                          .init(index: 2, a: Point(x: 0, y: 2), b: Point(x: 4, y: 2)), count: 5) == Point(x: 2, y: 2))
        #expect(SelfIntersection.crossing(.init(index: 0, a: Point(x: 2, y: .nan), b: Point(x: 9, y: 9)),
                                          .init(index: 2, a: Point(x: 0, y: 2), b: Point(x: 4, y: 2)), count: 5) == nil)
    }

    @Test("A 20,000-point contour is checked by a sweep, not by every pair")
    func longContour() {
        let count = 20_000
        // Wavy, so not convex: the sweep, not the one pass over the corners, settles it.
        var points = (0..<count).map { index -> Point in
            let angle = Double(index) / Double(count) * 2 * .pi
            let radius = 1000 + 50 * sin(40 * angle)
            return Point(x: radius * cos(angle), y: radius * sin(angle))
        }
        var tests = 0
        #expect(SelfIntersection.firstCrossing(of: points, pairTests: &tests) == nil)
        #expect(tests <= 3 * count, "\(tests) pair tests for \(count) edges: a sweep, not every pair")
        points.swapAt(10, 10_000)
        #expect(SelfIntersection.firstCrossing(of: points) != nil)
    }
}

extension SelfIntersectionTests {
    /// Whether any two edges of the ring meet, by testing every pair (what the sweep and the convex pass stand for).
    static func crossesPairwise(_ points: [Point]) -> Bool {
        var ring = points
        if ring.count > 3, ring.first == ring.last { ring.removeLast() }
        // A triangle (or less) is no polygon to test, however flat.
        guard ring.count >= 4 else { return false }
        let corners = ring.indices.filter { ring[$0] != ring[($0 + 1) % ring.count] }
        let edges = corners.enumerated().map { SelfIntersection.Edge(index: $0.offset, a: ring[$0.element], b: ring[($0.element + 1) % ring.count]) }
        guard edges.count >= 3 else { return false }
        return edges.indices.contains { first in
            (first + 1..<edges.count).contains { SelfIntersection.crossing(edges[first], edges[$0], count: edges.count) != nil }
        }
    }

    @Test("Stars that turn one way at every corner but go round twice cross; convex rings, however drawn, do not")
    func convexPass() throws {
        // A pentagram turns the same way at each of its corners, and goes round twice.
        let pentagram = (0..<5).map { step -> Point in
            let angle = Double(step * 2) / 5 * 2 * .pi
            return Point(x: 100 + 50 * cos(angle), y: 100 + 50 * sin(angle))
        }
        #expect(try #require(SelfIntersection.firstCrossing(of: pentagram)).x.isFinite)
        // An ellipse as apply converts it (a point every few pixels of its rim), rounded to cents; either way round.
        var ellipse = (0..<64).map { step -> Point in
            let angle = Double(step) / 64 * 2 * .pi
            return Point(x: ((300 + 280 * cos(angle)) * 100).rounded() / 100, y: ((200 + 30 * sin(angle)) * 100).rounded() / 100)
        }
        var tests = 0
        #expect(SelfIntersection.firstCrossing(of: ellipse, pairTests: &tests) == nil)
        #expect(tests == 0, "settled in one pass over the corners, with no pair of edges tested")
        ellipse.reverse()
        #expect(SelfIntersection.firstCrossing(of: ellipse) == nil)
        #expect(SelfIntersection.firstCrossing(of: ellipse + ellipse) != nil, "round twice")
    }

    @Test("Rings on a small grid, star polygons and convex hulls: a crossing is found exactly when a pair of edges meets")
    func agreesWithEveryPair() {
        var generator = SeededGenerator(seed: 11)
        var (crossing, simple) = (0, 0)
        for trial in 0..<6_000 {
            let count = Int.random(in: 3...9, using: &generator)
            var points: [Point]
            switch trial % 3 {
            case 0:
                points = (0..<count).map { _ in
                    Point(x: Double(Int.random(in: 0...6, using: &generator)), y: Double(Int.random(in: 0...6, using: &generator)))
                }
            case 1:
                // {count/step} star polygons and their convex kin (step 1), at a random scale and rotation.
                let step = Int.random(in: 1...max(1, count / 2), using: &generator)
                let turn = Double.random(in: 0..<(2 * .pi), using: &generator)
                let scale = Double.random(in: 0.5...500, using: &generator)
                points = (0..<count).map { index in
                    let angle = turn + Double(index * step) / Double(count) * 2 * .pi
                    return Point(x: scale * cos(angle), y: scale * sin(angle))
                }
            default:
                let cloud = (0..<(count + 4)).map { _ in
                    Point(x: Double.random(in: -100...100, using: &generator), y: Double.random(in: -100...100, using: &generator))
                }
                points = PolygonConversion.convexHull(cloud)
                if Bool.random(using: &generator) { points.reverse() }
            }
            let expected = Self.crossesPairwise(points)
            #expect((SelfIntersection.firstCrossing(of: points) != nil) == expected, "\(points)")
            if expected { crossing += 1 } else { simple += 1 }
        }
        #expect(crossing > 500 && simple > 500, "both outcomes are common")
    }
}

@Suite("Dataset quality: duplicates")
struct DuplicateTests {
    @Test("20,000 boxes on one image: the 5 planted duplicates are found, measuring near-linearly many pairs")
    func manyShapes() throws {
        var generator = SeededGenerator(seed: 7)
        var boxes: [String] = []
        for index in 0..<20_000 {
            let x = Double(Int.random(in: 0..<4000, using: &generator))
            let y = Double(Int.random(in: 0..<3000, using: &generator))
            let size = Double(Int.random(in: 8..<120, using: &generator))
            boxes.append(#"<box label="car" xtl="\#(x)" ytl="\#(y)" xbr="\#(x + size)" ybr="\#(y + size * 0.8)"/>"#)
            if index % 4000 == 17 {
                boxes.append(#"<box label="car" xtl="\#(x + 0.3)" ytl="\#(y)" xbr="\#(x + size)" ybr="\#(y + size * 0.8)"/>"#)
            }
        }
        let xml = RuleExample.document(meta: "", body: "  <image id=\"0\" name=\"a.jpg\" width=\"4200\" height=\"3200\">\n"
                                       + boxes.joined(separator: "\n") + "\n  </image>\n")
        let export = try ExportBuilder(xml: xml, withImagesFolder: false)
        defer { export.remove() }
        let report = try Shared.report(export.path + "/annotations.xml", target: "cvat")
        let found = try #require(report.findings.first { $0.rule == "annotation-duplicate" })
        #expect(found.count == 5, "\(found.message)")
        // Random boxes this dense overlap by chance now and then; IoU 0.95 is not chance.
        let shapes = try Self.shapes(of: xml)
        let (pairs, measured) = AnnotationDuplicate.coinciding(shapes, threshold: 0.95, distance: 1)
        #expect(pairs.count == 5)
        #expect(measured < 20 * shapes.count, "\(measured) pairs measured for \(shapes.count) shapes")
    }

    /// The shapes of a file's first image, as the reader builds them.
    static func shapes(of xml: String) throws -> [Shape] {
        final class Collect: AnnotationVisitor {
            var shapes: [Shape] = []
            func visitImage(_ image: ImageRecord) { shapes += image.shapes }
        }
        let collect = Collect()
        let reader = AnnotationsReader(visitor: collect) { _ in }
        let parser = XMLStreamParser(delegate: reader, schema: nil, fileName: "annotations.xml")
        Array(xml.utf8).withUnsafeBytes { parser.feed($0) }
        parser.finish()
        return collect.shapes
    }
}

@Suite("Dataset quality: media content")
struct MediaContentTests {
    static let projectXML = RuleExample.document(
        meta: "<project><id>1</id><name>p</name><labels><label><name>car</name><attributes></attributes></label></labels></project>",
        body: """
          <image id="0" name="a.jpg" subset="Train" task_id="1" width="10" height="10">
          </image>
          <image id="0" name="b.jpg" subset="Test" task_id="2" width="10" height="10">
          </image>

        """)

    @Test("The same picture in Train and Test is called leakage; --no-media-content reads nothing")
    func leakage() throws {
        let export = try ExportBuilder(xml: Self.projectXML)
        defer { export.remove() }
        let picture = png(width: 10, height: 10) + Array("same pixels".utf8)
        try export.write(picture, to: "images/Train/a.jpg")
        try export.write(picture, to: "images/Test/b.jpg")
        let findings = try Shared.report(export.path, target: "cvat").findings.filter { $0.rule == "media-duplicate" }
        #expect(findings.map(\.issueType) == ["media_duplicate_across_subsets"])
        #expect(findings.first?.message.contains("subsets Test and Train") == true)
        let off = try runTool(["check", "--no-config", "--target", "cvat", "--no-media-content", "--format", "json", export.path])
        #expect(!off.stdout.contains("media_duplicate"))
    }

    @Test("Files of one size but different bytes are not duplicates; the hash sees every byte")
    func sameSizeDifferentBytes() throws {
        var first = ContentHash()
        var second = ContentHash()
        let a = [UInt8](repeating: 1, count: 1001)
        var b = a
        b[1000] = 2
        a.withUnsafeBytes { first.update($0) }
        // Fed in odd chunks: the hash does not depend on how the bytes are cut.
        b.withUnsafeBytes { bytes in
            second.update(UnsafeRawBufferPointer(rebasing: bytes[0..<7]))
            second.update(UnsafeRawBufferPointer(rebasing: bytes[7...]))
        }
        #expect(first.value != second.value)
        var third = ContentHash()
        a.withUnsafeBytes { bytes in
            third.update(UnsafeRawBufferPointer(rebasing: bytes[0..<3]))
            third.update(UnsafeRawBufferPointer(rebasing: bytes[3...]))
        }
        #expect(first.value == third.value)
    }
}

@Suite("Dataset statistics")
struct StatisticsTests {
    @Test("Per label × kind, images, attribute values and the shapes-per-image histogram of a fixture")
    func images() throws {
        let statistics = try #require(try Shared.report(Paths.fixture("task-images-every-shape")).statistics)
        #expect(statistics.annotations == 10 && statistics.images == 2 && statistics.imagesAnnotated == 1)
        #expect(statistics.byLabel.first == .init(label: "car", kind: "box", count: 2))
        #expect(statistics.byLabel.filter { $0.label == "person" }.map(\.count).reduce(0, +) == 5)
        #expect(statistics.shapesPerImage == ["0": 1, "6-10": 1])
        let color = try #require(statistics.attributeValues.first { $0.attribute == "color" })
        #expect(color.values == ["red": 2, "blue": 1] && color.inputType == "select")
        #expect(statistics.imbalance?.largest.0 == "person" && statistics.imbalance?.ratio == 5)
    }

    @Test("Tracks and video frames of a fixture")
    func video() throws {
        let statistics = try #require(try Shared.report(Paths.fixture("task-video-tracks")).statistics)
        #expect(statistics.tracks == .init(count: 3, shortest: 1, longest: 2, mean: 1.67))
        #expect(statistics.frames == 3 && statistics.framesAnnotated == 3 && statistics.images == 0)
    }

    @Test("--statistics prints aligned tables and the imbalance line")
    func text() throws {
        let result = try runTool(["check", "--no-config", "--target", "cvat", "--statistics", Paths.fixture("task-images-every-shape")])
        #expect(result.stdout.contains("  imbalance: 'person' 5 to 'pose' 1 (5.0:1)"), "\(result.stdout)")
        #expect(result.stdout.contains("  label    kind      annotations\n  car      box                 2\n"))
        #expect(result.stdout.contains("  shapes per image  images\n  0                      1\n"))
    }

    @Test("thresholds: keys are read, unknown ones refused at their line")
    func thresholds() throws {
        let configuration = try Configuration.parse("thresholds:\n  min_side: 2\n  max_imbalance_ratio: 10\n  min_annotations_per_label: 5\n",
                                                    path: "c.yml", knownRules: [], knownTargets: [])
        #expect(configuration.thresholds.minimumSide == 2 && configuration.thresholds.maximumImbalanceRatio == 10)
        #expect(configuration.thresholds.minimumAnnotationsPerLabel == 5)
        let error = #expect(throws: ConfigurationError.self) {
            try Configuration.parse("thresholds:\n  min_side: 2\n  iou: 0.9\n", path: "c.yml", knownRules: [], knownTargets: [])
        }
        #expect(error?.line == 3 && error?.message.contains("unknown key 'thresholds.iou'") == true)
        #expect(throws: ConfigurationError.self) {
            try Configuration.parse("thresholds:\n  min_side: big\n", path: "c.yml", knownRules: [], knownTargets: [])
        }
    }
}

@Suite("The plan is complete and consistent")
struct PlanTests {
    /// Actions that cannot all be carried out: two new exports, a file both skipped and mapped, one file
    /// mapped to two names, a shape kind both converted and dropped.
    static func contradictions(_ actions: [ImportAction]) -> [String] {
        var problems: [String] = []
        let reexports = actions.filter { if case .reexport = $0 { return true } else { return false } }
        if reexports.count > 1 { problems.append("\(reexports.count) reexport actions") }
        var mapped: [String: String] = [:]
        var skipped: Set<String> = []
        var converted: Set<String> = []
        var dropped: Set<String> = []
        for action in actions {
            switch action {
            case let .mapMediaName(file, name):
                if let other = mapped[file], other != name { problems.append("\(file) mapped to \(other) and \(name)") }
                mapped[file] = name
            case let .skipMedia(file): skipped.insert(file)
            case let .convertShape(label, from, _): converted.insert("\(label)/\(from)")
            case let .dropAnnotation(label, shape): dropped.insert("\(label)/\(shape)")
            default: break
            }
        }
        problems += skipped.intersection(mapped.keys).map { "\($0) both skipped and mapped" }
        problems += converted.intersection(dropped).map { "\($0) both converted and dropped" }
        return problems
    }

    @Test("No export's actions contradict each other (fixtures and corpus, both targets)", arguments: ["encord", "cvat"])
    func consistent(target: String) throws {
        let corpus = ((try? FileManager.default.contentsOfDirectory(atPath: Paths.corpus.path)) ?? []).sorted()
            .map { Paths.corpus.appendingPathComponent($0).path }
            .filter { FileManager.default.fileExists(atPath: $0 + "/annotations.xml") }
        for path in Paths.fixtureExports + corpus {
            guard let report = try? Shared.report(path, target: target) else { continue }
            #expect(Self.contradictions(report.plan.actions).isEmpty, "\(path): \(Self.contradictions(report.plan.actions))")
        }
    }

    @Test("A job export without images asks for one new export: a task, with its media")
    func oneReexport() throws {
        let job = "<job><id>4</id><size>1</size><mode>annotation</mode><labels><label><name>car</name><attributes></attributes></label></labels></job>"
        let export = try ExportBuilder(xml: RuleExample.document(meta: job, body: RuleExample.imageElement("")), withImagesFolder: false)
        defer { export.remove() }
        let actions = try Shared.report(export.path, target: "encord").plan.actions
        #expect(actions.filter { if case .reexport = $0 { return true } else { return false } } == [.reexport(format: "CVAT for images 1.1", level: "task")])
    }

    @Test("Ontology items carry their attributes' values and a skeleton's vertices")
    func values() throws {
        let plan = try Shared.report(Paths.fixture("task-images-every-shape"), target: "encord").plan
        let car = try #require(plan.ontology.first { $0.label == "car" })
        #expect(car.attributes.first { $0.name == "color" }?.values == ["red", "blue"])
        let pose = try #require(plan.ontology.first { $0.kind == "skeleton" })
        #expect(pose.vertices?.map(\.name) == ["head", "hand"])
        #expect(car.vertices == nil)
    }

    @Test("Tracks drawn alike list at most maximumTrackPairs pairs, the frames of the rest counted in one finding per label")
    func trackPairsBounded() throws {
        // 150 identical tracks of car and 150 of person: 11,175 pairs each on frame 0, where all the pairs of 2,000 such
        // tracks took 3.7 GB.
        let fixture = try String(contentsOfFile: Paths.fixture("job-video/annotations.xml"), encoding: .utf8)
        let head = try #require(fixture.components(separatedBy: "  <track id=\"0\"").first)
        let tracks = (0..<300).map { id in
            "  <track id=\"\(id)\" label=\"\(id < 150 ? "car" : "person")\" source=\"manual\">\n" + (0..<2).map { frame in
                "    <box frame=\"\(frame)\" keyframe=\"1\" outside=\"\(frame)\" occluded=\"0\" xtl=\"1.00\" ytl=\"2.00\" xbr=\"20.00\" "
                    + "ybr=\"12.00\" z_order=\"0\">\n    </box>\n"
            }.joined() + "  </track>\n"
        }.joined()
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("annotations.xml")
        try Data((head + tracks + "</annotations>\n").utf8).write(to: file)
        let duplicates = try Shared.report(file.path).findings.filter { $0.issueType == "track_duplicate" }
        #expect(duplicates.count == AnnotationDuplicate.maximumTrackPairs + 2)
        let rest = duplicates.filter { $0.message.contains("of coinciding tracks not listed") }
        #expect(Set(rest.compactMap(\.location.label)) == ["car", "person"], "one per label, named")
        #expect(rest.compactMap(\.count).sorted() == [1175, 11175] && rest.allSatisfy { $0.message.hasPrefix("label '\($0.location.label ?? "")': ") })
        for label in ["car", "person"] {
            let listed = duplicates.filter { $0.location.label == label && $0.location.trackID != nil }.count
            #expect(listed + (rest.first { $0.location.label == label }?.count ?? 0) == 11_175, "every pair of \(label) told")
        }
    }
}

