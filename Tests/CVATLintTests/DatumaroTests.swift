import CVATLint
import Foundation
import Testing

/// Datumaro's CVAT reader (PyPI `datumaro`) run on a folder by `Tests/Importers/datumaro_import.py`.
enum DatumaroReader {
    static let harness = Paths.packageRoot.appendingPathComponent("Tests/Importers/datumaro_import.py")

    /// The Python that has `datumaro`: `CVAT_LINT_DATUMARO_PYTHON`, else `python3` on the path.
    static let python = ProcessInfo.processInfo.environment["CVAT_LINT_DATUMARO_PYTHON"] ?? "python3"

    /// What the reader made of one folder: the items and annotations it read, or why it stopped.
    struct Outcome: Decodable {
        var items: Int?
        /// Annotations read, by Datumaro's annotation type.
        var annotations: [String: Int]?
        /// Attribute values read as numbers or booleans: by attribute name, each Python spelling and how many.
        var typed: [String: [String: Int]]?
        var error: String?
        var cause: String?
        var unavailable: String?
    }

    static func run(on folder: String) throws -> Outcome {
        try JSONDecoder().decode(Outcome.self, from: runProgram(python, [harness.path, folder]))
    }

    /// Whether Datumaro can be imported here; the tests skip with this reason when not.
    static let available: Bool = (try? run(on: "--probe").unavailable == nil) ?? false

    /// Every fixture and corpus export folder (Datumaro reads folders, not zips) but the one cvat-lint refuses
    /// on purpose (a media symlink, which Datumaro follows).
    static let exports: [String] = (Paths.fixtureExports + CorpusEntry.all.map(\.path))
        .filter { !$0.hasSuffix(".zip") && !$0.hasSuffix("hostile-media-symlink") }
}

@Suite("Datumaro's CVAT reader beside check --target datumaro and what apply writes",
       .enabled(if: DatumaroReader.available, "the `datumaro` package is not importable by \(DatumaroReader.python); `pip install datumaro` to run these"))
struct DatumaroTests {
    @Test("check --target datumaro finds an error exactly where Datumaro's import stops", arguments: DatumaroReader.exports)
    func errorsWhereTheImportStops(_ path: String) throws {
        let outcome = try DatumaroReader.run(on: path)
        let errors: [Finding]
        do {
            errors = try Shared.report(path, target: "datumaro").findings.filter { $0.severity == .error }
        } catch {
            #expect(outcome.error != nil, "unreadable for cvat-lint, read by Datumaro: \(error)")
            return
        }
        #expect(errors.isEmpty == (outcome.error == nil),
                "cvat-lint: \(errors.prefix(3).map(\.issueType)); Datumaro: \(outcome.cause ?? "imported")")
    }

    @Test("apply --target datumaro --allow-loss --drop-invalid writes a folder Datumaro reads, whenever its check is clean",
          arguments: DatumaroReader.exports)
    func applyOutputImports(_ path: String) throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result: ApplyResult
        let out: URL
        do {
            (result, out) = try ApplyTests.apply(path, target: "datumaro", options: ApplyOptions(allowLoss: true, dropInvalid: true),
                                                into: directory)
        } catch is InputError {
            return
        }
        guard result.refusals.isEmpty, let output = result.outputReport, output.summary.errors == 0 else { return }
        let outcome = try DatumaroReader.run(on: out.path)
        #expect(outcome.error == nil, "Datumaro stopped on what apply wrote: \(outcome.cause ?? "")")
        #expect(outcome.items == result.manifest.images.written || result.manifest.images.written == 0,
                "one item per image written")
    }

    @Test("The harness tells the difference: a job export stops Datumaro, the task it came from does not")
    func harnessDiscriminates() throws {
        #expect(try DatumaroReader.run(on: Paths.fixture("job-images")).error?.contains("<meta> -> <task>") == true)
        #expect(try DatumaroReader.run(on: Paths.fixture("task-images-every-shape")).items == 2)
    }

    @Test("A video job is made a task in its own format, losslessly: its tracks stay tracks, byte for byte, and Datumaro reads them")
    func videoJobStaysVideo() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = Paths.fixture("job-video-frames")
        let finding = try Shared.report(input, target: "datumaro").findings.first { $0.issueType == "job_export_unsupported" }
        #expect(finding?.action == .reexport(format: "CVAT for video 1.1", level: "task"))
        let (result, out) = try ApplyTests.apply(input, target: "datumaro", options: ApplyOptions(), into: directory)
        let output = try #require(result.outputReport)
        #expect(result.refusals.isEmpty && output.summary.errors == 0 && output.format == .video && output.level == .task)
        let body = { (url: URL) in
            try String(contentsOf: url.appendingPathComponent("annotations.xml"), encoding: .utf8).components(separatedBy: "</meta>").last
        }
        #expect(try body(out) == body(URL(fileURLWithPath: input)))
        #expect(try DatumaroReader.run(on: out.path).annotations?.values.reduce(0, +) == 5, "four visible track frames, and the outside one read with its flag")

        // With --allow-loss the tracks' source, which Datumaro does not read, is left off their start tags, counted on each of their shapes.
        let lossy = directory.appendingPathComponent("lossy")
        try FileManager.default.createDirectory(at: lossy, withIntermediateDirectories: false)
        let (dropped, droppedOut) = try ApplyTests.apply(input, target: "datumaro", options: ApplyOptions(allowLoss: true), into: lossy)
        #expect(!(try String(contentsOf: droppedOut.appendingPathComponent("annotations.xml"), encoding: .utf8)).contains("source="))
        #expect(dropped.manifest.conservation.map(\.converted) == [["dropField": 2], ["dropField": 2]])
    }
}

