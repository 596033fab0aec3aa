import Foundation
import ZIPFoundation

/// The input could not be used at all (exit code 2): missing, not an export, unreadable.
public struct InputError: Error, CustomStringConvertible, Sendable {
    /// One line: what is wrong and where.
    public var message: String

    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// How an export was given.
public enum ExportContainer: String, Sendable, Codable {
    case directory, zip, xml
}

/// A media file of an export (under `images/`).
public struct MediaFile: Sendable, Hashable {
    /// Path relative to the export root, `/`-separated, e.g. `images/a.jpg`.
    public var path: String
    public var size: UInt64
    /// A symbolic link (never followed).
    public var isSymlink: Bool

    public init(path: String, size: UInt64, isSymlink: Bool = false) {
        self.path = path
        self.size = size
        self.isSymlink = isSymlink
    }
}

/// An export to lint: a directory, a zip read in place, or a bare `annotations.xml`.
public protocol ExportSource {
    /// The path as the user gave it.
    var path: String { get }
    var container: ExportContainer { get }
    /// The annotations file's path inside the export, for locations (e.g. `annotations.xml`).
    var annotationsPath: String { get }
    /// The size of `annotations.xml` in bytes, when known (for progress).
    var annotationsSize: UInt64? { get }
    /// Streams the bytes of `annotations.xml` in chunks.
    func streamAnnotations(_ consume: (UnsafeRawBufferPointer) throws -> Void) throws
    /// Whether each read of `annotations.xml` costs real work (a zip inflates it): the engine then reads
    /// it once and hands the bytes on, rather than streaming it once per pass.
    var readsAreCostly: Bool { get }
    /// The media files under `images/`; nil when the export has no `images/` folder (or is a bare file).
    func mediaFiles() throws -> [MediaFile]?
    /// The media indexed for matching XML names, without files an `ignore` pattern (fnmatch) matches; nil
    /// when the export has no `images/` folder.
    func mediaIndex(ignoring patterns: [String]) throws -> MediaIndex?
    /// The first bytes of a media file (at most `count`); a symbolic link is never followed.
    func mediaPrefix(_ file: MediaFile, count: Int) throws -> [UInt8]
    /// Every byte of a media file, in chunks (for content checks only; a symbolic link is never followed).
    func streamMedia(_ file: MediaFile, _ consume: (UnsafeRawBufferPointer) throws -> Void) throws
    /// What is wrong with the export as a container: zip entries that climb out of it or repeat,
    /// media that are symbolic links. Such entries are left out of `mediaFiles()`.
    func integrityProblems() throws -> [IntegrityProblem]
    /// Where a media file lies on this machine's file system, when it lies there as a regular file
    /// (so that `apply` may hard-link it); nil for zip entries and links.
    func localMediaPath(_ file: MediaFile) -> String?
    /// The media folder's name when it is not exactly `images` (`Images`): its files are still listed, under `images/`.
    var misnamedImagesFolder: String? { get }
}

/// A problem with an export's files themselves (not with their content).
public struct IntegrityProblem: Sendable, Equatable {
    /// The path inside the export it is about.
    public var file: String
    public var message: String
    public var issueType: String
    public var severity: Severity
    /// Whether the entry is left out of the media (`skipMedia`); else the finding has no action.
    public var skipsMedia: Bool

    public init(file: String, message: String, issueType: String, severity: Severity = .error, skipsMedia: Bool = true) {
        self.file = file
        self.message = message
        self.issueType = issueType
        self.severity = severity
        self.skipsMedia = skipsMedia
    }
}

extension ExportSource {
    public func integrityProblems() throws -> [IntegrityProblem] { [] }
    public func localMediaPath(_ file: MediaFile) -> String? { nil }
    public var readsAreCostly: Bool { false }
    public var misnamedImagesFolder: String? { nil }

    public func mediaIndex(ignoring patterns: [String]) throws -> MediaIndex? {
        try mediaFiles().map { files in
            MediaIndex(files: files.filter { !MediaIndex.isIgnored($0.path, by: patterns) })
        }
    }

