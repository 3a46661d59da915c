import Foundation

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
    /// The path with symbolic links resolved, for containment checks.
    func resolvingSymlinks(_ path: String) -> String
}

extension FileSource {
    /// Every file below a folder, as paths relative to it, sorted.
    public func files(below folder: String) -> [String] {
        var result: [String] = []
        for name in children(of: folder) ?? [] {
            let path = folder + "/" + name
            switch kind(of: path) {
            case .file: result.append(name)
            case .folder: result += files(below: path).map { name + "/" + $0 }
            case nil: break
            }
        }
        return result.sorted()
    }
}

/// The local file system.
public struct LocalFiles: FileSource {
    public init() {}

    public func kind(of path: String) -> FileKind? {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { return nil }
        return isFolder.boolValue ? .folder : .file
    }

    public func contents(of path: String) -> [UInt8]? {
        FileManager.default.contents(atPath: path).map(Array.init)
    }

    public func children(of folder: String) -> [String]? {
        guard kind(of: folder) == .folder else { return nil }
        return (try? FileManager.default.contentsOfDirectory(atPath: folder))?.sorted()
    }

    public func resolvingSymlinks(_ path: String) -> String {
        URL(fileURLWithPath: path).resolvingSymlinksInPath().path
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
        self.root = root.hasSuffix("/") && root.count > 1 ? String(root.dropLast()) : root
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
        let path = normalized(path)
        if let outside, !isMounted(path) { return outside.kind(of: path) }
        if files[path] != nil { return .file }
        return folders[path] != nil ? .folder : nil
    }

    public func contents(of path: String) -> [UInt8]? {
        let path = normalized(path)
        if let outside, !isMounted(path) { return outside.contents(of: path) }
        return files[path]
    }

    public func children(of folder: String) -> [String]? {
        let folder = normalized(folder)
        if let outside, !isMounted(folder) { return outside.children(of: folder) }
        return folders[folder]
    }

    public func resolvingSymlinks(_ path: String) -> String {
        let path = normalized(path)
        if let outside, !isMounted(path) { return outside.resolvingSymlinks(path) }
        return path
    }

    private func isMounted(_ path: String) -> Bool {
        path == root || path.hasPrefix(root == "/" ? "/" : root + "/")
    }

    private func normalized(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }
}
