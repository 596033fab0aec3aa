@testable import CVATLint
import CVATLintRules
import Foundation
import Testing

/// Repairs before drops: each keeps the annotation, the output checks clean, the manifest counts it.
@Suite("apply: repairs")
struct RepairTests {
    static func apply(_ path: String, config: String? = nil, options: ApplyOptions, linter given: Linter = Shared.encord) throws -> (ApplyResult, String) {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var linter = given
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

    /// `apply` on an annotations.xml made in the test (a fixture with an edit).
    static func apply(xml: String, options: ApplyOptions, linter: Linter = Shared.encord) throws -> (ApplyResult, String) {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("annotations.xml")
        try xml.write(to: path, atomically: true, encoding: .utf8)
        return try apply(path.path, options: options, linter: linter)
    }

    /// The values of `name` in written XML, in order.
    static func values(of name: String, in xml: String) -> [Substring] {
        xml.components(separatedBy: "<attribute name=\"\(name)\">").dropFirst().map { $0.prefix { $0 != "<" } }
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
        // Counted in values the shapes hold, which the finding counts; no label × kind is touched as a whole.
        #expect(result.manifest.executed.map(\.note) == ["2 values in shapes", "1 value in shapes"])
        #expect(result.manifest.executed.allSatisfy { $0.touched.isEmpty })
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

    /// A task export whose label car has the checkbox parked, and one box per value.
    static func checkboxExport(_ values: [String]) -> String {
        let boxes = values.map { #"<box label="car" xtl="1" ytl="1" xbr="5" ybr="5"><attribute name="parked">\#($0)</attribute></box>"# }
        return """
            <annotations><version>1.1</version><meta><task><id>1</id><name>t</name><size>1</size><mode>annotation</mode>
            <labels><label><name>car</name><attributes><attribute><name>parked</name><mutable>False</mutable>
            <input_type>checkbox</input_type><default_value>false</default_value><values>false</values></attribute>
            </attributes></label></labels></task></meta>
            <image id="0" name="a.jpg" width="10" height="10">\(boxes.joined())</image></annotations>

            """
    }

    @Test("A checkbox's true or false with spaces around it is an error (CVAT's import judges it as written) that apply respells")
    func checkboxSpaces() throws {
        let xml = Self.checkboxExport([" true", "false\n", "TRUE", "true", "false", "\ttrue "])
        let (result, written) = try Self.apply(xml: xml, options: ApplyOptions(), linter: Shared.linter)
        let found = result.inputReport.findings.filter { $0.issueType == "attribute_value_not_boolean" }
        // Each spelling its own error with its repair; TRUE, true and false pass as CVAT lowercases them.
        #expect(Set(found.map(\.action)) == [
            .mapAttributeValue(label: "car", attribute: "parked", from: " true", to: "true"),
            .mapAttributeValue(label: "car", attribute: "parked", from: "false\n", to: "false"),
            .mapAttributeValue(label: "car", attribute: "parked", from: "\ttrue ", to: "true"),
        ])
        #expect(found.allSatisfy { $0.severity == .error && $0.message.contains("has spaces around true or false") })
        #expect(result.refusals.isEmpty && result.outputReport?.summary.errors == 0)
        #expect(Self.values(of: "parked", in: written) == ["true", "false", "TRUE", "true", "false", "true"])
        #expect(result.manifest.conservation.first?.repaired == ["mapAttributeValue": 3])
    }

    @Test("Under --drop-invalid a checkbox respelled stays; only a value no repair mends (yes) is left out")
    func checkboxSpacesDropInvalid() throws {
        let (result, written) = try Self.apply(xml: Self.checkboxExport([" true", "yes", "false"]), options: ApplyOptions(dropInvalid: true),
                                               linter: Shared.linter)
        #expect(result.refusals.isEmpty && result.outputReport?.summary.errors == 0)
        #expect(Self.values(of: "parked", in: written) == ["true", "false"])
        #expect(result.manifest.conservation.first?.repaired == ["mapAttributeValue": 1])
        #expect(result.manifest.conservation.first?.leftOut == ["attribute_value_not_boolean": 1])
    }

    @Test("Under --drop-invalid a shape keeps only when every broken value on it is mended: a respelled one does not keep another")
    func everyBrokenValueJudged() throws {
        // Two checkboxes: the first value is respelled, the second is no boolean at all.
        let spec = { (name: String) in
            "<attribute><name>\(name)</name><mutable>False</mutable><input_type>checkbox</input_type>"
                + "<default_value>false</default_value><values>false</values></attribute>"
        }
        let box = { (first: String, second: String) in
            #"<box label="car" xtl="1" ytl="1" xbr="5" ybr="5"><attribute name="parked">\#(first)</attribute>"#
                + #"<attribute name="lit">\#(second)</attribute></box>"#
        }
        let xml = """
            <annotations><version>1.1</version><meta><task><id>1</id><name>t</name><size>1</size><mode>annotation</mode>
            <labels><label><name>car</name><attributes>\(spec("parked"))\(spec("lit"))</attributes></label></labels></task></meta>
            <image id="0" name="a.jpg" width="10" height="10">\(box(" true", "yes"))\(box(" true", "false"))</image></annotations>

            """
        let (result, _) = try Self.apply(xml: xml, options: ApplyOptions(dropInvalid: true), linter: Shared.linter)
        #expect(result.refusals.isEmpty && result.outputReport?.summary.errors == 0)
        #expect(result.manifest.conservation.first?.repaired == ["mapAttributeValue": 1])
        #expect(result.manifest.conservation.first?.leftOut == ["attribute_value_not_boolean": 1])
    }

    @Test("Video frames made images (Encord) are repaired as image shapes are under --drop-invalid, not left out")
    func videoFrameRepaired() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // Frame 0 of the car's track holds a checkbox no repair mends; frame 1 one with spaces, which is respelled.
        let export = try Paths.editedFixtureCopy("task-video-tracks", in: directory) { xml in
            let frame0 = #"<box frame="0" keyframe="1" outside="0" occluded="0" xtl="1.00" ytl="2.00" xbr="20.00" ybr="12.00" z_order="0">"#
            let frame1 = #"<box frame="1" keyframe="0" outside="0" occluded="0" xtl="2.00" ytl="2.00" xbr="21.00" ybr="12.00" z_order="0">"#
            let value = #"<attribute name="parked">false</attribute>"#
            return xml.replacingOccurrences(of: frame0 + "\n      " + value, with: frame0 + "\n      " + #"<attribute name="parked">yes</attribute>"#)
                .replacingOccurrences(of: frame1 + "\n      " + value, with: frame1 + "\n      " + #"<attribute name="parked"> true</attribute>"#)
        }
        let (result, written) = try Self.apply(export.path, options: ApplyOptions(allowLoss: true, dropInvalid: true))
        #expect(result.refusals.isEmpty && result.outputReport?.summary.errors == 0)
        #expect(Self.values(of: "parked", in: written) == ["true"])
        let car = try #require(result.manifest.conservation.first { $0.label == "car" })
        #expect(car.repaired == ["mapAttributeValue": 1] && car.leftOut == ["attribute_value_not_boolean": 1])
    }

    @Test("Under --drop-invalid elements the schema refuses are left out, every one: of <annotations>, of an image, and children of a shape (which stays)")
    func refusedElementsLeftOut() throws {
        let skeleton = #"<skeleton label="pose"><points label="nose" outside="0" occluded="0" points="2,2"><bar/></points></skeleton>"#
        let xml = """
            <annotations><version>1.1</version><meta><task><id>1</id><name>t</name><size>1</size><mode>annotation</mode>
            <labels><label><name>car</name><attributes><attribute><name>color</name><mutable>False</mutable><input_type>text</input_type>
            <default_value></default_value><values></values></attribute></attributes></label>
            <label><name>pose</name><type>skeleton</type><attributes></attributes></label>
            <label><name>nose</name><type>points</type><attributes></attributes><parent>pose</parent></label></labels></task></meta>
            <annotation><filename>a.jpg</filename></annotation>
            <image id="0" name="a.jpg" width="10" height="10">
              <box label="car" xtl="1" ytl="1" xbr="5" ybr="5" occluded="0"><foo/><attribute name="color">red</attribute><foo>x</foo></box>
              \(skeleton)
              <qux/><quux>y</quux>
            </image>
            <annotation><filename>b.jpg</filename></annotation>
            </annotations>

            """
        let (refused, _) = try Self.apply(xml: xml, options: ApplyOptions(), linter: Shared.linter)
        #expect(refused.refusals.contains { $0.hasPrefix("schema:") })
        let (result, written) = try Self.apply(xml: xml, options: ApplyOptions(dropInvalid: true), linter: Shared.linter)
        #expect(result.refusals.isEmpty && result.outputReport?.summary.errors == 0)
        #expect(!written.contains("<annotation>") && !written.contains("<foo") && !written.contains("<bar") && !written.contains("<qu"))
        #expect(Self.values(of: "color", in: written) == ["red"])
        #expect(result.manifest.notes.contains { $0.hasPrefix("drop-invalid: 2 elements of <annotations>") })
        // The box and the skeleton stay, written without the children refused.
        let rows = Dictionary(uniqueKeysWithValues: result.manifest.conservation.map { ($0.label, $0) })
        #expect(rows["car"]?.repaired == ["refusedChild": 1] && rows["pose"]?.repaired == ["refusedChild": 1])
        #expect(result.manifest.conservation.allSatisfy { $0.leftOut.isEmpty })
        // Where a field is left off too (source, for Datumaro), the start tag is not merely edited: the children go as well.
        let (datumaro, datumaroXML) = try Self.apply(xml: xml.replacingOccurrences(of: #"occluded="0"><foo/>"#, with: #"source="manual" occluded="0"><foo/>"#),
                                                     options: ApplyOptions(allowLoss: true, dropInvalid: true), linter: Shared.datumaro)
        #expect(datumaro.refusals.isEmpty && datumaro.outputReport?.summary.errors == 0)
        #expect(!datumaroXML.contains("<foo") && !datumaroXML.contains("source="))
    }

    @Test("Under --drop-invalid elements the schema refuses inside a track are left out, wherever they sit, and the track stays")
    func refusedTrackElementsLeftOut() throws {
        let box = { (frame: Int, outside: Int, child: String) in
            #"<box frame="\#(frame)" keyframe="1" outside="\#(outside)" occluded="0" xtl="1" ytl="1" xbr="5" ybr="5" z_order="0">\#(child)</box>"#
        }
        let nose = { (outside: Int, child: String) in
            #"<points label="nose" keyframe="1" outside="\#(outside)" occluded="0" points="2,2">\#(child)</points>"#
        }
        let xml = """
            <annotations><version>1.1</version><meta><task><id>1</id><name>t</name><size>4</size><mode>interpolation</mode>
            <labels><label><name>car</name><attributes></attributes></label>
            <label><name>pose</name><type>skeleton</type><attributes></attributes></label>
            <label><name>nose</name><type>points</type><attributes></attributes><parent>pose</parent></label></labels>
            <original_size><width>10</width><height>10</height></original_size></task></meta>
            <track id="0" label="car" source="manual">
              <foo/>
              \(box(0, 0, "<bar/>"))
              \(box(1, 0, ""))
              <tag frame="2" label="car"/>
              \(box(2, 1, ""))
              <baz>text</baz>
            </track>
            <track id="1" label="car" source="manual">
              \(box(3, 0, ""))
              <qux/>
              \(box(1, 1, ""))
            </track>
            <track id="3" label="car" source="manual">
              <mask frame="0" keyframe="1" outside="0" occluded="0" rle="0, 4" left="1" top="1" width="2" height="2" z_order="0"></mask>
              <zap/>
              <mask frame="1" keyframe="1" outside="0" occluded="0" rle="0, 4" left="1" top="1" width="2" height="2" z_order="0"></mask>
            </track>
            <track id="2" label="pose" source="manual">
              <skeleton frame="0" keyframe="1" z_order="0">\(nose(0, "<quux/>"))</skeleton>
              <skeleton frame="1" keyframe="1" z_order="0">\(nose(1, ""))</skeleton>
            </track>
            </annotations>

            """
        let (refused, _) = try Self.apply(xml: xml, options: ApplyOptions(), linter: Shared.linter)
        #expect(refused.refusals.contains { $0.hasPrefix("schema:") })
        let (result, written) = try Self.apply(xml: xml, options: ApplyOptions(dropInvalid: true), linter: Shared.linter)
        #expect(result.refusals.isEmpty && result.outputReport?.summary.errors == 0, "\(result.manifest.remainingErrors)")
        #expect(["<foo", "<bar", "<tag", "<baz", "<qu", "<zap"].allSatisfy { !written.contains($0) })
        // The mask track is split into one track per visible frame, as CVAT would collapse it.
        #expect(written.components(separatedBy: "<track ").count == 6 && written.components(separatedBy: "<box ").count == 6)
        #expect(result.manifest.notes.contains { $0.hasPrefix("drop-invalid: 5 elements of <track> other than its shapes left out") })
        // Nothing is left out; the shapes that held a refused child are written without it, the rest as they were.
        #expect(result.manifest.conservation.allSatisfy { $0.leftOut.isEmpty && $0.addsUp })
        let rows = Dictionary(uniqueKeysWithValues: result.manifest.conservation.map { ("\($0.label) \($0.kind)", $0) })
        #expect(rows["car box"]?.repaired["refusedChild"] == 1 && rows["pose skeleton"]?.repaired == ["refusedChild": 1])
        #expect(rows["car mask"]?.written == 2)
        // Tracks made images frame by frame (Encord) skip them with their own bytes.
        let (encord, encordXML) = try Self.apply(xml: xml, options: ApplyOptions(allowLoss: true, dropInvalid: true))
        #expect(encord.refusals.isEmpty && encord.outputReport?.summary.errors == 0, "\(encord.manifest.remainingErrors)")
        #expect(["<track", "<foo", "<bar", "<baz", "<qu", "<zap"].allSatisfy { !encordXML.contains($0) })
    }

    @Test("Skeleton elements without their flags: an error for CVAT; apply writes them (a track element's keyframe as its frame's)",
          arguments: [
              ("task-images-every-shape", #"<points label="head" source="manual""#, #" outside="0" occluded="0""#),
              ("task-video-tracks", #"<points label="head""#, #" keyframe="1" outside="0" occluded="0""#),
          ])
    func skeletonElementFlags(fixture: String, head: String, flags: String) throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let original = try String(contentsOfFile: Paths.fixture("\(fixture)/annotations.xml"), encoding: .utf8)
        let (flagged, bare) = (head + flags + #" points="20.00,20.00""#, head + #" points="20.00,20.00""#)
        #expect(original.contains(flagged))
        let path = directory.appendingPathComponent("annotations.xml")
        try original.replacingOccurrences(of: flagged, with: bare).write(to: path, atomically: true, encoding: .utf8)
        let finding = try #require(try Shared.report(path.path, target: "cvat").findings.first { $0.issueType == "skeleton_element_flags_missing" })
        #expect(finding.severity == .error && finding.location.line != nil)
        let out = directory.appendingPathComponent("out")
        let result = try Applier(linter: Shared.linter).apply(path: path.path, out: out.path, options: ApplyOptions())
        #expect(result.refusals.isEmpty && result.outputReport?.summary.errors == 0)
        let written = try String(contentsOf: out.appendingPathComponent("annotations.xml"), encoding: .utf8)
        #expect(written.contains(flagged) && !written.contains(bare))
        #expect((result.manifest.conservation.first { $0.label == "pose" }?.repaired["elementFlags"] ?? 0) > 0)
    }

    @Test("Labels and skeleton elements <meta> lacks are declared with the attributes their shapes carry")
    func undeclaredCarryAttributes() throws {
        var xml = try String(contentsOfFile: Paths.fixture("rule-label-undeclared") + "/annotations.xml", encoding: .utf8)
        xml = xml.replacingOccurrences(of: "points=\"1.00,40.00;30.00,41.00\" z_order=\"0\">\n    </polyline>",
                                       with: "points=\"1.00,40.00;30.00,41.00\" z_order=\"0\">\n      <attribute name=\"note\">crossing</attribute>\n    </polyline>")
        xml = xml.replacingOccurrences(of: "points=\"25.00,30.00\">\n      </points>\n    </skeleton>", with: """
            points="25.00,30.00">
                  </points>
                  <points label="foot" source="manual" outside="0" occluded="0" points="22.00,35.00">
                    <attribute name="side">left</attribute>
                  </points>
                </skeleton>
            """)
        #expect(xml.contains("crossing") && xml.contains("\"foot\""))
        let (result, written) = try Self.apply(xml: xml, options: ApplyOptions(allowLoss: true, dropInvalid: true))
        #expect(result.outputReport?.summary.errors == 0)
        let labels = try #require(written.range(of: "</labels>")).lowerBound
        let meta = String(written[..<labels])
        let pedestrian = try #require(meta.range(of: "<name>pedestrian</name>"))
        #expect(meta[pedestrian.upperBound...].prefix(400).contains("<name>note</name>"))
        let foot = try #require(meta.range(of: "<name>foot</name>"))
        #expect(meta[foot.upperBound...].prefix(400).contains("<name>side</name>"))
        #expect(meta[foot.upperBound...].prefix(600).contains("<parent>pose</parent>"))
    }

    @Test("An attribute the label lacks is declared as text, losslessly: mutable where a track carries it, on skeleton elements too",
          arguments: [("task-images-every-shape", false), ("task-video-tracks", true)])
    func attributeDeclared(fixture: String, onTrack: Bool) throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // A value on the car's first box (a track frame in the video), one on a skeleton element, and a blank name.
        let export = try Paths.editedFixtureCopy(fixture, in: directory) { xml in
            xml.replacingFirst(#"<attribute name="color">red</attribute>"#,
                                   with: #"<attribute name="color">red</attribute><attribute name="plate">AB1</attribute><attribute name=" ">x</attribute>"#)
                .replacingFirst(#"points="20.00,20.00">"#, with: #"points="20.00,20.00"><attribute name="tilt">left</attribute>"#)
        }
        let report = try Shared.report(export.path, target: "cvat")
        let undeclared = report.findings.filter { $0.issueType == "attribute_not_declared" }
        #expect(undeclared.map(\.action) == [.dropAttribute(label: "car", attribute: " "), .declareAttribute(label: "car", attribute: "plate"),
                                              .declareAttribute(label: "head", attribute: "tilt")])
        #expect(undeclared.allSatisfy { $0.count == nil && $0.severity == .warning })
        // Lossless: executed without --allow-loss; the blank name is left as it was (dropping it is lossy).
        let (result, out) = try ApplyTests.apply(export.path, target: "cvat", options: ApplyOptions(), into: directory)
        let written = try String(contentsOf: out.appendingPathComponent("annotations.xml"), encoding: .utf8)
        let mutable = onTrack ? "True" : "False"
        for name in ["plate", "tilt"] {
            #expect(written.contains("<name>\(name)</name>\n              <mutable>\(mutable)</mutable>\n              <input_type>text</input_type>"))
        }
        #expect(written.contains(#"<attribute name="plate">AB1</attribute>"#) && written.contains(#"<attribute name="tilt">left</attribute>"#))
        let after = try #require(result.outputReport).findings.filter { $0.issueType == "attribute_not_declared" }
        #expect(after.map(\.location.attribute) == [" "])
        let repaired = result.manifest.conservation.filter { !$0.repaired.isEmpty }
        #expect(repaired.map(\.label) == ["car", "pose"] && repaired.allSatisfy { $0.repaired == ["declareAttribute": 1] && $0.addsUp })
        #expect(result.manifest.executed.map(\.action) == [.declareAttribute(label: "car", attribute: "plate"),
                                                          .declareAttribute(label: "head", attribute: "tilt")])
        #expect(result.manifest.executed.map(\.note) == ["1 use in shapes", "1 use in shapes"])
        #expect(result.manifest.skipped.map(\.action) == [.dropAttribute(label: "car", attribute: " ")])
    }

    @Test("An attribute declared for a track is immutable where no track stays one, or where the label's attributes are made immutable",
          arguments: [("encord", true, false, "False"), ("datumaro", true, true, "False"), ("cvat", false, true, "True")])
    func attributeDeclaredImmutable(target: String, allowLoss: Bool, labelMutable: Bool, expected: String) throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // An undeclared attribute on the car's track; for Datumaro the car's declared attribute made mutable, which
        // Datumaro cannot keep (dropField mutable, lossy) and CVAT can. Encord takes the video as images (reexport, lossy).
        let export = try Paths.editedFixtureCopy("task-video-tracks", in: directory) { xml in
            let edited = xml.replacingFirst(#"<attribute name="color">red</attribute>"#,
                                            with: #"<attribute name="color">red</attribute><attribute name="plate">AB1</attribute>"#)
            return labelMutable ? edited.replacingFirst("<mutable>False</mutable>", with: "<mutable>True</mutable>") : edited
        }
        let (result, out) = try ApplyTests.apply(export.path, target: target, options: ApplyOptions(allowLoss: allowLoss, dropInvalid: true),
                                                 into: directory)
        #expect(result.refusals.isEmpty)
        #expect(result.manifest.executed.map(\.action).contains(.declareAttribute(label: "car", attribute: "plate")))
        let written = try String(contentsOf: out.appendingPathComponent("annotations.xml"), encoding: .utf8)
        let spec = try #require(written.range(of: "<name>plate</name>"))
        #expect(written[spec.upperBound...].drop { $0.isWhitespace }.hasPrefix("<mutable>\(expected)</mutable>"))
        #expect(written.contains(#"<attribute name="plate">AB1</attribute>"#))
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
        // CVAT keeps the one shape outside as an ellipse, which no clip keeps one: the finding offers no action.
        let ellipse = try Shared.report(Paths.fixture("rule-shape-outside-image"), target: "cvat").findings.first { $0.issueType == "shape_outside_image" }
        #expect(ellipse?.action == nil && ellipse?.message.contains("; not clipped: clipping an ellipse") == true)
        let (box, _) = try Self.apply(xml: RuleExample.document(meta: "", body: RuleExample.imageElement(#"<box label="a" xtl="1" ytl="1" xbr="30" ybr="5"/><ellipse label="a" cx="9" cy="5" rx="4" ry="2"/>"#)),
                                      options: ApplyOptions(allowLoss: true), linter: Shared.linter)
        let finding = box.inputReport.findings.first { $0.issueType == "shape_outside_image" }
        #expect(finding?.action == .clipToImage(label: "a") && finding?.message.hasSuffix("; 1 not clipped: clipping an ellipse, a cuboid, a rotated box, a mask or a skeleton would make another shape") == true)
        // The box is clipped; the ellipse is what is left outside, with nothing for a second apply to do.
        let left = box.outputReport?.findings.first { $0.issueType == "shape_outside_image" }
        #expect(left?.action == nil && left?.message.hasPrefix("label 'a': 1 shape reaches outside the image, by up to 3.0 px; not clipped") == true)
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
        // The input side too: the table says it read 3 where the check of the input counted 4.
        #expect(Conservation.discrepancies(rows: [row], routes: [route: (3, 3)], input: statistics(4), output: nil)
            == ["lost 1 annotation of 'car' × box (read 3 of 4)"])
        var broken = row
        broken.unchanged = 2
        #expect(!Conservation.discrepancies(rows: [broken], routes: [route: (3, 3)], input: nil, output: nil).isEmpty)
    }
}