    public func streamMedia(_ file: MediaFile, _ consume: (UnsafeRawBufferPointer) throws -> Void) throws {
        throw InputError("\(path): \(file.path) cannot be read here")
    }

    /// The header of a media file, reading only as far as the header needs.
    public func mediaHeader(_ file: MediaFile) throws -> ImageHeader {
        var wanted = 4096
        while true {
            let bytes = try mediaPrefix(file, count: wanted)
            let header = ImageHeader.parse(bytes)
            guard case let .needMore(format, more) = header else { return header }
            // The file ended before its header did, or the header lies further in than we read.
            if bytes.count < wanted || more <= wanted { return .unreadable(format: format) }
            wanted = more
        }
    }
}

/// Opens what the user named as an export.
public enum ExportOpener {
    /// The export at `path`; throws `InputError` with one line when it is not usable.
    public static func open(_ path: String, limits: ZipLimits = ZipLimits()) throws -> ExportSource {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw InputError("\(path): no such file or directory")
        }
        if isDirectory.boolValue {
            return try DirectoryExport(path: path)
        }
        try requireRegularFile(path)
        let kind = try sniff(path)
        switch kind {
        case .zip: return try ZipExport(path: path, limits: limits)
        case .xml: return BareXMLExport(path: path)
        case .directory: throw InputError("\(path): not an export")
        }
    }

    /// Refuses anything but a regular file (a FIFO or device would block or never end).
    static func requireRegularFile(_ path: String) throws {
        var info = stat()
        guard stat(path, &info) == 0 else { throw InputError("\(path): cannot be read (\(String(cString: strerror(errno))))") }
        guard info.st_mode & S_IFMT == S_IFREG else { throw InputError("\(path): not a regular file") }
    }

    /// Decides zip or XML by content, then by name.
    static func sniff(_ path: String) throws -> ExportContainer {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw InputError("\(path): cannot be read (permission denied?)")
        }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 512)) ?? Data()
        let lowered = path.lowercased()
        if head.starts(with: [0x50, 0x4B, 0x03, 0x04]) || head.starts(with: [0x50, 0x4B, 0x05, 0x06]) {
            return .zip
        }
        if lowered.hasSuffix(".zip") {
            throw InputError("\(path): not a zip archive (no zip signature)")
        }
        if lowered.hasSuffix(".xml") || looksLikeXML(head) {
            return .xml
        }
        throw InputError("\(path): not an export (expected a directory, a .zip or an .xml file)")
    }

    /// True when the bytes start (after a byte-order mark and spaces) with `<`, in UTF-8 or UTF-16.
    static func looksLikeXML(_ head: Data) -> Bool {
        var bytes = Array(head)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) { return true }
        guard let first = bytes.first(where: { ![0x20, 0x09, 0x0A, 0x0D, 0x00].contains($0) }) else { return false }
        return first == UInt8(ascii: "<")
    }
}

/// A file's size, without following a symbolic link at the end.
func fileSize(_ path: String) -> UInt64? {
    var info = stat()
    guard lstat(path, &info) == 0 else { return nil }
    return UInt64(info.st_size)
}

