import Foundation
import PackagePlugin

/// Embeds the catalogue's data files (XSDs, target profiles) into the target as Swift string constants.
///
/// Why: a resource bundle has to sit beside the binary, and a copied `cvat-lint` would lose its schema.
/// Compiling the files in keeps the tool a single, relocatable executable.
@main
struct EmbedResources: BuildToolPlugin {
    /// The folders of the target whose files are embedded, and the file endings that count.
    static let folders = ["Schemas", "Profiles"]
    static let endings = ["xsd", "yml", "yaml", "json"]

    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let root = target.directoryURL
        var inputs: [URL] = []
        for folder in Self.folders {
            let dir = root.appending(path: folder)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
            for name in names.sorted() where Self.endings.contains((name as NSString).pathExtension) {
                inputs.append(dir.appending(path: name))
            }
        }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedResources.swift")
        var arguments = [root.path, output.path]
        arguments += inputs.map(\.path)
        return [
            .buildCommand(
                displayName: "Embedding \(inputs.count) catalogue data files",
                executable: try context.tool(named: "embed-resources").url,
                arguments: arguments,
                inputFiles: inputs,
                outputFiles: [output]
            )
        ]
    }
}
