import CZlib
import Foundation
import ZIPFoundation

/// Caps that refuse a zip bomb: the inflated size of `annotations.xml`, and its ratio to the compressed size.
public struct ZipLimits: Sendable {
    public var maximumInflatedBytes: UInt64
    public var maximumRatio: UInt64

    public init(maximumInflatedBytes: UInt64 = 16 << 30, maximumRatio: UInt64 = 1000) {
        self.maximumInflatedBytes = maximumInflatedBytes
        self.maximumRatio = maximumRatio
    }
}

/// A CVAT export zip, read in place: never unpacked to disk.
public final class ZipExport: ExportSource {
    public let path: String
    public var container: ExportContainer { .zip }
    public let annotationsPath: String
    /// The folder inside the zip that holds the export ("" for the root, as CVAT writes it).
    private let root: String
    /// The media folder's name in the zip: `images`, or a name that differs from it only in case.
    private let imagesFolder: String
    private let archive: Archive
    /// Entries named with `\` for `/` (see `name(of:)`), by the name they are read under.
    private var backslashNames: [String: String] = [:]
    /// The archive reads through one file position: `apply` reads media headers from two threads (its write
    /// pass, and the check of its output beside it), one at a time.
    private let lock = NSLock()
    private let limits: ZipLimits

    init(path: String, limits: ZipLimits) throws {
        self.path = path
        self.limits = limits
        do {
            archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        } catch {
            throw InputError("\(path): not a readable zip archive (\(error))")
        }
        for entry in archive {
            let (path, name) = (entry.path, Self.name(of: entry))
            if name != path { backslashNames[name] = path }
        }
        let named = archive.filter {
            let name = Self.name(of: $0)
            return name == "annotations.xml" || name.hasSuffix("/annotations.xml")
        }
        if let link = named.first(where: { $0.type == .symlink }) {
            throw InputError("\(path): \(Self.name(of: link)) in this zip is a symbolic link, expected the annotations file; refusing to follow it")
        }
        let candidates = named.filter { $0.type == .file }
        let nested = candidates.filter { Self.name(of: $0).split(separator: "/").count == 2 }
        if let top = candidates.first(where: { Self.name(of: $0) == "annotations.xml" }) {
            root = ""
            annotationsPath = Self.name(of: top)
        } else if nested.count > 1 {
            // Linting one of them would pass the others off as checked.
            throw InputError("\(path): this zip holds \(nested.count) exports (\(nested.map { String(Self.name(of: $0).dropLast("/annotations.xml".count)) }.sorted().joined(separator: ", "))); unpack it and lint each folder")
        } else if let nested = nested.first {
            // A zip of the export folder rather than of its contents: accept one level of nesting.
            root = String(Self.name(of: nested).dropLast("annotations.xml".count))
            annotationsPath = Self.name(of: nested)
        } else if archive.contains(where: { $0.path == "annotations.xml/" || ($0.path == "annotations.xml" && $0.type == .directory) }) {
            throw InputError("\(path): annotations.xml in this zip is a directory, expected the annotations file")
        } else {
            throw InputError("\(path): not a CVAT export (no annotations.xml in this zip)")
        }
        // The export folder's subfolders, as entries name them (a folder may have no entry of its own); the
        // first entry under images/ settles it, as CVAT's zips list images/ early.
        var folders: Set<String> = []
        for entry in archive {
            let name = Self.name(of: entry)
            guard name.hasPrefix(root) else { continue }
            let inside = name.dropFirst(root.count)
            guard let slash = inside.firstIndex(of: "/") else { continue }
            folders.insert(String(inside[..<slash]))
            if inside[..<slash] == ImagesFolder.canonical { break }
        }
        imagesFolder = ImagesFolder.pick(Array(folders)) { _ in true } ?? ImagesFolder.canonical
    }

    public var misnamedImagesFolder: String? { ImagesFolder.misnamed(imagesFolder) }

