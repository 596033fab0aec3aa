@testable import CVATLint
import CVATLintRules
import Foundation
import Testing

/// Counts annotations per label × kind with Python's ElementTree: a parser and a counting rule of its own,
/// independent of cvat-lint's reader and model. Image shapes and tags count once each; track frames
/// count when not outside; skeleton elements belong to their skeleton.
enum IndependentCount {
    static let script = """
        import json, sys
        import xml.etree.ElementTree as ET
        kinds = {"box", "polygon", "polyline", "points", "ellipse", "cuboid", "mask", "skeleton", "tag"}
        result = []
        for path in sys.argv[1:]:
            counts = {}
            stack, track = [], None
            for event, element in ET.iterparse(path, events=("start", "end")):
                if event == "start":
                    parent = stack[-1] if stack else None
                    if element.tag == "track":
                        track = element.get("label")
                    if element.tag in kinds and parent == "image" and element.get("label") is not None:
                        key = element.get("label") + "|" + element.tag
                        counts[key] = counts.get(key, 0) + 1
                    elif element.tag in kinds and parent == "track" and element.get("outside") != "1":
                        key = track + "|" + element.tag
                        counts[key] = counts.get(key, 0) + 1
                    stack.append(element.tag)
                else:
                    stack.pop()
                    if len(stack) <= 1:
                        element.clear()
            result.append(counts)
        print(json.dumps(result))
        """

    /// The counts of each file, in order.
    static func of(_ files: [URL]) throws -> [[String: Int]] {
        try JSONDecoder().decode([[String: Int]].self, from: runProgram("python3", ["-c", script] + files.map(\.path)))
    }
}

/// One apply case: an input and a target.
struct ApplyCase: CustomTestStringConvertible, Sendable {
    var path: String
    var target: String
    var testDescription: String { "\((path as NSString).lastPathComponent) → \(target)" }

    static let all: [ApplyCase] = {
        let paths = Paths.fixtureExports + CorpusEntry.all.map(\.path)
        return Catalogue.standard.targetNames.flatMap { target in paths.map { ApplyCase(path: $0, target: target) } }
    }()
}

@Suite("apply: the import stage")
struct ApplyTests {
    static func apply(_ path: String, target: String, options: ApplyOptions, into directory: URL,
                      plan: PlanDocument? = nil) throws -> (ApplyResult, URL) {
        let out = directory.appendingPathComponent("out")
        let result = try Applier(linter: Shared.linter(for: target))
            .apply(path: path, out: out.path, plan: plan, options: options)
        return (result, out)
    }

    /// The output's report in the result is what a check of the written output says (apply may reuse the
    /// input's check for a byte-identical output; this holds it to that).
    static func expectFreshCheck(_ output: ExportReport, of out: URL, input: String, target: String) throws {
        let bare = input.hasSuffix(".xml")
        let fresh = try Shared.report(bare ? out.appendingPathComponent("annotations.xml").path : out.path, target: target)
        #expect(output.findings == fresh.findings && output.summary == fresh.summary, "the output's report is not its check")
        #expect(output.statistics == fresh.statistics && output.plan == fresh.plan, "the output's counts are not its check's")
    }

    /// Inputs apply may refuse even with every flag: no well-formed XML at all, or no CVAT root.
    static func isUnusable(_ report: ExportReport) -> Bool {
        report.findings.contains { $0.rule == "xml" && $0.severity == .error }
            || report.findings.contains { $0.rule == "schema" && $0.message.hasPrefix("root element") }
    }

