#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FoundationEssentials

public enum FileKind: Sendable {
    case file
    case folder
}

/// Where sources are read from: the working tree, or a snapshot such as a git revision.
/// Every reader of sources (kustomize builds, environments, the compiler) goes through
/// one, so that compiling a revision needs no checkout. Paths are absolute.
public protocol FileSource: Sendable {
    func kind(of path: String) -> FileKind?
    func contents(of path: String) -> [UInt8]?
    /// Names of the entries of a folder, sorted; nil when it is not a folder.
    func children(of folder: String) -> [String]?
    /// The path with symbolic links resolved, for containment checks (`PathResolver`);
    /// the part of the path that does not exist is kept as written. nil when the links
    /// loop.
    func resolvingSymlinks(_ path: String) -> String?
    /// Whether the entry itself is a symbolic link (whatever it points to).
    func isSymbolicLink(_ path: String) -> Bool
}

extension FileSource {
    /// Every entry below a folder that is not a folder, as paths relative to it, sorted.
    /// Links to folders are not followed, since one can loop (`ln -s . loop`) or leave the
    /// tree; they are returned in `folderLinks` so that callers can say so.
    public func walk(_ folder: String) -> (files: [String], folderLinks: [String]) {
        var files: [String] = [], links: [String] = []
        for name in children(of: folder) ?? [] {
            let path = folder + "/" + name
            if kind(of: path) != .folder {
                // A dangling link is listed too: reading it then fails aloud.
                files.append(name)
            } else if isSymbolicLink(path) {
                links.append(name)
            } else {
                let below = walk(path)
                files += below.files.map { name + "/" + $0 }
                links += below.folderLinks.map { name + "/" + $0 }
            }
        }
        return (files.sorted(), links.sorted())
    }

    /// Every file below a folder, as paths relative to it, sorted; folder links not followed.
    public func files(below folder: String) -> [String] {
        walk(folder).files
    }
}

/// The local file system.
public struct LocalFiles: FileSource {
    public init() {}

    public func kind(of path: String) -> FileKind? {
        // `stat` follows symbolic links, as reading the file would.
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        return status.st_mode & S_IFMT == S_IFDIR ? .folder : .file
    }

    /// The bytes of a regular file, read straight into the array (FileManager's `Data`, then
    /// a copy of it, cost more than the read). nil when it cannot be read or is anything else:
    /// a folder, and a pipe or a device, which could block or never end (opened without
    /// blocking, so that a pipe without a writer does not hang the open itself).
    public func contents(of path: String) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { return nil }
        // One byte more than the size, so that the end is seen without growing the array; a
        // file that grew meanwhile (or reports no size) grows it.
        var bytes = [UInt8](repeating: 0, count: max(Int(status.st_size), 0) + 1)
        var filled = 0
        while true {
            if filled == bytes.count { bytes += repeatElement(0, count: max(bytes.count, 4096)) }
            let count = bytes.withUnsafeMutableBytes { read(descriptor, $0.baseAddress! + filled, $0.count - filled) }
            if count > 0 {
                filled += count
            } else if count == 0 {
                break
            } else if errno != EINTR {
                return nil
            }
        }
        bytes.removeLast(bytes.count - filled)
        return bytes
    }

    /// The names in a folder but `.` and `..`, sorted; nil when it is not a folder or cannot
    /// be listed.
    public func children(of folder: String) -> [String]? {
        guard let directory = opendir(folder) else { return nil }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    public func resolvingSymlinks(_ path: String) -> String? {
        if let real = realpath(path, nil) {
            defer { free(real) }
            return String(cString: real)
        }
        if errno == ELOOP { return nil }
        // Missing (or not a folder): resolve the parent, keep the last name as written.
        let url = URL(fileURLWithPath: path)
        let parent = url.deletingLastPathComponent().path
        guard parent != path, !parent.isEmpty else { return path }
        return resolvingSymlinks(parent).map { ($0 == "/" ? "" : $0) + "/" + url.lastPathComponent }
    }

    public func isSymbolicLink(_ path: String) -> Bool {
        var status = stat()
        return lstat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFLNK
    }
}

/// A fixed set of files mounted at a folder, e.g. the tree of a git commit: read without
/// touching the working tree. Paths outside the folder (template roots that gitopsc.yaml
/// names outside the repository) are read from `outside`, when given.
public struct SnapshotFiles: FileSource {
    public let root: String
    private let files: [String: [UInt8]]
    private let folders: [String: [String]]
    private let outside: (any FileSource)?

    /// `files` maps paths relative to `root` to their bytes.
    public init(root: String, files: [String: [UInt8]], outside: (any FileSource)? = nil) {
        self.outside = outside
        self.root = standardized(root)
        var absolute: [String: [UInt8]] = [:]
        var folders: [String: Set<String>] = [self.root: []]
        for (relative, bytes) in files {
            let path = self.root + "/" + relative
            absolute[path] = bytes
            var child = path
            while child.count > self.root.count {
                let parent = String(child[..<child.lastIndex(of: "/")!])
                folders[parent, default: []].insert(String(child[child.index(after: child.lastIndex(of: "/")!)...]))
                child = parent
            }
        }
        self.files = absolute
        self.folders = folders.mapValues { $0.sorted() }
    }

    public func kind(of path: String) -> FileKind? {
        let path = standardized(path)
        if let outside, !isMounted(path) { return outside.kind(of: path) }
        if files[path] != nil { return .file }
        return folders[path] != nil ? .folder : nil
    }

    public func contents(of path: String) -> [UInt8]? {
        let path = standardized(path)
        if let outside, !isMounted(path) { return outside.contents(of: path) }
        return files[path]
    }

    public func children(of folder: String) -> [String]? {
        let folder = standardized(folder)
        if let outside, !isMounted(folder) { return outside.children(of: folder) }
        return folders[folder]
    }

    /// A snapshot holds no links of its own (a git symlink arrives as a file holding its
    /// target); paths outside the mount resolve on `outside`.
    public func resolvingSymlinks(_ path: String) -> String? {
        let path = standardized(path)
        if let outside, !isMounted(path) { return outside.resolvingSymlinks(path) }
        return path
    }

    public func isSymbolicLink(_ path: String) -> Bool {
        let path = standardized(path)
        if let outside, !isMounted(path) { return outside.isSymbolicLink(path) }
        return false
    }

    private func isMounted(_ path: String) -> Bool {
        path == root || path.hasPrefix(root == "/" ? "/" : root + "/")
    }
}
