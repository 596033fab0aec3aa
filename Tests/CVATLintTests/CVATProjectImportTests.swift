@testable import CVATLint
import Foundation
import Testing

/// What CVAT's project import (a Datumaro extractor) changes without a word: it skips ellipses, cuboids and
/// masks but reads their `<attribute>` values into the annotation it opened before them (where that one keeps
/// its attribute set); it writes built-in fields among a shape's attributes, over a label's own attribute of
/// the same name; and it reads a subset at each `<tag>`, which CVAT writes without one.
@Suite("What CVAT's project import moves or overwrites")
struct CVATProjectImportTests {
    private static let box = "    </box>\n"

    private static func ellipse(parked: String, color: String, kind: String = "ellipse") -> String {
        let geometry = kind == "mask" ? #"rle="4" left="1" top="1" width="2" height="2""# : #"cx="30.00" cy="30.00" rx="5.00" ry="3.00""#
        return """
                <\(kind) label="car" source="manual" occluded="0" \(geometry) z_order="0">
                  <attribute name="parked">\(parked)</attribute>
                  <attribute name="color">\(color)</attribute>
                </\(kind)>

            """
    }

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        /// The text the skipped shape goes after, and the shape.
        var after: String
        var shape: String
        /// The recipient the finding names ("" for none).
        var replaces: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "an ellipse after a box that carries attributes", after: box, shape: ellipse(parked: "true", color: "blue"),
             replaces: "'color', 'parked' of the box of 'car' at line 140"),
        Case(name: "a mask after it", after: box, shape: ellipse(parked: "true", color: "red", kind: "mask"),
             replaces: "'parked' of the box of 'car' at line 140"),
        Case(name: "the same values: nothing changes", after: box, shape: ellipse(parked: "false", color: "red"), replaces: ""),
        Case(name: "a second ellipse writes the box's own values back: nothing changes in the end", after: box,
             shape: ellipse(parked: "true", color: "blue") + ellipse(parked: "false", color: "red"), replaces: ""),
        Case(name: "first in the next image: the last box of the image before", after: "    <tag label=\"daytime\"",
             shape: ellipse(parked: "false", color: "blue"), replaces: "'color' of the box of 'car' at line 140"),
        Case(name: "after a tag whose label has no such attributes: the project import adds them to it", after: "    </tag>\n",
             shape: ellipse(parked: "true", color: "blue"), replaces: "'color', 'parked' of the tag of 'daytime' at line 146"),
    ]

    @Test("Found where a value changes, naming the annotation that takes it", arguments: cases)
    func carriedOver(_ example: Case) throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let export = try Paths.editedFixtureCopy("project-images-subsets", in: directory) { xml in
            guard let range = xml.range(of: example.after) else { return xml }
            let insertAt = example.after.hasPrefix("    <tag") ? range.lowerBound : range.upperBound
            return xml.replacingCharacters(in: insertAt..<insertAt, with: example.shape)
        }
        let findings = try Shared.report(export.path, target: "cvat").findings.filter { $0.issueType == "attribute_values_carried_over" }
        if example.replaces.isEmpty {
            #expect(findings.isEmpty)
        } else {
            let finding = try #require(findings.first)
            #expect(findings.count == 1 && finding.severity == .warning)
            #expect(finding.message.contains("this one replaces \(example.replaces)"), "\(finding.message)")
            #expect(finding.action == .dropAnnotation(label: "car", shape: example.shape.contains("<mask") ? "mask" : "ellipse"))
        }
        #expect(!(try Shared.report(export.path, target: "encord").findings.contains { $0.issueType == "attribute_values_carried_over" }),
                "Encord's importer does not share the parser")
    }

    /// The video project fixture with a second track of `car` after its box track, holding these frames
    /// (written at four spaces).
    private static func projectVideo(addingMaskFrames frames: String, in directory: URL) throws -> URL {
        try Paths.editedFixtureCopy("project-video", in: directory) {
            $0.replacingFirst("  </track>\n", with: "  </track>\n  <track id=\"1\" label=\"car\" source=\"manual\" task_id=\"21\" subset=\"Train\">\n"
                              + frames + "\n  </track>\n")
        }
    }

    @Test("A mask track after a box track in a video project hands its values to the box track's last frame")
    func maskTrack() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let export = try Self.projectVideo(addingMaskFrames: """
                <mask frame="0" keyframe="1" outside="0" occluded="0" rle="4" left="1" top="1" width="2" height="2" z_order="0">
                  <attribute name="parked">true</attribute>
                  <attribute name="color">red</attribute>
                </mask>
            """, in: directory)
        let finding = try #require(try Shared.report(export.path, target: "cvat").findings.first { $0.issueType == "attribute_values_carried_over" })
        #expect(finding.location.line == 150 && finding.message.contains("'parked' of the box of 'car' at line 144"), "\(finding.message)")
    }

    @Test("apply --allow-loss leaves nothing to carry over; without it, the warning stays in the output")
    func apply() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let export = try Paths.editedFixtureCopy("project-images-subsets", in: directory) {
            $0.replacingFirst(Self.box, with: Self.box + Self.ellipse(parked: "true", color: "blue"))
        }
        for allowLoss in [false, true] {
            let out = directory.appendingPathComponent("out-\(allowLoss)")
            let result = try Applier(linter: Shared.linter)
                .apply(path: export.path, out: out.path, options: ApplyOptions(allowLoss: allowLoss))
            let left = result.outputReport?.findings.contains { $0.issueType == "attribute_values_carried_over" }
            #expect(left == !allowLoss)
        }
    }

    @Test("An attribute named like a built-in field: lost in a project import of the shapes CVAT keeps, and only there", arguments: [
        ("project-images-subsets", "occluded", "box", 1),
        ("project-images-subsets", "rotation", "box", 1),
        ("project-images-subsets", "outside", "box", 0),
        ("project-video", "outside", "box", 1),
        ("project-images-subsets", "occluded", "mask", 0),
        ("task-images-every-shape", "occluded", "box", 0),
    ])
    func reservedName(fixture: String, name: String, kind: String, shapes: Int) throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let export = try Paths.editedFixtureCopy(fixture, in: directory) { xml in
            var edited = xml.replacingFirst("<name>parked</name>", with: "<name>\(name)</name>")
                .replacingFirst(#"<attribute name="parked">"#, with: #"<attribute name="\#(name)">"#)
            if kind == "mask" {
                edited = edited.replacingFirst(#"<box label="car" source="manual" occluded="0" xtl="1.00" ytl="2.00" xbr="20.00" ybr="12.00" z_order="0">"#,
                                               with: #"<mask label="car" source="manual" occluded="0" rle="4" left="1" top="1" width="2" height="2" z_order="0">"#)
                    .replacingFirst("    </box>", with: "    </mask>")
            }
            return edited
        }
        for target in ["cvat", "encord"] {
            let findings = try Shared.report(export.path, target: target).findings.filter { $0.issueType == "attribute_name_reserved" }
            if shapes == 0 || target == "encord" {
                #expect(findings.isEmpty, "\(target)")
            } else {
                let finding = try #require(findings.first)
                #expect(findings.count == 1 && finding.severity == .warning && finding.location.attribute == name)
                #expect(finding.message.contains("its values on 1 shape are lost"), "\(finding.message)")
            }
        }
    }

    @Test("An undeclared attribute is declared by apply unless the import writes a built-in field under its name", arguments: [
        ("project-images-subsets", "occluded", false), ("project-images-subsets", "plate", true), ("task-images-every-shape", "occluded", true),
    ])
    func undeclaredReservedName(fixture: String, name: String, declared: Bool) throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let export = try Paths.editedFixtureCopy(fixture, in: directory) { xml in
            xml.replacingFirst(#"<attribute name="parked">false</attribute>"#,
                               with: #"<attribute name="parked">false</attribute><attribute name="\#(name)">yes</attribute>"#)
        }
        let finding = try #require(try Shared.report(export.path, target: "cvat").findings.first { $0.issueType == "attribute_not_declared" })
        #expect(finding.action == (declared ? .declareAttribute(label: "car", attribute: name) : .dropAttribute(label: "car", attribute: name)))
        #expect(finding.message.contains("rename the attribute") == !declared, "\(finding.message)")
    }

    @Test("A mask track made polygons (a video project, --allow-loss) stays one track, a frame's further pieces tracks ended on the next frame (in frame order, however written); dropped, it goes whole",
          arguments: [false, true])
    func maskTrackAsPolygons(writtenBackwards: Bool) throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let maskFrames = [
            """
                <mask frame="0" keyframe="1" outside="0" occluded="0" rle="0, 1, 1, 1" left="1" top="1" width="3" height="1" z_order="0">
                </mask>
            """,
            """
                <mask frame="1" keyframe="1" outside="0" occluded="0" rle="0, 2" left="1" top="1" width="2" height="1" z_order="0">
                </mask>
            """,
        ]
        let export = try Self.projectVideo(addingMaskFrames: (writtenBackwards ? maskFrames.reversed() : maskFrames).joined(separator: "\n"),
                                           in: directory)
        let out = directory.appendingPathComponent("out")
        let result = try Applier(linter: Shared.linter).apply(path: export.path, out: out.path, options: ApplyOptions(allowLoss: true))
        #expect(result.outputReport?.summary.errors == 0)
        let written = try String(contentsOf: out.appendingPathComponent("annotations.xml"), encoding: .utf8)
        let tracks = written.components(separatedBy: "<track ").dropFirst().map { $0.components(separatedBy: "</track>")[0] }
        let polygonTracks = tracks.filter { $0.contains("<polygon") }
        #expect(polygonTracks.count == 2, "the track, and one for the second piece of frame 0")
        let frames = polygonTracks.map { track in
            track.components(separatedBy: "<polygon ").dropFirst().map { $0.contains(#"outside="1""#) ? "out" : $0.components(separatedBy: "\"")[1] }
        }
        #expect(frames == [["0", "1"], ["0", "out"]], "\(frames)")
        let row = result.manifest.conservation.first { $0.label == "car" && $0.kind == "mask" }
        #expect(row?.input == 2 && row?.written == 3 && row?.addsUp == true, "two mask frames written as three polygons")
        #expect(row?.repaired == (writtenBackwards ? ["frameOrder": 2] : [:]), "\(String(describing: row))")

        // With --masks drop the track is left out whole: no empty <track> is written.
        let dropped = directory.appendingPathComponent("dropped")
        let leftOut = try Applier(linter: Shared.linter)
            .apply(path: export.path, out: dropped.path, options: ApplyOptions(allowLoss: true, masks: .drop))
        #expect(leftOut.outputReport?.summary.errors == 0)
        let remaining = try String(contentsOf: dropped.appendingPathComponent("annotations.xml"), encoding: .utf8)
        #expect(remaining.components(separatedBy: "<track ").count == 2 && !remaining.contains("<mask"), "the box track alone")
    }
    @Test("A tag of a project image outside the default subset is read without its subset: an error for CVAT, which apply mends")
    func tagSubset() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let export = Paths.fixture("project-images-subsets")
        let report = try Shared.report(export, target: "cvat")
        #expect(report.findings.filter { $0.severity == .error || $0.rule == "xml" || $0.rule == "schema" }.map(\.issueType)
                == ["tag_subset_unstated"], "the fixture's one error for CVAT")
        let finding = try #require(report.findings.first { $0.issueType == "tag_subset_unstated" })
        #expect(finding.severity == .error && finding.location.line == 146 && (finding.count ?? 1) == 1, "\(finding)")
        #expect(finding.message.contains("subset 'Validation' (first 'b.png')"), "\(finding.message)")
        for target in ["encord", "datumaro"] {
            #expect(!(try Shared.report(export, target: target).findings.contains { $0.issueType == "tag_subset_unstated" }), "\(target)")
        }
        let out = directory.appendingPathComponent("out")
        let result = try Applier(linter: Shared.linter).apply(path: export, out: out.path, options: ApplyOptions())
        #expect(result.outputReport?.summary.errors == 0)
        let written = try String(contentsOf: out.appendingPathComponent("annotations.xml"), encoding: .utf8)
        #expect(written.contains(#"<tag label="daytime" source="manual" subset="Validation">"#))
        let row = result.manifest.conservation.first { $0.label == "daytime" }
        #expect(row?.repaired == ["tagSubset": 1] && row?.addsUp == true, "\(String(describing: row))")
        if DatumaroReader.available {
            #expect(try DatumaroReader.run(on: out.path).annotations == DatumaroReader.run(on: export).annotations,
                    "Datumaro reads the tag as before")
        }
    }

    @Test("In the default subset the shapes before a tag are matched by the image's id: found where that is not the file's place in name order",
          arguments: [(0, 1, false), (1, 0, true)])
    func tagSubsetDefault(idOfA: Int, idOfB: Int, found: Bool) throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let export = try Paths.editedFixtureCopy("project-images-subsets", in: directory) {
            $0.replacingFirst(#"<image id="0" name="a.png" subset="Train""#, with: #"<image id="\#(idOfA)" name="a.png" subset="default""#)
                .replacingFirst(#"<image id="0" name="b.png" subset="Validation""#, with: #"<image id="\#(idOfB)" name="b.png" subset="default""#)
                .replacingFirst(#"    <tag label="daytime""#, with: #"    <box label="car" source="manual" occluded="0" xtl="1.00" ytl="2.00" xbr="5.00" ybr="6.00" z_order="0"></box>\#n    <tag label="daytime""#)
        }
        let findings = try Shared.report(export.path, target: "cvat").findings.filter { $0.issueType == "tag_subset_unstated" }
        #expect(findings.map(\.severity) == (found ? [.warning] : []), "\(findings.map(\.message))")
        let out = directory.appendingPathComponent("out")
        let result = try Applier(linter: Shared.linter).apply(path: export.path, out: out.path, options: ApplyOptions())
        #expect(!(result.outputReport?.findings.contains { $0.issueType == "tag_subset_unstated" } ?? true))
        let written = try String(contentsOf: out.appendingPathComponent("annotations.xml"), encoding: .utf8)
        #expect(written.contains(#"subset="default">"#) == found, "the tag states its subset where the check found it")
    }
}
