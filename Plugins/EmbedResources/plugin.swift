import Foundation
import PackagePlugin

/// Embeds the catalogue's data files (XSDs, target profiles) and the fixture exports its rules cite into
/// the target as Swift string constants, and generates the list of the catalogue's rules.
///
/// Why: a resource bundle has to sit beside the binary, and a copied `cvat-lint` would lose its schema
/// (and `explain` its examples). Generating the rule list makes adding a rule one file: no list to edit.
@main
struct EmbedResources: BuildToolPlugin {
    /// The folders of the target whose files are embedded, and the file endings that count.
    static let folders = ["Schemas", "Profiles"]
    static let endings = ["xsd", "yml", "yaml", "json"]

    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let root = target.directoryURL
        let manager = FileManager.default
        var inputs: [URL] = []
        for folder in Self.folders {
            let dir = root.appending(path: folder)
            let names = (try? manager.contentsOfDirectory(atPath: dir.path)) ?? []
            for name in names.sorted() where Self.endings.contains((name as NSString).pathExtension) {
                inputs.append(dir.appending(path: name))
            }
        }
        // The rules: every Swift file at the top of the target is scanned for rule classes.
        let sources = ((try? manager.contentsOfDirectory(atPath: root.path)) ?? []).sorted()
            .filter { $0.hasSuffix(".swift") }.map { root.appending(path: $0) }
        // Fixture exports beside the target: their annotations.xml, for `explain`.
        let fixtures = context.package.directoryURL.appending(path: "Fixtures")
        let fixtureNames = ((try? manager.contentsOfDirectory(atPath: fixtures.path)) ?? []).sorted()
        let fixtureFiles = fixtureNames.map { fixtures.appending(path: $0).appending(path: "annotations.xml") }
            .filter { manager.fileExists(atPath: $0.path) }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedResources.swift")
        var arguments = [root.path, output.path]
        arguments += inputs.map(\.path) + sources.map(\.path) + fixtureFiles.map(\.path)
        return [
            .buildCommand(
                displayName: "Embedding \(inputs.count) data files and \(fixtureFiles.count) fixtures; listing the rules of \(sources.count) files",
                executable: try context.tool(named: "embed-resources").url,
                arguments: arguments,
                inputFiles: inputs + sources + fixtureFiles,
                outputFiles: [output]
            )
        ]
    }
}