/// Reads a file in chunks with POSIX calls (no Foundation `Data` per chunk), its first `limit` bytes at most.
func streamFile(at path: String, displayName: String, chunkSize: Int = 1 << 20, limit: Int64 = .max,
                _ consume: (UnsafeRawBufferPointer) throws -> Void) throws {
    let descriptor = Foundation.open(path, O_RDONLY)
    guard descriptor >= 0 else {
        throw InputError("\(displayName): cannot be read (\(String(cString: strerror(errno))))")
    }
    defer { close(descriptor) }
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
    defer { buffer.deallocate() }
    var remaining = limit
    while remaining > 0 {
        let count = read(descriptor, buffer.baseAddress, Int(min(Int64(chunkSize), remaining)))
        if count < 0 {
            if errno == EINTR { continue }
            throw InputError("\(displayName): read failed (\(String(cString: strerror(errno))))")
        }
        if count == 0 { break }
        remaining -= Int64(count)
        try consume(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
    }
}

/// A bare `annotations.xml` (or any CVAT XML file) with no media beside it.
public struct BareXMLExport: ExportSource {
    public let path: String
    public var container: ExportContainer { .xml }
    public var annotationsPath: String { (path as NSString).lastPathComponent }
    public var annotationsSize: UInt64? { fileSize(path) }

    public func streamAnnotations(_ consume: (UnsafeRawBufferPointer) throws -> Void) throws {
        try streamFile(at: path, displayName: path, consume)
    }

    public func mediaFiles() throws -> [MediaFile]? { nil }

    public func mediaPrefix(_ file: MediaFile, count: Int) throws -> [UInt8] {
        throw InputError("\(path): a bare annotations file has no media")
    }
}

/// An unpacked export folder: `annotations.xml` and, with "save images", `images/`.
public struct DirectoryExport: ExportSource {
    public let path: String
    public var container: ExportContainer { .directory }
    public var annotationsPath: String { "annotations.xml" }
    public var annotationsSize: UInt64? { fileSize(annotationsFile) }
    private let annotationsFile: String
    private let listingCache = OnceCache<[MediaFile]?>()
    /// The media folder's name on disk: `images`, or a name that differs from it only in case.
    private let imagesFolder: String

    init(path: String) throws {
        self.path = path
        annotationsFile = (path as NSString).appendingPathComponent("annotations.xml")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        imagesFolder = ImagesFolder.pick(names) { name in
            var status = stat()
            return lstat((path as NSString).appendingPathComponent(name), &status) == 0 && status.st_mode & S_IFMT == S_IFDIR
        } ?? ImagesFolder.canonical
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: annotationsFile, isDirectory: &isDirectory) else {
            throw InputError("\(path): not an export (no annotations.xml in this directory)")
        }
        if isDirectory.boolValue {
            throw InputError("\(annotationsFile): is a directory, expected the annotations file")
        }
        try ExportOpener.requireRegularFile(annotationsFile)
        // A symbolic link is followed only while it stays inside the export.
        if let destination = try? FileManager.default.destinationOfSymbolicLink(atPath: annotationsFile) {
            let root = URL(fileURLWithPath: path).resolvingSymlinksInPath().standardizedFileURL.path
            let target = URL(fileURLWithPath: annotationsFile).resolvingSymlinksInPath().standardizedFileURL.path
            guard target.hasPrefix(root + "/") else {
                throw InputError("\(annotationsFile): a symbolic link to \(destination), outside the export; refusing to read it")
            }
        }
    }

    public func integrityProblems() throws -> [IntegrityProblem] {
        if let destination = imagesFolderLink {
            return [IntegrityProblem(file: "images", message: "images/ is a symbolic link (to \(destination)); it is never followed, so no media is read",
                                     issueType: "media_symlink")]
        }
        return try listing().filter(\.isSymlink).map { link in
            let destination = (try? FileManager.default.destinationOfSymbolicLink(
                atPath: (path as NSString).appendingPathComponent(link.path))) ?? "?"
            return IntegrityProblem(file: link.path,
                                    message: "\(link.path) is a symbolic link (to \(destination)); it is never followed or read",
                                    issueType: "media_symlink")
        }
    }

    public func streamAnnotations(_ consume: (UnsafeRawBufferPointer) throws -> Void) throws {
        try streamFile(at: annotationsFile, displayName: annotationsFile, consume)
    }

    public func localMediaPath(_ file: MediaFile) -> String? {
        file.isSymlink ? nil : onDisk(file)
    }

    public var misnamedImagesFolder: String? { ImagesFolder.misnamed(imagesFolder) }

    /// Where a listed media file lies (its `images/` under the folder's real name).
    private func onDisk(_ file: MediaFile) -> String {
        (path as NSString).appendingPathComponent(ImagesFolder.onDisk(file.path, folder: imagesFolder))
    }

    public func mediaFiles() throws -> [MediaFile]? {
        try listingOrNil()?.filter { !$0.isSymlink }
    }

    private func listing() throws -> [MediaFile] { try listingOrNil() ?? [] }

    /// Where `images/` points when it is itself a symbolic link.
    private var imagesFolderLink: String? {
        try? FileManager.default.destinationOfSymbolicLink(atPath: (path as NSString).appendingPathComponent(imagesFolder))
    }

    /// Every file and symbolic link under `images/`; nil without an `images/` folder. A linked `images/`
    /// is never followed: it holds no media (and is an integrity problem). Walked once per export: the check,
    /// its integrity pass and the HTML pictures all ask.
    private func listingOrNil() throws -> [MediaFile]? {
        try listingCache.value { try walkImages() }
    }

    private func walkImages() throws -> [MediaFile]? {
        if imagesFolderLink != nil { return [] }
        let images = (path as NSString).appendingPathComponent(imagesFolder)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: images, isDirectory: &isDirectory), isDirectory.boolValue else {
            return nil
        }
        var files: [MediaFile] = []
        // readdir and lstat, not URL resource values: a folder of 25,000 frames is listed in milliseconds, not
        // seconds. Links are listed, never followed (lstat), and a linked folder is not descended into.
        func walk(_ folder: String, relative: String) {
            guard let directory = opendir(folder) else { return }
            defer { closedir(directory) }
            while let entry = readdir(directory) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                guard name != ".", name != ".." else { continue }
                let full = folder + "/" + name
                let relativePath = relative + "/" + name
                var status = stat()
                guard lstat(full, &status) == 0 else { continue }
                switch status.st_mode & S_IFMT {
                case S_IFDIR: walk(full, relative: relativePath)
                case S_IFREG: files.append(MediaFile(path: relativePath, size: UInt64(status.st_size)))
                case S_IFLNK: files.append(MediaFile(path: relativePath, size: UInt64(status.st_size), isSymlink: true))
                default: continue
                }
            }
        }
        walk(images, relative: "images")
        return files.sorted { $0.path < $1.path }
    }

    public func mediaPrefix(_ file: MediaFile, count: Int) throws -> [UInt8] {
        try readPrefix(of: onDisk(file), count: count)
    }

    public func streamMedia(_ file: MediaFile, _ consume: (UnsafeRawBufferPointer) throws -> Void) throws {
        let full = onDisk(file)
        // Only regular files, never through a link (the listing left links out; this guards a race).
        guard fileSize(full) != nil, (try? FileManager.default.destinationOfSymbolicLink(atPath: full)) == nil else {
            throw InputError("\(full): not a regular file")
        }
        try streamFile(at: full, displayName: full, consume)
    }
}

