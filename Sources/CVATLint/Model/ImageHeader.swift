/// What the first bytes of a media file say: its format and pixel size. No decoding, headers only.
public enum ImageHeader: Equatable, Sendable {
    /// A recognised image with its pixel size (nil when the header is cut short or odd).
    case image(format: String, width: Int, height: Int)
    /// A recognised format whose size lies further in than the bytes given (read this many and ask again).
    case needMore(format: String, bytes: Int)
    /// A recognised format, but its size could not be read.
    case unreadable(format: String)
    /// No image signature.
    case notImage

    /// The most bytes worth reading for a header (a JPEG's size may follow a large EXIF block).
    public static let maximumPrefix = 1 << 20

    /// Reads a header from a file's first bytes.
    public static func parse(_ bytes: [UInt8]) -> ImageHeader {
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return png(bytes) }
        if bytes.starts(with: [0xFF, 0xD8]) { return jpeg(bytes) }
        if bytes.starts(with: Array("GIF87a".utf8)) || bytes.starts(with: Array("GIF89a".utf8)) {
            guard bytes.count >= 10 else { return .needMore(format: "gif", bytes: 10) }
            return .image(format: "gif", width: le16(bytes, 6), height: le16(bytes, 8))
        }
        if bytes.starts(with: Array("BM".utf8)) {
            guard bytes.count >= 26 else { return .needMore(format: "bmp", bytes: 26) }
            return .image(format: "bmp", width: abs(Int(Int32(bitPattern: UInt32(le32(bytes, 18))))),
                          height: abs(Int(Int32(bitPattern: UInt32(le32(bytes, 22))))))
        }
        if bytes.count >= 12, bytes.starts(with: Array("RIFF".utf8)), Array(bytes[8..<12]) == Array("WEBP".utf8) {
            return webp(bytes)
        }
        if bytes.starts(with: [0x49, 0x49, 0x2A, 0x00]) { return tiff(bytes, littleEndian: true) }
        if bytes.starts(with: [0x4D, 0x4D, 0x00, 0x2A]) { return tiff(bytes, littleEndian: false) }
        return .notImage
    }

    private static func png(_ bytes: [UInt8]) -> ImageHeader {
        guard bytes.count >= 24 else { return .needMore(format: "png", bytes: 24) }
        guard Array(bytes[12..<16]) == Array("IHDR".utf8) else { return .unreadable(format: "png") }
        return .image(format: "png", width: be32(bytes, 16), height: be32(bytes, 20))
    }

    private static func jpeg(_ bytes: [UInt8]) -> ImageHeader {
        var index = 2
        while true {
            guard index + 4 <= bytes.count else { return needMoreOrGiveUp(index + 4, format: "jpeg", have: bytes.count) }
            guard bytes[index] == 0xFF else { return .unreadable(format: "jpeg") }
            let marker = bytes[index + 1]
            if marker == 0xFF { index += 1; continue }           // fill byte
            if marker == 0xD8 || (0xD0...0xD7).contains(marker) || marker == 0x01 { index += 2; continue }
            if marker == 0xD9 || marker == 0xDA { return .unreadable(format: "jpeg") }  // end, or scan before a frame
            let length = be16(bytes, index + 2)
            guard length >= 2 else { return .unreadable(format: "jpeg") }
            let isStartOfFrame = (0xC0...0xCF).contains(marker) && marker != 0xC4 && marker != 0xC8 && marker != 0xCC
            if isStartOfFrame {
                guard index + 9 <= bytes.count else { return needMoreOrGiveUp(index + 9, format: "jpeg", have: bytes.count) }
                return .image(format: "jpeg", width: be16(bytes, index + 7), height: be16(bytes, index + 5))
            }
            index += 2 + length
        }
    }

    private static func webp(_ bytes: [UInt8]) -> ImageHeader {
        guard bytes.count >= 30 else { return .needMore(format: "webp", bytes: 30) }
        switch String(decoding: bytes[12..<16], as: UTF8.self) {
        case "VP8 ":
            return .image(format: "webp", width: le16(bytes, 26) & 0x3FFF, height: le16(bytes, 28) & 0x3FFF)
        case "VP8L":
            let bits = le32(bytes, 21)
            return .image(format: "webp", width: (bits & 0x3FFF) + 1, height: ((bits >> 14) & 0x3FFF) + 1)
        case "VP8X":
            return .image(format: "webp", width: le24(bytes, 24) + 1, height: le24(bytes, 27) + 1)
        default:
            return .unreadable(format: "webp")
        }
    }

    private static func tiff(_ bytes: [UInt8], littleEndian: Bool) -> ImageHeader {
        let u16 = { (offset: Int) in littleEndian ? le16(bytes, offset) : be16(bytes, offset) }
        let u32 = { (offset: Int) in littleEndian ? le32(bytes, offset) : be32(bytes, offset) }
        guard bytes.count >= 8 else { return .needMore(format: "tiff", bytes: 8) }
        let directory = u32(4)
        guard directory >= 8, directory < maximumPrefix else { return .unreadable(format: "tiff") }
        guard directory + 2 <= bytes.count else { return needMoreOrGiveUp(directory + 2, format: "tiff", have: bytes.count) }
        let entries = u16(directory)
        let end = directory + 2 + entries * 12
        guard end <= bytes.count else { return needMoreOrGiveUp(end, format: "tiff", have: bytes.count) }
        var width: Int?
        var height: Int?
        for entry in 0..<entries {
            let offset = directory + 2 + entry * 12
            let tag = u16(offset)
            let type = u16(offset + 2)
            let value = type == 3 ? u16(offset + 8) : u32(offset + 8)
            if tag == 256 { width = value }
            if tag == 257 { height = value }
        }
        guard let width, let height else { return .unreadable(format: "tiff") }
        return .image(format: "tiff", width: width, height: height)
    }

    private static func needMoreOrGiveUp(_ needed: Int, format: String, have: Int) -> ImageHeader {
        needed <= maximumPrefix && needed > have
            ? .needMore(format: format, bytes: min(maximumPrefix, max(needed, have * 4))) : .unreadable(format: format)
    }

    private static func be16(_ b: [UInt8], _ i: Int) -> Int { Int(b[i]) << 8 | Int(b[i + 1]) }
    private static func le16(_ b: [UInt8], _ i: Int) -> Int { Int(b[i]) | Int(b[i + 1]) << 8 }
    private static func le24(_ b: [UInt8], _ i: Int) -> Int { Int(b[i]) | Int(b[i + 1]) << 8 | Int(b[i + 2]) << 16 }
    private static func be32(_ b: [UInt8], _ i: Int) -> Int {
        Int(b[i]) << 24 | Int(b[i + 1]) << 16 | Int(b[i + 2]) << 8 | Int(b[i + 3])
    }
    private static func le32(_ b: [UInt8], _ i: Int) -> Int {
        Int(b[i]) | Int(b[i + 1]) << 8 | Int(b[i + 2]) << 16 | Int(b[i + 3]) << 24
    }
}
