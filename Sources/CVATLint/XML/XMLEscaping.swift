/// Text made safe to write into XML 1.0.
public enum XMLEscaping {
    /// `text` escaped for element content, or for an attribute value in double quotes (`attribute`).
    /// In attributes, line breaks and tabs are written as references (a parser would read them raw as
    /// spaces); control characters XML 1.0 cannot hold are dropped.
    public static func escape(_ text: String, attribute: Bool) -> String {
        let needs = text.utf8.contains { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 < 0x20 || $0 == 0xEF }
        guard needs else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"" where attribute: out += "&quot;"
            case "\n" where attribute: out += "&#10;"
            case "\t" where attribute: out += "&#9;"
            case "\r": out += "&#13;"
            case "\n", "\t", "\"": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
