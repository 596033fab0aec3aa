@testable import CVATLint
import CVATLintRules
import Foundation
import Testing

/// What the HTML report's pictures are made of, checked without a browser.
@Suite("HTML report: pictures")
struct HTMLReportTests {
    /// Runs the check and the picture pass the way `check --format html` does.
    static func pictures(_ path: String, target: String = "encord", options: PictureOptions = PictureOptions(),
                         findings: (([Finding]) -> [Finding])? = nil) throws -> (ExportReport, ExportPictures) {
        var report = try Shared.report(path, target: target)
        if let findings { report.findings = findings(report.findings) }
        let source = try ExportOpener.open(path)
        return (report, try PictureCollector.collect(report: report, annotations: source, media: source, options: options))
    }

    /// One finding of its own rule on every line of `annotations.xml` that starts an element of these names.
    static func findingsOnLines(of path: String, elements: [String]) throws -> [(line: Int, element: String, finding: Finding)] {
        let text = try String(contentsOfFile: path + "/annotations.xml", encoding: .utf8)
        return text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().compactMap { index, line in
            let trimmed = line.drop { $0 == " " }
            guard let element = elements.first(where: { trimmed.hasPrefix("<\($0) ") || trimmed.hasPrefix("<\($0)>") }) else { return nil }
            let finding = Finding(rule: "probe-\(index + 1)", severity: .warning, message: "probe",
                                  location: FindingLocation(file: "annotations.xml", line: index + 1, column: 5))
            return (index + 1, element, finding)
        }
    }

    @Test("Every shape kind a finding points at is its picture's subject, drawn in the image's coordinates")
    func everyKindIsDrawn() throws {
        let path = Paths.fixture("task-images-every-shape")
        let kinds = ["box", "polygon", "polyline", "points", "ellipse", "cuboid", "mask", "skeleton"]
        let probes = try Self.findingsOnLines(of: path, elements: kinds)
        // The skeleton's own <points> elements are lines inside the skeleton: their picture is the skeleton's.
        let (_, pictures) = try Self.pictures(path) { _ in probes.map(\.finding) }
        #expect(pictures.scenes.count == 1, "all shapes are on street.png")
        let scene = try #require(pictures.scenes.first)
        #expect(scene.title == "street.png" && scene.width == 64 && scene.height == 48)
        #expect(scene.media != nil, "the fixture's image is embedded")
        var lastSkeleton: Int?
        for probe in probes {
            let place = try #require(pictures.byLine[probe.line], "line \(probe.line) (\(probe.element)) has no picture")
            let subject = scene.shapes[place.shape]
            if probe.element == "skeleton" { lastSkeleton = probe.line }
            let expected = probe.element == "points" && lastSkeleton != nil && probe.line > lastSkeleton! ? "skeleton" : probe.element
            #expect(subject.kind.rawValue == expected, "line \(probe.line)")
        }
        /// The subject's group of a picture whose subject is the first shape of this kind.
        let svg = { (kind: String) -> String in
            let index = scene.shapes.firstIndex { $0.kind.rawValue == kind } ?? -1
            return SceneSVG(scene: scene, mediaID: "m", skeletonEdges: ["pose": [PlannedEdge(from: "head", to: "hand")]])
                .render(highlight: index)
        }
        #expect(svg("box").contains(#"<g class="subject kind-box" data-line="#))
        #expect(svg("box").contains(#"transform="rotate(45 40 10)""#), "the rotated box turns about its centre")
        #expect(svg("ellipse").contains(#"<ellipse cx="50" cy="35" rx="5" ry="3"/>"#), "rx and ry are radii")
        let cuboid = Self.subject(svg("cuboid"))
        #expect(cuboid.components(separatedBy: "<polygon").count - 1 == 2, "front and back faces")
        #expect(cuboid.components(separatedBy: "<line").count - 1 == 4, "the four edges between them")
        // rle "0, 2, 1, 3" in a 3×2 box at (2, 3): pixels 0–1 and 3–5 are set → runs (2,3,2) and (2,4,3).
        #expect(svg("mask").contains(#"d="M2 3h2v1h-2zM2 4h3v1h-3z""#))
        let skeleton = Self.subject(svg("skeleton"))
        #expect(skeleton.contains(#"<line x1="20" y1="20" x2="25" y2="30"/>"#), "the plan's edge joins head and hand")
        #expect(skeleton.contains(#"<circle class="outside""#), "an outside vertex is drawn faint")
        #expect(svg("box").hasPrefix(#"<svg class="scene" viewBox="0 0 64 48" width="360" height="270""#))
        #expect(svg("box").contains(##"<use href="#m" width="64" height="48"/>"##))
    }