    /// An entry's path with `/` between its folders. A name with `\` and no `/` was written by a Windows
    /// tool against the ZIP format (PowerShell 5's Compress-Archive does it): its backslashes separate folders,
    /// as Windows and Info-ZIP's unzip read them. A `\` in a name that also has `/` is part of a file name.
    static func name(of entry: Entry) -> String {
        let path = entry.path
        guard path.contains("\\"), !path.contains("/") else { return path }
        return path.replacingOccurrences(of: "\\", with: "/")
    }

    /// The entry stored under a path as `name(of:)` gives it.
    private func entry(named name: String, in archive: Archive) -> Entry? {
        archive[backslashNames[name] ?? name]
    }

    /// A listed media file's entry (its `images/` under the folder's real name).
    private func entryPath(_ file: MediaFile) -> String {
        root + ImagesFolder.onDisk(file.path, folder: imagesFolder)
    }

    public var annotationsSize: UInt64? { lock.withLock { entry(named: annotationsPath, in: archive)?.uncompressedSize } }
    public var readsAreCostly: Bool { true }

    public func streamAnnotations(_ consume: (UnsafeRawBufferPointer) throws -> Void) throws {
        // Each stream gets its own handle on the zip: the validation pass reads it on another thread.
        let archive: Archive
        do {
            archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        } catch {
            throw InputError("\(path): not a readable zip archive (\(error))")
        }
        guard let entry = entry(named: annotationsPath, in: archive) else {
            throw InputError("\(path): annotations.xml vanished from the zip")
        }
        let declared = entry.uncompressedSize
        if declared > limits.maximumInflatedBytes {
            throw InputError("\(path): \(annotationsPath) inflates to \(declared) bytes, over the limit of \(limits.maximumInflatedBytes) (raise it with --max-inflated-size)")
        }
        let compressed = max(entry.compressedSize, 1)
        if entry.isCompressed, declared / compressed > limits.maximumRatio {
            throw InputError("\(path): \(annotationsPath) has a compression ratio of \(declared / compressed):1, over the limit of \(limits.maximumRatio):1 (a zip bomb? raise it with --max-zip-ratio)")
        }
        try Self.inflate(entry, of: archive, zip: path, limit: limits.maximumInflatedBytes, bufferSize: 1 << 18, consume)
    }

    /// Inflates an entry into `consume`, counting what really comes out: the declared size may lie, and an
    /// entry inflating past twice its declared size (or past `limit`) is refused like a bomb. The
    /// consumer's own error (a request to stop early included) goes back to it unchanged.
    static func inflate(_ entry: Entry, of archive: Archive, zip path: String, limit: UInt64, bufferSize: Int,
                        _ consume: (UnsafeRawBufferPointer) throws -> Void) throws {
        var inflated: UInt64 = 0
        var passedOn: Error?
        // The checksum is zlib's: ZIPFoundation's own, in Swift on Linux, cost a fifth of a second per 100 MB.
        var checksum = crc32(0, nil, 0)
        do {
            _ = try archive.extract(entry, bufferSize: bufferSize, skipCRC32: true) { data in
                inflated += UInt64(data.count)
                if inflated > limit || inflated > max(entry.uncompressedSize, 1) &* 2 &+ (1 << 20) {
                    let refusal = InputError("\(path): \(entry.path) inflates past its declared size; refusing (a zip bomb?)")
                    passedOn = refusal
                    throw refusal
                }
                do {
                    try data.withUnsafeBytes { bytes in
                        checksum = crc32(checksum, bytes.baseAddress?.assumingMemoryBound(to: Bytef.self), uInt(bytes.count))
                        try consume(bytes)
                    }
                } catch {
                    passedOn = error
                    throw error
                }
            }
        } catch {
            if let passedOn { throw passedOn }
            throw InputError("\(path): cannot inflate \(entry.path) (\(error))")
        }
        guard UInt32(truncatingIfNeeded: checksum) == entry.checksum else {
            throw InputError("\(path): \(entry.path) does not match its checksum (a damaged zip)")
        }
    }

    public func mediaPrefix(_ file: MediaFile, count: Int) throws -> [UInt8] {
        try lock.withLock { try prefix(of: file, count: count) }
    }

