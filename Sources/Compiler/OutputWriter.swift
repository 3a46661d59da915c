import Diagnostics
import Foundation

/// Writes a rendered tree into an output folder, touching only paths gitopsc owns: files
/// of the previous run's ownership manifest that are no longer rendered are deleted, new
/// and changed files are written atomically, unchanged files are left as they are.
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

    public static func write(_ tree: RenderedTree, to output: String) throws(Diagnostic) -> Summary {
        var summary = Summary()
        let manifestPath = OwnershipManifest.path(in: tree.folder)
        let previous = (FileManager.default.contents(atPath: output + "/" + manifestPath))
            .flatMap { OwnershipManifest.decode(String(decoding: $0, as: UTF8.self)) }
        do {
            // The manifest goes last, so an interrupted run still lists every file it owns.
            for path in tree.files.keys.sorted() where path != manifestPath {
                try writeIfChanged(tree.files[path]!, to: output + "/" + path, summary: &summary)
            }
            for path in previous?.paths ?? [] where tree.files[path] == nil {
                let full = output + "/" + path
                if FileManager.default.fileExists(atPath: full) {
                    try FileManager.default.removeItem(atPath: full)
                    summary.deleted += 1
                    removeEmptyFolders(from: URL(fileURLWithPath: full).deletingLastPathComponent().path, upTo: output)
                }
            }
            if let manifest = tree.files[manifestPath] {
                try writeIfChanged(manifest, to: output + "/" + manifestPath, summary: &summary)
            }
        } catch {
            throw Diagnostic.error("io.write", "cannot write the rendered tree to '\(output)': \(error.localizedDescription)")
        }
        return summary
    }

    private static func writeIfChanged(_ text: String, to path: String, summary: inout Summary) throws {
        let data = Data(text.utf8)
        if FileManager.default.contents(atPath: path) == data {
            summary.unchanged += 1
            return
        }
        try FileManager.default.createDirectory(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path, withIntermediateDirectories: true)
        try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        summary.written += 1
    }

    private static func removeEmptyFolders(from folder: String, upTo root: String) {
        var current = folder
        while current.count > root.count, current.hasPrefix(root),
              (try? FileManager.default.contentsOfDirectory(atPath: current))?.isEmpty == true {
            try? FileManager.default.removeItem(atPath: current)
            current = URL(fileURLWithPath: current).deletingLastPathComponent().path
        }
    }
}
