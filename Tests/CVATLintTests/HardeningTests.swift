import CVATLint
import CVATLintRules
import Foundation
import Testing
import ZIPFoundation

/// Lints bytes as a bare annotations.xml through the whole tool (both passes, every rule).
func lintBytes(_ bytes: [UInt8], target: String = "cvat") throws -> ExportReport {
    try Shared.linter(for: target).check(MemoryExport(bytes: bytes))
}

/// A TCP listener on loopback that remembers whether anyone connected.
final class LoopbackListener {
    let port: UInt16
    private let socketDescriptor: Int32

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard descriptor >= 0, bound == 0, listen(descriptor, 8) == 0 else { throw InputError("cannot listen on loopback") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        socketDescriptor = descriptor
        port = UInt16(bigEndian: address.sin_port)
    }

    /// Whether a connection is waiting (never accepted: nothing is served).
    var wasContacted: Bool {
        let client = accept(socketDescriptor, nil, nil)
        if client >= 0 { close(client) }
        return client >= 0
    }

    deinit { close(socketDescriptor) }
}

@Suite("Hostile and broken input: a finding or exit 2, never a crash, a fetch or a read outside")
struct HardeningTests {
    static let secret = "cvat-lint-secret-\(UUID().uuidString)"

    /// A file outside any export whose content must never appear in a report.
    static func secretFile() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cvat-lint-secret-\(UUID().uuidString).txt")
        try secret.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    static func everything(_ report: ExportReport) -> String {
        (try? JSONReporter().render(RunReport(exports: [report], containers: [.xml]))) ?? ""
    }

    @Test("Entity tricks are reported, never expanded, fetched or read", arguments: [
        "billion laughs", "quadratic blowup", "external file entity", "external http entity", "parameter entity",
        "external DTD", "XInclude",
    ])
    func entityTricks(trick: String) throws {
        let listener = try LoopbackListener()
        let secret = try Self.secretFile()
        defer { try? FileManager.default.removeItem(at: secret) }
        let url = "http://127.0.0.1:\(listener.port)/x"
        let document: String
        switch trick {
        case "billion laughs":
            var entities = "<!ENTITY l0 \"lol\">\n"
            for level in 1...9 { entities += "<!ENTITY l\(level) \"" + String(repeating: "&l\(level - 1);", count: 10) + "\">\n" }
            document = "<?xml version=\"1.0\"?>\n<!DOCTYPE annotations [\n\(entities)]>\n<annotations><version>&l9;</version></annotations>\n"
        case "quadratic blowup":
            let big = String(repeating: "a", count: 100_000)
            document = "<!DOCTYPE annotations [<!ENTITY a \"\(big)\">]>\n<annotations><version>" + String(repeating: "&a;", count: 20_000) + "</version></annotations>\n"
        case "external file entity":
            document = "<!DOCTYPE annotations [<!ENTITY x SYSTEM \"file://\(secret.path)\">]>\n<annotations><version>&x;</version></annotations>\n"
        case "external http entity":
            document = "<!DOCTYPE annotations [<!ENTITY x SYSTEM \"\(url)\">]>\n<annotations><version>&x;</version></annotations>\n"
        case "parameter entity":
            document = "<!DOCTYPE annotations [<!ENTITY % p SYSTEM \"\(url)\"> %p; <!ENTITY % f SYSTEM \"file://\(secret.path)\"> %f;]>\n<annotations/>\n"
        case "external DTD":
            document = "<!DOCTYPE annotations SYSTEM \"\(url)\">\n<annotations><version>1.1</version></annotations>\n"
        default:
            document = "<annotations xmlns:xi=\"http://www.w3.org/2001/XInclude\"><xi:include href=\"\(secret.path)\" parse=\"text\"/><xi:include href=\"\(url)\"/></annotations>\n"
        }
        let report = try lintBytes(Array(document.utf8))
        #expect(report.summary.errors > 0, "\(trick) must be a finding")
        #expect(report.findings.contains { $0.rule == "xml" || $0.rule == "schema" })
        #expect(!Self.everything(report).contains(Self.secret), "the secret file must never be read")
        #expect(!Self.everything(report).contains("lollollol"), "entities are never expanded")
        #expect(!listener.wasContacted, "no network request")
    }

