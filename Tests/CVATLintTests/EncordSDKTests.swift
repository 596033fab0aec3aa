import CVATLint
import Foundation
import Testing

/// Encord's own SDK (PyPI `encord`) run on a folder, with its HTTP layer stubbed by `Tests/Importers/encord_local_import.py`.
///
/// The SDK's CVAT import checks the folder on the client (an `images/` folder, `annotations.xml` as UTF-8 XML with a
/// `<meta>` task or project, `images/default/` for a project), uploads every file it finds there and sends the XML
/// with one data item per uploaded file, keyed by its path under the images folder. Encord pairs those paths with the
/// XML's image names on its server, so an upload of exactly the named files is what a clean import needs.
enum EncordSDK {
    static let harness = Paths.packageRoot.appendingPathComponent("Tests/Importers/encord_local_import.py")

    /// The Python that has `encord`: `CVAT_LINT_ENCORD_PYTHON`, else `python3` on the path.
    static let python = ProcessInfo.processInfo.environment["CVAT_LINT_ENCORD_PYTHON"] ?? "python3"

    /// What the SDK did with one folder.
    struct Outcome: Decodable {
        var error: String?
        var dataPaths: [String]?
        var xmlImageNames: [String]?
        var annotationsSHA256: String?
        var uploaded: Int
        var unavailable: String?

        enum CodingKeys: String, CodingKey {
            case error, uploaded, unavailable
            case dataPaths = "data_paths"
            case xmlImageNames = "xml_image_names"
            case annotationsSHA256 = "annotations_sha256"
        }
    }

    /// Runs the harness on a folder (`--probe` only imports the SDK).
    static func run(on folder: String) throws -> Outcome {
        try JSONDecoder().decode(Outcome.self, from: runProgram(python, [harness.path, folder]))
    }

    /// Whether the SDK can be imported here; the tests skip with this reason when not.
    static let available: Bool = (try? run(on: "--probe").unavailable == nil) ?? false

    /// Every fixture and corpus export with its media saved: the SDK reads a folder with `images/`.
    /// Exports with a media folder (`images/`, or one named in another case, which apply writes as `images/`).
    static let exportsWithMedia: [String] = (Paths.fixtureExports + CorpusEntry.all.map(\.path)).filter { path in
        ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).contains { name in
            var isDirectory: ObjCBool = false
            return name.lowercased() == "images" && FileManager.default.fileExists(atPath: path + "/" + name, isDirectory: &isDirectory)
                && isDirectory.boolValue
        }
    }

    static func sha256(of file: URL) throws -> String {
        String(decoding: try runProgram("sha256sum", [file.path]), as: UTF8.self).split(separator: " ").first.map(String.init) ?? ""
    }
}

@Suite("Encord's SDK on what apply writes (HTTP stubbed)",
       .enabled(if: EncordSDK.available, "the `encord` package is not importable by \(EncordSDK.python); `pip install encord` to run these"))
struct EncordSDKTests {
    @Test("apply --target encord --allow-loss --drop-invalid writes a folder the SDK takes, uploading exactly the images the XML names",
          arguments: EncordSDK.exportsWithMedia)
    func uploadsExactlyTheNamedImages(_ path: String) throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (result, out) = try ApplyTests.apply(path, target: "encord", options: ApplyOptions(allowLoss: true, dropInvalid: true),
                                                 into: directory)
        try #require(result.refusals.isEmpty, "refused: \(result.refusals)")
        let outcome = try EncordSDK.run(on: out.path)
        #expect(outcome.error == nil, "the SDK refused the folder: \(outcome.error ?? "")")
        let dataPaths = try #require(outcome.dataPaths, "nothing was sent to projects/cvat-import")
        #expect(dataPaths == outcome.xmlImageNames, "uploaded files and the XML's image names differ")
        #expect(outcome.uploaded == dataPaths.count, "each data item is one upload")
        #expect(outcome.annotationsSHA256 == (try EncordSDK.sha256(of: out.appendingPathComponent("annotations.xml"))),
                "the SDK sent the annotations.xml apply wrote")
    }

    @Test("The harness tells the difference: on the raw export the SDK uploads the junk and the files nothing names")
    func rawExportUploadsStrays() throws {
        let outcome = try EncordSDK.run(on: Paths.fixture("media-unnamed-files"))
        #expect(outcome.error == nil)
        let dataPaths = try #require(outcome.dataPaths)
        #expect(Set(dataPaths).subtracting(outcome.xmlImageNames ?? []) == [".DS_Store", "stray.png"])
    }

    @Test("The SDK refuses a media folder named Images/, as media_folder_misnamed says; apply's output it takes")
    func misnamedFolder() throws {
        let raw = try EncordSDK.run(on: Paths.fixture("media-folder-misnamed"))
        #expect(raw.error?.contains("The expected directory 'images' was not found") == true, "\(raw.error ?? "no error")")
        #expect(EncordSDK.exportsWithMedia.contains(Paths.fixture("media-folder-misnamed")), "apply's output is put to the SDK above")
    }

    @Test("The SDK refuses an images/ with no file, as media_folder_empty says")
    func emptyFolder() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let outcome = try EncordSDK.run(on: try MissionRuleTests.emptyExport(in: directory).path)
        #expect(outcome.error?.contains("No images found in the provided data folder") == true, "\(outcome.error ?? "no error")")
    }
}
