import Diagnostics
import FoundationEssentials

/// The one gate between a path that sources name and a read of it.
///
/// A path counts where it leads once symbolic links are resolved, as in kustomize's load
/// restrictor: `templates/x/cm.yaml -> /etc/passwd` is outside, a link that stays inside is
/// fine. Every read must stay in or below one of the allowed roots (for a compile: the
/// source root and the template roots of gitopsc.yaml); a kustomization's files must also
/// stay in or below its own folder (`check(_:in:at:)`). Serves the working tree and git
/// snapshots alike, through `FileSource`. Safe to share between concurrent builds.
public final class PathResolver: Sendable {
    public let files: any FileSource
    /// Paths in messages are relative to this folder when below it.
    public let displayBase: String
    /// The allowed roots as given, and resolved; nil when any folder may be read (`gitopsc
    /// build`, where kustomize's per-kustomization rule is the only one).
    private let roots: [(given: String, resolved: String)]?
    /// Said after a refusal by the roots: how to allow a folder.
    private let hint: String?
    private let resolved = Memo<String?>()
    /// Checks that passed, by path and folder as given: a build asks the same ones for
    /// every environment. Refusals are not kept: their message names the reference.
    private let passed = Locked<[String: String]>([:])

    public init(files: any FileSource, roots: [String]? = nil, displayBase: String, hint: String? = nil) {
        self.files = files
        self.displayBase = standardized(displayBase)
        self.roots = roots.map { $0.map { root in (standardized(root), files.resolvingSymlinks(standardized(root)) ?? root) } }
        self.hint = hint
    }

    /// `path` with symbolic links resolved, once per path; a link loop is an error at
    /// `location`, the position of the reference.
    public func resolve(_ path: String, at location: SourceLocation?) throws(Diagnostic) -> String {
        let path = standardized(path)
        let real = try? resolved.value(for: path) { () throws(Diagnostic) -> String? in files.resolvingSymlinks(path) }
        guard let real = real ?? nil else {
            throw Diagnostic.error("path.symlink-loop", "'\(display(path))' is a loop of symbolic links (too many levels)", at: location)
        }
        return real
    }

    /// Refuses `path` unless, links resolved, it is in or below `folder` (when given) and
    /// an allowed root. Returns `path` standardized, links kept, for messages to name it as
    /// written. `location` is the position of the reference; `hint` is said after a
    /// refusal by `folder` (one by the roots says the resolver's own).
    @discardableResult
    public func check(_ path: String, in folder: String? = nil, at location: SourceLocation?, hint folderHint: String? = nil) throws(Diagnostic) -> String {
        let key = folder.map { path + "\u{0}" + $0 } ?? path
        if let known = passed.withValue({ $0[key] }) { return known }
        let path = standardized(path)
        let real = try resolve(path, at: location)
        if let folder, !Self.isWithin(real, try resolve(folder, at: location)) {
            throw refusal(path, real: real, folders: [standardized(folder)], hint: folderHint, at: location)
        }
        if let roots, !roots.contains(where: { Self.isWithin(real, $0.resolved) }) {
            throw refusal(path, real: real, folders: roots.map(\.given), hint: hint, at: location)
        }
        passed.withValue { $0[key] = path }
        return path
    }

    /// kustomize's wording: "security; file 'X' is not in or below 'Y'".
    private func refusal(_ path: String, real: String, folders: [String], hint: String?, at location: SourceLocation?) -> Diagnostic {
        let what = files.kind(of: path) == .folder ? "folder" : "file"
        var message = "security; \(what) '\(display(path))' is not in or below "
        message += folders.map { "'\(display($0))'" }.joined(separator: " or ")
        if real != path { message += " (it resolves to '\(display(real))')" }
        if let hint { message += "; " + hint }
        return Diagnostic.error("path.outside-root", message, at: location)
    }

    /// Whether `path` is `folder` or below it; both resolved.
    public static func isWithin(_ path: String, _ folder: String) -> Bool {
        folder == "/" || path == folder || path.hasPrefix(folder + "/")
    }

    /// A path as messages print it.
    public func display(_ path: String) -> String {
        displayPath(path, base: displayBase)
    }
}

/// A path as messages print it: relative to `base` when below it, `.` for `base` itself.
public func displayPath(_ path: String, base: String) -> String {
    let path = standardized(path), base = standardized(base)
    if path == base { return "." }
    return PathResolver.isWithin(path, base) && base != "/" ? String(path.dropFirst(base.count + 1)) : path
}

/// An absolute path without `.`, `..`, repeated or trailing slashes; symbolic links kept.
/// Lexical, like `URL.standardizedFileURL`, but without Foundation's URL machinery: every
/// source read goes through here, so it must be cheap. A relative path is taken from the
/// current folder.
public func standardized(_ path: String) -> String {
    if isStandardized(path) { return path }
    let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    var segments: [Substring] = []
    for segment in absolute.split(separator: "/", omittingEmptySubsequences: true) {
        switch segment {
        case ".": continue
        case "..": if !segments.isEmpty { segments.removeLast() }
        default: segments.append(segment)
        }
    }
    return "/" + segments.joined(separator: "/")
}

/// The folder a path names its file or folder in: everything before its last `/` (`/` for
/// a name at the root; the path itself when it has no `/`). Lexical, like `standardized`.
public func parentFolder(of path: String) -> String {
    guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return path }
    return slash == path.utf8.startIndex ? "/" : String(path[..<slash])
}

/// Whether `standardized` would return the path unchanged: absolute, and no empty, `.` or
/// `..` segment (most paths, which then cost one pass over their bytes).
private func isStandardized(_ path: String) -> Bool {
    var path = path
    return path.withUTF8(isStandardized)
}

private func isStandardized(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    guard bytes.first == UInt8(ascii: "/") else { return false }
    if bytes.count == 1 { return true }
    var segmentLength = 0, dots = 0
    for byte in bytes[1...] {
        if byte == UInt8(ascii: "/") {
            guard segmentLength > 0, dots != segmentLength || dots > 2 else { return false }
            segmentLength = 0
            dots = 0
        } else {
            segmentLength += 1
            if byte == UInt8(ascii: ".") { dots += 1 }
        }
    }
    return segmentLength > 0 && (dots != segmentLength || dots > 2)
}
