/// The report formats `check` writes, and how each is made.
public enum ReportFormat: String, Sendable, CaseIterable {
    case text, json, sarif, junit, github, gitlab, html

    /// What every reporter may need, gathered once.
    public struct Context: Sendable {
        public var rules: [RuleDescription]
        public var paths: ReportPaths
        public var text: TextReporter
        /// Each target's display name, for the HTML page's verdict.
        public var targetTitles: [String: String]

        public init(rules: [RuleDescription], paths: ReportPaths, text: TextReporter = TextReporter(),
                    targetTitles: [String: String] = [:]) {
            self.rules = rules
            self.paths = paths
            self.text = text
            self.targetTitles = targetTitles
        }
    }

    public func reporter(_ context: Context) -> Reporter {
        switch self {
        case .text: context.text
        case .json: JSONReporter()
        case .sarif: SARIFReporter(context)
        case .junit: JUnitReporter(context)
        case .github: GitHubReporter(paths: context.paths)
        case .gitlab: GitLabReporter(paths: context.paths)
        case .html: HTMLReporter(rules: context.rules, targetTitles: context.targetTitles)
        }
    }

    /// Reads `FORMAT=PATH` as `--output` takes it.
    public static func output(_ text: String) -> (ReportFormat, String)? {
        guard let equals = text.firstIndex(of: "="), let format = ReportFormat(rawValue: String(text[..<equals])) else {
            return nil
        }
        let path = String(text[text.index(after: equals)...])
        return path.isEmpty ? nil : (format, path)
    }
}
