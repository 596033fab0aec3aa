import ArgumentParser
import CVATLint
import CVATLintRules
import Foundation

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Explain one rule, with examples that trigger it and ones that do not.")

    @Argument(help: "The rule's id (see `cvat-lint rules`).")
    var id: String

    func run() throws {
        guard let rule = Catalogue.standard.descriptions.first(where: { $0.id == id }) else {
            printError("cvat-lint: no rule '\(id)'; `cvat-lint rules` lists them")
            throw ExitStatus.unusableInput
        }
        print(RuleDocs.explain(rule, fixtures: Catalogue.standard.fixtures), terminator: "")
    }
}
