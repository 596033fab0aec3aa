/// Names in first-insertion order, each once. A few are compared in a scan, cheaper than hashing for the
/// handful of attributes or labels a list usually has; past `scanLimit` a set answers, so that thousands of them
/// do not cost their square on every shape.
public struct OrderedNames: Sendable {
    public private(set) var names: [String] = []
    private var index: Set<String> = []
    static let scanLimit = 16

    public init() {}

    public func contains(_ name: String) -> Bool {
        names.count <= Self.scanLimit ? names.contains(name) : index.contains(name)
    }

    public mutating func insert(_ name: String) {
        // Names come in runs (the shapes of one label): the last is nearly always the one.
        guard names.last != name else { return }
        if names.count <= Self.scanLimit {
            guard !names.contains(name) else { return }
            names.append(name)
            if names.count > Self.scanLimit { index = Set(names) }
        } else if index.insert(name).inserted {
            names.append(name)
        }
    }
}
