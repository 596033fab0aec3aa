import Foundation

/// The media an output needs, each input file with the path it takes there. Pairs spill to a private
/// temporary file as images pass (memory does not grow with the images), and are written after the
/// XML: a zip is never read from two places at once.
final class MediaPlan {
    private let spool = SpoolFile()
    private(set) var count = 0
    /// Hears each pair as it is planned (the output's check, running beside the write).
    var observer: ((MediaFile, String) -> Void)?

    func add(_ file: MediaFile, as path: String) {
        observer?(file, path)
        var line = file.path + "\u{0}" + path + "\u{0}"
        line.withUTF8 { try? spool.write(UnsafeRawBufferPointer($0)) }
        count += 1
    }

    /// Writes every planned file under `root`, hard-linked where allowed and possible, else copied
    /// (extracted once from a zip). A path named twice is written once.
    func write(from source: ExportSource, files: [MediaFile], into root: String, mode: ApplyOptions.MediaMode,
               tally: inout MediaTally) throws {
        tally.input = files.count
        guard count > 0 else {
            tally.skipped = files.count
            tally.skippedExamples = Array(files.prefix(100).map(\.path))
            return
        }
        guard let reader = spool.finishedReader() else { throw InputError("apply: the list of media cannot be read back") }
        defer { try? reader.close() }
        let data = try reader.readToEnd() ?? Data()
        let parts = data.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        let byPath = Dictionary(files.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        var used: Set<String> = []
        var done: Set<String> = []
        for index in stride(from: 0, to: parts.count - 1, by: 2) {
            let (from, to) = (parts[index], parts[index + 1])
            guard let file = byPath[from], done.insert(to).inserted else { continue }
            used.insert(from)
            let destination = try OutputPaths.resolve(to, under: root)
            try FileManager.default.createDirectory(atPath: URL(fileURLWithPath: destination).deletingLastPathComponent().path,
                                                    withIntermediateDirectories: true)
            if from != to { tally.renamed += 1 }
            if mode == .link, let local = source.localMediaPath(file), link(local, destination) == 0 {
                tally.linked += 1
                continue
            }
            try copy(file, from: source, to: destination)
            tally.copied += 1
        }
        let skipped = files.filter { !used.contains($0.path) }
        tally.skipped = skipped.count
        tally.skippedExamples = Array(skipped.prefix(100).map(\.path))
    }

    private func copy(_ file: MediaFile, from source: ExportSource, to destination: String) throws {
        guard FileManager.default.createFile(atPath: destination, contents: nil) else {
            throw InputError("\(destination): cannot be written")
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: destination))
        defer { try? handle.close() }
        if let local = source.localMediaPath(file) {
            try streamFile(at: local, displayName: file.path) { try handle.write(contentsOf: Data($0)) }
        } else {
            try source.streamMedia(file) { try handle.write(contentsOf: Data($0)) }
        }
    }
}

/// Paths `apply` writes, always inside the output folder.
enum OutputPaths {
    /// `relative` under `root`; refuses a path that would climb out (`..`, absolute) so that nothing is
    /// written outside the output.
    static func resolve(_ relative: String, under root: String) throws -> String {
        let parts = relative.split(separator: "/", omittingEmptySubsequences: true)
        guard !relative.hasPrefix("/"), !parts.contains(where: { $0 == ".." || $0 == "." }), !parts.isEmpty else {
            throw InputError("apply: refusing to write \(relative): it would leave the output folder")
        }
        return (root as NSString).appendingPathComponent(parts.joined(separator: "/"))
    }
}
