/// What the first bytes of a media file say: its format and pixel size. No decoding, headers only.
public enum ImageHeader: Equatable, Sendable {
    /// A recognised image with its stored pixel size and how it is shown: `orientation` is the EXIF
    /// orientation (1–8; 5–8 show the image transposed) or, for HEIF/AVIF, 6 for an `irot` of 90° or 270°.
    case image(format: String, width: Int, height: Int, orientation: Int = 1)
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
        if bytes.count >= 12, Array(bytes[4..<8]) == Array("ftyp".utf8) { return isoMedia(bytes) }
        return .notImage
    }

    /// The size an image is shown at: stored width and height, swapped when its orientation transposes it.
    /// CVAT declares this size (its media reader swaps them for EXIF orientations above 4).
    public var displayedSize: (width: Int, height: Int)? {
        guard case let .image(_, width, height, orientation) = self else { return nil }
        return orientation > 4 ? (height, width) : (width, height)
    }

    /// HEIF, HEIC and AVIF (ISO base media): the brand names the format, the `ispe` property of
    /// `meta/iprp/ipco` the pixel size (the largest one, as thumbnails and alpha planes have their own),
    /// `irot` a quarter-turn rotation.
    private static let isoBrands: [String: String] = [
        "avif": "avif", "avis": "avif", "heic": "heif", "heix": "heif", "heim": "heif", "heis": "heif",
        "hevc": "heif", "hevx": "heif", "mif1": "heif", "msf1": "heif",
    ]

    private static func isoMedia(_ bytes: [UInt8]) -> ImageHeader {
        let brand = String(decoding: bytes[8..<12], as: UTF8.self)
        guard let format = isoBrands[brand] else { return .notImage }
        var sizes: [(Int, Int)] = []
        var quarterTurns = 0
        /// Walks the boxes in `range`, descending into the containers on the way to `ispe` and `irot`.
        func walk(_ range: Range<Int>) {
            var offset = range.lowerBound
            while offset + 8 <= range.upperBound {
                var size = be32(bytes, offset)
                let type = String(decoding: bytes[(offset + 4)..<(offset + 8)], as: UTF8.self)
                var header = 8
                if size == 1 {
                    guard offset + 16 <= bytes.count else { return }
                    size = Int(clamping: UInt64(be32(bytes, offset + 8)) << 32 | UInt64(be32(bytes, offset + 12)))
                    header = 16
                } else if size == 0 {
                    size = range.upperBound - offset
                }
                guard size >= header else { return }
                let end = offset + size
                let body = (offset + header)..<min(end, range.upperBound, bytes.count)
                switch type {
                case "meta": walk((body.lowerBound + 4)..<max(body.lowerBound + 4, body.upperBound))
                case "iprp", "ipco": walk(body)
                case "ispe" where body.count >= 12:
                    sizes.append((be32(bytes, body.lowerBound + 4), be32(bytes, body.lowerBound + 8)))
                case "irot" where body.count >= 1: quarterTurns = Int(bytes[body.lowerBound] & 3)
                default: break
                }
                if end > range.upperBound { return }
                offset = end
            }
        }
        walk(0..<bytes.count)
        guard let largest = sizes.max(by: { $0.0 * $0.1 < $1.0 * $1.1 }) else {
            // The properties sit near the start; read further only up to the header budget.
            return bytes.count >= maximumPrefix ? .unreadable(format: format)
                : .needMore(format: format, bytes: min(maximumPrefix, bytes.count * 4))
        }
        return .image(format: format, width: largest.0, height: largest.1, orientation: quarterTurns % 2 == 1 ? 6 : 1)
    }

    /// The orientation tag (274) of a TIFF structure (an EXIF block or a TIFF file) starting at `start`; 1 when absent.
    private static func exifOrientation(_ bytes: [UInt8], at start: Int) -> Int {
        guard start + 8 <= bytes.count else { return 1 }
        let little = bytes[start] == 0x49
        let u16 = { (offset: Int) in little ? le16(bytes, offset) : be16(bytes, offset) }
        let u32 = { (offset: Int) in little ? le32(bytes, offset) : be32(bytes, offset) }
        let directory = start + u32(start + 4)
        guard directory + 2 <= bytes.count else { return 1 }
        for entry in 0..<u16(directory) {
            let offset = directory + 2 + entry * 12
            guard offset + 12 <= bytes.count else { return 1 }
            if u16(offset) == 274 {
                let value = u16(offset + 8)
                return (1...8).contains(value) ? value : 1
            }
        }
        return 1
    }

    private static func png(_ bytes: [UInt8]) -> ImageHeader {
        guard bytes.count >= 24 else { return .needMore(format: "png", bytes: 24) }
        guard Array(bytes[12..<16]) == Array("IHDR".utf8) else { return .unreadable(format: "png") }
        return .image(format: "png", width: be32(bytes, 16), height: be32(bytes, 20))
    }

    private static func jpeg(_ bytes: [UInt8]) -> ImageHeader {
        var index = 2
        var orientation = 1
        while true {
            guard index + 4 <= bytes.count else { return needMoreOrGiveUp(index + 4, format: "jpeg", have: bytes.count) }
            guard bytes[index] == 0xFF else { return .unreadable(format: "jpeg") }
            let marker = bytes[index + 1]
            if marker == 0xFF { index += 1; continue }           // fill byte
            if marker == 0xD8 || (0xD0...0xD7).contains(marker) || marker == 0x01 { index += 2; continue }
            if marker == 0xD9 || marker == 0xDA { return .unreadable(format: "jpeg") }  // end, or scan before a frame
            let length = be16(bytes, index + 2)
            guard length >= 2 else { return .unreadable(format: "jpeg") }
            // APP1 "Exif\0\0": a TIFF structure whose first directory may say how the image is turned.
            if marker == 0xE1, index + 10 <= bytes.count, Array(bytes[(index + 4)..<(index + 10)]) == [0x45, 0x78, 0x69, 0x66, 0, 0] {
                orientation = exifOrientation(Array(bytes[(index + 10)..<min(bytes.count, index + 2 + length)]), at: 0)
            }
            let isStartOfFrame = (0xC0...0xCF).contains(marker) && marker != 0xC4 && marker != 0xC8 && marker != 0xCC
            if isStartOfFrame {
                guard index + 9 <= bytes.count else { return needMoreOrGiveUp(index + 9, format: "jpeg", have: bytes.count) }
                return .image(format: "jpeg", width: be16(bytes, index + 7), height: be16(bytes, index + 5),
                              orientation: orientation)
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
        return .image(format: "tiff", width: width, height: height, orientation: exifOrientation(bytes, at: 0))
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
