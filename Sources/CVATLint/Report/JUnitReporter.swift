/// `--format junit`: one test suite per export, one failing test case per error or warning (names made
/// unique, so GitLab keeps them all), infos as passing cases, and one passing case per clean rule.
public struct JUnitReporter: Reporter {
    /// The rules to describe and the paths to write relative to.
    public var context: ReportFormat.Context
    private var rules: [RuleDescription] { context.rules }
    private var paths: ReportPaths { context.paths }

    public init(_ context: ReportFormat.Context) {
        self.context = context
    }

    public func render(_ report: RunReport) throws -> String {
        var suites = ""
        var totalTests = 0
        var totalFailures = 0
        for (index, export) in report.exports.enumerated() {
            let container = index < report.containers.count ? report.containers[index] : .directory
            var cases = ""
            var tests = 0
            var failures = 0
            var usedNames: Set<String> = []
            for finding in export.findings {
                let file = paths.file(of: finding, export: export.path, container: container)
                var name = "\(finding.rule) \(finding.location.file)" + (finding.location.line.map { ":\($0)" } ?? "")
                    + (finding.location.column.map { ":\($0)" } ?? "")
                var ordinal = 2
                let base = name
                while !usedNames.insert(name).inserted {
                    name = "\(base) #\(ordinal)"
                    ordinal += 1
                }
                tests += 1
                cases += "    <testcase classname=\"cvat-lint.\(escape(finding.rule))\" name=\"\(escape(name))\" file=\"\(escape(file))\" time=\"0\">\n"
                if finding.severity == .info {
                    cases += "      <system-out>\(escape(finding.message))</system-out>\n"
                } else {
                    failures += 1
                    cases += "      <failure type=\"\(finding.severity.rawValue)\" message=\"\(escape(finding.message))\">"
                        + escape("\(finding.severity.rawValue): \(finding.message)\n\(file)"
                                 + (finding.location.line.map { ":\($0)" } ?? "")) + "</failure>\n"
                }
                cases += "    </testcase>\n"
            }
            let reported = Set(export.findings.map(\.rule))
            for rule in rules where !reported.contains(rule.id) {
                tests += 1
                cases += "    <testcase classname=\"cvat-lint.\(escape(rule.id))\" name=\"\(escape(rule.id))\" time=\"0\"/>\n"
            }
            totalTests += tests
            totalFailures += failures
            suites += "  <testsuite name=\"\(escape(paths.relative(export.path)))\" tests=\"\(tests)\" failures=\"\(failures)\" errors=\"0\" skipped=\"0\" time=\"0\">\n"
                + cases + "  </testsuite>\n"
        }
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<testsuites name=\"cvat-lint\" tests=\"\(totalTests)\" failures=\"\(totalFailures)\" errors=\"0\" time=\"0\">\n"
            + suites + "</testsuites>\n"
    }

    /// XML text and attribute escaping; control characters XML 1.0 cannot hold are dropped.
    func escape(_ text: String) -> String { XMLEscaping.escape(text, attribute: true) }
}
