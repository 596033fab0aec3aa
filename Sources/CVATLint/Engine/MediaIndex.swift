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
/// Memory is proportional to the number of files, not of annotations.
public final class MediaIndex {
    public let files: [MediaFile]
    /// Paths by their exact bytes: Swift compares `String`s by canonical equivalence, importers by bytes.
    private var byBytes: [[UInt8]: Int] = [:]
    /// Paths by their text (canonically equivalent spellings meet here).
    private var byText: [String: [Int]] = [:]
    /// Path without extension, lower-cased → files.
    private var byStem: [String: [Int]] = [:]
    private var named: [Bool]

    public init(files: [MediaFile]) {
        self.files = files
        named = Array(repeating: false, count: files.count)
        for (index, file) in files.enumerated() {
            byBytes[Array(file.path.utf8)] = index
            byText[file.path, default: []].append(index)
            byStem[Self.stem(file.path).lowercased(), default: []].append(index)
        }
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
            let folder = (subset?.isEmpty ?? true) ? "default" : subset ?? "default"
            return "images/\(folder)/\(name)"
        }
        return "images/\(name)"
    }

    /// Resolves an XML name and marks the file(s) it resolves to as named.
    public func resolve(name: String, subset: String?, level: ExportLevel?) -> MediaResolution {
        let expected = Self.expectedPath(name: name, subset: subset, level: level)
        if let index = byBytes[Array(expected.utf8)] {
            named[index] = true
            return .exact(files[index])
        }
        if let index = byText[expected]?.first {
            named[index] = true
            return .normalized(files[index])
        }
        // CVAT matches by name without extension, video frames are written as frame_NNNNNN.PNG for the
        // XML name frame_NNNNNN, and a re-save may change an extension's case.
        let candidates = byStem[Self.stem(expected).lowercased()] ?? byStem[expected.lowercased()] ?? []
        guard let first = candidates.first else { return .missing(expected: expected) }
        // Only the file a mapping would pick is claimed: the others stay unnamed (and are reported so).
        named[first] = true
        if candidates.count == 1 { return .mapped(files[first]) }
        return .ambiguous(chosen: files[first], others: candidates.dropFirst().map { files[$0] })
    }

    /// Marks every file of a video frame as named (a video export saves every frame of the range).
    public func markFrame(_ frame: Int, subset: String?, level: ExportLevel?) -> MediaResolution {
        resolve(name: frameName(frame), subset: subset, level: level)
    }

    /// Files no XML name claimed, in path order.
    public var unnamed: [MediaFile] {
        files.indices.filter { !named[$0] }.map { files[$0] }
    }
}

/// `frame_000042` for 42, as CVAT names video frames.
public func frameName(_ frame: Int) -> String {
    let digits = String(frame)
    return "frame_" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
}
