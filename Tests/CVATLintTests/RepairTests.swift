@testable import CVATLint
import CVATLintRules
import Foundation
import Testing

/// Video exports of every layout: each visible track shape lands on its frame, sized from `<meta>` or the media.
@Suite("apply: frame sizes of every video layout")
struct VideoLayoutTests {
    @Test("Video → images writes every visible track shape on a frame with its real size",
          arguments: ["task-video-tracks", "job-video", "job-video-frames", "project-video", "project-video-frames"])
    func everyFrameSized(_ name: String) throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // As a bare annotations.xml, and as the fixture lies where it has its frames (a folder without them
        // would have every frame left out for its missing media, as it should).
        let withFrames = FileManager.default.fileExists(atPath: Paths.fixture(name) + "/images")
        for path in [Paths.fixture(name) + "/annotations.xml"] + (withFrames ? [Paths.fixture(name)] : []) {
            let out = directory.appendingPathComponent(UUID().uuidString)
            let result = try Applier(linter: Shared.encord)
                .apply(path: path, out: out.path, options: ApplyOptions(allowLoss: true, dropInvalid: true))
            #expect(result.refusals.isEmpty, "\(result.refusals)")
            let before = result.manifest.before.map(\.count).reduce(0, +)
            #expect(before > 0)
            #expect(result.manifest.after.map(\.count).reduce(0, +) == before, "\(path): every visible track shape written")
            #expect(result.manifest.images.dropped.isEmpty, "\(result.manifest.images.dropped)")
            let xml = try String(contentsOf: out.appendingPathComponent("annotations.xml"), encoding: .utf8)
            #expect(!xml.contains(#"width="1" height="1""#))
            var ids: Set<String> = []
            for line in xml.split(separator: "\n") where line.contains("<image ") {
                #expect(line.contains(" width=\"") && line.contains(" height=\""), "an image without a size: \(line)")
                let id = line.split(separator: " ").first { $0.hasPrefix("id=") } ?? ""
                let subset = line.split(separator: " ").first { $0.hasPrefix("subset=") } ?? ""
                #expect(ids.insert("\(subset) \(id)").inserted, "an image id repeated in its subset: \(line)")
            }
            #expect(result.manifest.conservation.allSatisfy { $0.leftOut.isEmpty })
        }
    }

    @Test("A video that stays a video (--target cvat) keeps every frame file", arguments: ["task-video-tracks", "job-video-frames", "project-video-frames"])
    func framesKept(_ name: String) throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try Applier(linter: Shared.linter).apply(path: Paths.fixture(name), out: directory.appendingPathComponent("out").path,
                                                              options: ApplyOptions())
        #expect(result.manifest.media.skipped == 0 && result.manifest.media.linked + result.manifest.media.copied == result.manifest.media.input)
        // No media finding the input did not have (a frame left behind would be a missing one).
        let types = { (report: ExportReport?) in Set((report?.findings ?? []).filter { $0.rule.hasPrefix("media-") }.map(\.issueType)) }
        #expect(types(result.outputReport).isSubset(of: types(result.inputReport)))
    }

    @Test("A video project's frames take their own task's size and move to images/default/ for Encord, with fresh ids")
    func projectFrames() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("out")
        let result = try Applier(linter: Shared.encord).apply(path: Paths.fixture("project-video-frames"), out: out.path,
                                                               options: ApplyOptions(allowLoss: true))
        #expect(result.inputReport.findings.filter { $0.issueType == "media_outside_default_subset" }.count == 2)
        #expect(result.outputReport?.summary.errors == 0)
        let xml = try String(contentsOf: out.appendingPathComponent("annotations.xml"), encoding: .utf8)
        #expect(xml.contains(#"<image id="2" name="Train_frame_000002.PNG" subset="default" task_id="21" width="64" height="48">"#))
        #expect(xml.contains(#"<image id="3" name="Validation_frame_000000.PNG" subset="default" task_id="22" width="32" height="24">"#))
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("images/default/Validation_frame_000001.PNG").path))
    }

    @Test("A job export's original_size under <meta> is its frames' size, in check and apply alike")
    func jobSizeAtMetaLevel() throws {
        let node = try Self.metaNode(Paths.fixture("job-video/annotations.xml"))
        let meta = ExportMeta(node: try #require(node))
        #expect(FrameSizes(meta: meta).declared(taskID: nil).map { [$0.width, $0.height] } == [64, 48])
        let report = try Shared.report(Paths.fixture("job-video/annotations.xml"), target: "encord")
        #expect(!report.findings.contains { $0.issueType == "frame_size_unknown" })
    }

    @Test("No original_size and no frames: a finding, a refusal without --drop-invalid, and frames left out named with it")
    func sizeUnknown() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let original = try String(contentsOf: URL(fileURLWithPath: Paths.fixture("job-video/annotations.xml")), encoding: .utf8)
        let start = try #require(original.range(of: "    <original_size>")), end = try #require(original.range(of: "</original_size>\n"))
        let file = directory.appendingPathComponent("annotations.xml")
        try Data(original.replacingCharacters(in: start.lowerBound..<end.upperBound, with: "").utf8).write(to: file)
        let report = try Shared.report(file.path, target: "encord")
        let finding = try #require(report.findings.first { $0.issueType == "frame_size_unknown" })
        #expect(finding.severity == .error && finding.location.line != nil)
        let refused = try Applier(linter: Shared.encord).apply(path: file.path, out: directory.appendingPathComponent("a").path,
                                                               options: ApplyOptions(allowLoss: true))
        #expect(refused.refusals.contains { $0.hasPrefix("frame_size_unknown") })
        let dropped = try Applier(linter: Shared.encord).apply(path: file.path, out: directory.appendingPathComponent("b").path,
                                                               options: ApplyOptions(allowLoss: true, dropInvalid: true))
        #expect(dropped.manifest.conservation.first { $0.label == "car" }?.leftOut == ["frame_size_unknown": 2])
        let written = try String(contentsOf: directory.appendingPathComponent("b/annotations.xml"), encoding: .utf8)
        #expect(!written.contains("<image"), "no image is written with a made-up size")
    }

    static func metaNode(_ path: String) throws -> XMLNode? {
        final class Catch: AnnotationVisitor { var meta: ExportMeta? ; func visitMeta(_ meta: ExportMeta) { self.meta = meta } }
        let visitor = Catch()
        _ = try Linter(catalogue: .standard, options: Shared.encord.options).check(try ExportOpener.open(path), visitors: [visitor],
                                                                                    instances: { _, _ in })
        return visitor.meta?.node
    }
}

