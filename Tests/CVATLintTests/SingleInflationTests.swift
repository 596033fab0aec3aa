@testable import CVATLint
import Foundation
import Testing

@Suite("A zip is inflated once")
struct SingleInflationTests {
    /// A source that counts how often its annotations are streamed, and says reads are costly (as a zip does).
    final class CountingSource: ExportSource, @unchecked Sendable {
        let inner: ExportSource
        private(set) var streams = 0
        init(_ inner: ExportSource) { self.inner = inner }
        var path: String { inner.path }
        var container: ExportContainer { inner.container }
        var annotationsPath: String { inner.annotationsPath }
        var annotationsSize: UInt64? { inner.annotationsSize }
        var readsAreCostly: Bool { true }
        func streamAnnotations(_ consume: (UnsafeRawBufferPointer) throws -> Void) throws {
            streams += 1
            try inner.streamAnnotations(consume)
        }
        func mediaFiles() throws -> [MediaFile]? { try inner.mediaFiles() }
        func mediaPrefix(_ file: MediaFile, count: Int) throws -> [UInt8] { try inner.mediaPrefix(file, count: count) }
    }

    @Test("Rules and schema read one stream, with the same findings as a fresh read (a value failing a pattern matched natively costs a second read with the whole XSD)",
          arguments: [("rule-geometry-invalid", 1), ("broken-non-numeric-coordinate", 2), ("broken-truncated", 1)])
    func onePass(fixture: String, reads: Int) throws {
        let counting = CountingSource(try ExportOpener.open(Paths.fixture(fixture)))
        let once = try Shared.linter.check(counting)
        #expect(counting.streams == reads)
        let twice = try Shared.report(Paths.fixture(fixture))
        #expect(once.findings == twice.findings && once.summary == twice.summary)
    }

    @Test("Text excerpts of a zip come from the one inflation, as from the folder")
    func excerptsFromZip() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let zip = try zipFixture("rule-geometry-invalid", into: directory)
        let session = LintSession(catalogue: .standard, choices: CommandLineChoices(target: "cvat", noConfig: true, excerpts: true))
        let fromZip = try session.run(paths: [zip.path]).report.excerpts
        let fromFolder = try session.run(paths: [Paths.fixture("rule-geometry-invalid")]).report.excerpts
        #expect(!(fromZip.first ?? [:]).isEmpty && fromZip == fromFolder)
    }
}
