#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An error of the operating system, by its number; its description is the system's words
/// for it ("Permission denied"), which is what messages show.
public struct SystemError: Error, CustomStringConvertible, Sendable {
    public let code: Int32

    public init(_ code: Int32) {
        self.code = code
    }

    /// The error the last failed call left in `errno`.
    public static var last: SystemError { SystemError(errno) }

    public var description: String { String(cString: strerror(code)) }
}

/// Writes to the local disk: the one place that creates folders and files, so every command
/// writes the same way (permissions from the umask, replacement by rename).
public enum LocalWrites {
    /// Creates `folder` and every missing folder above it; an existing folder is fine.
    public static func makeFolders(_ folder: String) throws(SystemError) {
        guard !folder.isEmpty, mkdir(folder, 0o777) != 0 else { return }
        switch errno {
        case EEXIST:
            var status = stat()
            guard stat(folder, &status) == 0, status.st_mode & S_IFMT == S_IFDIR else { throw SystemError(ENOTDIR) }
        case ENOENT:
            guard let slash = folder.utf8.lastIndex(of: UInt8(ascii: "/")), slash != folder.utf8.startIndex else {
                throw SystemError(ENOENT)
            }
            try makeFolders(String(folder[..<slash]))
            guard mkdir(folder, 0o777) == 0 || errno == EEXIST else { throw .last }
        default:
            throw .last
        }
    }

    /// Writes a new file, or replaces the file at `path` by renaming a finished temporary
    /// file over it: a reader of an existing file sees the old file or the new one, never
    /// part of either. The file is not flushed to the disk (as `kubectl kustomize -o` and
    /// `git checkout` do not flush): the output is derived, and a later run writes it again.
    public static func replace(_ path: String, with text: String) throws(SystemError) {
        // A new file needs no temporary: there is no old file a reader could miss, and a
        // failed write removes it. It saves the rename, which costs as much as the write.
        do {
            return try create(path, with: text)
        } catch where error.code == EEXIST {}
        let (descriptor, temporary) = try createTemporary(besides: path)
        try fill(descriptor, at: temporary, with: text)
        guard rename(temporary, path) == 0 else {
            let failure = SystemError.last
            unlink(temporary)
            throw failure
        }
    }

    /// Writes a file that must not exist yet: a file that appeared meanwhile is not replaced
    /// (the error is `EEXIST`).
    public static func create(_ path: String, with text: String) throws(SystemError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else { throw .last }
        try fill(descriptor, at: path, with: text)
    }

    /// Writes the text into a file just created at `path` and closes it; on failure the
    /// file is removed, so that no part of it is left.
    private static func fill(_ descriptor: Int32, at path: String, with text: String) throws(SystemError) {
        do throws(SystemError) {
            try writeAll(text, to: descriptor)
        } catch {
            close(descriptor)
            unlink(path)
            throw error
        }
        guard close(descriptor) == 0 else {
            let failure = SystemError.last
            unlink(path)
            throw failure
        }
    }

    private static let temporaryCounter = Locked(0)

    /// A new, empty file in the folder of `path`, named after it, hidden (`.name.gitopsc-…`),
    /// with the permissions a new file gets (0666 less the umask).
    private static func createTemporary(besides path: String) throws(SystemError) -> (Int32, String) {
        let slash = path.utf8.lastIndex(of: UInt8(ascii: "/"))
        let folder = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.utf8.index(after: $0)...]) } ?? path
        while true {
            let serial = temporaryCounter.withValue { counter -> Int in
                counter += 1
                return counter
            }
            let temporary = folder + "." + name + ".gitopsc-\(getpid())-\(serial)"
            let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
            if descriptor >= 0 { return (descriptor, temporary) }
            guard errno == EEXIST else { throw .last }
        }
    }

    /// Writes all of a text's UTF-8 to an open file (or a pipe, a terminal), however many
    /// calls it takes, from the string's own storage (files are written by the hundred
    /// thousand: no copy of each).
    public static func writeAll(_ text: String, to descriptor: Int32) throws(SystemError) {
        var text = text
        let failure = text.withUTF8 { bytes -> SystemError? in
            var offset = 0
            while offset < bytes.count {
                let count = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if count < 0 {
                    guard errno == EINTR else { return .last }
                    continue
                }
                offset += count
            }
            return nil
        }
        if let failure { throw failure }
    }
}
