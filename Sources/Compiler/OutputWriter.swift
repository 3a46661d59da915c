#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Diagnostics
import FileSources
import FoundationEssentials

/// Writes a rendered tree into an output folder, touching only paths gitopsc owns: files
/// of the previous run's ownership manifest that are no longer rendered are deleted, new
/// and changed files are written atomically, unchanged files are left as they are.
///
/// Every path is checked before anything is touched: the previous manifest must list only
/// paths the layout writes, and no folder on the way to a written or deleted file may be a
/// symbolic link (a link would carry the write outside the output folder).
public enum OutputWriter {
    public struct Summary: Sendable, Equatable {
        public var written = 0
        public var unchanged = 0
        public var deleted = 0

        public init(written: Int = 0, unchanged: Int = 0, deleted: Int = 0) {
            self.written = written
            self.unchanged = unchanged
            self.deleted = deleted
        }
    }

    public static func write(_ tree: RenderedFiles, to output: String) throws(Diagnostic) -> Summary {
        let layout = tree.layout
        let manifestPath = layout.ownershipManifestPath
        switch entryKind(output) {
        case nil, .folder: break
        case .file, .link:
            throw Diagnostic.error("output.not-a-folder", "output folder '\(shown(output))' exists and is not a folder; nothing was written")
        }
        try checkApart(from: tree.sourceFolders, output: output, layout: layout)
        let previous = try LocalFiles().contents(of: output + "/" + manifestPath).map { bytes throws(Diagnostic) in
            try OwnershipManifest.read(bytes, file: output + "/" + manifestPath, layout: layout)
        }
        let deletions = (previous?.paths ?? []).filter { tree.files[$0] == nil }
        let present = try checkContained(tree.paths + deletions, in: output)
        // The manifest goes last, so an interrupted run still lists every file it owns.
        let files = zip(tree.paths, present).filter { $0.0 != manifestPath }.map { (path: $0.0, present: $0.1) }
        var summary = try writeIfChanged(files, of: tree, in: output)
        var madeFolders: Set<String> = []
        for path in deletions where entryKind(output + "/" + path) == .file {
            let full = output + "/" + path
            guard unlink(full) == 0 else { throw ioError("cannot delete '\(shown(full))'", .last) }
            summary.deleted += 1
            removeEmptyFolders(from: parentFolder(of: full), upTo: output)
        }
        if let manifest = tree.files[manifestPath] {
            try writeIfChanged(manifest, to: output + "/" + manifestPath, present: true, summary: &summary, madeFolders: &madeFolders)
        }
        return summary
    }

    /// The tree's folder in the output may neither lie in a source folder nor hold one (links
    /// resolved): `--output-dir environments` would write rendered files where the next run
    /// reads specs, and pruning could delete sources.
    private static func checkApart(from sources: [String], output: String, layout: RenderedLayout) throws(Diagnostic) {
        let disk = LocalFiles()
        let tree = standardized(layout.treeFolder.isEmpty ? output : output + "/" + layout.treeFolder)
        let resolvedTree = disk.resolvingSymlinks(tree) ?? tree
        for source in sources {
            let resolvedSource = disk.resolvingSymlinks(standardized(source)) ?? source
            if PathResolver.isWithin(resolvedTree, resolvedSource) || PathResolver.isWithin(resolvedSource, resolvedTree) {
                throw Diagnostic.error(
                    "output.overlaps-sources",
                    "the rendered tree '\(shown(tree))' and the source folder '\(shown(source))' overlap; choose an output folder apart from environments/, templates/ and the template roots; nothing was written")
            }
        }
    }

    /// A path as messages print it: relative to the current folder when below it.
    private static func shown(_ path: String) -> String {
        displayPath(path, base: FileManager.default.currentDirectoryPath)
    }

    private enum EntryKind { case file, folder, link }

    /// What is at a path, without following a final symbolic link.
    private static func entryKind(_ path: String) -> EntryKind? {
        var status = stat()
        guard lstat(path, &status) == 0 else { return nil }
        switch status.st_mode & S_IFMT {
        case S_IFLNK: return .link
        case S_IFDIR: return .folder
        default: return .file
        }
    }

    /// `checkContained` for every path, in runs of neighbours spread over threads: whether
    /// each file is there. The first problem in path order is thrown.
    private static func checkContained(_ paths: [String], in output: String) throws(Diagnostic) -> [Bool] {
        let runLength = 256
        let runs = concurrentMap((paths.count + runLength - 1) / runLength) { run -> Result<[Bool], Diagnostic> in
            var folders: [String: Bool] = [:]
            do throws(Diagnostic) {
                return .success(try paths[(run * runLength)..<min(paths.count, (run + 1) * runLength)].map { path throws(Diagnostic) in
                    try checkContained(path, in: output, folders: &folders)
                })
            } catch {
                return .failure(error)
            }
        }
        var present: [Bool] = []
        present.reserveCapacity(paths.count)
        for run in runs { present += try run.get() }
        return present
    }

