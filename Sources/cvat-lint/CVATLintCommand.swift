import ArgumentParser
import CVATLint
import CVATLintRules
import Foundation

@main
struct CVATLintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cvat-lint",
        abstract: "Validate and lint CVAT exports (CVAT for images/video 1.1) before an import.",
        version: ToolInfo.version,
        subcommands: [Check.self, Apply.self, Rules.self, Explain.self, Schema.self],
        defaultSubcommand: Check.self
    )

    /// Runs the command, mapping argument errors to exit code 2 (argument-parser's own is 64).
    static func main() {
        StopSignals.install()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            if exitCode(for: error) == .validationFailure {
                printError(fullMessage(for: error))
                Foundation.exit(ExitStatus.unusableInput.rawValue)
            }
            exit(withError: error)
        }
    }
}

/// Exit codes: 0 no errors, 1 errors found, 2 usage or unreadable input.
enum ExitStatus {
    static let findings = ExitCode(1)
    static let unusableInput = ExitCode(2)
}

/// SIGINT, SIGTERM and SIGHUP remove the run's temporary files and half-written output, then stop the process
/// as the signal would have (a shell sees 130 for a Ctrl-C). A signal the parent set to be ignored stays ignored.
enum StopSignals {
    // Kept for the life of the process: a source that is released stops delivering.
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []

    static func install() {
        for number in [SIGINT, SIGTERM, SIGHUP] {
            // Ignored by default so that the dispatch source, not the default action, receives it.
            let previous = signal(number, SIG_IGN)
            // Handlers are C function pointers, compared by address.
            guard unsafeBitCast(previous, to: Int.self) != unsafeBitCast(SIG_IGN, to: Int.self) else { continue }
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                ScratchPaths.removeAll()
                signal(number, SIG_DFL)
                // Dispatch's worker threads block signals: unblock it here, or raise would leave it pending.
                var unblocked = sigset_t()
                sigemptyset(&unblocked)
                sigaddset(&unblocked, number)
                pthread_sigmask(SIG_UNBLOCK, &unblocked, nil)
                raise(number)
                _exit(128 + number)
            }
            source.resume()
            sources.append(source)
        }
    }
}

/// Writes one line to standard error.
func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

extension ReportFormat: ExpressibleByArgument {}
extension Severity: ExpressibleByArgument {}
extension TextReporter.Grouping: ExpressibleByArgument {}

/// A one-line progress bar on standard error, for large inputs on a terminal.
final class ProgressBar {
    /// Inputs smaller than this finish before a bar would help.
    static let threshold: UInt64 = 64 << 20
    private var shown = false

    /// A bar when standard error is a terminal, else nil.
    static func forStandardError() -> ProgressBar? {
        isatty(STDERR_FILENO) != 0 ? ProgressBar() : nil
    }

    func update(path: String, done: UInt64, total: UInt64?) {
        guard let total, total >= Self.threshold else { return }
        let fraction = min(1, Double(done) / Double(max(total, 1)))
        let width = 30
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let name = (path as NSString).lastPathComponent
        FileHandle.standardError.write(Data("\r\(bar) \(Int(fraction * 100))% \(name) (\(done >> 20)/\(total >> 20) MB)".utf8))
        shown = true
    }

    func clear() {
        guard shown else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
        shown = false
    }
}