    /// The `<g class="subject …">…</g>` of a rendered picture.
    static func subject(_ svg: String) -> String {
        guard let start = svg.range(of: "<g class=\"subject") else { return "" }
        let rest = svg[start.lowerBound...]
        return String(rest[..<(rest.range(of: "</g>")?.upperBound ?? rest.endIndex)])
    }

    @Test("A finding on a track frame is drawn on that frame with every track shown there, and its file embedded")
    func trackFrames() throws {
        let (report, pictures) = try Self.pictures(Paths.fixture("task-video-tracks"))
        let onTrack = try #require(report.findings.first { $0.rule == "media-missing" && $0.location.trackID != nil })
        let line = try #require(onTrack.location.line)
        let place = try #require(pictures.byLine[line])
        let scene = pictures.scenes[place.scene]
        #expect(scene.title == "frame \(onTrack.location.frame ?? -1)")
        #expect(scene.media != nil && scene.width != nil)
        let text = try String(contentsOfFile: Paths.fixture("task-video-tracks") + "/annotations.xml", encoding: .utf8)
        let frame = onTrack.location.frame ?? 0
        // A track's own shapes are indented four spaces (a skeleton's elements deeper); outside ones are not drawn.
        let visibleThere = text.split(separator: "\n").filter { line in
            line.hasPrefix("    <") && !line.hasPrefix("     ") && line.contains(" frame=\"\(frame)\"") && !line.contains("outside=\"1\"")
        }.count
        #expect(scene.shapes.count == visibleThere, "every track shape visible on frame \(frame)")
    }

    @Test("Media are embedded smallest first within the budget; past it, a blank canvas that says so")
    func mediaBudget() throws {
        let path = Paths.fixture("rule-annotation-duplicate")
        let (_, all) = try Self.pictures(path, target: "cvat")
        try #require(all.scenes.count >= 1)
        let (_, none) = try Self.pictures(path, target: "cvat", options: PictureOptions(mediaBudget: 0))
        #expect(none.media.isEmpty)
        #expect(none.scenes.allSatisfy { $0.media == nil && ($0.blankReason ?? "").contains("budget") })
        let (_, bare) = try Self.pictures(path + "/annotations.xml", target: "cvat")
        #expect(bare.scenes.allSatisfy { ($0.blankReason ?? "").contains("bare annotations.xml") })
    }

    @Test("Within a tight budget the smallest images are embedded first, whatever their order in the file")
    func smallestFirst() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let png = try Data(contentsOf: Paths.fixtures.appendingPathComponent("task-images-every-shape/images/street.png"))
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("images"), withIntermediateDirectories: true)
        // Largest first in the file; PNG readers stop at IEND, so padding after it keeps each file an image.
        let sizes = [("big.png", 5000), ("mid.png", 1000), ("small.png", 0)]
        for (name, padding) in sizes {
            try (png + Data(count: padding)).write(to: directory.appendingPathComponent("images/\(name)"))
        }
        var xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<annotations>\n  <version>1.1</version>\n  <meta><task><id>1</id><name>t</name><size>3</size><mode>annotation</mode><labels><label><name>car</name><type>rectangle</type><attributes></attributes></label></labels></task></meta>\n"
        for (index, (name, _)) in sizes.enumerated() {
            xml += "  <image id=\"\(index)\" name=\"\(name)\" width=\"64\" height=\"48\">\n    <box label=\"car\" source=\"manual\" occluded=\"0\" xtl=\"1.00\" ytl=\"1.00\" xbr=\"9.00\" ybr=\"9.00\" z_order=\"0\">\n    </box>\n  </image>\n"
        }
        try (xml + "</annotations>\n").write(to: directory.appendingPathComponent("annotations.xml"), atomically: true, encoding: .utf8)
        let probes = try Self.findingsOnLines(of: directory.path, elements: ["box"]).map(\.finding)
        let budget = 2 * png.count + 1000
        let (_, pictures) = try Self.pictures(directory.path, target: "cvat", options: PictureOptions(mediaBudget: budget)) { $0 + probes }
        #expect(pictures.scenes.map(\.title) == ["big.png", "mid.png", "small.png"])
        #expect(pictures.media.map(\.file) == ["images/small.png", "images/mid.png"])
        #expect(pictures.scenes[0].media == nil && (pictures.scenes[0].blankReason ?? "").contains("budget"))
        #expect(pictures.scenes[1].media != nil && pictures.scenes[2].media != nil)
        #expect(pictures.media.reduce(0) { $0 + $1.data.count } <= budget)
    }

    /// An export of `images` images, each with one box far outside its image.
    static func manyOutside(images: Int) -> String {
        var xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<annotations>\n  <version>1.1</version>\n  <meta><task><id>1</id><name>t</name><size>\(images)</size><mode>annotation</mode><labels><label><name>car</name><type>rectangle</type><attributes></attributes></label></labels></task></meta>\n"
        for index in 0..<images {
            xml += "  <image id=\"\(index)\" name=\"\(index).jpg\" width=\"10\" height=\"10\">\n"
                + "    <box label=\"car\" source=\"manual\" occluded=\"0\" xtl=\"50.00\" ytl=\"50.00\" xbr=\"60.00\" ybr=\"60.00\" z_order=\"0\">\n    </box>\n  </image>\n"
        }
        return xml + "</annotations>\n"
    }

    @Test("Pictures stay within the first places of each rule however many findings, and the page is written in pieces")
    func bounded() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("annotations.xml")
        try Self.manyOutside(images: 5000).write(to: file, atomically: true, encoding: .utf8)
        // Two rules with a finding on every box (rules aggregate such findings; these probes do not).
        let boxes = try Self.findingsOnLines(of: directory.path, elements: ["box"])
        let probes = boxes.flatMap { probe in ["probe-a", "probe-b"].map { rule in
            Finding(rule: rule, severity: .error, message: "probe", location: probe.finding.location)
        } }
        let (report, pictures) = try Self.pictures(file.path, target: "cvat", options: PictureOptions(perRule: 3)) { $0 + probes }
        #expect(boxes.count == 5000)
        let rules = Set(report.findings.map(\.rule))
        #expect(pictures.scenes.count <= 3 * rules.count)
        #expect(pictures.scenes.count == 3, "both probes share the first three images")
        let pictured = report.findings.filter { $0.location.line.map { pictures.byLine[$0] != nil } ?? false }
        #expect(pictured.filter { $0.rule == "probe-a" }.count == 3)
        var pieces = 0
        var largest = 0
        let run = RunReport(exports: [report], containers: [.xml], pictures: [pictures])
        try HTMLReporter(rules: Catalogue.standard.descriptions).write(run) { piece in
            pieces += 1
            largest = max(largest, piece.utf8.count)
        }
        #expect(pieces > report.findings.count, "one piece per finding at least")
        #expect(largest < 200_000, "no piece holds the page")
    }
}