/// Each thing Datumaro's reader stops on, alone in an otherwise clean export: an error of its own issue type for
/// `--target datumaro` (and the import does stop, where Datumaro is installed), while CVAT's importer takes it.
@Suite("What stops Datumaro's CVAT reader")
struct DatumaroRefusalTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var issueType: String
        var fixture: String
        /// Whether `apply --allow-loss --drop-invalid` mends it (converts, declares, rewrites or leaves out).
        var mended = true
        /// What tells two cases of one issue type apart.
        var variant: String?
        /// Text the mended output must still hold (what the mend moves rather than drops).
        var keeps: String?
        var edit: @Sendable (String) -> String
        var testDescription: String { issueType + (variant.map { " (\($0))" } ?? "") }
    }

    static let cases: [Case] = [
        Case(issueType: "mask_track_unsupported", fixture: "project-video") {
            $0.replacingFirst(#"<box frame="0" keyframe="1" outside="0" occluded="0" xtl="1.00" ytl="2.00" xbr="20.00" ybr="12.00" z_order="0">"#,
                              with: #"<mask frame="0" keyframe="1" outside="0" occluded="0" rle="4" left="1" top="1" width="2" height="2" z_order="0">"#)
                .replacingFirst("    </box>", with: "    </mask>")
        },
        Case(issueType: "tracks_size_unstated", fixture: "project-video") {
            guard let start = $0.range(of: "<original_size>"), let end = $0.range(of: "</original_size>") else { return $0 }
            return $0.replacingCharacters(in: start.lowerBound..<end.upperBound, with: "")
        },
        // Task 21's, the first: task 22's is readable, and the frame files show task 21's size.
        Case(issueType: "original_size_invalid", fixture: "project-video-frames", variant: "a width missing, frame files") {
            $0.replacingFirst("<width>64</width>", with: "")
        },
        Case(issueType: "original_size_invalid", fixture: "task-images-every-shape", variant: "a height missing, no frames") {
            $0.replacingFirst("</labels>", with: "</labels>\n<original_size><width>64</width></original_size>")
        },
        Case(issueType: "project_subsets_missing", fixture: "project-images-subsets", mended: false) {
            // The tag states its subset, or CVAT's project import has an error of its own (tag_subset_unstated).
            $0.replacingFirst("<subset>Train</subset>", with: "").replacingFirst("<subset>Validation</subset>", with: "")
                .replacingFirst(#"<tag label="daytime" source="manual">"#, with: #"<tag label="daytime" source="manual" subset="Validation">"#)
        },
        Case(issueType: "mask_image_size_unknown", fixture: "task-images-every-shape", mended: false) {
            $0.replacingFirst(#"<image id="0" name="street.png" width="64" height="48">"#, with: #"<image id="0" name="street.png" height="48">"#)
        },
        Case(issueType: "image_size_zero", fixture: "task-images-every-shape") {
            $0.replacingFirst(#"<image id="1" name="park.png" width="64" height="48">"#, with: #"<image id="1" name="park.png" width="64" height="0">"#)
        },
        Case(issueType: "label_not_declared", fixture: "task-images-every-shape") {
            guard let start = $0.range(of: "<labels>"), let end = $0.range(of: "</labels>") else { return $0 }
            return $0.replacingCharacters(in: start.lowerBound..<end.upperBound, with: "")
        },
        Case(issueType: "attribute_spec_text_form", fixture: "task-images-every-shape") {
            $0.replacingFirst("""
                <attribute>
                              <name>parked</name>
                              <mutable>False</mutable>
                              <input_type>checkbox</input_type>
                              <default_value>false</default_value>
                              <values>false</values>
                            </attribute>
                """, with: "<attribute>@checkbox=parked:false</attribute>")
        },
        // Datumaro takes every <label> in <meta> for a spec (meta_root.iter), wherever it sits (never CVAT's layout).
        Case(issueType: "label_misplaced", fixture: "project-video-frames", variant: "a task's <frame_filter> made a <label>") {
            $0.replacingFirst("<frame_filter></frame_filter>", with: "<label></label>")
        },
        // Datumaro takes every <attribute> under the label (label.iter), wherever it sits (never CVAT's layout).
        Case(issueType: "attribute_spec_text_form", fixture: "task-images-every-shape", variant: "directly under <label>",
             keeps: "<name>lit</name>") {
            $0.replacingFirst("<color>#fa3253</color>", with: "<attribute>@checkbox=lit:false</attribute>")
        },
        Case(issueType: "attribute_spec_text_form", fixture: "task-images-every-shape", variant: "inside another <attribute>",
             keeps: "<name>lit</name>") {
            $0.replacingFirst("<values>false</values>", with: "<values>false</values><attribute>@checkbox=lit:false</attribute>")
        },
        Case(issueType: "attribute_spec_text_form", fixture: "task-images-every-shape", variant: "in a second <labels>",
             keeps: "<name>lit</name>") {
            $0.replacingFirst("</labels>", with: "</labels>\n<labels><label><name>bike</name><attributes>"
                              + "<attribute>@checkbox=lit:false</attribute></attributes></label></labels>")
        },
        Case(issueType: "attribute_spec_text_form", fixture: "task-images-every-shape", variant: "in a second <attributes>",
             keeps: "<name>lit</name>") {
            $0.replacingFirst("</attributes>", with: "</attributes>\n<attributes><attribute>@checkbox=lit:false</attribute></attributes>")
        },
    ]

    /// The errors `check --target datumaro` finds in an export.
    static func datumaroErrors(_ export: URL) throws -> [Finding] {
        try Shared.report(export.path, target: "datumaro").findings.filter { $0.severity == .error }
    }

    @Test("An error of its own issue type for Datumaro, none for CVAT, and apply mends it or refuses", arguments: cases)
    func stopsDatumaroAlone(_ example: Case) throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let export = try Paths.editedFixtureCopy(example.fixture, in: directory, example.edit)
        let errors = try Self.datumaroErrors(export)
        #expect(Set(errors.map(\.issueType)) == [example.issueType], "\(errors.map(\.message))")
        #expect(!(try Shared.report(export.path, target: "cvat").findings.contains { $0.severity == .error }))
        if DatumaroReader.available {
            #expect(try DatumaroReader.run(on: export.path).error != nil, "Datumaro read it")
        }
        // What apply mends leaves an output with no error; what it cannot, it refuses.
        let (result, out) = try ApplyTests.apply(export.path, target: "datumaro", options: ApplyOptions(allowLoss: true, dropInvalid: true),
                                                 into: directory)
        if example.mended {
            #expect(result.refusals.isEmpty && result.outputReport?.summary.errors == 0, "\(result.refusals)")
            if let keeps = example.keeps {
                #expect(try String(contentsOf: out.appendingPathComponent("annotations.xml"), encoding: .utf8).contains(keeps))
            }
        } else {
            #expect(result.refusals.contains { $0.hasPrefix(example.issueType) })
        }
    }

    @Test("An image of a subset no <subset> names: Datumaro leaves it out without a word; an error for Datumaro alone, and --drop-invalid leaves it out, counted")
    func subsetUndeclared() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let export = try Paths.editedFixtureCopy("project-images-subsets", in: directory) {
            $0.replacingFirst(#"name="b.png" subset="Validation""#, with: #"name="b.png" subset="Test""#)
        }
        let images = export.appendingPathComponent("images")
        try FileManager.default.moveItem(at: images.appendingPathComponent("Validation"), to: images.appendingPathComponent("Test"))
        let errors = try Self.datumaroErrors(export)
        #expect(errors.map(\.issueType) == ["subset_undeclared"] && errors.first?.location.line == 145, "\(errors.map(\.message))")
        #expect(try Shared.report(export.path, target: "cvat").findings.first { $0.issueType == "subset_undeclared" }?.severity == .warning)
        if DatumaroReader.available {
            let outcome = try DatumaroReader.run(on: export.path)
            #expect(outcome.error == nil && outcome.items == 1, "one of the two images is read, and nothing is said")
        }
        let (result, out) = try ApplyTests.apply(export.path, target: "datumaro", options: ApplyOptions(dropInvalid: true), into: directory)
        #expect(result.refusals.isEmpty && result.outputReport?.summary.errors == 0, "\(result.refusals)")
        #expect(result.manifest.images.written == 1 && result.manifest.images.dropped["subset_undeclared"] == 1)
        #expect(result.manifest.conservation.contains { $0.leftOut["subset_undeclared", default: 0] == 1 })
        if DatumaroReader.available {
            #expect(try DatumaroReader.run(on: out.path).items == 1)
        }
    }

    @Test("A <subset> anywhere in a project's <meta> is one Datumaro splits it by: no project_subsets_missing where the tasks carry none")
    func subsetOutsideTasks() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let export = try Paths.editedFixtureCopy("project-images-subsets", in: directory) {
            $0.replacingFirst("<subset>Train</subset>", with: "").replacingFirst("<subset>Validation</subset>", with: "")
                .replacingFirst("<tasks>", with: "<subset>Train</subset><subset>Validation</subset><tasks>")
        }
        #expect(!(try Shared.report(export.path, target: "datumaro").findings.contains { $0.severity == .error }))
        if DatumaroReader.available {
            #expect(try DatumaroReader.run(on: export.path).items == 2)
        }
    }

    @Test("A track of a subset no <subset> names is an error for Datumaro at the track, left out whole under --drop-invalid")
    func trackSubsetUndeclared() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let export = try Paths.editedFixtureCopy("project-video-frames", in: directory) {
            $0.replacingFirst(#"task_id="22" subset="Validation""#, with: #"task_id="22" subset="Test""#)
        }
        let errors = try Self.datumaroErrors(export)
        #expect(errors.map(\.issueType) == ["subset_undeclared"] && errors.first?.location.line == 62, "\(errors.map(\.message))")
        let (result, out) = try ApplyTests.apply(export.path, target: "datumaro", options: ApplyOptions(dropInvalid: true), into: directory)
        #expect(result.refusals.isEmpty && result.outputReport?.summary.errors == 0, "\(result.refusals)")
        // The track's one visible frame is counted (its outside frame is no annotation).
        #expect(result.manifest.conservation.contains { $0.leftOut["subset_undeclared", default: 0] == 1 })
        #expect(!(try String(contentsOf: out.appendingPathComponent("annotations.xml"), encoding: .utf8)).contains(#"subset="Test""#))
    }

    @Test("An image of a task export that names a subset (CVAT writes none there): Datumaro, reading the file as subset 'annotations', leaves it out; an error for Datumaro")
    func taskImageSubset() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let export = try Paths.editedFixtureCopy("task-images-every-shape", in: directory) {
            $0.replacingFirst(#"<image id="1" name="park.png""#, with: #"<image id="1" name="park.png" subset="Train""#)
        }
        let errors = try Self.datumaroErrors(export)
        #expect(errors.map(\.issueType) == ["subset_undeclared"] && errors.first?.message.contains("(annotations)") == true,
                "\(errors.map(\.message))")
        if DatumaroReader.available {
            let outcome = try DatumaroReader.run(on: export.path)
            #expect(outcome.error == nil && outcome.items == 1, "one of the two images is read, and nothing is said")
        }
        let (result, _) = try ApplyTests.apply(export.path, target: "datumaro", options: ApplyOptions(allowLoss: true, dropInvalid: true),
                                               into: directory)
        #expect(result.refusals.isEmpty && result.outputReport?.summary.errors == 0 && result.manifest.images.written == 1)
    }

    @Test("A project's track that names no subset: Datumaro reads it once per <subset>; an error for Datumaro at the track")
    func projectTrackWithoutSubset() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let export = try Paths.editedFixtureCopy("project-video-frames", in: directory) {
            $0.replacingFirst(#"task_id="22" subset="Validation""#, with: #"task_id="22""#)
        }
        let errors = try Self.datumaroErrors(export)
        #expect(errors.map(\.issueType) == ["subset_undeclared"] && errors.first?.location.line == 62, "\(errors.map(\.message))")
        if DatumaroReader.available {
            let read = try DatumaroReader.run(on: export.path).annotations?["bbox"] ?? 0
            #expect(read > (try DatumaroReader.run(on: Paths.fixture("project-video-frames")).annotations?["bbox"] ?? 0),
                    "its frames are read twice")
        }
    }

    @Test("Two tasks of one subset whose images share id 0 (CVAT's exporter offsets them): one item to Datumaro; image_id_duplicate within the subset, and apply renumbers, so Datumaro reads both")
    func projectIDsPerSubset() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let export = try Paths.editedFixtureCopy("project-images-subsets", in: directory) {
            $0.replacingOccurrences(of: "Validation", with: "Train")
        }
        let images = export.appendingPathComponent("images")
        try FileManager.default.moveItem(at: images.appendingPathComponent("Validation/b.png"), to: images.appendingPathComponent("Train/b.png"))
        let errors = try Self.datumaroErrors(export)
        #expect(errors.map(\.issueType) == ["image_id_duplicate"] && errors.first?.location.line == 145, "\(errors.map(\.message))")
        if DatumaroReader.available {
            #expect(try DatumaroReader.run(on: export.path).items == 1, "the two images are one item")
        }
        let (result, out) = try ApplyTests.apply(export.path, target: "datumaro", options: ApplyOptions(), into: directory)
        #expect(result.refusals.isEmpty && result.outputReport?.summary.errors == 0, "\(result.refusals)")
        if DatumaroReader.available {
            #expect(try DatumaroReader.run(on: out.path).items == 2)
        }
    }
}
