import CVATLint
import Foundation
import Testing

/// A real browser (headless Chromium) opening the HTML report, with `Tests/Browser/report-probe.js` injected to say
/// what the page shows once its own script has run.
enum Browser {
    /// `CVAT_LINT_CHROMIUM`, else the first of chromium, chromium-browser, google-chrome on the path.
    static let executable: String? = {
        if let chosen = ProcessInfo.processInfo.environment["CVAT_LINT_CHROMIUM"] { return chosen }
        let folders = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            for folder in folders where FileManager.default.isExecutableFile(atPath: folder + "/" + name) {
                return folder + "/" + name
            }
        }
        return nil
    }()

    /// Set by `.ci/run`: there the browser tests must run, never skip.
    static let required = ProcessInfo.processInfo.environment["CVAT_LINT_REQUIRE_BROWSER"] == "1"

    static let probe = Paths.packageRoot.appendingPathComponent("Tests/Browser/report-probe.js")

    /// What the probe saw.
    struct Probe: Decodable {
        struct Finding: Decodable {
            var rule: String
            var severity: String
            var label: String
        }

        var errors: [String]
        var findings: Int
        var visible: [Finding]
        var hidden: [Finding]
        var pictured: [String]
        var unpictured: [String]
        var undrawn: [String]
        var images: Int
        var undecoded: [String]
    }

    static func arguments(_ profile: URL) -> [String] {
        // No sandbox (CI runs as root) and no /dev/shm (containers give it little room).
        ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars", "--no-first-run", "--mute-audio",
         "--user-data-dir=\(profile.path)"]
    }

    static func run(_ arguments: [String]) throws -> String {
        String(decoding: try runProgram(try #require(executable), arguments), as: UTF8.self)
    }

    /// Opens a copy of the page with the probe, at `fragment`, and returns what the probe recorded.
    static func open(_ page: String, fragment: String = "", in directory: URL) throws -> Probe {
        let script = try String(contentsOf: probe, encoding: .utf8)
        guard let head = page.range(of: "<head>") else { throw InputError("the page has no <head>") }
        let probed = page.replacingCharacters(in: head, with: "<head>\n<script>\(script)</script>")
        let file = directory.appendingPathComponent("probed.html")
        try probed.write(to: file, atomically: true, encoding: .utf8)
        // The dump can come before the probe's promises settle on a loaded machine: try again, a few times.
        var dom = ""
        for _ in 0..<4 where !dom.contains("<pre id=\"probe\">") {
            dom = try run(arguments(directory.appendingPathComponent("profile"))
                + ["--virtual-time-budget=15000", "--dump-dom", file.absoluteString + fragment])
        }
        guard let start = dom.range(of: "<pre id=\"probe\">", options: .backwards), let end = dom.range(of: "</pre>", range: start.upperBound..<dom.endIndex)
        else { throw InputError("the probe did not report at \(fragment) (the page's script did not finish?)") }
        let json = String(dom[start.upperBound..<end.lowerBound]).replacingOccurrences(of: "&quot;", with: "\"")
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&amp;", with: "&")
        do {
            return try JSONDecoder().decode(Probe.self, from: Data(json.utf8))
        } catch {
            throw InputError("the probe's report does not read (\(error)): \(json.prefix(300))")
        }
    }

    /// Lines of `annotations.xml` inside an annotation with readable geometry (in an image or a track), found with
    /// Python's expat: a parser of its own, so the expectation does not come from cvat-lint's reader.
    static func geometryLines(_ xml: URL) throws -> [ClosedRange<Int>] {
        let script = """
            import json, sys, xml.parsers.expat
            kinds = {"box": ["xtl", "ytl", "xbr", "ybr"], "ellipse": ["cx", "cy", "rx", "ry"],
                     "mask": ["left", "top", "width", "height"], "polygon": None, "polyline": None, "points": None,
                     "cuboid": ["xtl1", "ytl1", "xbr1", "ybr1", "xtl2", "ytl2", "xbr2", "ybr2"], "skeleton": []}
            def readable(name, attributes):
                try:
                    if kinds[name] is None:
                        return all(len([float(v) for v in p.split(",")]) == 2 for p in attributes["points"].split(";"))
                    return all(float(attributes[key]) == float(attributes[key]) for key in kinds[name])
                except Exception:
                    return False
            stack, ranges = [], []
            parser = xml.parsers.expat.ParserCreate()
            def start(name, attributes):
                parent = stack[-1][0] if stack else None
                keep = name in kinds and parent in ("image", "track") and readable(name, attributes)
                stack.append((name, parser.CurrentLineNumber, keep))
            def end(name):
                _, line, keep = stack.pop()
                if keep:
                    ranges.append([line, parser.CurrentLineNumber])
            parser.StartElementHandler = start
            parser.EndElementHandler = end
            parser.ParseFile(open(sys.argv[1], "rb"))
            print(json.dumps(ranges))
            """
        return try JSONDecoder().decode([[Int]].self, from: runProgram("python3", ["-c", script, xml.path])).map { $0[0]...$0[1] }
    }

    /// Every fixture that has its media, and the corpus exports saved with theirs (real photographs).
    static let exportsWithMedia: [String] = (Paths.fixtureExports + CorpusEntry.all.map(\.path)).filter { path in
        !path.hasSuffix(".zip") && FileManager.default.fileExists(atPath: path + "/images")
    }
}

@Suite("HTML report in a real browser (headless Chromium)", .serialized,
       .enabled(if: Browser.executable != nil || Browser.required,
                "no chromium, chromium-browser or google-chrome on the path (.ci/run installs Debian's chromium)"))
struct BrowserTests {
    @Test("The report of every fixture (and corpus export) with media opens with no script error, and every finding with geometry shows its picture",
          arguments: Browser.exportsWithMedia)
    func everyPictureShows(_ path: String) throws {
        try #require(Browser.executable != nil, "CI requires a browser (CVAT_LINT_REQUIRE_BROWSER=1)")
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try runTool(["check", "--no-config", "--target", "encord", "--format", "html", path])
        try #require(result.status == 0 || result.status == 1, "check failed: \(result.stderr)")
        let probe = try Browser.open(result.stdout, in: directory)
        #expect(probe.errors.isEmpty, "script errors: \(probe.errors)")
        #expect(probe.findings > 0 && probe.hidden.isEmpty, "with no fragment every finding shows")
        #expect(probe.unpictured.isEmpty, "findings marked for a picture without one: \(probe.unpictured)")
        #expect(probe.undrawn.isEmpty, "pictures whose shape draws nothing: \(probe.undrawn)")
        #expect(probe.images == result.stdout.components(separatedBy: "<image id=\"media-").count - 1)
        #expect(probe.undecoded.isEmpty, "embedded images the browser cannot decode: \(probe.undecoded)")
        // Independently of the page: each rule's findings on an annotation with geometry, up to the first 12, are pictured.
        let ranges = try Browser.geometryLines(URL(fileURLWithPath: path + "/annotations.xml"))
        let lines = result.stdout.components(separatedBy: "<article ").dropFirst().compactMap { article -> (String, Int)? in
            guard let rule = article.between("data-rule=\"", "\""), let place = article.between("<p class=\"place\"><code>", "</code>"),
                  let line = place.split(separator: ":").dropFirst().first.flatMap({ Int($0) }) else { return nil }
            return (rule, line)
        }
        let withGeometry = lines.filter { _, line in ranges.contains { $0.contains(line) } }
        for (rule, group) in Dictionary(grouping: withGeometry, by: \.0) where group.count <= 12 {
            let pictured = probe.pictured.filter { $0.hasPrefix(rule + "@") }.count
            #expect(pictured == group.count, "\(rule): \(group.count) findings on shapes, \(pictured) pictured")
        }
    }

    @Test("The fragment filters: #severity=error hides the rest, #rule= and #label= narrow, #q= searches")
    func fragmentFilters() throws {
        try #require(Browser.executable != nil, "CI requires a browser (CVAT_LINT_REQUIRE_BROWSER=1)")
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let page = try runTool(["check", "--no-config", "--target", "encord", "--format", "html", Paths.fixture("media-missing-file")]).stdout
        let all = try Browser.open(page, in: directory)
        let severities = Set(all.visible.map(\.severity))
        try #require(severities.count == 3, "the fixture has errors, warnings and infos")

        let errors = try Browser.open(page, fragment: "#severity=error", in: directory)
        #expect(!errors.visible.isEmpty && errors.visible.allSatisfy { $0.severity == "error" })
        #expect(errors.visible.count == all.visible.filter { $0.severity == "error" }.count)
        #expect(errors.hidden.count == all.visible.count - errors.visible.count)

        let warnings = try Browser.open(page, fragment: "#severity=warning", in: directory)
        #expect(warnings.visible.count == all.visible.filter { $0.severity != "info" }.count, "severity is 'at least'")

        let rule = try #require(all.visible.first { $0.severity == "warning" }?.rule)
        let byRule = try Browser.open(page, fragment: "#rule=\(rule)", in: directory)
        #expect(byRule.visible.count == all.visible.filter { $0.rule == rule }.count && byRule.visible.allSatisfy { $0.rule == rule })

        let label = try #require(all.visible.first { !$0.label.isEmpty }?.label)
        let byLabel = try Browser.open(page, fragment: "#label=\(label)&severity=warning", in: directory)
        #expect(byLabel.visible.count == all.visible.filter { $0.label == label && $0.severity != "info" }.count)

        let search = try Browser.open(page, fragment: "#q=no%20such%20text%20anywhere", in: directory)
        #expect(search.visible.isEmpty && search.hidden.count == all.findings)
    }

    @Test("A screenshot of a fixture's report (UPDATE_SCREENSHOT=1 writes the README's docs/html-report.png)")
    func screenshot() throws {
        try #require(Browser.executable != nil, "CI requires a browser (CVAT_LINT_REQUIRE_BROWSER=1)")
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // Run where a user would, in the repository with a relative path, as the README shows it.
        let page = try runTool(["check", "--no-config", "--target", "encord", "--format", "html", "Fixtures/task-images-every-shape"],
                               in: Paths.packageRoot).stdout
        let file = directory.appendingPathComponent("report.html")
        try page.write(to: file, atomically: true, encoding: .utf8)
        let update = ProcessInfo.processInfo.environment["UPDATE_SCREENSHOT"] == "1"
        let png = update ? Paths.packageRoot.appendingPathComponent("docs/html-report.png") : directory.appendingPathComponent("shot.png")
        _ = try Browser.run(Browser.arguments(directory.appendingPathComponent("profile"))
            + ["--window-size=1000,2400", "--screenshot=\(png.path)", file.absoluteString + "#severity=warning&label=person"])
        let bytes = try Data(contentsOf: png)
        #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) && bytes.count > 10_000, "a PNG of the page")
    }
}

extension String {
    /// The text between the first `open` and the next `close` after it.
    func between(_ open: String, _ close: String) -> String? {
        guard let start = range(of: open), let end = range(of: close, range: start.upperBound..<endIndex) else { return nil }
        return String(self[start.upperBound..<end.lowerBound])
    }
}
