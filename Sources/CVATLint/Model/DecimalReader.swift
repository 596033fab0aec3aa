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
        guard let start = bytes.baseAddress else { return nil }
        let end = start + bytes.count
        var cursor = start
        var negative = false
        if cursor < end, cursor.pointee == 0x2D || cursor.pointee == 0x2B {
            negative = cursor.pointee == 0x2D
            cursor += 1
        }
        // The mantissa's digits from its first non-zero one are its significant digits: at most 15 while
        // it stays under 10^15.
        var mantissa: UInt64 = 0
        /// Reads a run of digits into the mantissa: how many, or nil once it holds too many to be exact.
        func digitRun() -> Int? {
            let runStart = cursor
            while cursor < end {
                let digit = cursor.pointee &- 0x30
                guard digit < 10 else { break }
                mantissa = mantissa &* 10 &+ UInt64(digit)
                guard mantissa < exactLimit else { return nil }
                cursor += 1
            }
            return cursor - runStart
        }
        guard let integerDigits = digitRun() else { return nil }
        var fraction = 0
        if cursor < end, cursor.pointee == 0x2E {
            cursor += 1
            guard let digits = digitRun() else { return nil }
            fraction = digits
        }
        guard integerDigits + fraction > 0, fraction < powersOfTen.count else { return nil }
        // An exponent or a second digit run is the general parser's to read.
        if cursor < end, cursor.pointee == 0x65 || cursor.pointee == 0x45 { return nil }
        let magnitude = Double(mantissa) / powersOfTen[fraction]
        return (negative ? -magnitude : magnitude, cursor - start)
    }

    /// The whole text as one plain decimal, or nil.
    static func whole(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        guard let (value, length) = read(bytes), length == bytes.count else { return nil }
        return value
    }

    /// 10^15: a mantissa under it has at most 15 significant digits, which a Double holds exactly.
    private static let exactLimit: UInt64 = 1_000_000_000_000_000

    private static let powersOfTen: [Double] = (0...22).map { exponent in
        (0..<exponent).reduce(1.0) { value, _ in value * 10 }
    }
}
