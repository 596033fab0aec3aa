import Foundation

/// `apply`'s check of its output, run beside the write pass: each piece of `annotations.xml` the write pass
/// writes also streams (through a bounded relay) into a check on threads of its own, and the media the write
/// pass plans grow that check's media index. The check then ends with the writing instead of after it.
///
/// Until the write pass first changes a byte, the output is the input, whose check may be reused: the
/// check starts only then, reading what was already written back from the file. The media index is the
/// plan's, not yet the disk's: `report()` compares it with the output as finally written, and
/// a check whose listing could differ is not used (the caller checks the output again, as a whole).
final class OutputCheck: @unchecked Sendable {
    private let linter: Linter
    /// The output's `annotations.xml`, as it is being written.
    private let annotationsFile: String
    /// What the report names: the output folder, or the bare file.
    private let checkedPath: String
    private let input: ExportSource
    private let bare: Bool
    /// Whether the output's check may be the input's while nothing is changed (else it starts at once).
    private let reusable: Bool
    /// The output's media as the write pass plans them; nil when the output has no `images/` folder.
    let media: MediaIndex?
    /// Output path → the input file it copies: a planned file is read from the input until it is written.
    private var origins: [String: MediaFile] = [:]
    private let originsLock = NSLock()
    private let relay = BoundedRelay<[UInt8]>(capacity: 16)
    /// Bytes written to the file so far, and how many of them the check reads back from it.
    private var written: Int64 = 0
    private var prefix: Int64 = 0
    private var started = false
    private var stable = true
    private var outcome: Result<ExportReport, Error>?
    private let done = DispatchSemaphore(value: 0)

    /// `checkedPath` is the output folder, or with `bare` the output's `annotations.xml` itself.
    init(linter: Linter, annotationsFile: String, checkedPath: String, bare: Bool, input: ExportSource, hasImagesFolder: Bool,
         reusable: Bool) {
        self.linter = linter
        self.annotationsFile = annotationsFile
        self.checkedPath = checkedPath
        self.bare = bare
        self.input = input
        self.reusable = reusable
        media = hasImagesFolder ? MediaIndex(growing: []) : nil
    }

    /// The write pass plans `file` of the input as `path` of the output (the first plan for a path holds).
    func plan(_ file: MediaFile, as path: String) {
        guard let media, !MediaIndex.isIgnored(path, by: linter.options.mediaIgnore) else { return }
        let first: Bool = originsLock.withLock {
            guard origins[path] == nil else { return false }
            origins[path] = file
            return true
        }
        if first { media.add(MediaFile(path: path, size: file.size)) }
    }

    /// Hears bytes the write pass has just written to the file; `edited`: whether any output byte so far differs from the input.
    func wrote(_ bytes: UnsafeRawBufferPointer, edited: Bool) {
        written += Int64(bytes.count)
        if started {
            relay.push(Array(bytes))
        } else if edited || !reusable {
            start(readingBack: written)
        }
    }

    /// Every byte is written: the relay ends and the media plan is complete.
    func finishWriting() {
        stable = media?.seal() ?? true
        relay.finish()
    }

    /// The write failed: the check stops, and its report is not wanted.
    func cancel() {
        relay.cancel()
        if started { done.wait() }
        started = false
    }

    /// The output's report, when the check ran; nil when the output was never changed (the input's check
    /// may stand) or when its listing of media could differ from what was written.
    func report() throws -> ExportReport? {
        guard started else { return nil }
        done.wait()
        started = false
        let report = try outcome?.get()
        return confirmed() ? report : nil
    }

    private func start(readingBack count: Int64) {
        started = true
        prefix = count
        let source = StreamedOutput(check: self)
        let thread = Thread { [self] in
            outcome = Result { try linter.check(source, visitors: [], instances: { _, _ in }) }
            // A check that ended early (or never read) must not leave the writer waiting on a full relay.
            relay.cancel()
            done.signal()
        }
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// Whether the media the check saw are the media written: every name resolved as it would be against
    /// the whole listing, and the output folder lists what the plan said, with no link or stray entry.
    private func confirmed() -> Bool {
        guard stable else { return false }
        if bare { return true }
        do {
            let folder = try DirectoryExport(path: checkedPath)
            guard try folder.integrityProblems().isEmpty else { return false }
            return try folder.mediaIndex(ignoring: linter.options.mediaIgnore)?.files == media?.files
        } catch {
            return false
        }
    }

    /// The output as the check reads it: the bytes already written back from the file, then the relay.
    private struct StreamedOutput: ExportSource {
        let check: OutputCheck
        var path: String { check.checkedPath }
        var container: ExportContainer { check.bare ? .xml : .directory }
        var annotationsPath: String { (check.annotationsFile as NSString).lastPathComponent }
        var annotationsSize: UInt64? { nil }
        private let reads = OnceFlag()

        init(check: OutputCheck) { self.check = check }

        func streamAnnotations(_ consume: (UnsafeRawBufferPointer) throws -> Void) throws {
            let file = check.annotationsFile
            // A second read (the whole schema's, after the first has ended) finds the file complete.
            guard reads.first() else { return try streamFile(at: file, displayName: file, consume) }
            try streamFile(at: file, displayName: file, limit: check.prefix, consume)
            try check.relay.drain { chunk in try chunk.withUnsafeBytes(consume) }
        }

        func mediaFiles() throws -> [MediaFile]? { check.media?.files }
        func mediaIndex(ignoring patterns: [String]) throws -> MediaIndex? { check.media }

        func mediaPrefix(_ file: MediaFile, count: Int) throws -> [UInt8] {
            try check.input.mediaPrefix(try origin(of: file), count: count)
        }

        func streamMedia(_ file: MediaFile, _ consume: (UnsafeRawBufferPointer) throws -> Void) throws {
            try check.input.streamMedia(try origin(of: file), consume)
        }

        private func origin(of file: MediaFile) throws -> MediaFile {
            guard let origin = check.originsLock.withLock({ check.origins[file.path] }) else {
                throw InputError("\(check.checkedPath): \(file.path) is not planned")
            }
            return origin
        }
    }
}

/// True the first time it is asked, false ever after.
private final class OnceFlag: @unchecked Sendable {
    private var asked = false
    func first() -> Bool {
        defer { asked = true }
        return !asked
    }
}