/// Reads at most `count` bytes from the start of a file, refusing to follow a symbolic link.
func readPrefix(of path: String, count: Int) throws -> [UInt8] {
    // O_NONBLOCK: a FIFO must not hang the run; only regular files are read.
    let descriptor = Foundation.open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK)
    guard descriptor >= 0 else {
        throw InputError("\(path): cannot be read (\(String(cString: strerror(errno))))")
    }
    defer { close(descriptor) }
    var info = stat()
    guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
        throw InputError("\(path): not a regular file")
    }
    var bytes = [UInt8](repeating: 0, count: count)
    var filled = 0
    while filled < count {
        let got = bytes.withUnsafeMutableBytes { buffer -> Int in
            guard let base = buffer.baseAddress else { return 0 }
            return read(descriptor, base.advanced(by: filled), count - filled)
        }
        if got < 0, errno == EINTR { continue }
        if got <= 0 { break }
        filled += got
    }
    return Array(bytes.prefix(filled))
}

/// A value worked out once, on first use, then shared (safe across threads).
final class OnceCache<Value>: @unchecked Sendable {
    private let lock = NSLock()
    /// Set once made (an optional `Value` made nil is stored as `.some(nil)`).
    private var stored: Value?

    func value(_ make: () throws -> Value) throws -> Value {
        lock.lock()
        defer { lock.unlock() }
        if let stored { return stored }
        let made = try make()
        stored = made
        return made
    }
}
