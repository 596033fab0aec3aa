/// Stable identities of findings, shared by SARIF `partialFingerprints`, GitLab fingerprints and baselines.
///
/// A finding's key is its rule, issue type and place in the export (file, task, subset, image, frame,
/// track, label, attribute), never its line, so a re-export whose lines shifted keeps its identities.
/// Findings without a place use their message with numbers masked. Identical keys get an ordinal.
public enum Fingerprint {
    /// The path-independent keys of an export's findings, in order (same count as `findings`).
    public static func keys(of findings: [Finding]) -> [String] {
        var seen: [String: Int] = [:]
        return findings.map { finding in
            let base = semanticKey(finding)
            let ordinal = seen[base, default: 0]
            seen[base] = ordinal + 1
            return hash(base + "#\(ordinal)")
        }
    }

    /// The fingerprints of an export's findings: their keys, salted with the export's path.
    public static func fingerprints(of findings: [Finding], exportPath: String) -> [String] {
        keys(of: findings).map { hash(exportPath + "\u{1F}" + $0) }
    }

    static func semanticKey(_ finding: Finding) -> String {
        let place = finding.location
        var parts = [finding.rule, finding.issueType, place.file]
        let context: [String?] = [
            place.taskID.map { "task=\($0)" }, place.subset.map { "subset=\($0)" },
            place.image.map { "image=\($0)" } ?? place.imageID.map { "image-id=\($0)" },
            place.frame.map { "frame=\($0)" }, place.trackID.map { "track=\($0)" },
            place.label.map { "label=\($0)" }, place.attribute.map { "attribute=\($0)" },
        ]
        let known = context.compactMap { $0 }
        parts += known
        if known.isEmpty || finding.rule == "schema" || finding.rule == "xml" {
            parts.append(maskingNumbers(finding.message))
        }
        return parts.joined(separator: "\u{1F}")
    }

    /// "3 shapes up to 2.5 px" → "# shapes up to #.# px": counts change as annotations are added.
    static func maskingNumbers(_ text: String) -> String {
        var result = ""
        var inNumber = false
        for character in text {
            if character.isASCII && character.isNumber {
                if !inNumber { result.append("#") }
                inNumber = true
            } else {
                inNumber = false
                result.append(character)
            }
        }
        return result
    }

    /// 64-bit FNV-1a: a stable key for exact-duplicate detection.
    public static func hash64(_ text: String) -> UInt64 {
        var value: UInt64 = 0xcbf29ce484222325
        for byte in text.utf8 { value = (value ^ UInt64(byte)) &* 0x100000001b3 }
        return value
    }

    /// 128-bit FNV-1a as 32 hex digits: stable across runs and machines (Swift's Hasher is seeded per process).
    public static func hash(_ text: String) -> String {
        var low: UInt64 = 0xcbf29ce484222325
        var high: UInt64 = 0x84222325cbf29ce4
        for byte in text.utf8 {
            low = (low ^ UInt64(byte)) &* 0x100000001b3
            high = (high ^ UInt64(byte) ^ (low >> 29)) &* 0x100000001b3
        }
        return hex(high) + hex(low)
    }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}

/// A fast 128-bit content hash for finding identical files (not for security): two independent 64-bit
/// lanes mix the bytes eight at a time. Streamed: feed chunks, then read `value`.
public struct ContentHash: Sendable {
    private var low: UInt64 = 0x9E3779B97F4A7C15
    private var high: UInt64 = 0xC2B2AE3D27D4EB4F
    private var length: UInt64 = 0
    /// Bytes of an unfinished 8-byte word, carried to the next chunk.
    private var carry: UInt64 = 0
    private var carried = 0

    public init() {}

    private mutating func mix(_ word: UInt64) {
        low = (low ^ word) &* 0xFF51AFD7ED558CCD
        low = (low << 31) | (low >> 33)
        high = (high &+ word) &* 0xC4CEB9FE1A85EC53
        high ^= high >> 29
    }

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        length &+= UInt64(bytes.count)
        var index = 0
        while carried > 0, index < bytes.count {
            carry |= UInt64(bytes[index]) << (8 * UInt64(carried))
            carried += 1
            index += 1
            if carried == 8 {
                mix(carry)
                carry = 0
                carried = 0
            }
        }
        while index + 8 <= bytes.count {
            mix(UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)))
            index += 8
        }
        while index < bytes.count {
            carry |= UInt64(bytes[index]) << (8 * UInt64(carried))
            carried += 1
            index += 1
        }
    }

    /// The hash of everything fed so far (with its length).
    public var value: String {
        var copy = self
        if copy.carried > 0 { copy.mix(copy.carry ^ 0x80) }
        copy.mix(length)
        return String(copy.low, radix: 16) + "-" + String(copy.high, radix: 16)
    }
}