/// Repairs before drops: each keeps the annotation, the output checks clean, the manifest counts it.
@Suite("apply: repairs")
struct RepairTests {
    static func apply(_ path: String, config: String? = nil, options: ApplyOptions) throws -> (ApplyResult, String) {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var linter = Shared.encord
        if let config {
            let configuration = try Configuration.parse(config, path: "test.yml", knownRules: Set(Catalogue.standard.descriptions.map(\.id)),
                                                        knownTargets: Set(Catalogue.standard.targetNames))
            let session = LintSession(catalogue: .standard, choices: CommandLineChoices(target: "encord"))
            linter = try Linter(catalogue: .standard, options: try session.options(for: configuration))
        }
        let out = directory.appendingPathComponent("out")
        let result = try Applier(linter: linter).apply(path: path, out: out.path, options: options)
        let xml = (try? String(contentsOf: out.appendingPathComponent("annotations.xml"), encoding: .utf8)) ?? ""
        return (result, xml)
    }

    @Test("A value outside its list is declared in <meta>, losslessly, not dropped")
    func valueDeclared() throws {
        let path = Paths.fixture("repair-value-outside-list/annotations.xml")
        let (result, xml) = try Self.apply(path, options: ApplyOptions())
        #expect(result.refusals.isEmpty && result.outputReport?.summary.errors == 0)
        #expect(xml.contains("<values>full\npartial_occlusion\nPartially_Occluded\nhidden</values>"))
        #expect(xml.contains("<attribute name=\"visibility\">Partially_Occluded</attribute>"))
        #expect(result.manifest.conservation.first?.repaired == ["declareAttributeValue": 3])
        #expect(result.manifest.executed.allSatisfy { $0.lossless })
    }

    @Test("With values: in the configuration, a value is respelled as declared (the rest declared)")
    func valueMapped() throws {
        let path = Paths.fixture("repair-value-outside-list/annotations.xml")
        let config = "values:\n  car:\n    visibility:\n      Partially_Occluded: partial_occlusion\n"
        let (result, xml) = try Self.apply(path, config: config, options: ApplyOptions())
        #expect(result.outputReport?.summary.errors == 0)
        #expect(!xml.contains(">Partially_Occluded<") && xml.components(separatedBy: ">partial_occlusion</attribute>").count == 3)
        #expect(xml.contains("partial_occlusion\nhidden</values>"))
        #expect(result.manifest.conservation.first?.repaired == ["mapAttributeValue": 2, "declareAttributeValue": 1])
    }