@Suite("check --format html on the command line")
struct HTMLCommandTests {
    @Test("The page goes to standard output or to --output html=FILE, with check's exit codes; bad flags exit 2")
    func exitCodesAndOutputs() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let clean = try runTool(["check", "--no-config", "--target", "cvat", "--format", "html", Paths.fixture("task-images-every-shape")])
        #expect(clean.status == 0 && clean.stdout.hasPrefix("<!DOCTYPE html>") && clean.stdout.hasSuffix("</html>\n"))
        #expect(clean.stdout.contains("can be imported into CVAT: <strong>yes</strong>"))
        let broken = try runTool(["check", "--no-config", "--target", "encord", "--format", "html", Paths.fixture("media-missing-file")])
        #expect(broken.status == 1)
        #expect(broken.stdout.contains("can be imported into Encord: <strong>no</strong> — "))
        let file = directory.appendingPathComponent("report.html")
        let both = try runTool(["check", "--no-config", "--target", "encord", "--output", "html=\(file.path)", Paths.fixture("media-missing-file")])
        #expect(both.status == 1 && both.stdout.contains("media-missing"), "the text report still goes to standard output")
        let written = try String(contentsOf: file, encoding: .utf8)
        #expect(written == broken.stdout, "the same page either way")
        for bad in [["--html-pictures", "-1"], ["--html-media-budget", "-2"]] {
            let result = try runTool(["check", "--no-config", "--format", "html"] + bad + [Paths.fixture("task-images-every-shape")])
            #expect(result.status == 2, "\(bad)")
        }
    }

    @Test("The page loads nothing: no external script, style, font, image or link target")
    func selfContained() throws {
        let page = try runTool(["check", "--no-config", "--target", "encord", "--format", "html", Paths.fixture("task-images-every-shape")]).stdout
        for reference in ["src=\"http", "href=\"http", "url(http", "@import", "src=\"//", "href=\"//", "<link", "<iframe"] {
            #expect(!page.contains(reference), "\(reference)")
        }
        #expect(page.contains("href=\"data:image/png;base64,"), "media embedded as data URIs")
    }

    @Test("--html-media-budget 0 draws on blank canvases and says why; --html-pictures 0 draws none")
    func flags() throws {
        let path = Paths.fixture("task-images-every-shape")
        let blank = try runTool(["check", "--no-config", "--target", "encord", "--format", "html", "--html-media-budget", "0", path]).stdout
        #expect(!blank.contains("data:image/") && blank.contains("past the page's media budget"))
        #expect(blank.contains("<rect class=\"canvas\" width=\"64\" height=\"48\"/>"), "the blank canvas has the declared size")
        let none = try runTool(["check", "--no-config", "--target", "encord", "--format", "html", "--html-pictures", "0", path]).stdout
        #expect(!none.contains("<figure class=\"picture\"") && none.contains("<article class=\"finding\""))
    }
}
