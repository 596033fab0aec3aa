import Foundation

/// How long each pass of `apply` took (what the benchmark compares with `check`).
public struct ApplyTimings: Sendable {
    /// The check of the input, with the survey beside it.
    public var check: Duration = .zero
    /// The write pass: `annotations.xml` read again and written with the program's edits.
    public var write: Duration = .zero
    /// Media linked, copied or extracted into the output.
    public var media: Duration = .zero
    /// The check of the output, for as long as it ran past the write and the media (it runs beside the
    /// write; zero when the input's was reused, or nothing was written).
    public var outputCheck: Duration = .zero
    /// How the output was checked.
    public var outputCheckMode = OutputCheckMode.none

    /// How `apply` came by its output's check.
    public enum OutputCheckMode: String, Sendable {
        /// Nothing was written (a refusal or a dry run).
        case none
        /// The output is the input's bytes beside its media: the input's check is the output's.
        case reused = "the input's"
        /// Checked as it was written, on threads of its own.
        case besideWrite = "beside the write"
        /// Checked once written (the output never changed but its media did, or the media checked beside
        /// the write could differ from those written).
        case afterWrite = "after the write"
    }

    /// `check 2.14 s, write 2.20 s, media 0.00 s, output check 0.00 s (beside the write)`.
    public var summary: String {
        func seconds(_ duration: Duration) -> String {
            let (whole, atto) = duration.components
            return String(format: "%.2f s", Double(whole) + Double(atto) / 1e18)
        }
        return "check \(seconds(check)), write \(seconds(write)), media \(seconds(media)), "
            + "output check \(seconds(outputCheck)) (\(outputCheckMode.rawValue))"
    }
}
