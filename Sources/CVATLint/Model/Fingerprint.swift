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
