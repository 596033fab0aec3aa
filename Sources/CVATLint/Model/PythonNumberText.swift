/// Numbers in text as Python reads and writes them, for the importers written in Python (CVAT's and Datumaro's
/// readers): `int()`, `float()` and `str()` of a float.
public enum PythonNumberText {
    /// Whether `text` is a whole number as `int()` reads one (Datumaro's reader reads a frame size so): spaces
    /// around it, a sign, decimal digits of any script, single underscores between digits.
    public static func isWholeNumber(_ text: String?) -> Bool {
        guard let text, let ascii = asciiDigits(text) else { return false }
        var rest = ascii[...]
        if let sign = rest.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { rest = rest.dropFirst() }
        return digitPart(&rest) && rest.isEmpty
    }

    /// The number `float()` reads from `text`, or nil where it raises: spaces around it, a sign, decimal digits
    /// of any script with single underscores between them, a point, an exponent; `inf`, `infinity` and `nan`
    /// in any case. (Swift's own reader also takes hexadecimal, which Python's does not.)
    public static func float(_ text: String) -> Double? {
        // Most texts that are no number say so by their first character (a letter but those of inf and nan).
        if let first = text.utf8.first, first < 0x80, (first | 0x20) >= UInt8(ascii: "a"), (first | 0x20) <= UInt8(ascii: "z"),
           first | 0x20 != UInt8(ascii: "i"), first | 0x20 != UInt8(ascii: "n") {
            return nil
        }
        guard let ascii = asciiDigits(text) else { return nil }
        var rest = ascii[...]
        let negative = rest.first == UInt8(ascii: "-")
        if let sign = rest.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { rest = rest.dropFirst() }
        switch String(decoding: rest, as: UTF8.self).lowercased() {
        case "inf", "infinity": return negative ? -.infinity : .infinity
        case "nan": return .nan
        default: break
        }
        // digits [. [digits]] | . digits, then an optional exponent; underscores only between digits.
        let whole = digitPart(&rest)
        var fraction = false
        if rest.first == UInt8(ascii: ".") {
            rest = rest.dropFirst()
            fraction = digitPart(&rest)
        }
        guard whole || fraction else { return nil }
        if let e = rest.first, e | 0x20 == UInt8(ascii: "e") {
            rest = rest.dropFirst()
            if let sign = rest.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { rest = rest.dropFirst() }
            guard digitPart(&rest) else { return nil }
        }
        guard rest.isEmpty else { return nil }
        return Double(String(decoding: ascii.filter { $0 != UInt8(ascii: "_") }, as: UTF8.self))
    }

    /// `str(float(text))`, or nil where `float()` raises. Most values of a number are short whole numbers, which it
    /// writes with `.0`: those are spelt without the full reading.
    public static func floatSpelling(_ text: String) -> String? {
        let digits = text.utf8
        if (1...15).contains(digits.count), digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
           digits.count == 1 || digits.first != UInt8(ascii: "0") {
            return text + ".0"
        }
        return float(text).map(string)
    }

    /// `str(value)` (the same as `repr`): the shortest digits that read back as `value`, positional from 1e-4 up to
    /// 1e16 with at least one decimal (`3.0`), in exponent form outside (`1e+16`, `1e-05`).
    public static func string(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        let sign = value.sign == .minus ? "-" : ""
        if value == 0 { return sign + "0.0" }
        // Swift's description has the same shortest digits; only where it puts the point differs.
        let (digits, point) = shortestDigits(abs(value).description)
        if point <= -4 || point > 16 {
            let exponent = point - 1
            let mantissa = digits.count > 1 ? String(digits.prefix(1)) + "." + digits.dropFirst() : digits
            let magnitude = String(abs(exponent))
            return sign + mantissa + (exponent < 0 ? "e-" : "e+") + (magnitude.count < 2 ? "0" : "") + magnitude
        }
        if point <= 0 { return sign + "0." + String(repeating: "0", count: -point) + digits }
        if point >= digits.count { return sign + digits + String(repeating: "0", count: point - digits.count) + ".0" }
        return sign + digits.prefix(point) + "." + digits.dropFirst(point)
    }

    /// The significant digits of a positive number's description and where its point falls among them
    /// (`12.5` → ("125", 2), `0.001` → ("1", -2), `1e+16` → ("1", 17)).
    private static func shortestDigits(_ description: String) -> (String, Int) {
        let parts = description.split(separator: "e", maxSplits: 1)
        let exponent = parts.count == 2 ? Int(parts[1]) ?? 0 : 0
        let mantissa = parts[0]
        let integer = mantissa.prefix { $0 != "." }
        let fraction = mantissa.drop { $0 != "." }.dropFirst()
        let all = String(integer) + fraction
        let leading = all.prefix { $0 == "0" }.count
        var digits = String(all.dropFirst(leading))
        while digits.count > 1, digits.hasSuffix("0") { digits.removeLast() }
        return (digits, integer.count - leading + exponent)
    }

    /// `text` with the whitespace around it gone and every decimal digit of another script made ASCII, as
    /// Python does before reading a number; nil when another character outside ASCII is left.
    private static func asciiDigits(_ text: String) -> [UInt8]? {
        var scalars = Substring(text).unicodeScalars.drop(while: isSpace)
        while let last = scalars.last, isSpace(last) { scalars = scalars.dropLast() }
        var ascii: [UInt8] = []
        ascii.reserveCapacity(scalars.count)
        for scalar in scalars {
            if scalar.isASCII {
                ascii.append(UInt8(scalar.value))
            } else if scalar.properties.numericType == .decimal, let value = scalar.properties.numericValue {
                ascii.append(UInt8(ascii: "0") + UInt8(value))
            } else {
                return nil
            }
        }
        return ascii
    }

    /// The white space Python strips from a number: Unicode's (its ASCII part is tab to carriage return and the
    /// space; U+001C–U+001F, which `str.isspace` counts, are not stripped and stop the read).
    private static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isWhitespace
    }

    /// Consumes digits with single underscores between them; false (consuming nothing) when none start `text`.
    private static func digitPart(_ text: inout ArraySlice<UInt8>) -> Bool {
        var index = text.startIndex
        var digits = 0
        while index < text.endIndex {
            let byte = text[index]
            if (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
                digits += 1
                index += 1
            } else if byte == UInt8(ascii: "_"), digits > 0, index + 1 < text.endIndex,
                      (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(text[index + 1]) {
                index += 1
            } else {
                break
            }
        }
        guard digits > 0 else { return false }
        text = text[index...]
        return true
    }
}
