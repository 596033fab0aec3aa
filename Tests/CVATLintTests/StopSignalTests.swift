@testable import CVATLint
import Foundation
import Testing

/// A run stopped by SIGTERM, SIGINT or SIGHUP leaves nothing behind: no spool in the temporary folder, no
/// half-written output.
@Suite("The cvat-lint executable: stopped by a signal")
struct StopSignalTests {
    /// A folder export of `images` copies of job-images' one image (about 500 bytes each), and its zip.
    static func largeExport(in directory: URL, images: Int) throws -> (folder: URL, zip: URL) {
        let fixture = try String(contentsOfFile: Paths.fixture("job-images/annotations.xml"), encoding: .utf8)
        let start = try #require(fixture.range(of: "  <image id=\"0\""))
        let end = try #require(fixture.range(of: "</annotations>"))
        let image = String(fixture[start.lowerBound..<end.lowerBound])
        var text = String(fixture[..<start.lowerBound])
            .replacingOccurrences(of: "<stop_frame>0</stop_frame>", with: "<stop_frame>\(images - 1)</stop_frame>")
            .replacingOccurrences(of: "<size>1</size>", with: "<size>\(images)</size>")
        text.reserveCapacity(images * (image.utf8.count + 16))
        for index in 0..<images {
            text += image.replacingOccurrences(of: "id=\"0\" name=\"street.png\"", with: "id=\"\(index)\" name=\"street\(index).png\"")
        }
        text += "</annotations>\n"
        let folder = directory.appendingPathComponent("large")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: folder.appendingPathComponent("annotations.xml"))
        let zip = directory.appendingPathComponent("large.zip")
        try FileManager.default.zipItem(at: folder, to: zip, shouldKeepParent: false)
        return (folder, zip)
    }

    /// Starts cvat-lint with its temporary folder set to `scratch`, waits until `ready` holds (up to a minute),
    /// sends `signal`, and returns how it ended.
    static func stop(_ arguments: [String], scratch: URL, signal: Int32, when ready: () -> Bool) throws -> (Process.TerminationReason, Int32, Bool) {
        let process = Process()
        process.executableURL = Paths.executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(["TMPDIR": scratch.path]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while process.isRunning, !ready(), Date() < deadline { usleep(5_000) }
        let caught = process.isRunning && ready()
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        return (process.terminationReason, process.terminationStatus, caught)
    }

    @Test("check of a zip: its spool of annotations.xml is removed", arguments: [SIGTERM, SIGHUP])
    func checkStopped(signal: Int32) throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let scratch = directory.appendingPathComponent("tmp")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let export = try Self.largeExport(in: directory, images: 80_000)
        let (reason, status, caught) = try Self.stop(["check", "--target", "cvat", export.zip.path], scratch: scratch, signal: signal) {
            !((try? FileManager.default.contentsOfDirectory(atPath: scratch.path)) ?? []).isEmpty
        }
        #expect(caught, "the check was stopped while its spool existed")
        #expect(reason == .uncaughtSignal && status == signal, "it stops as the signal asks")
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path) == [])
    }

    @Test("apply into a folder: the half-written folder and the spools are removed")
    func applyStopped() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let scratch = directory.appendingPathComponent("tmp")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let export = try Self.largeExport(in: directory, images: 80_000)
        let out = directory.appendingPathComponent("out")
        let written = out.appendingPathComponent("annotations.xml")
        let (reason, status, caught) = try Self.stop(["apply", "--target", "cvat", "--out", out.path, export.folder.path],
                                                     scratch: scratch, signal: SIGTERM) {
            ((try? FileManager.default.attributesOfItem(atPath: written.path)[.size] as? Int) ?? 0) > 0
        }
        #expect(caught, "apply was stopped while writing")
        #expect(reason == .uncaughtSignal && status == SIGTERM)
        #expect(!FileManager.default.fileExists(atPath: out.path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path) == [])
    }

    @Test("Two stops at once (a Ctrl-C, then the SIGTERM of a parent giving up): neither returns before all is removed")
    func concurrentStops() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // A folder of 4,000 files, whose removal lasts long enough for the other stop to arrive during it.
        let folder = directory.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for index in 0..<4_000 {
            try Data("\(index)".utf8).write(to: folder.appendingPathComponent("\(index).png"))
        }
        let registry = ScratchPaths.Registry()
        registry.hold(folder.path)
        let remaining = StopOutcomes()
        DispatchQueue.concurrentPerform(iterations: 2) { caller in
            registry.removeAll()
            // The caller ends the process here: whatever still exists now would stay.
            remaining.record(caller, FileManager.default.fileExists(atPath: folder.path))
        }
        #expect(remaining.values == [false, false], "each stop returned only once the folder was gone")
    }
}

/// What each concurrent stop saw when it returned.
private final class StopOutcomes: @unchecked Sendable {
    private let lock = NSLock()
    private var found = [true, true]

    func record(_ caller: Int, _ exists: Bool) { lock.withLock { found[caller] = exists } }

    var values: [Bool] { lock.withLock { found } }
}