    private func prefix(of file: MediaFile, count: Int) throws -> [UInt8] {
        guard let entry = entry(named: entryPath(file), in: archive), entry.type == .file else {
            throw InputError("\(path): \(file.path) is not a file in the zip")
        }
        var bytes: [UInt8] = []
        struct Enough: Error {}
        do {
            _ = try archive.extract(entry, bufferSize: min(max(count, 512), 1 << 16), skipCRC32: true) { data in
                bytes.append(contentsOf: data.prefix(count - bytes.count))
                if bytes.count >= count { throw Enough() }
            }
        } catch is Enough {
        } catch {
            throw InputError("\(path): cannot inflate \(file.path) (\(error))")
        }
        return bytes
    }

    public func streamMedia(_ file: MediaFile, _ consume: (UnsafeRawBufferPointer) throws -> Void) throws {
        try lock.withLock {
            guard let entry = entry(named: entryPath(file), in: archive), entry.type == .file else {
                throw InputError("\(path): \(file.path) is not a file in the zip")
            }
            try Self.inflate(entry, of: archive, zip: path, limit: .max, bufferSize: 1 << 18, consume)
        }
    }

    public func mediaFiles() throws -> [MediaFile]? {
        lock.withLock { listMedia() }
    }

    private func listMedia() -> [MediaFile]? {
        let prefix = root + imagesFolder + "/"
        var files: [MediaFile] = []
        var seen: Set<String> = []
        var sawImagesFolder = false
        for entry in archive {
            let name = Self.name(of: entry)
            guard name.hasPrefix(prefix) else { continue }
            sawImagesFolder = true
            // Entries that climb out, repeat, or are links are integrity problems, never media.
            guard entry.type == .file, Self.isContained(name), seen.insert(name).inserted else { continue }
            let relative = ImagesFolder.canonical + "/" + name.dropFirst(prefix.count)
            files.append(MediaFile(path: relative, size: entry.uncompressedSize, isSymlink: false))
        }
        return sawImagesFolder ? files.sorted { $0.path < $1.path } : nil
    }

    /// Whether an entry's path stays inside the archive's folder: relative (no leading slash or drive
    /// letter) and without a `..` part, with `/` or `\\` as separators.
    static func isContained(_ path: String) -> Bool {
        if path.hasPrefix("/") || path.hasPrefix("\\") { return false }
        let parts = path.split(whereSeparator: { $0 == "/" || $0 == "\\" })
        if let first = parts.first, first.count == 2, first.last == ":" { return false }
        return !parts.contains("..")
    }

    public func integrityProblems() throws -> [IntegrityProblem] {
        lock.withLock { listProblems() }
    }

    private func listProblems() -> [IntegrityProblem] {
        var problems: [IntegrityProblem] = []
        var seen: Set<String> = []
        if let first = archive.first(where: { Self.name(of: $0) != $0.path }) {
            let count = backslashNames.count
            problems.append(IntegrityProblem(
                file: first.path,
                message: "\(count == 1 ? "zip entry" : "\(count) zip entries, such as") '\(first.path)', \(count == 1 ? "uses" : "use") '\\' "
                    + "between folders (a zip made on Windows, against the ZIP format): Python's zipfile on Linux, which CVAT's and "
                    + "Datumaro's importers use, unpacks \(count == 1 ? "it" : "each") as one file name outside its folder; "
                    + "cvat-lint reads them as Windows and unzip do, and apply writes them with '/'",
                issueType: "zip_entry_backslash", severity: .warning, skipsMedia: false))
        }
        for entry in archive {
            if !Self.isContained(entry.path) {
                problems.append(IntegrityProblem(
                    file: entry.path, message: "zip entry '\(entry.path)' climbs out of the export; it is never read",
                    issueType: "zip_entry_escapes"))
            } else if entry.type == .symlink {
                problems.append(IntegrityProblem(
                    file: entry.path, message: "zip entry '\(entry.path)' is a symbolic link; it is never followed",
                    issueType: "media_symlink"))
            } else if entry.type == .file, !seen.insert(Self.name(of: entry)).inserted {
                problems.append(IntegrityProblem(
                    file: entry.path, message: "zip entry '\(entry.path)' appears more than once; importers may read either copy",
                    issueType: "zip_entry_duplicate"))
            }
        }
        return problems
    }
}
