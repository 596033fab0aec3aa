@testable import CVATLint
import Foundation
import Testing

/// What stops CVAT's import of a file that parses: its serializer's limits (an attribute value longer than
/// 4,096 characters, left out under `--drop-invalid`; a group id below 0, renumbered by every `apply` and not
/// asked where the target drops groups) and its project import's reading of `<meta>` (a spec without a name
/// or an input type, mended by every `apply`); and a shape without its label, for which `apply` declares no
/// label of an empty name.
@Suite("What CVAT's import refuses")
struct CVATImportRefusalTests {
    @Test("A value over 4,096 characters (counted as characters, not bytes): an error for CVAT, a refusal, and only its annotation left out")
    func valueTooLong() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = try Paths.editedFixtureFile("task-images-every-shape", in: directory) {
            $0.replacingFirst(#"<attribute name="color">red</attribute>"#,
                              with: #"<attribute name="color">\#(String(repeating: "é", count: 4097))</attribute>"#)
        }
        let finding = try #require(try Shared.report(file.path, target: "cvat").findings.first { $0.issueType == "attribute_value_too_long" })
        #expect(finding.severity == .error && finding.message.contains("4097 characters"))
        let (refused, dropped) = try VideoLayoutTests.withoutAndWithDropInvalid(file, linter: Shared.linter, allowLoss: false, in: directory)
        #expect(refused.refusals.contains { $0.hasPrefix("attribute_value_too_long") })
        #expect(dropped.outputReport?.summary.errors == 0)
        #expect(dropped.manifest.conservation.first { $0.label == "car" && $0.kind == "box" }?.leftOut == ["attribute_value_too_long": 1])
    }

