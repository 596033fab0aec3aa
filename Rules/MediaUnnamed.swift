import CVATLint

/// Files under `images/` that no image in the XML names: leftovers, and junk an uploader would send as images.
final class MediaUnnamed: Rule {
    static let description = RuleDescription(
        id: "media-unnamed",
        defaultSeverity: .warning,
        category: .media,
        summary: "a file under images/ that no image in the XML names (junk files called out)",
        rationale: """
            Encord's SDK uploads every file under the image root as an image, .DS_Store, Thumbs.db and \
            AppleDouble ._ files included; a file no <image> names becomes an unlabelled data unit or a \
            failed upload. Files that nothing names also hint at a name mismatch or a partial export.
            """,
        issueTypes: [.init("media_junk_file", profile: "media.junk"), .init("media_not_named", profile: "media.unnamed")],
        actions: ["skipMedia"],
        triggering: [
            RuleExample.fixture("a .DS_Store and a stray image beside the named ones", "media-unnamed-files"),
        ],
        nonTriggering: [
            RuleExample.fixture("every file is named", "task-images-every-shape"),
        ])

    /// Files that operating systems leave behind.
    static func isJunk(_ path: String) -> Bool {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        return name == ".DS_Store" || name == "Thumbs.db" || name == "desktop.ini" || name.hasPrefix("._")
    }

    private let context: RuleContext

    init(context: RuleContext) { self.context = context }

    func finish() {
        guard let media = context.facts.media else { return }
        let expectations = context.target.media
        for file in media.unnamed {
            if Self.isJunk(file.path) {
                guard let severity = expectations.junk else { continue }
                context.report("\(file.path) is an operating-system junk file; \(context.target.media.requiresImages ? "\(context.target.name)'s uploader would send it as an image" : "remove it from the export")",
                               at: nil, severity: severity, issueType: "media_junk_file",
                               action: .skipMedia(file: file.path), file: file.path)
            } else if let severity = expectations.unnamed {
                context.report("no <image> names \(file.path)", at: nil, severity: severity,
                               issueType: "media_not_named", action: .skipMedia(file: file.path), file: file.path)
            }
        }
    }
}
