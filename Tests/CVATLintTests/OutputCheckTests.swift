@testable import CVATLint
import Foundation
import Testing

/// `apply` checks its output as it writes it: the bytes stream into a check beside the write, and the media
/// the write pass plans grow that check's index. These tests hold that check to a check of the output as
/// finally written, and to the fallbacks when the two could differ.
@Suite("apply: the output checked beside the write")
struct OutputCheckTests {
    static let a = MediaFile(path: "images/a.png", size: 1)
    static let b = MediaFile(path: "images/b.jpg", size: 2)

    @Test("A growing media index answers as the complete one, in path order, with its claims kept")
    func growingIndexExact() {
        let index = MediaIndex(growing: [])
        index.add(Self.b)
        index.add(Self.a)
        index.add(Self.b)
        #expect(index.resolve(name: "b.jpg", subset: nil, level: .task) == .exact(Self.b))
        #expect(index.seal())
        #expect(index.files == [Self.a, Self.b])
        #expect(index.unnamed == [Self.a])
        // A name no file added later could answer stays answered.
        let alone = MediaIndex(growing: [Self.a])
        #expect(alone.resolve(name: "c.png", subset: nil, level: .task) == .missing(expected: "images/c.png"))
        alone.add(Self.b)
        #expect(alone.seal())
    }

    @Test("A growing media index says when a file added later would have answered a name differently")
    func growingIndexUnsettled() {
        // b.png was looked up before b.jpg came: the complete index maps it to b.jpg.
        let late = MediaIndex(growing: [])
        #expect(late.resolve(name: "b.png", subset: nil, level: .task) == .missing(expected: "images/b.png"))
        late.add(Self.b)
        #expect(!late.seal())
        #expect(MediaIndex(files: [Self.b]).resolve(name: "b.png", subset: nil, level: .task) == .mapped(Self.b))
        // Two files for one name while growing: which one is first depends on the listing's order.
        let twins = MediaIndex(growing: [MediaFile(path: "images/c.png", size: 1), MediaFile(path: "images/c.jpg", size: 1)])
        #expect(twins.resolve(name: "c.bmp", subset: nil, level: .task).file != nil)
        #expect(!twins.seal())
        // Too many names unmatched to remember (memory stays flat): not vouched for.
        let many = MediaIndex(growing: [])
        for number in 0...(MediaIndex.inexactLimit / 2) { _ = many.resolve(name: "\(number).png", subset: nil, level: .task) }
        #expect(!many.seal())
        // A complete index is stable as it is.
        #expect(MediaIndex(files: [Self.a]).seal())
    }

    /// Writes `path`'s annotations.xml into `out` in small pieces through `check`, planning its media as they are.
    static func write(_ path: String, to out: URL, through check: OutputCheck, edited: Bool = true, copyMedia: Bool = true) throws {
        let source = try ExportOpener.open(path)
        for file in try source.mediaFiles() ?? [] { check.plan(file, as: file.path) }
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path).appendingPathComponent("annotations.xml"))
        let handle = try FileHandle(forWritingTo: out.appendingPathComponent("annotations.xml"))
        for start in stride(from: 0, to: bytes.count, by: 700) {
            let piece = bytes[start..<min(start + 700, bytes.count)]
            try handle.write(contentsOf: piece)
            piece.withUnsafeBytes { check.wrote($0, edited: edited) }
        }
        try handle.close()
        check.finishWriting()
        guard copyMedia else { return }
        try FileManager.default.createDirectory(at: out.appendingPathComponent("images"), withIntermediateDirectories: true)
        for file in try source.mediaFiles() ?? [] {
            try FileManager.default.createDirectory(at: out.appendingPathComponent(file.path).deletingLastPathComponent(),
                                                    withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: (path as NSString).appendingPathComponent(file.path),
                                             toPath: out.appendingPathComponent(file.path).path)
        }
    }

    static func outputCheck(of path: String, into out: URL, reusable: Bool = false) throws -> OutputCheck {
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: out.appendingPathComponent("annotations.xml").path, contents: nil))
        return OutputCheck(linter: Shared.linter, annotationsFile: out.appendingPathComponent("annotations.xml").path,
                           checkedPath: out.path, bare: false, input: try ExportOpener.open(path), hasImagesFolder: true,
                           reusable: reusable)
    }

    @Test("The check beside the write is the check of what was written, media rules included",
          arguments: ["task-images-every-shape", "media-header-size-mismatch", "media-missing-file", "rule-media-duplicate",
                      "project-images-subsets", "task-video-tracks"])
    func sameAsWritten(_ name: String) throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("out")
        let check = try Self.outputCheck(of: Paths.fixture(name), into: out)
        try Self.write(Paths.fixture(name), to: out, through: check)
        let beside = try #require(try check.report())
        let fresh = try Shared.report(out.path)
        #expect(beside.findings == fresh.findings && beside.summary == fresh.summary)
        #expect(beside.statistics == fresh.statistics && beside.plan == fresh.plan)
        #expect(beside.findings.contains { $0.rule.hasPrefix("media") } == fresh.findings.contains { $0.rule.hasPrefix("media") })
    }

    @Test("Media written otherwise than planned: the check beside the write is not used")
    func listingDiffers() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("out")
        let check = try Self.outputCheck(of: Paths.fixture("task-images-every-shape"), into: out)
        try Self.write(Paths.fixture("task-images-every-shape"), to: out, through: check, copyMedia: false)
        try FileManager.default.createDirectory(at: out.appendingPathComponent("images"), withIntermediateDirectories: true)
        #expect(try check.report() == nil)
    }

    @Test("Never edited and reusable: no check runs; cancelled midway: it ends and reports nothing")
    func notStartedOrCancelled() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let untouched = try Self.outputCheck(of: Paths.fixture("job-images"), into: directory.appendingPathComponent("a"), reusable: true)
        try Self.write(Paths.fixture("job-images"), to: directory.appendingPathComponent("a"), through: untouched, edited: false)
        #expect(try untouched.report() == nil)
        // The writer fails after one piece: the check stops (no thread waits on the other) and gives no report.
        let out = directory.appendingPathComponent("b")
        let stopped = try Self.outputCheck(of: Paths.fixture("job-images"), into: out)
        let piece: [UInt8] = Array("<?xml version=\"1.0\"?>\n<annotations>\n".utf8)
        for _ in 0..<64 { piece.withUnsafeBytes { stopped.wrote($0, edited: true) } }
        stopped.cancel()
        #expect(try stopped.report() == nil)
    }
}