    @Test("A negative group id is an error for CVAT that every apply mends: -k becomes the largest group + k", arguments: [
        ("task-images-every-shape", #"ybr="12.00" z_order="0">"#, #"ybr="12.00" z_order="0" group_id="-1">"#,
         #"ybr="12.00" z_order="0" group_id="2">"#),
        ("task-video-tracks", #"<track id="0" label="car" source="manual">"#, #"<track id="0" label="car" source="manual" group_id="-3">"#,
         #"<track id="0" label="car" source="manual" group_id="5">"#),
    ])
    func negativeGroup(fixture: String, original: String, negative: String, mended: String) throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = try Paths.editedFixtureFile(fixture, in: directory) { $0.replacingFirst(original, with: negative) }
        let finding = try #require(try Shared.report(file.path, target: "cvat").findings.first { $0.issueType == "group_id_negative" })
        #expect(finding.severity == .error)
        let out = directory.appendingPathComponent("out")
        let result = try Applier(linter: Shared.linter).apply(path: file.path, out: out.path, options: ApplyOptions())
        #expect(result.outputReport?.summary.errors == 0)
        let written = try String(contentsOf: out.appendingPathComponent("annotations.xml"), encoding: .utf8)
        #expect(written.contains(mended), "the group past the largest of the input (1 in the images fixture, 2 in the video one)")
        let repaired = result.manifest.conservation.reduce(0) { $0 + ($1.repaired["groupID"] ?? 0) }
        #expect(repaired == (fixture == "task-images-every-shape" ? 1 : 0), "a box is repaired; a track's frames stay as they were")
    }

    @Test("A track's frames out of order: an error for CVAT (its import splits a track into jobs in the order written), written in frame order by every apply")
    func framesOutOfOrder() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = try Paths.editedFixtureFile("task-video-tracks", in: directory) {
            $0.replacingFirst(#"<polygon frame="1""#, with: #"<polygon frame="later""#)
                .replacingFirst(#"<polygon frame="2""#, with: #"<polygon frame="1""#)
                .replacingFirst(#"<polygon frame="later""#, with: #"<polygon frame="2""#)
        }
        let finding = try #require(try Shared.report(file.path, target: "cvat").findings.first { $0.issueType == "track_frames_not_increasing" })
        #expect(finding.severity == .error && finding.message.contains("frame 1 comes after frame 2"), "\(finding.message)")
        let out = directory.appendingPathComponent("out")
        let result = try Applier(linter: Shared.linter).apply(path: file.path, out: out.path, options: ApplyOptions())
        #expect(result.outputReport?.summary.errors == 0)
        let written = try String(contentsOf: out.appendingPathComponent("annotations.xml"), encoding: .utf8)
        let person = written.components(separatedBy: #"label="person""#)[1].components(separatedBy: "</track>")[0]
        let frames = person.components(separatedBy: "<polygon frame=\"").dropFirst().map { $0.prefix(1) }
        #expect(frames == ["1", "2"], "\(person)")
        #expect(person.contains(#"<polygon frame="1" keyframe="1" outside="0" occluded="0" points="6.00,20.00"#),
                "the shape written second, now first, byte for byte")
        let row = result.manifest.conservation.first { $0.label == "person" && $0.kind == "polygon" }
        #expect(row?.repaired == ["frameOrder": 2] && row?.addsUp == true, "\(String(describing: row))")
    }

    @Test("A track frame written twice: an error for CVAT (it asserts one shape per frame), not mended; --drop-invalid leaves the track out")
    func frameRepeated() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = try Paths.editedFixtureFile("task-video-tracks", in: directory) {
            $0.replacingFirst(#"<polygon frame="2""#, with: #"<polygon frame="1""#)
        }
        let findings = try Shared.report(file.path, target: "cvat").findings
        let finding = try #require(findings.first { $0.issueType == "track_frame_repeated" })
        #expect(finding.severity == .error && finding.location.line == 119 && !findings.contains { $0.issueType == "track_frames_not_increasing" })
        let (refused, dropped) = try VideoLayoutTests.withoutAndWithDropInvalid(file, linter: Shared.linter, allowLoss: false, in: directory)
        #expect(refused.refusals.contains { $0.hasPrefix("track_frame_repeated") })
        #expect(dropped.outputReport?.summary.errors == 0)
        #expect(dropped.manifest.conservation.first { $0.label == "person" && $0.kind == "polygon" }?.leftOut == ["track_frame_repeated": 2])
    }

    @Test("An attribute spec without <input_type> is an error for CVAT, written as text by apply; one without <name> is left out")
    func incompleteSpecs() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for (lacking, line) in [("<input_type>checkbox</input_type>", "input_type"), ("<name>parked</name>", "name")] {
            let export = try Paths.editedFixtureCopy("project-images-subsets", in: directory.appendingPathComponent(line)) {
                $0.replacingFirst(lacking, with: "")
            }
            let findings = try Shared.report(export.path, target: "cvat").findings
            let finding = try #require(findings.first { $0.issueType == "attribute_spec_incomplete" }, "no <\(line)>")
            #expect(finding.severity == .error && finding.location.line == 80 && finding.message.contains("no <\(line)>"))
            // The absence is told once: no unknown input type, no attribute '' the shapes leave out.
            #expect(!findings.contains { $0.issueType == "attribute_type_unsupported" || $0.message.contains("attribute ''") })
            let out = directory.appendingPathComponent("\(line)-out")
            let result = try Applier(linter: Shared.linter).apply(path: export.path, out: out.path, options: ApplyOptions())
            #expect(result.outputReport?.summary.errors == 0)
            let written = try String(contentsOf: out.appendingPathComponent("annotations.xml"), encoding: .utf8)
            if line == "input_type" {
                #expect(written.contains("<name>parked</name>\n              <mutable>False</mutable>\n              <input_type>text</input_type>"))
            } else {
                #expect(!written.contains("<default_value>false</default_value>"), "the nameless spec is left out")
            }
        }
    }

    @Test("4,096 characters pass; a group id of 0 passes; Encord, which drops groups, is not asked about them")
    func limits() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = try Paths.editedFixtureFile("task-images-every-shape", in: directory) {
            $0.replacingOccurrences(of: #"ybr="12.00" z_order="0">"#, with: #"ybr="12.00" z_order="0" group_id="0">"#)
                .replacingOccurrences(of: #"<attribute name="color">red</attribute>"#,
                                      with: #"<attribute name="color">\#(String(repeating: "é", count: 4096))</attribute>"#)
        }
        let findings = try Shared.report(file.path, target: "cvat").findings
        #expect(!findings.contains { ["group_id_negative", "attribute_value_too_long"].contains($0.issueType) })
        let negative = try Paths.editedFixtureFile("task-images-every-shape", in: directory) {
            $0.replacingOccurrences(of: #"ybr="12.00" z_order="0">"#, with: #"ybr="12.00" z_order="0" group_id="-1">"#)
        }
        #expect(!(try Shared.report(negative.path, target: "encord").findings.contains { $0.issueType == "group_id_negative" }))
    }
}

extension CVATImportRefusalTests {
    @Test("A shape without its label: apply refuses it, or leaves it out under --drop-invalid and declares no label '' (which CVAT refuses)")
    func shapeWithoutLabel() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let export = try Paths.editedFixtureCopy("task-images-every-shape", in: directory) {
            $0.replacingFirst(#"<points label="person" source="auto""#, with: #"<points source="auto""#)
        }
        let (refused, dropped) = try VideoLayoutTests.withoutAndWithDropInvalid(export, linter: Shared.linter, allowLoss: true, in: directory)
        #expect(refused.refusals.contains { $0.hasPrefix("schema") })
        #expect(dropped.outputReport?.summary.errors == 0, "no label '' declared for the shape left out")
        #expect(dropped.manifest.conservation.first { $0.label == "" && $0.kind == "points" }?.leftOut.isEmpty == false)
    }
}

extension String {
    /// The text with the first occurrence of `target` replaced (itself when there is none).
    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = range(of: target) else { return self }
        return replacingCharacters(in: range, with: replacement)
    }

    @Test("An <image> and a <track> inside <meta>: an error for CVAT (its task import reads them), a warning for Encord, info for Datumaro (it never reads them); every apply leaves them out and nothing else",
          arguments: ["cvat", "encord", "datumaro"])
    func annotationsInMeta(target: String) throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let export = try Paths.editedFixtureCopy("task-images-every-shape", in: directory.appendingPathComponent("in")) {
            $0.replacingFirst("<size>2</size>", with: """
                <size>2</size>
                      <image id="7" name="ghost.png" width="10" height="10">
                        <box label="car" source="manual" occluded="0" xtl="1" ytl="1" xbr="5" ybr="5" z_order="0">
                        </box>
                      </image>
                      <track id="9" label="car">
                      </track>
                """)
        }
        let findings = try Shared.report(export.path, target: target).findings.filter { $0.issueType == "annotation_in_meta" }
        let severity: Severity = switch target { case "cvat": .error; case "encord": .warning; default: .info }
        #expect(findings.map(\.location.line) == [9, 13] && findings.allSatisfy { $0.severity == severity }, "\(findings)")
        #expect(findings.map { $0.message.components(separatedBy: ";")[0] }
                == ["an <image> inside <meta> is none of the export's images", "a <track> inside <meta> is none of the export's tracks"])
        let out = directory.appendingPathComponent("out")
        let result = try Applier(linter: Shared.linter(for: target)).apply(path: export.path, out: out.path,
                                                                           options: ApplyOptions(allowLoss: true))
        #expect(result.outputReport?.findings.contains { $0.issueType == "annotation_in_meta" } == false)
        #expect(result.manifest.notes.contains("2 <image> or <track> elements inside <meta> left out (annotation_in_meta)"))
        #expect(ApplyReporter().render(result).contains("  notes:\n    2 <image> or <track> elements inside <meta> left out (annotation_in_meta)\n"),
                "the text report says so too")
        let written = try String(contentsOf: out.appendingPathComponent("annotations.xml"), encoding: .utf8)
        #expect(!written.contains("ghost.png") && !written.contains("<track"))
        #expect(result.manifest.conservation.allSatisfy { $0.addsUp && $0.leftOut.isEmpty }, "no annotation of the export is left out")
        if target == "encord", EncordSDK.available {
            let outcome = try EncordSDK.run(on: out.path)
            #expect(outcome.error == nil && outcome.xmlImageNames == ["park.png", "street.png"] && outcome.dataPaths == ["park.png", "street.png"],
                    "the SDK uploads exactly the images the XML names")
        }
    }
}
