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

    @Test("A real video task export with its frames (corpus 003): every visible track shape on a frame of its real size",
          .needsSharedData)
    func corpusVideo() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("out")
        let result = try Applier(linter: Shared.encord).apply(path: Paths.corpus.appendingPathComponent("003").path, out: out.path,
                                                               options: ApplyOptions(allowLoss: true))
        let visible = result.manifest.conservation.map(\.input).reduce(0, +)
        #expect(visible > 0 && result.manifest.conservation.allSatisfy { $0.leftOut.isEmpty })
        #expect(result.outputReport?.summary.errors == 0)
        let xml = try String(contentsOf: out.appendingPathComponent("annotations.xml"), encoding: .utf8)
        let images = xml.split(separator: "\n").filter { $0.contains("<image ") }
        #expect(!images.isEmpty && images.allSatisfy { $0.contains(#"width="25" height="20""#) }, "the frames are 25 × 20 PNGs")
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

    @Test("After a relayout, <meta> puts the moved tasks in the default subset: the output names no subset its images left",
          arguments: ["project-images-subsets", "project-video-frames"])
    func relayoutMeta(_ name: String) throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("out")
        let result = try Applier(linter: Shared.encord).apply(path: Paths.fixture(name), out: out.path, options: ApplyOptions(allowLoss: true))
        #expect(result.inputReport.findings.contains { $0.issueType == "media_outside_default_subset" })
        let output = try #require(result.outputReport)
        #expect(!output.findings.contains { $0.issueType == "subset_undeclared" })
        let meta = try #require(try Self.metaNode(out.appendingPathComponent("annotations.xml").path))
        #expect(Set(meta.descendants("subset").map(\.text)) == [ExportMeta.defaultSubset])
        #expect(meta.descendants("subsets").map(\.text) == [ExportMeta.defaultSubset])
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
        let file = try Paths.editedFixtureFile("job-video", in: directory) { original in
            let start = try #require(original.range(of: "    <original_size>")), end = try #require(original.range(of: "</original_size>\n"))
            return original.replacingCharacters(in: start.lowerBound..<end.upperBound, with: "")
        }
        let report = try Shared.report(file.path, target: "encord")
        let finding = try #require(report.findings.first { $0.issueType == "frame_size_unknown" })
        #expect(finding.severity == .error && finding.location.line != nil)
        let (refused, dropped) = try Self.withoutAndWithDropInvalid(file, linter: Shared.encord, allowLoss: true, in: directory)
        #expect(refused.refusals.contains { $0.hasPrefix("frame_size_unknown") })
        #expect(dropped.manifest.conservation.first { $0.label == "car" }?.leftOut == ["frame_size_unknown": 2])
        let written = try String(contentsOf: directory.appendingPathComponent("b/annotations.xml"), encoding: .utf8)
        #expect(!written.contains("<image"), "no image is written with a made-up size")
    }

    @Test("A project track naming a task <meta> does not list: an error for CVAT, a refusal, and only that track left out")
    func trackTaskUndeclared() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // The fixture's one track, and a copy of it naming a task <meta> does not list.
        let file = try Paths.editedFixtureFile("project-video", in: directory) { original in
            let start = try #require(original.range(of: "  <track ")), end = try #require(original.range(of: "</track>\n"))
            let track = String(original[start.lowerBound..<end.upperBound])
            let stray = track.replacingOccurrences(of: #"id="0""#, with: #"id="1""#).replacingOccurrences(of: #"task_id="21""#, with: #"task_id="99""#)
            return original.replacingCharacters(in: end.upperBound..<end.upperBound, with: stray)
        }
        let finding = try #require(try Shared.report(file.path, target: "cvat").findings.first { $0.issueType == "track_task_undeclared" })
        #expect(finding.severity == .error && finding.location.taskID == 99 && finding.message.contains("it lists 21, 22"))
        let unchanged = try Shared.report(Paths.fixture("project-video/annotations.xml"), target: "cvat")
        #expect(!unchanged.findings.contains { $0.issueType == "track_task_undeclared" })
        let (refused, dropped) = try Self.withoutAndWithDropInvalid(file, linter: Shared.linter, allowLoss: false, in: directory)
        #expect(refused.refusals.contains { $0.hasPrefix("track_task_undeclared") })
        #expect(dropped.outputReport?.summary.errors == 0)
        let written = try String(contentsOf: directory.appendingPathComponent("b/annotations.xml"), encoding: .utf8)
        #expect(written.contains(#"task_id="21""#) && !written.contains(#"task_id="99""#), "only the track naming task 99 is left out")
        #expect(dropped.manifest.conservation.first { $0.label == "car" }?.leftOut == ["track_task_undeclared": 1])
    }

    @Test("A job export's frames (bare, or a track's off its grid) are told as the job's, not a task's")
    func jobFramesUnannotated() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let box = #"keyframe="1" occluded="0" xtl="1" ytl="2" xbr="20" ybr="12" z_order="0"/>"#
        let xml = """
            <?xml version='1.0' encoding='utf-8'?>
            <annotations>
              <version>1.1</version>
              <meta>
                <job>
                  <size>4</size>
                  <mode>interpolation</mode>
                  <start_frame>0</start_frame>
                  <stop_frame>3</stop_frame>
                  <frame_filter />
                  <labels><label><name>car</name><type>any</type><attributes /></label></labels>
                </job>
                <original_size><width>64</width><height>48</height></original_size>
              </meta>
              <track id="0" label="car" source="manual">
                <box frame="0" outside="0" \(box)
                <box frame="1" outside="1" \(box)
              </track>
            </annotations>

            """
        let file = directory.appendingPathComponent("annotations.xml")
        try Data(xml.utf8).write(to: file)
        let finding = try #require(try Shared.report(file.path, target: "cvat").findings.first { $0.issueType == "frame_unannotated" })
        #expect(finding.message.hasPrefix("3 of 4 frames of the job show no object"), "\(finding.message)")
        try Data(xml.replacingOccurrences(of: #"<box frame="1""#, with: #"<box frame="7""#).utf8).write(to: file)
        let offGrid = try #require(try Shared.report(file.path, target: "cvat").findings.first { $0.issueType == "track_frame_off_grid" })
        #expect(offGrid.message.hasPrefix("track 0: frame 7 is not a frame of the job (start 0, step 1, size 4)"), "\(offGrid.message)")
    }

    @Test("A mask tracked over visible frames is told for CVAT (its importer keeps the first keyframe); a mask shape as CVAT writes it in a video is not")
    func maskTrack() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let original = try String(contentsOf: URL(fileURLWithPath: Paths.fixture("task-video-tracks/annotations.xml")), encoding: .utf8)
        func mask(_ frame: Int, outside: Int) -> String {
            #"    <mask frame="\#(frame)" keyframe="1" outside="\#(outside)" occluded="0" rle="2, 2, 0, 2" left="1" top="1" width="2" height="3" z_order="0">"#
                + "\n    </mask>\n"
        }
        let file = directory.appendingPathComponent("annotations.xml")
        func findings(_ frames: [(Int, Int)], target: String) throws -> [Finding] {
            let track = #"  <track id="9" label="car" source="manual">"# + "\n" + frames.map { mask($0.0, outside: $0.1) }.joined() + "  </track>\n"
            try Data(original.replacingOccurrences(of: "</annotations>", with: track + "</annotations>").utf8).write(to: file)
            return try Shared.report(file.path, target: target).findings.filter { $0.issueType == "mask_track_collapsed" }
        }
        let tracked = try findings([(0, 0), (1, 0), (2, 1)], target: "cvat")
        #expect(tracked.count == 1 && tracked.first?.severity == .warning)
        #expect(tracked.first?.message.contains("1 frame would be lost") == true, "\(tracked.first?.message ?? "")")
        #expect(try findings([(0, 0), (1, 1)], target: "cvat").isEmpty, "one visible frame: the shape CVAT writes as a track")
        #expect(try findings([(0, 0), (1, 0), (2, 1)], target: "encord").isEmpty, "Encord makes every frame an image")
        // apply writes each visible frame as a track of its own, made a keyframe; the outside frame is left off.
        _ = try findings([(0, 0), (1, 0), (2, 1)], target: "cvat")
        let maskTrackText = try String(contentsOf: file, encoding: .utf8)
        try Data(maskTrackText.replacingOccurrences(of: #"<mask frame="1" keyframe="1""#, with: #"<mask frame="1" keyframe="0""#).utf8).write(to: file)
        let out = directory.appendingPathComponent("out")
        let result = try Applier(linter: Shared.linter).apply(path: file.path, out: out.path, options: ApplyOptions())
        #expect(result.outputReport?.summary.warnings == 0 && result.outputReport?.summary.errors == 0)
        let row = try #require(result.manifest.conservation.first { $0.label == "car" && $0.kind == "mask" })
        #expect(row.input == 2 && row.converted == ["splitMaskTrack": 2] && row.written == 2)
        let written = try String(contentsOf: out.appendingPathComponent("annotations.xml"), encoding: .utf8)
        #expect(written.contains(#"<track id="9" label="car" source="manual">"# + "\n" + mask(0, outside: 0) + "  </track>"))
        #expect(written.contains(#"<track id="10" label="car" source="manual">"# + "\n" + mask(1, outside: 0) + "  </track>"),
                "a fresh id past the largest, the interpolated frame made a keyframe")
        #expect(!written.contains(#"<mask frame="2""#), "the outside frame is left off")
    }

    /// `apply` on `file` without `--drop-invalid` (into `a`), then with it (into `b`).
    static func withoutAndWithDropInvalid(_ file: URL, linter: Linter, allowLoss: Bool,
                                          in directory: URL) throws -> (ApplyResult, ApplyResult) {
        let applier = Applier(linter: linter)
        return (try applier.apply(path: file.path, out: directory.appendingPathComponent("a").path, options: ApplyOptions(allowLoss: allowLoss)),
                try applier.apply(path: file.path, out: directory.appendingPathComponent("b").path,
                                  options: ApplyOptions(allowLoss: allowLoss, dropInvalid: true)))
    }

    static func metaNode(_ path: String) throws -> XMLNode? {
        final class Catch: AnnotationVisitor { var meta: ExportMeta? ; func visitMeta(_ meta: ExportMeta) { self.meta = meta } }
        let visitor = Catch()
        _ = try Linter(catalogue: .standard, options: Shared.encord.options).check(try ExportOpener.open(path), visitors: [visitor],
                                                                                    instances: { _, _ in })
        return visitor.meta?.node
    }
}
