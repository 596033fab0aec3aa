import Foundation

/// The temporary files and half-written outputs a run holds, so that a run stopped by a signal can remove
/// them on its way out (the CLI installs the handlers: the library never exits). A spool of a gigabyte
/// export's annotations would otherwise stay in the temporary folder after a Ctrl-C.
public enum ScratchPaths {
    /// The process's paths.
    static let registry = Registry()

    /// A new private file in the temporary folder ("cvat-lint-<uuid><suffix>", mode 600), held until
    /// `discard`; nil when it cannot be made.
    static func newFile(suffix: String) -> URL? {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cvat-lint-\(UUID().uuidString)\(suffix)")
        guard FileManager.default.createFile(atPath: url.path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            return nil
        }
        hold(url.path)
        return url
    }

    /// Holds a path made elsewhere (apply's output while it is written) until `discard` or `keep`.
    static func hold(_ path: String) { registry.hold(path) }

    /// Removes the path (a file or a folder and all in it) and lets it go.
    static func discard(_ path: String) { registry.discard(path) }

    /// Lets the path go and leaves it in place (apply's finished output).
    static func keep(_ path: String) { registry.keep(path) }

    /// Removes every path still held; the CLI calls it when a signal stops the run.
    public static func removeAll() { registry.removeAll() }

    /// Paths held, and whether a stop has begun removing them.
    final class Registry: @unchecked Sendable {
        private let lock = NSLock()
        /// Held by `removeAll` for the whole removal.
        private let removal = NSLock()
        // Guarded by `lock`.
        private var held: Set<String> = []
        /// Set by `removeAll`: a path made after it (another thread still running) is removed at once.
        private var stopping = false

        func hold(_ path: String) {
            let late = lock.withLock {
                if !stopping { held.insert(path) }
                return stopping
            }
            if late { try? FileManager.default.removeItem(atPath: path) }
        }

        func discard(_ path: String) {
            try? FileManager.default.removeItem(atPath: path)
            lock.withLock { _ = held.remove(path) }
        }

        func keep(_ path: String) {
            lock.withLock { _ = held.remove(path) }
        }

        /// Removes every path held. A second caller (SIGTERM on the heels of a Ctrl-C) waits until the first
        /// has removed them all: it returns only to end the process, which must not cut the removal short.
        func removeAll() {
            removal.withLock {
                let paths = lock.withLock {
                    let paths = held
                    held = []
                    stopping = true
                    return paths
                }
                for path in paths { try? FileManager.default.removeItem(atPath: path) }
            }
        }
    }
}
