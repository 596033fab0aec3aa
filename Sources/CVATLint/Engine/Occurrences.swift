/// Counts occurrences per key, keeping the first place and an example, in first-seen order.
///
/// Rules report one finding per key ("12 shapes …, first at line N") instead of one per shape, so a
/// systematic problem does not flood the report, and memory grows with distinct keys, not with shapes.
public struct Occurrences<Key: Hashable> {
    public struct Entry {
        public var count: Int
        public var first: SourceLocation
        public var example: String?
    }

    private var order: [Key] = []
    private var entries: [Key: Entry] = [:]

    public init() {}

    public mutating func note(_ key: Key, at location: SourceLocation, example: String? = nil) {
        if entries[key] == nil {
            order.append(key)
            entries[key] = Entry(count: 1, first: location, example: example)
        } else {
            entries[key]?.count += 1
        }
    }

    /// Whether `key` was noted before (a rule builds the first occurrence's example only).
    public func contains(_ key: Key) -> Bool { entries[key] != nil }

    /// Every key with its entry, in first-seen order.
    public var all: [(key: Key, entry: Entry)] {
        order.compactMap { key in entries[key].map { (key, $0) } }
    }

    public var isEmpty: Bool { order.isEmpty }
}

/// "1 shape" / "3 shapes".
public func counted(_ count: Int, _ noun: String) -> String {
    "\(count) \(noun)\(count == 1 ? "" : "s")"
}