    @Test("A self-intersecting polygon is split into simple polygons of the same area, with --drop-invalid too")
    func polygonRepaired() throws {
        for options in [ApplyOptions(allowLoss: true), ApplyOptions(allowLoss: true, dropInvalid: true)] {
            let (result, xml) = try Self.apply(Paths.fixture("rule-polygon-self-intersecting"), options: options)
            #expect(result.refusals.isEmpty)
            #expect(!(result.outputReport?.findings.contains { $0.issueType == "polygon_self_intersecting" } ?? true))
            #expect(xml.contains(#"points="10.00,25.00;15.00,30.00;15.00,20.00""#) && xml.contains(#"points="5.00,20.00;10.00,25.00;5.00,30.00""#))
            let row = try #require(result.manifest.conservation.first { $0.label == "person" && $0.kind == "polygon" })
            #expect(row.repaired == ["repairPolygon": 1] && row.written == 2 && row.leftOut.isEmpty)
        }
    }

    @Test("Splitting keeps the area: a bow-tie, a loop, a vertex touching an edge")
    func splitKeepsArea() {
        func ring(_ text: String) -> [Point] { parsePoints(text) ?? [] }
        let cases: [(String, Double, Int)] = [
            ("0,0;10,10;10,0;0,10", 50, 2),                 // bow-tie: two triangles of 25
            ("0,0;10,0;10,10;4,10;6,12;6,8;0,10", 96, 2),   // a square (less a notch) with a small crossed loop on its top edge
            ("0,0;10,0;10,10;5,0;0,10", 50, 2),             // a vertex touching the bottom edge
        ]
        for (text, area, count) in cases {
            let split = PolygonRepair.pieces(of: ring(text), minimumArea: 0)
            #expect(split.pieces.count == count, "\(text)")
            #expect(abs(split.pieces.map { abs(PolygonRepair.area($0)) }.reduce(0, +) - area) < 1e-9, "\(text)")
            #expect(split.pieces.allSatisfy { SelfIntersection.firstCrossing(of: $0) == nil }, "\(text)")
        }
    }

    @Test("An image resized after annotation has its coordinates scaled to its file and its size set")
    func rescaled() throws {
        let (result, xml) = try Self.apply(Paths.fixture("repair-media-resized"), options: ApplyOptions(allowLoss: true))
        #expect(result.refusals.isEmpty && result.outputReport?.summary.errors == 0)
        #expect(xml.contains(#"<image id="0" name="street.png" width="64" height="48">"#))
        #expect(xml.contains(#"xtl="8.00" ytl="4.00" xbr="40.00" ybr="24.00""#))
        #expect(xml.contains(#"points="16.00,32.00;48.00,32.00;32.00,44.00""#))
        #expect(result.manifest.conservation.map { $0.repaired["rescaleToMedia"] ?? 0 }.reduce(0, +) == 3)
        // Without --allow-loss it is a lossy repair not run: the error blocks.
        let (blocked, _) = try Self.apply(Paths.fixture("repair-media-resized"), options: ApplyOptions())
        #expect(blocked.refusals.contains { $0.hasPrefix("media_size_mismatch") })
    }

    @Test("Shapes reaching outside their image are clipped, and the output has none outside")
    func clipped() throws {
        let (result, _) = try Self.apply(Paths.fixture("rule-shape-outside-image/annotations.xml"), options: ApplyOptions(allowLoss: true))
        #expect(result.inputReport.findings.contains { $0.issueType == "shape_outside_image" })
        #expect(!(result.outputReport?.findings.contains { $0.issueType == "shape_outside_image" } ?? true))
        #expect(result.manifest.conservation.contains { $0.repaired["clipToImage"] == 1 })
    }

    @Test("A table that does not add up, or disagrees with a check, is a discrepancy")
    func discrepancies() {
        let row = ConservationRow(label: "car", kind: "box", input: 3, unchanged: 3, converted: [:], repaired: [:], leftOut: [:], written: 3)
        let route = WritePass.Route(label: "car", kind: .box, toLabel: "car", toKind: .box, steps: [])
        let statistics = { (count: Int) in
            ExportStatistics(annotations: count, byLabel: [.init(label: "car", kind: "box", count: count)], byScope: [], images: 1,
                             imagesAnnotated: 1, frames: 0, framesAnnotated: 0, tracks: .init(count: 0), attributeValues: [], shapesPerImage: [:])
        }
        #expect(Conservation.discrepancies(rows: [row], routes: [route: (3, 3)], input: statistics(3), output: statistics(3)).isEmpty)
        #expect(Conservation.discrepancies(rows: [row], routes: [route: (3, 3)], input: statistics(3), output: statistics(2))
            == ["lost 1 annotation of 'car' × box (wrote 2 of 3)"])
        var broken = row
        broken.unchanged = 2
        #expect(!Conservation.discrepancies(rows: [broken], routes: [route: (3, 3)], input: nil, output: nil).isEmpty)
    }
}
