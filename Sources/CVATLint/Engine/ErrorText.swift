import Foundation

/// One line for a person about an error that stopped a run.
public enum ErrorText {
    /// The library's own errors as they describe themselves; Foundation's file errors as "path: reason"
    /// (on Linux their description is the whole NSError dictionary, underlying error and URL included).
    public static func line(_ error: any Error) -> String {
        let bridged = error as NSError
        guard bridged.domain == NSCocoaErrorDomain || bridged.domain == NSPOSIXErrorDomain else { return "\(error)" }
        let path = bridged.userInfo[NSFilePathErrorKey] as? String ?? (bridged.userInfo[NSURLErrorKey] as? URL)?.path
        return [path, reason(bridged)].compactMap { $0 }.joined(separator: ": ")
    }

    /// The operating system's words where there are some (strerror of the POSIX code), else Foundation's.
    private static func reason(_ error: NSError) -> String {
        // The underlying error may be stored as a Swift POSIXError, which `as? NSError` does not bridge on Linux.
        let underlying = (error.userInfo[NSUnderlyingErrorKey] as? any Error).map { $0 as NSError }
        let posix = error.domain == NSPOSIXErrorDomain ? error : underlying
        if let posix, posix.domain == NSPOSIXErrorDomain, let text = strerror(Int32(truncatingIfNeeded: posix.code)) {
            return lowercasedFirst(String(cString: text))
        }
        return lowercasedFirst(error.localizedDescription.trimmingCharacters(in: CharacterSet(charactersIn: ".")))
    }

    private static func lowercasedFirst(_ text: String) -> String {
        text.prefix(1).lowercased() + text.dropFirst()
    }
}
