#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FileSources

/// Standard output and standard error, written to directly.
enum StandardStream: Int32 {
    case output = 1
    case error = 2

    /// Writes the text; a closed pipe or a full disk loses it, as it would for `print`.
    func write(_ text: String) {
        try? LocalWrites.writeAll(text, to: rawValue)
    }

    var isTerminal: Bool { isatty(rawValue) == 1 }
}
