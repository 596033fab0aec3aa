/// How an XML image name resolves to a media file.
public enum MediaResolution: Sendable, Equatable {
    /// The file is at the expected path.
    case exact(MediaFile)
    /// Only a file with another extension (or case of extension) matches: the name needs a mapping.
    case mapped(MediaFile)
    /// No file stands for the name; `expected` is where it should be.
    case missing(expected: String)
}

/// The media of an export, indexed for matching XML names, and which files some name claimed.
///
/// Memory is proportional to the number of files, not of annotations.
public final class MediaIndex {
    public let files: [MediaFile]
    private var byPath: [String: Int] = [:]
    /// Path without extension, lower-cased → files.
    private var byStem: [String: [Int]] = [:]
    private var named: [Bool]

    public init(files: [MediaFile]) {
        self.files = files
        named = Array(repeating: false, count: files.count)
        for (index, file) in files.enumerated() {
            byPath[file.path] = index
            byStem[Self.stem(file.path).lowercased(), default: []].append(index)
        }
    }

    /// `images/a/b.jpg` → `images/a/b`; a dot in a folder name is not an extension.
    static func stem(_ path: String) -> String {
        let slash = path.lastIndex(of: "/")
        guard let dot = path.lastIndex(of: "."), slash.map({ dot > $0 }) ?? true,
              dot != path.startIndex, path[path.index(before: dot)] != "/" else { return path }
        return String(path[..<dot])
    }

    /// Where CVAT writes the file of an image: `images/<name>`, or `images/<subset>/<name>` in a project export.
    public static func expectedPath(name: String, subset: String?, level: ExportLevel?) -> String {
        if level == .project {
            let folder = (subset?.isEmpty ?? true) ? "default" : subset ?? "default"
            return "images/\(folder)/\(name)"
        }
        return "images/\(name)"
    }

    /// Resolves an XML name and marks the file it resolves to as named.
    public func resolve(name: String, subset: String?, level: ExportLevel?) -> MediaResolution {
        let expected = Self.expectedPath(name: name, subset: subset, level: level)
        if let index = byPath[expected] {
            named[index] = true
            return .exact(files[index])
        }
        // CVAT matches by name without extension, video frames are written as frame_NNNNNN.PNG for the
        // XML name frame_NNNNNN, and a re-save may change an extension's case.
        let candidates = byStem[Self.stem(expected).lowercased()] ?? byStem[expected.lowercased()] ?? []
        if candidates.count == 1, let index = candidates.first {
            named[index] = true
            return .mapped(files[index])
        }
        return .missing(expected: expected)
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
