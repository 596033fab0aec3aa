import CVATLint

/// Documentation of the findings the engine makes itself, while it parses and validates.
enum BuiltinRules {
    static let xml = RuleDescription(
        id: "xml",
        defaultSeverity: .error,
        category: .structure,
        summary: "annotations.xml is not well-formed XML, or uses a construct cvat-lint refuses",
        rationale: """
            Every importer parses the file first; a truncated file, invalid UTF-8, UTF-16, an undefined \
            entity or a DOCTYPE with entity declarations stops it (CVAT parses with defusedxml, Encord's SDK \
            decodes strict UTF-8). cvat-lint never expands an entity, loads a DTD or fetches anything.
            """,
        issueTypes: [.init("xml")],
        triggering: [
            RuleExample("the file ends inside an element", xml: "<annotations>\n  <image id=\"0\" name=\"a.jpg\">↓\n"),
            RuleExample("an entity declaration", xml: "<!DOCTYPE a [<!ENTITY e \"x\">]>↓\n<annotations></annotations>\n"),
        ],
        nonTriggering: [
            RuleExample("a minimal well-formed file", xml: "<annotations>\n  <version>1.1</version>\n</annotations>\n"),
        ])

    static let schema = RuleDescription(
        id: "schema",
        defaultSeverity: .error,
        category: .structure,
        summary: "annotations.xml breaks the CVAT 1.1 schema (see `cvat-lint schema`)",
        rationale: """
            CVAT's importer raises on missing geometry, non-numeric coordinates, malformed points and RLE \
            lists, and silently drops unknown elements; the schema catches these at their line before any \
            import runs. It accepts CVAT output of every era and level.
            """,
        issueTypes: [.init("schema")],
        triggering: [
            RuleExample.inImage("a coordinate that is not a number", """
                ↓<box label="car" xtl="abc" ytl="1" xbr="5" ybr="5"/>
                """),
            RuleExample.inImage("an unknown shape element", """
                ↓<circle label="car"/>
                """),
        ],
        nonTriggering: [
            RuleExample.inImage("a box as CVAT writes it", """
                <box label="car" source="manual" occluded="0" xtl="1.00" ytl="1.00" xbr="5.00" ybr="5.00" z_order="0">
                </box>
                """),
        ])

    static let export = RuleDescription(
        id: "export",
        defaultSeverity: .error,
        category: .structure,
        summary: "the export's files are unsafe or ambiguous: zip entries that climb out or repeat, symbolic links, '\\' between folders",
        rationale: """
            A pre-flight tool reads files from strangers. cvat-lint never unpacks a zip and never follows a \
            link, but an importer that does could write outside its folder (a "zip slip" entry such as \
            ../x), read a file chosen by the export's author (a symbolic link), or pick either of two \
            entries with one name. Such entries are reported and left out of the media. Entries named with \
            '\\' between folders (a zip made on Windows) are read as folders, as Windows and unzip read them, \
            and reported as a warning: Python's zipfile on Linux unpacks each as one file name.
            """,
        issueTypes: [.init("media_symlink"), .init("zip_entry_escapes"), .init("zip_entry_duplicate"), .init("zip_entry_backslash")],
        actions: ["skipMedia"],
        triggering: [
            RuleExample.fixture("a media file that is a symbolic link", "hostile-media-symlink"),
        ],
        nonTriggering: [
            RuleExample.fixture("an export of plain files", "task-images-every-shape"),
        ])

    static let all = [xml, schema, export]
}