    /// Every existing folder between the output folder and the file is a real folder, and
    /// the file, if present, is not a folder or a link. Answers whether the file is there.
    /// `folders` holds the folders looked at so far (true: a real folder, false: missing):
    /// files share folders, and each is looked at once; nothing is below a missing one
    /// (nothing is written before every path is checked).
    private static func checkContained(_ path: String, in output: String, folders: inout [String: Bool]) throws(Diagnostic) -> Bool {
        var current = output
        // Split as the file system does, at `/` bytes.
        let segments = path.parts(separatedBy: UInt8(ascii: "/"))
        for (index, segment) in segments.enumerated() {
            current += "/" + segment
            let isLast = index == segments.count - 1
            if !isLast, let real = folders[current] {
                if real { continue }
                return false
            }
            let kind = entryKind(current)
            if !isLast, kind == nil || kind == .folder { folders[current] = kind != nil }
            switch kind {
            case nil: return false
            case .folder where !isLast: continue
            case .file where isLast: return true
            case .link:
                throw Diagnostic.error(
                    "output.symlink",
                    "'\(shown(current))' is a symbolic link; gitopsc writes and deletes only real files and folders below the output folder, so nothing was written")
            case .folder, .file:
                throw Diagnostic.error(
                    "output.conflict",
                    "'\(shown(current))' is a \(isLast ? "folder" : "file") where the rendered tree needs a \(isLast ? "file" : "folder"); nothing was written")
            }
        }
        return false
    }

    /// Writes the files at `paths` (sorted; with whether each was there when checked), in
    /// runs of neighbours spread over threads: a large tree is mostly the file system's time,
    /// creating files and folders. Every run is written even when one fails; the first
    /// failure, in path order, is thrown.
    private static func writeIfChanged(_ paths: [(path: String, present: Bool)], of tree: RenderedFiles, in output: String) throws(Diagnostic) -> Summary {
        let runLength = 64
        let runs = concurrentMap((paths.count + runLength - 1) / runLength) { run -> Result<Summary, Diagnostic> in
            var summary = Summary()
            var madeFolders: Set<String> = []
            do throws(Diagnostic) {
                for file in paths[(run * runLength)..<min(paths.count, (run + 1) * runLength)] {
                    try writeIfChanged(tree.files[file.path]!, to: output + "/" + file.path, present: file.present, summary: &summary, madeFolders: &madeFolders)
                }
                return .success(summary)
            } catch {
                return .failure(error)
            }
        }
        var total = Summary()
        for run in runs {
            let summary = try run.get()
            total.written += summary.written
            total.unchanged += summary.unchanged
        }
        return total
    }

    /// A file that was not `present` when checked is not read first: there is nothing to
    /// compare with (one that appeared since is replaced: `replace` finds it there).
    private static func writeIfChanged(_ text: String, to path: String, present: Bool, summary: inout Summary, madeFolders: inout Set<String>) throws(Diagnostic) {
        if present, let old = LocalFiles().contents(of: path), hasBytes(old, of: text) {
            summary.unchanged += 1
            return
        }
        do throws(SystemError) {
            let folder = parentFolder(of: path)
            if madeFolders.insert(folder).inserted { try LocalWrites.makeFolders(folder) }
            try LocalWrites.replace(path, with: text)
        } catch {
            throw ioError("cannot write '\(shown(path))'", error)
        }
        summary.written += 1
    }

    private static func hasBytes(_ bytes: [UInt8], of text: String) -> Bool {
        var text = text
        return text.withUTF8 { utf8 in
            utf8.count == bytes.count && (utf8.isEmpty || bytes.withUnsafeBytes { memcmp($0.baseAddress!, utf8.baseAddress!, utf8.count) == 0 })
        }
    }

    private static func ioError(_ what: String, _ error: SystemError) -> Diagnostic {
        Diagnostic.error("io.write", "\(what): \(error)")
    }

    private static func removeEmptyFolders(from folder: String, upTo root: String) {
        var current = folder
        while current.count > root.count, current.hasPrefix(root + "/"), entryKind(current) == .folder,
              LocalFiles().children(of: current)?.isEmpty == true {
            rmdir(current)
            current = parentFolder(of: current)
        }
    }
}
