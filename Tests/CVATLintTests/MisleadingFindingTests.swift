@testable import CVATLint
import Foundation
import Testing

@Suite("Findings that mislead, and misses")
struct MisleadingFindingTests {
    @Test("Attributes declared nowhere: a warning for every target, once per label and attribute, on shapes, tags and tracks",
          arguments: ["cvat", "encord"])
    func undeclaredAttributes(target: String) throws {
        let xml = RuleExample.document(meta: RuleExample.task(labels: ["car", "bus:text:color"]), body: """
              <image id="0" name="a.jpg" width="10" height="10">
                <box label="car" xtl="1" ytl="1" xbr="5" ybr="5"><attribute name="x">1</attribute></box>
                <box label="car" xtl="1" ytl="1" xbr="5" ybr="5"><attribute name="x">2</attribute></box>
                <tag label="bus"><attribute name="color">red</attribute><attribute name="z">1</attribute></tag>
              </image>
              <track id="0" label="bus"><box frame="0" keyframe="1" outside="0" xtl="1" ytl="1" xbr="5" ybr="5"><attribute name="w">1</attribute></box></track>

            """)
        let export = try ExportBuilder(xml: xml, withImagesFolder: false)
        defer { export.remove() }
        let found = try Shared.report(export.path + "/annotations.xml", target: target).findings
            .filter { $0.issueType == "attribute_not_declared" }
        #expect(found.map { "\($0.location.label ?? "")/\($0.location.attribute ?? "")" }.sorted() == ["bus/w", "bus/z", "car/x"])
        #expect(found.allSatisfy { $0.severity == .warning })
        #expect(found.first { $0.location.attribute == "x" }?.message.contains("2 uses") == true)
    }

    @Test("An undeclared label's finding says what the target's reader does with it", arguments: [
        ("cvat", "CVAT's importer stops on it"), ("encord", "CVAT's importer stops on it"),
        ("datumaro", "Datumaro reads a shape of it with no label, and stops on a tag of it"),
    ])
    func undeclaredLabel(target: String, consequence: String) throws {
        let xml = RuleExample.document(meta: RuleExample.task(labels: ["car"]),
                                       body: RuleExample.imageElement(#"<box label="truck" xtl="1" ytl="1" xbr="5" ybr="5"/>"#))
        let export = try ExportBuilder(xml: xml, withImagesFolder: false)
        defer { export.remove() }
        let found = try Shared.report(export.path + "/annotations.xml", target: target).findings.filter { $0.issueType == "label_not_declared" }
        #expect(found.map(\.message) == ["label 'truck' is not declared in <meta> (1 use); \(consequence)"])
        #expect(found.allSatisfy { $0.severity == .error })
    }

    @Test("Encord: a <points> of several points is one finding per label with a splitPoints action")
    func severalPoints() throws {
        let xml = RuleExample.document(meta: RuleExample.task(labels: ["joint"]), body: RuleExample.imageElement("""
            <points label="joint" points="1,1;2,2;3,3"/>
            <points label="joint" points="1,1;2,2"/>
            <points label="joint" points="4,4"/>
            <box label="joint" xtl="1" ytl="1" xbr="5" ybr="5"/>
            """))
        let export = try ExportBuilder(xml: xml, withImagesFolder: false)
        defer { export.remove() }
        let path = export.path + "/annotations.xml"
        let report = try Shared.report(path, target: "encord")
        let found = report.findings.filter { $0.issueType == "points_several_per_shape" }
        #expect(found.count == 1 && found.first?.count == 2 && found.first?.message.contains("up to 3") == true)
        // The item name is the plan's: the label is split per kind.
        let item = try #require(report.plan.ontology.first { $0.label == "joint" && $0.kind == "points" }).name
        #expect(found.first?.action == .splitPoints(label: "joint", into: item))
        #expect(report.plan.actions.contains(.splitPoints(label: "joint", into: "joint (keypoint)")))
        #expect(try Shared.report(path, target: "cvat").findings.allSatisfy { $0.issueType != "points_several_per_shape" })
    }

    @Test("An xi:include or any namespaced element is reported (and never processed)")
    func namespacedElements() throws {
        let xml = """
            <annotations xmlns:xi="http://www.w3.org/2001/XInclude" xmlns:x="urn:other">
              <version>1.1</version>
              <xi:include href="/etc/passwd" parse="text"/>
              <image id="0" name="a.jpg" width="10" height="10">
                <x:note>hello</x:note>
              </image>
            </annotations>

            """
        let export = try ExportBuilder(xml: xml, withImagesFolder: false)
        defer { export.remove() }
        let report = try Shared.report(export.path + "/annotations.xml", target: "cvat")
        let namespaced = report.findings.filter { $0.message.contains("namespaced elements") }
        #expect(namespaced.map(\.location.line) == [3, 5], "\(report.findings.map(\.message))")
        #expect(namespaced.first?.message.contains("XInclude") == true)
        #expect(!report.findings.contains { $0.message.contains("root:") }, "nothing was included")
    }
}