    @Test("With --allow-loss --drop-invalid every usable input becomes an export that checks with zero errors (or with no image, only that), and the counts add up",
          arguments: ApplyCase.all)
    func everythingAllowed(_ test: ApplyCase) throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let outcome: (ApplyResult, URL)
        do {
            outcome = try Self.apply(test.path, target: test.target, options: ApplyOptions(allowLoss: true, dropInvalid: true), into: directory)
        } catch let error as InputError {
            #expect(Self.isUnusable(try Shared.report(test.path, target: test.target)), "only unreadable XML may stop apply: \(error)")
            return
        }
        let (result, out) = outcome
        let input = result.inputReport
        if !result.refusals.isEmpty {
            #expect(Self.isUnusable(input), "refused: \(result.refusals)")
            #expect(!FileManager.default.fileExists(atPath: out.path), "a refusal writes nothing")
            return
        }
        let output = try #require(result.outputReport)
        try Self.expectFreshCheck(output, of: out, input: test.path, target: test.target)
        // An export without media has every image left out for Encord, and an images/ with no file is no import:
        // that error, and only it, remains, and only then.
        let errors = output.findings.filter { $0.severity == .error }
        if result.manifest.images.written == 0, output.findings.contains(where: { $0.issueType == "media_folder_empty" }) {
            #expect(errors.map(\.issueType) == ["media_folder_empty"] && result.hasErrors)
        } else {
            #expect(output.summary.errors == 0, "\(errors.prefix(3).map(\.message))")
        }
        #expect(!output.findings.contains { $0.rule == "xml" || $0.rule == "schema" })
        try checkCounts(result.manifest, input: URL(fileURLWithPath: test.path), output: out)
    }

    @Test("Without flags: zero errors, or a refusal naming what blocks and writing nothing", arguments: ApplyCase.all)
    func lossless(_ test: ApplyCase) throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let outcome: (ApplyResult, URL)
        do {
            outcome = try Self.apply(test.path, target: test.target, options: ApplyOptions(), into: directory)
        } catch is InputError {
            #expect(Self.isUnusable(try Shared.report(test.path, target: test.target)))
            return
        }
        let (result, out) = outcome
        let input = result.inputReport
        if result.refusals.isEmpty {
            let remaining = Array(result.manifest.remainingErrors.prefix(3))
            let output = try #require(result.outputReport)
            try Self.expectFreshCheck(output, of: out, input: test.path, target: test.target)
            #expect(output.summary.errors == 0, "\(remaining)")
            #expect(result.manifest.executed.allSatisfy { $0.lossless }, "lossy without --allow-loss: \(result.manifest.executed)")
            #expect(!result.manifest.transitions.contains { $0.toLabel == nil }, "nothing is dropped without the flags")
        } else {
            #expect(!FileManager.default.fileExists(atPath: out.path))
            let blockingTypes = Set(input.findings.filter { $0.severity == .error }.map(\.issueType))
            for reason in result.refusals {
                let type = String(reason.prefix { $0 != ":" })
                #expect(blockingTypes.contains(type), "a refusal names an error of the input: \(reason)")
            }
        }
    }

    /// The manifest's counts agree with an independent recount of input and output, and every difference
    /// is one of its transitions.
    func checkCounts(_ manifest: ApplyManifest, input: URL, output: URL) throws {
        // Repairs before drops: under --allow-loss nothing is left out for a reason a repair covers.
        if manifest.allowLoss {
            let repaired: Set<String> = ["polygon_self_intersecting", "shape_outside_image"]
            for row in manifest.conservation {
                #expect(repaired.isDisjoint(with: row.leftOut.keys), "\(row.label) × \(row.kind) left out: \(row.leftOut)")
            }
        }
        let repairable = manifest.conservation.map { $0.leftOut["attribute_value_not_in_list"] ?? 0 }.reduce(0, +)
        #expect(repairable == 0, "values outside their list are declared, not left out")
        let inputFile = input.hasDirectoryPath || input.pathExtension != "xml" ? input.appendingPathComponent("annotations.xml") : input
        guard FileManager.default.fileExists(atPath: inputFile.path) else { return } // a zip: counted by the manifest only
        let counts = try IndependentCount.of([inputFile, output.appendingPathComponent("annotations.xml")])
        let (before, after) = (counts[0], counts[1])
        let listed = { (counts: [LabelKindCount]) in
            Dictionary(counts.filter { $0.count > 0 }.map { ("\($0.label)|\($0.kind)", $0.count) }, uniquingKeysWith: +)
        }
        #expect(listed(manifest.before) == before.filter { $0.value > 0 }, "before")
        #expect(listed(manifest.after) == after.filter { $0.value > 0 }, "after")
        var expected = before
        for transition in manifest.transitions {
            expected["\(transition.label)|\(transition.kind)", default: 0] -= transition.count
            if let label = transition.toLabel, let kind = transition.toKind {
                expected["\(label)|\(kind)", default: 0] += transition.produced
            }
        }
        #expect(expected.filter { $0.value != 0 } == after.filter { $0.value > 0 }, "before + transitions = after")
        // The conservation table: each row adds up, its `in` is the independent count of the input, and what it
        // says was written is what the output holds.
        for row in manifest.conservation {
            let parts = row.unchanged + [row.converted, row.repaired, row.leftOut].flatMap(\.values).reduce(0, +)
            #expect(row.input == parts, "\(row.label) × \(row.kind): in \(row.input), parts \(parts)")
            #expect(row.input == before["\(row.label)|\(row.kind)"] ?? 0, "\(row.label) × \(row.kind) in")
            for reason in row.leftOut.keys { #expect(Catalogue.standard.descriptions.contains { $0.declares(reason) }, "left out for '\(reason)'") }
        }
        #expect(Set(manifest.conservation.map { "\($0.label)|\($0.kind)" }) == Set(before.filter { $0.value > 0 }.keys))
        #expect(manifest.conservation.map(\.written).reduce(0, +) == after.values.reduce(0, +), "written = the output's count")
    }

    @Test("With --allow-loss alone, or --drop-invalid alone: written, or refused; the counts add up", arguments: ApplyCase.all)
    func halfAllowed(_ test: ApplyCase) throws {
        for options in [ApplyOptions(allowLoss: true), ApplyOptions(dropInvalid: true)] {
            let directory = try Paths.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            guard let (result, out) = try? Self.apply(test.path, target: test.target, options: options, into: directory),
                  result.refusals.isEmpty else { continue }
            try checkCounts(result.manifest, input: URL(fileURLWithPath: test.path), output: out)
        }
    }

    @Test("A clean export (no errors, no warnings) under --target cvat comes out byte for byte",
          arguments: Paths.fixtureExports + CorpusEntry.all.map(\.path))
    func cleanIsIdentical(_ path: String) throws {
        let input = try Shared.report(path)
        guard input.summary.errors == 0, input.summary.warnings == 0, !path.hasSuffix(".zip") else { return }
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (result, out) = try Self.apply(path, target: "cvat", options: ApplyOptions(), into: directory)
        #expect(result.refusals.isEmpty)
        let original = try Data(contentsOf: URL(fileURLWithPath: path).appendingPathComponent("annotations.xml"))
        let written = try Data(contentsOf: out.appendingPathComponent("annotations.xml"))
        #expect(original == written)
        try Self.expectFreshCheck(try #require(result.outputReport), of: out, input: path, target: "cvat")
        // The same bytes beside the same media: the input's check stands for the output's.
        #expect(result.timings.check > .zero && result.timings.write > .zero)
        #expect(result.timings.outputCheckMode == .reused)
    }

    @Test("Encord: label splits, conversions and field drops land where the plan says, the rest byte for byte")
    func encordEdits() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = Paths.fixture("task-images-every-shape")
        let (result, out) = try Self.apply(path, target: "encord", options: ApplyOptions(allowLoss: true), into: directory)
        let xml = try String(contentsOf: out.appendingPathComponent("annotations.xml"), encoding: .utf8)
        #expect(xml.contains(#"<box label="car (bounding box)" xtl="1.00" ytl="2.00" xbr="20.00" ybr="12.00">"#))
        #expect(xml.contains(#"<polygon label="person (polygon)" points="5.00,20.00;15.00,20.00;10.00,30.00">"#))
        #expect(!xml.contains("<ellipse") && !xml.contains("<cuboid") && !xml.contains("<mask"))
        #expect(xml.contains("<name>car (polygon)</name>"), "the cuboid became a polygon: car now has two kinds, so two items")
        #expect(!xml.contains("occluded="))
        // The version, the task fields and the second image are untouched bytes.
        let original = try String(contentsOf: URL(fileURLWithPath: path).appendingPathComponent("annotations.xml"), encoding: .utf8)
        #expect(original.hasPrefix(String(xml.prefix(upTo: xml.range(of: "<labels>")?.lowerBound ?? xml.startIndex))))
        #expect(xml.hasSuffix("  <image id=\"1\" name=\"park.png\" width=\"64\" height=\"48\">\n  </image>\n</annotations>\n"))
        let ontology = Set(result.outputReport?.plan.ontology.map(\.name) ?? [])
        #expect(ontology.isSuperset(of: ["car (bounding box)", "car (polygon)", "person (polygon)", "person (polyline)", "person (keypoint)"]))
        #expect(result.outputReport?.findings.contains { $0.rule == "label-multiple-shapes" } == false)
        #expect(result.timings.outputCheckMode == .besideWrite, "an edited output is checked as it is written")
    }

    @Test("Video → images: every visible track frame is a shape on its frame's image, named as its file")
    func videoToImages() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (result, out) = try Self.apply(Paths.fixture("task-video-tracks"), target: "encord", options: ApplyOptions(allowLoss: true), into: directory)
        #expect(result.outputReport?.format == .images)
        #expect(result.outputReport?.summary.errors == 0)
        let xml = try String(contentsOf: out.appendingPathComponent("annotations.xml"), encoding: .utf8)
        #expect(!xml.contains("<track"))
        #expect(xml.contains(#"<image id="1" name="frame_000001.PNG" width="64" height="48">"#))
        // The track's source and group, which Encord keeps neither of, are left off its frames (dropField) as off image shapes.
        #expect(xml.contains(#"<polygon label="person" points="5.00,20.00;15.00,20.00;10.00,30.00" z_order="0">"#))
        #expect(!xml.contains("group_id=") && !xml.contains("source="))
        #expect(result.inputReport.findings.first { $0.issueType == "group_id_dropped" }?.message.hasPrefix("2 shapes of label 'person'") == true,
                "the check says so first")
        #expect(result.manifest.executed.map(\.action).contains(.dropField(label: nil, field: "group_id")))
        #expect(result.manifest.images.fromFrames == 3)
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("images/frame_000002.PNG").path))
    }

    @Test("--drop-invalid leaves out every later twin of names that differ only in extension, not just the first")
    func everyTwinDropped() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let images = ["a.jpg", "b.jpg", "a.jpeg", "b.png", "c.jpg"].enumerated().map { index, name in
            "  <image id=\"\(index)\" name=\"\(name)\" width=\"10\" height=\"10\">\n  </image>\n"
        }.joined()
        let xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<annotations>\n  <version>1.1</version>\n" + images + "</annotations>\n"
        let file = directory.appendingPathComponent("annotations.xml")
        try Data(xml.utf8).write(to: file)
        let (result, out) = try ApplyTests.apply(file.path, target: "cvat", options: ApplyOptions(dropInvalid: true), into: directory)
        #expect(result.inputReport.findings.contains { $0.issueType == "image_name_differs_only_in_extension" })
        #expect(result.outputReport?.summary.errors == 0)
        #expect(result.manifest.images.dropped["image_name_differs_only_in_extension"] == 2)
        let written = try String(contentsOf: out.appendingPathComponent("annotations.xml"), encoding: .utf8)
        #expect(written.contains("a.jpg") && written.contains("b.jpg") && !written.contains("a.jpeg") && !written.contains("b.png"))
    }

    @Test("An image named \"\" is an error for both targets (CVAT's importers stop on it), no missing file; --drop-invalid leaves it out")
    func emptyImageName() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let export = try Paths.editedFixtureCopy("task-images-every-shape", in: directory) {
            $0.replacingOccurrences(of: #"name="park.png""#, with: #"name="""#)
        }
        let file = export.appendingPathComponent("annotations.xml")
        for target in ["cvat", "encord"] {
            let findings = try Shared.report(export.path, target: target).findings
            let empty = try #require(findings.first { $0.issueType == "image_name_empty" })
            #expect(empty.severity == .error && empty.location.line == 129)
            #expect(!findings.contains { $0.issueType == "media_missing" || $0.issueType == "image_name_duplicate" })
        }
        let (refused, dropped) = try VideoLayoutTests.withoutAndWithDropInvalid(file.deletingLastPathComponent(), linter: Shared.linter,
                                                                               allowLoss: false, in: directory)
        #expect(refused.refusals.contains { $0.hasPrefix("image_name_empty") })
        #expect(dropped.outputReport?.summary.errors == 0)
        #expect(dropped.manifest.images.dropped == ["image_name_empty": 1])
        let written = try String(contentsOf: directory.appendingPathComponent("b/annotations.xml"), encoding: .utf8)
        #expect(written.contains(#"name="street.png""#) && !written.contains(#"name="""#))
    }

    @Test("--drop-invalid leaves out every element the XSD refuses, past --max-schema-findings too")
    func schemaErrorsPastTheCap() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // 300 boxes whose occluded flag is no bit (a schema error each), 300 good ones between them.
        let images = (0..<300).map { index in
            "  <image id=\"\(index)\" name=\"\(index).png\" width=\"64\" height=\"48\">\n"
                + "    <box label=\"car\" source=\"manual\" occluded=\"true\" xtl=\"1\" ytl=\"2\" xbr=\"20\" ybr=\"12\" z_order=\"0\">\n    </box>\n"
                + "    <box label=\"car\" source=\"manual\" occluded=\"0\" xtl=\"1\" ytl=\"2\" xbr=\"30\" ybr=\"22\" z_order=\"0\">\n    </box>\n  </image>\n"
        }.joined()
        let xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<annotations>\n  <version>1.1</version>\n  <meta><task><id>1</id><name>t</name><size>300</size><mode>annotation</mode><labels><label><name>car</name><type>rectangle</type><attributes></attributes></label></labels></task></meta>\n" + images + "</annotations>\n"
        let file = directory.appendingPathComponent("annotations.xml")
        try Data(xml.utf8).write(to: file)
        let capped = Shared.makeLinter(target: "cvat", maximumSchemaFindings: 5)
        let result = try Applier(linter: capped).apply(path: file.path, out: directory.appendingPathComponent("out").path,
                                                      options: ApplyOptions(dropInvalid: true))
        let listed = result.inputReport.findings.filter { $0.rule == "schema" && $0.unlisted == nil }.count
        #expect(listed == 5 && result.inputReport.summary.errors >= 300, "only 5 of 300 schema errors are listed")
        let output = try #require(result.outputReport)
        #expect(output.summary.errors == 0, "\(output.findings.filter { $0.severity == .error }.prefix(2).map(\.message))")
        let counts = try IndependentCount.of([directory.appendingPathComponent("out/annotations.xml")])
        #expect(counts.first?["car|box"] == 300, "the 300 good boxes stay, the 300 broken ones go")
    }

    @Test("--drop-invalid keeps a track frame whose only fault is a missing keyframe flag, and writes the flag")
    func missingKeyframeIsMendedNotDropped() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = Paths.fixture("broken-track-frame-without-keyframe")
        let (result, out) = try Self.apply(path, target: "cvat", options: ApplyOptions(dropInvalid: true), into: directory)
        #expect(result.inputReport.findings.contains { InvalidPlaces.isMendedByKeyframeFix($0) })
        let written = out.appendingPathComponent("annotations.xml")
        let counts = try IndependentCount.of([URL(fileURLWithPath: path + "/annotations.xml"), written])
        #expect(counts[0] == counts[1] && counts[1]["car|box"] == 1, "the frame stays: \(counts)")
        #expect(try String(contentsOf: written, encoding: .utf8).contains(#"<box frame="0" keyframe="1""#))
    }

    @Test("A skeleton item carries the edges its <svg> draws, between its own vertices", .needsSharedData)
    func skeletonEdges() throws {
        let path = Paths.corpus.appendingPathComponent("005").path
        let report = try Shared.report(path, target: "encord")
        let skeleton = try #require(report.plan.ontology.first { $0.kind == "skeleton" })
        let vertices = Set((skeleton.vertices ?? []).map(\.name))
        let edges = skeleton.edges ?? []
        #expect(edges.count == 8)
        #expect(edges.allSatisfy { vertices.contains($0.from) && vertices.contains($0.to) })
    }

    @Test("An ellipse's polygon stays within the stated tolerance")
    func ellipseBound() throws {
        let shape = Shape(kind: .ellipse, xmlAttributes: [XMLAttribute(name: "cx", value: "100"), XMLAttribute(name: "cy", value: "50"),
                                                          XMLAttribute(name: "rx", value: "80"), XMLAttribute(name: "ry", value: "30"),
                                                          XMLAttribute(name: "rotation", value: "30")],
                          location: SourceLocation(line: 1, column: 1))
        let polygon = try #require(PolygonConversion.ellipse(shape))
        // Each chord's midpoint lies within the tolerance of the ellipse (the sagitta bound).
        let angle = 30.0 * .pi / 180
        for index in polygon.indices {
            let (a, b) = (polygon[index], polygon[(index + 1) % polygon.count])
            let mid = Point(x: (a.x + b.x) / 2 - 100, y: (a.y + b.y) / 2 - 50)
            let x = mid.x * cos(angle) + mid.y * sin(angle), y = -mid.x * sin(angle) + mid.y * cos(angle)
            let scale = ((x / 80) * (x / 80) + (y / 30) * (y / 30)).squareRoot()
            #expect((1 - scale) * 80 <= PolygonConversion.ellipseTolerance + 1e-9)
        }
    }

    @Test("OrderedNames keeps first-insertion order and each name once, below and past its scan limit")
    func orderedNames() {
        var names = OrderedNames()
        let many = (0..<(OrderedNames.scanLimit * 3)).map { "a\($0)" }
        for name in many + many.reversed() + ["a0", "b"] { names.insert(name) }
        #expect(names.names == many + ["b"])
        #expect(names.contains("a0") && names.contains("b") && names.contains(many[OrderedNames.scanLimit]) && !names.contains("c"))
        var few = OrderedNames()
        for name in ["x", "y", "x"] { few.insert(name) }
        #expect(few.names == ["x", "y"] && few.contains("y") && !few.contains("z"))
    }
}

