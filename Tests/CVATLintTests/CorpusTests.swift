import CVATLint
import Foundation
import Testing

/// One row of `shared/corpus/SOURCES.tsv`.
struct CorpusEntry: CustomTestStringConvertible, Sendable {
    var number: String
    var note: String
    var path: String { Paths.corpus.appendingPathComponent(number).path }
    /// Genuine CVAT output: not a fixture, not redacted or modified by a script.
    var isGenuine: Bool { !["FIXTURE", "REDACTED", "MODIFIED"].contains { note.hasPrefix($0) } }
    var testDescription: String { "corpus \(number)" }

    static let all: [CorpusEntry] = {
        let table = Paths.corpus.appendingPathComponent("SOURCES.tsv")
        guard let text = try? String(contentsOf: table, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").dropFirst().compactMap { line in
            let columns = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard columns.count >= 2, let note = columns.last else { return nil }
            return CorpusEntry(number: columns[0], note: note)
        }
    }()
}

@Suite("The real CVAT exports of shared/corpus", .needsSharedData)
struct CorpusTests {
    @Test("The corpus is present beside the project")
    func corpusIsPresent() {
        #expect(CorpusEntry.all.count >= 10, "expected ../shared/corpus/SOURCES.tsv with its exports")
        #expect(CorpusEntry.all.contains { $0.isGenuine })
    }

    @Test("Genuine exports pass the schema with no xml or schema finding", arguments: CorpusEntry.all.filter(\.isGenuine))
    func genuineExportsPass(entry: CorpusEntry) throws {
        let report = try Shared.report(entry.path)
        let structural = report.findings.filter { $0.rule == "xml" || $0.rule == "schema" }
        #expect(structural.isEmpty, "\(structural.map(\.message))")
    }

    @Test("Fixture and modified corpus files are read without a crash, with a format and level",
          arguments: CorpusEntry.all.filter { !$0.isGenuine })
    func otherFilesAreSensible(entry: CorpusEntry) throws {
        let report = try Shared.report(entry.path)
        // These are real CVAT structures re-serialized or trimmed: still schema-valid.
        #expect(report.findings.filter { $0.rule == "xml" }.isEmpty)
        #expect(report.level != nil)
    }

    @Test("Format, level and mode are read from the corpus as SOURCES.tsv states them")
    func formatsAndLevels() throws {
        let expected: [String: (ExportFormat, ExportLevel, ExportMode)] = [
            "005": (.video, .project, .interpolation),
            "007": (.images, .project, .annotation),
            "018": (.images, .task, .interpolation),
            "020": (.video, .task, .interpolation),
            "041": (.images, .job, .annotation),
        ]
        for (number, facts) in expected {
            let report = try Shared.report(Paths.corpus.appendingPathComponent(number).path)
            #expect(report.format == facts.0, "corpus \(number)")
            #expect(report.level == facts.1, "corpus \(number)")
            #expect(report.mode == facts.2, "corpus \(number)")
        }
    }
}