    @Test("A file cut at any point gives a finding, never a crash")
    func truncatedEverywhere() throws {
        let text = try Data(contentsOf: Paths.fixtures.appendingPathComponent("task-video-tracks/annotations.xml"))
        var cuts = 0
        for length in stride(from: 1, to: text.count - 2, by: 61) {
            let report = try lintBytes(Array(text.prefix(length)))
            #expect(report.findings.contains { $0.rule == "xml" }, "cut at \(length)")
            cuts += 1
        }
        #expect(cuts > 50)
    }

    @Test("Randomly flipped bytes never crash")
    func flippedBytes() throws {
        let original = Array(try Data(contentsOf: Paths.fixtures.appendingPathComponent("task-images-every-shape/annotations.xml")))
        var generator = SeededGenerator(seed: 42)
        for _ in 0..<150 {
            var bytes = original
            for _ in 0..<Int.random(in: 1...8, using: &generator) {
                bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            }
            _ = try lintBytes(bytes, target: "encord")
        }
    }

    @Test("Encodings: invalid UTF-8 and UTF-16 are findings; a byte-order mark is fine")
    func encodings() throws {
        let clean = try Data(contentsOf: Paths.fixtures.appendingPathComponent("job-images/annotations.xml"))
        let withBOM = try lintBytes([0xEF, 0xBB, 0xBF] + Array(clean))
        #expect(withBOM.summary.errors == 0, "\(withBOM.findings.map(\.message))")
        let text = String(decoding: clean, as: UTF8.self).replacingOccurrences(of: "encoding=\"utf-8\"", with: "encoding=\"utf-16\"")
        let littleEndianWithMark: [UInt8] = [0xFF, 0xFE] + Array(text.data(using: .utf16LittleEndian) ?? Data())
        let bigEndianWithoutMark = Array(text.data(using: .utf16BigEndian) ?? Data())
        for utf16 in [littleEndianWithMark, bigEndianWithoutMark] {
            let report = try lintBytes(utf16)
            #expect(report.findings.contains { $0.rule == "xml" && $0.message.contains("UTF-16") })
        }
        // "café" in Latin-1: the é is the single byte 0xE9, not valid UTF-8.
        let latin1 = Array("<annotations><image id=\"0\" name=\"caf".utf8) + [0xE9] + Array("\"/></annotations>".utf8)
        #expect(try lintBytes(latin1).findings.contains { $0.rule == "xml" && $0.message.contains("UTF-8") })
        for garbage in [[UInt8](), [0x00, 0xFF, 0x13, 0x37], Array(repeating: 0x00, count: 5000)] {
            let report = try lintBytes(garbage)
            #expect(report.findings.contains { $0.rule == "xml" })
        }
    }

    @Test("Extremes: deep nesting, a 64 MB attribute, odd numbers and huge ids")
    func extremes() throws {
        let deep = "<annotations>" + String(repeating: "<a>", count: 200_000) + String(repeating: "</a>", count: 200_000) + "</annotations>"
        #expect(try lintBytes(Array(deep.utf8)).findings.contains { $0.rule == "xml" || $0.rule == "schema" })

        var huge = Array("<annotations><image id=\"0\" name=\"".utf8)
        huge += [UInt8](repeating: UInt8(ascii: "a"), count: 64 << 20)
        huge += Array("\"/></annotations>".utf8)
        #expect(try lintBytes(huge).summary.errors > 0)

        let numbers = """
            <annotations>
              <image id="99999999999999999999999" name="a.jpg" width="10" height="10">
                <box label="a" xtl="NaN" ytl="INF" xbr="1e400" ybr="-0"/>
                <box label="a" xtl="1,5" ytl="1" xbr="2" ybr="3"/>
                <ellipse label="a" cx="1e400" cy="1" rx="-0" ry="1"/>
                <polygon label="a" points="1e400,1;2,2;3,3"/>
                <mask label="a" rle="99999999999999999999, 1" left="0" top="0" width="99999999999" height="99999999999"/>
              </image>
              <track id="18446744073709551616" label="a">
                <box frame="9223372036854775808" keyframe="1" xtl="1" ytl="1" xbr="2" ybr="2"/>
              </track>
            </annotations>
            """
        let report = try lintBytes(Array(numbers.utf8))
        #expect(report.findings.contains { $0.rule == "schema" && $0.message.contains("xtl 'NaN'") })
        #expect(report.findings.contains { $0.rule == "geometry-invalid" && $0.message.contains("not a finite number") })
    }

