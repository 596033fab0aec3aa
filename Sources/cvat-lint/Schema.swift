import ArgumentParser
import CVATLint
import CVATLintRules
import Foundation

struct Schema: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the XSD cvat-lint validates annotations.xml against, or the JSON Schema of its reports.")

    enum Layout: String, ExpressibleByArgument, CaseIterable {
        case any, images, video
    }

    @Option(help: "any (both layouts, as check uses), images (CVAT for images 1.1) or video (CVAT for video 1.1).")
    var format: Layout = .any

    @Flag(help: "Print the JSON Schema of `check --format json` instead.")
    var report = false

    @Flag(help: "Print the JSON Schema of cvat-lint-apply.json (the manifest `apply` writes) instead.")
    var manifest = false

    func run() throws {
        if manifest {
            print(CVATSchema.applyManifestSchema)
            return
        }
        if report {
            print(CVATSchema.reportSchema)
            return
        }
        let layout = CVATSchema.Layout(rawValue: format.rawValue) ?? .any
        print(CVATSchema.text(for: layout), terminator: "")
    }
}
