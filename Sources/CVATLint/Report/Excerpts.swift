/// Lines of `annotations.xml`, fetched by number for the text report.
public enum Excerpts {
    /// Longest excerpt kept, in characters; a longer line is cut (an attribute can be megabytes long).
    public static let maximumLength = 240

    /// Reads the given lines (1-based) in one streaming pass that stops after the last one wanted.
    public static func lines(_ wanted: Set<Int>, of source: ExportSource) throws -> [Int: String] {
        guard let last = wanted.max(), last > 0 else { return [:] }
        var result: [Int: String] = [:]
        var line = 1
        var current: [UInt8] = []
        struct Done: Error {}
        do {
            try source.streamAnnotations { chunk in
                for byte in chunk {
                    if byte == UInt8(ascii: "\n") {
                        if wanted.contains(line) { result[line] = clip(current) }
                        line += 1
                        current.removeAll(keepingCapacity: true)
                        if line > last { throw Done() }
                    } else if wanted.contains(line), current.count < maximumLength * 4 {
                        current.append(byte)
                    }
                }
            }
            if wanted.contains(line), !current.isEmpty { result[line] = clip(current) }
        } catch is Done {}
        return result
    }

    private static func clip(_ bytes: [UInt8]) -> String {
        var text = String(decoding: bytes, as: UTF8.self)
        if text.hasSuffix("\r") { text.removeLast() }
        text = text.replacingTabs()
        return text.count > maximumLength ? String(text.prefix(maximumLength)) + "…" : text
    }
}

extension String {
    /// Tabs as single spaces, so a caret under a column lines up.
    func replacingTabs() -> String { String(map { $0 == "\t" ? " " : $0 }) }
}
