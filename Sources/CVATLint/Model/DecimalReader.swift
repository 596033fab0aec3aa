/// Reads the plain decimals CVAT writes ("12.50", "-3", ".5") exactly, without the C library.
///
/// A number with at most 15 significant digits and at most 22 after the point is an integer that a
/// Double holds exactly, divided by a power of ten that a Double holds exactly: one IEEE division, so
/// the result is the correctly rounded value, the same as `strtod` gives. Anything else (exponents,
/// long mantissas, words) is left to the caller's general parser. Geometry is most of an export's
/// numbers, and this is several times faster than `strtod` on them.
enum DecimalReader {
    /// The number at the start of `bytes` and how many bytes it took; nil when the text is not a plain
    /// decimal this reader can take exactly (the caller then uses a general parser).
    static func read(_ bytes: UnsafeBufferPointer<UInt8>) -> (value: Double, length: Int)? {
        var index = 0
        let count = bytes.count
        var negative = false
        if index < count, bytes[index] == 0x2D || bytes[index] == 0x2B {
            negative = bytes[index] == 0x2D
            index += 1
        }
        var mantissa: UInt64 = 0
        var digits = 0
        var significant = 0
        var fraction = 0
        var seenPoint = false
        while index < count {
            let byte = bytes[index]
            if byte >= 0x30, byte <= 0x39 {
                digits += 1
                if mantissa != 0 || byte != 0x30 { significant += 1 }
                guard significant <= 15 else { return nil }
                mantissa = mantissa * 10 + UInt64(byte - 0x30)
                if seenPoint { fraction += 1 }
            } else if byte == 0x2E, !seenPoint {
                seenPoint = true
            } else {
                break
            }
            index += 1
        }
        guard digits > 0, fraction < powersOfTen.count else { return nil }
        // An exponent or a second digit run is the general parser's to read.
        if index < count, bytes[index] == 0x65 || bytes[index] == 0x45 { return nil }
        let magnitude = Double(mantissa) / powersOfTen[fraction]
        return (negative ? -magnitude : magnitude, index)
    }

    /// The whole text as one plain decimal, or nil.
    static func whole(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        guard let (value, length) = read(bytes), length == bytes.count else { return nil }
        return value
    }

    private static let powersOfTen: [Double] = (0...22).map { exponent in
        (0..<exponent).reduce(1.0) { value, _ in value * 10 }
    }
}
