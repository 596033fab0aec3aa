/// The media folder of an export as it is named on disk or in a zip.
///
/// CVAT writes `images/`. A folder renamed by hand, or by a tool that capitalises, reads `Images/`: the media
/// are there, but Encord's SDK looks for exactly `images` (a case-sensitive test, even on a case-insensitive
/// file system). Such a folder is read as the media folder, its files listed under `images/` like any others,
/// so that every media rule sees them, and `apply` writes them back under `images/`.
enum ImagesFolder {
    static let canonical = "images"

    /// Which of a folder's entry names is its media folder: `images` itself, else the first (in sorted order)
    /// that differs from it only in case; nil when none does. `isFolder` tells a folder from a file or a link.
    static func pick(_ names: [String], isFolder: (String) -> Bool) -> String? {
        if names.contains(canonical) { return canonical }
        return names.sorted().first { $0.lowercased() == canonical && isFolder($0) }
    }

    /// The folder's name when it is not `images` itself.
    static func misnamed(_ folder: String) -> String? { folder == canonical ? nil : folder }

    /// A listed media path (`images/…`) with the folder's real name in front (`Images/…`).
    static func onDisk(_ path: String, folder: String) -> String {
        guard folder != canonical, path.hasPrefix(canonical + "/") else { return path }
        return folder + path.dropFirst(canonical.count)
    }
}
