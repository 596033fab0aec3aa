import Foundation

/// How an XML image name resolves to a media file.
public enum MediaResolution: Sendable, Equatable {
    /// The file is at the expected path, byte for byte.
    case exact(MediaFile)
    /// The file's name is the same text in another Unicode normalisation (NFC in the XML, NFD on disk as
    /// macOS writes it): importers that compare bytes find nothing.
    case normalized(MediaFile)
    /// Only a file with another extension (or case of extension) matches: the name needs a mapping.
    case mapped(MediaFile)
    /// Several files match without their extension: a mapping picks `chosen` (first by path) and loses the others.
    case ambiguous(chosen: MediaFile, others: [MediaFile])
    /// No file stands for the name; `expected` is where it should be.
    case missing(expected: String)

    /// The file the name stands for, when one does.
    public var file: MediaFile? {
        switch self {
        case let .exact(file), let .normalized(file), let .mapped(file), let .ambiguous(file, _): file
        case .missing: nil
        }
    }
}

/// The media of an export, indexed for matching XML names, and which files some name claimed.
///
/// Memory is proportional to the number of files, not of annotations. An index may also grow while it is
/// read (`apply` checks its output while the write pass still plans media): it then notes each name it
/// could not match exactly, and `seal()` says whether a file added later would have changed the answer.
public final class MediaIndex: @unchecked Sendable {
    private var storage: [MediaFile]
    /// Paths by their exact bytes: Swift compares `String`s by canonical equivalence, importers by bytes.
    private var byBytes: [[UInt8]: Int] = [:]
    /// Paths by their text (canonically equivalent spellings meet here).
    private var byText: [String: [Int]] = [:]
    /// Path without extension, lower-cased → files.
    private var byStem: [String: [Int]] = [:]
    private var named: [Bool] = []
    /// Set while files may still be added; reads and additions then take the lock.
    private var growing: Bool
    private let lock = NSLock()
    /// For a growing index: the hash of each stem key a name looked up without an exact match, with how many
    /// files the index held then (a file added later under that key could have matched it).
    private var inexact: [Int: Int] = [:]
    /// A name matched several files while the index grew (their order was not yet the listing's), or too
    /// many names were not matched exactly to remember: the answers given while growing are not vouched for.
    private var settledEarly = false
    static let inexactLimit = 1 << 16

    public init(files: [MediaFile]) {
        storage = []
        growing = false
        for file in files { insert(file) }
    }

    /// An index that grows by `add` until `seal()`.
    init(growing files: [MediaFile] = []) {
        storage = []
        growing = true
        for file in files { insert(file) }
    }

    /// The files, in path order once complete.
    public var files: [MediaFile] { lock.withLock { storage } }

    /// Adds a file to a growing index (a path it holds already is not added twice).
    func add(_ file: MediaFile) {
        lock.withLock {
            guard growing, byBytes[Array(file.path.utf8)] == nil else { return }
            insert(file)
        }
    }

    /// Ends growth: the files are put in path order, as a listing gives them. Returns whether every name
    /// resolved while it grew resolves the same against the complete index.
    func seal() -> Bool {
        lock.withLock {
            guard growing else { return true }
            growing = false
            var stable = !settledEarly
            for (index, file) in storage.enumerated() {
                if let size = inexact[Self.stemKey(file.path).hashValue], index >= size { stable = false }
            }
            let claimed = Set(storage.indices.filter { named[$0] }.map { storage[$0].path })
            let sorted = storage.sorted { $0.path < $1.path }
            (storage, byBytes, byText, byStem, named) = ([], [:], [:], [:], [])
            for file in sorted { insert(file) }
            named = storage.map { claimed.contains($0.path) }
            inexact = [:]
            return stable
        }
    }

    private func insert(_ file: MediaFile) {
        let index = storage.count
        storage.append(file)
        named.append(false)
        byBytes[Array(file.path.utf8)] = index
        byText[file.path, default: []].append(index)
        byStem[Self.stemKey(file.path), default: []].append(index)
    }

    private static func stemKey(_ path: String) -> String { stem(path).lowercased() }

    /// Whether a configuration's `media: ignore:` patterns (fnmatch) leave `path` out of the index.
    static func isIgnored(_ path: String, by patterns: [String]) -> Bool {
        patterns.contains { fnmatch($0, path, 0) == 0 }
    }

    /// `images/a/b.jpg` → `images/a/b`; a dot in a folder name is not an extension. (CVAT's importer
    /// names a frame by this: the name without its extension.)
    public static func stem(_ path: String) -> String {
        let slash = path.lastIndex(of: "/")
        guard let dot = path.lastIndex(of: "."), slash.map({ dot > $0 }) ?? true,
              dot != path.startIndex, path[path.index(before: dot)] != "/" else { return path }
        return String(path[..<dot])
    }

    /// `a.jpg` → `.jpg`, `frame_000001` → "".
    public static func fileExtension(_ path: String) -> String {
        String(path.dropFirst(stem(path).count))
    }

    /// Where CVAT writes the file of an image: `images/<name>`, or `images/<subset>/<name>` in a project export.
    public static func expectedPath(name: String, subset: String?, level: ExportLevel?) -> String {
        if level == .project {
            let folder = ExportMeta.defaultedSubset(subset)
            return "images/\(folder)/\(name)"
        }
        return "images/\(name)"
    }

    /// Resolves an XML name and marks the file(s) it resolves to as named.
    public func resolve(name: String, subset: String?, level: ExportLevel?) -> MediaResolution {
        lock.withLock { resolveUnlocked(Self.expectedPath(name: name, subset: subset, level: level)) }
    }

    private func resolveUnlocked(_ expected: String) -> MediaResolution {
        if let index = byBytes[Array(expected.utf8)] {
            named[index] = true
            return .exact(storage[index])
        }
        if growing, !settledEarly {
            // Only a file under one of these keys could answer this name otherwise (canonically equal
            // text has the same stem): remember them, with how many files could have answered so far.
            for key in [Self.stemKey(expected), expected.lowercased()] {
                inexact[key.hashValue] = min(inexact[key.hashValue] ?? .max, storage.count)
            }
            // Memory must not grow with the images: past this many, the answers are not vouched for.
            if inexact.count > Self.inexactLimit { (settledEarly, inexact) = (true, [:]) }
        }
        if let index = byText[expected]?.first {
            named[index] = true
            return .normalized(storage[index])
        }
        // CVAT matches by name without extension, video frames are written as frame_NNNNNN.PNG for the
        // XML name frame_NNNNNN, and a re-save may change an extension's case.
        let candidates = byStem[Self.stemKey(expected)] ?? byStem[expected.lowercased()] ?? []
        guard let first = candidates.first else { return .missing(expected: expected) }
        // Only the file a mapping would pick is claimed: the others stay unnamed (and are reported so).
        named[first] = true
        if candidates.count == 1 { return .mapped(storage[first]) }
        if growing { settledEarly = true }
        return .ambiguous(chosen: storage[first], others: candidates.dropFirst().map { storage[$0] })
    }

    /// Marks every file of a video frame as named (a video export saves every frame of the range).
    public func markFrame(_ frame: Int, subset: String?, level: ExportLevel?) -> MediaResolution {
        resolve(name: frameName(frame), subset: subset, level: level)
    }

    /// Files no XML name claimed, in path order.
    public var unnamed: [MediaFile] {
        lock.withLock { storage.indices.filter { !named[$0] }.map { storage[$0] } }
    }
}

/// `frame_000042` for 42, as CVAT names video frames.
public func frameName(_ frame: Int) -> String {
    let digits = String(frame)
    return "frame_" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
}
