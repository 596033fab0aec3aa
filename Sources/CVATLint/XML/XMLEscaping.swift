/// Text made safe to write into XML 1.0.
public enum XMLEscaping {
    /// `text` escaped for element content, or for an attribute value in double quotes (`attribute`).
    /// In attributes, line breaks and tabs are written as references (a parser would read them raw as
    /// spaces); control characters XML 1.0 cannot hold are dropped.
    public static func escape(_ text: String, attribute: Bool) -> String {
        guard needsEscaping(text) else { return text }
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

    /// Whether `escape` would change `text` (false for most text, which is then written as it is).
    /// 0xEF leads U+FFFE and U+FFFF, which are dropped.
    static func needsEscaping(_ text: String) -> Bool {
        text.utf8.contains(where: isSpecial)
    }

    /// A byte `escape` may change: `&`, `<`, `>`, `"`, a control character, or the lead of U+FFFE/U+FFFF.
    @inline(__always)
    static func isSpecial(_ byte: UInt8) -> Bool {
        byte == 0x26 || byte == 0x3C || byte == 0x3E || byte == 0x22 || byte < 0x20 || byte == 0xEF
    }
}