    @Test("Zips: entries that climb out, absolute paths and duplicates are findings; a bomb is refused")
    func zips() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let annotations = try Data(contentsOf: Paths.fixtures.appendingPathComponent("job-images/annotations.xml"))
        let picture = try Data(contentsOf: Paths.fixtures.appendingPathComponent("job-images/images/street.png"))
        let url = directory.appendingPathComponent("hostile.zip")
        let archive = try Archive(url: url, accessMode: .create)
        func add(_ path: String, _ data: Data) throws {
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
                data.subdata(in: Data.Index(position)..<Data.Index(position) + size)
            }
        }
        try add("annotations.xml", annotations)
        try add("images/street.png", picture)
        try add("images/../../escape.png", picture)
        try add("/etc/absolute.png", picture)
        try add("images/street.png", picture)
        let report = try Shared.linter.lint(path: url.path).0
        let types = Set(report.findings.filter { $0.rule == "export" }.map(\.issueType))
        #expect(types == ["zip_entry_escapes", "zip_entry_duplicate"])
        #expect(report.findings.filter { $0.issueType == "zip_entry_escapes" }.count == 2)
        #expect(!FileManager.default.fileExists(atPath: directory.deletingLastPathComponent().appendingPathComponent("escape.png").path))

        // A bomb: 64 MB of spaces inflates at about 1000:1.
        let bomb = directory.appendingPathComponent("bomb.zip")
        let spaces = Data(count: 64 << 20).map { _ in UInt8(ascii: " ") }
        let bombArchive = try Archive(url: bomb, accessMode: .create)
        let payload = Data(Array("<annotations>".utf8) + spaces + Array("</annotations>".utf8))
        try bombArchive.addEntry(with: "annotations.xml", type: .file, uncompressedSize: Int64(payload.count), compressionMethod: .deflate) { position, size in
            payload.subdata(in: Data.Index(position)..<Data.Index(position) + size)
        }
        let refused = try runTool(["check", bomb.path])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("zip bomb"))
        #expect(try runTool(["check", "--target", "cvat", "--max-zip-ratio", "100000", bomb.path]).status != 2)
        let capped = try runTool(["check", "--max-zip-ratio", "100000", "--max-inflated-size", "1000000", bomb.path])
        #expect(capped.status == 2 && capped.stderr.contains("inflates to"))
    }

    @Test("Symbolic links are findings and never followed; FIFOs and directories are refused")
    func fileSystem() throws {
        let report = try Shared.linter.lint(path: Paths.fixture("hostile-media-symlink")).0
        let links = report.findings.filter { $0.issueType == "media_symlink" }
        #expect(links.count == 1 && links.first?.location.file == "images/street.png")
        #expect(!Self.everything(report).contains(try String(contentsOfFile: "/etc/hostname", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines) + "\""))

        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let secret = try Self.secretFile()
        defer { try? FileManager.default.removeItem(at: secret) }
        let export = directory.appendingPathComponent("export")
        try FileManager.default.createDirectory(at: export, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: export.appendingPathComponent("annotations.xml").path, withDestinationPath: secret.path)
        let outside = try runTool(["check", export.path])
        #expect(outside.status == 2 && outside.stderr.contains("outside the export"))

        let fifo = directory.appendingPathComponent("pipe.xml").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let piped = try runTool(["check", fifo])
        #expect(piped.status == 2 && piped.stderr.contains("not a regular file"))
    }

    @Test("Bytes that do not match the declared encoding are a finding, and libxml2 prints nothing")
    func encodingMismatch() throws {
        let path = Paths.fixtures.appendingPathComponent("fuzz/encoding-mismatch-iso-2022-jp.xml").path
        let result = try runTool(["check", "--target", "cvat", path])
        #expect(result.status == 1)
        #expect(result.stdout.contains("the bytes do not match the declared encoding"))
        #expect(result.stderr.isEmpty, "the library never prints: \(result.stderr)")
    }

    @Test("Every fuzzer regression input still lints without a crash")
    func fuzzRegressions() throws {
        let folder = Paths.fixtures.appendingPathComponent("fuzz")
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        for file in files where !file.hasPrefix(".") {
            _ = try lintBytes(Array(try Data(contentsOf: folder.appendingPathComponent(file))), target: "encord")
        }
    }
}

/// A small deterministic random generator (SplitMix64) for reproducible mutations.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
}
