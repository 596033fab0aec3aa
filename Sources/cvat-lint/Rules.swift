import ArgumentParser
import CVATLint
import CVATLintRules
import Foundation

struct Rules: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the rules: id, severity (under --target, that target's), category, summary.")

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Option(help: "Show the severities this target gives: \(Catalogue.standard.targetNames.joined(separator: ", ")).")
    var target: String?

    @Option(help: "text or json.")
    var format: Format = .text

    func run() throws {
        let profile: TargetProfile?
        do { profile = try target.map(Catalogue.standard.profile(named:)) } catch {
            printError("cvat-lint: \(ErrorText.line(error))")
            throw ExitStatus.unusableInput
        }
        let rules = Catalogue.standard.descriptions
        print(format == .json ? try RuleDocs.json(rules, target: profile) : RuleDocs.table(rules, target: profile), terminator: "")
    }
}
