import Diagnostics
import FileSources
import Foundation
import YAML

/// Reads and parses source files once per process, however many builds use them.
///
/// Builds of many kustomization folders share bases; caching parsed documents (and whole
/// built sub-kustomizations, see `KustomizeBuilder`) keeps a multi-folder build close to
/// the cost of reading each file once. Safe to use from concurrent builds.
public final class SourceStore: @unchecked Sendable {
    private let lock = NSLock()
    private var texts: [String: Result<String, Diagnostic>] = [:]
    private var documents: [String: Result<[Node], Diagnostic>] = [:]
    private var folders: [String: Result<Accumulation, Diagnostic>] = [:]
    private var realPaths: [String: Result<String, Diagnostic>] = [:]
    /// Paths are shown relative to this folder in messages.
    public let displayBase: String
    /// Where files are read from: the working tree or a snapshot of a revision.
    public let files: any FileSource

    public init(displayBase: String = FileManager.default.currentDirectoryPath, files: any FileSource = LocalFiles()) {
        self.displayBase = displayBase.hasSuffix("/") ? String(displayBase.dropLast()) : displayBase
        self.files = files
    }

    /// A path as messages print it: relative to the working folder when below it.
    public func display(_ path: String) -> String {
        path.hasPrefix(displayBase + "/") ? String(path.dropFirst(displayBase.count + 1)) : path
    }

    public func text(at path: String) throws(Diagnostic) -> String {
        try cached(path, in: \.texts) { () throws(Diagnostic) -> String in
            guard let bytes = files.contents(of: path) else {
                throw Diagnostic.error("kustomize.missing-file", "cannot read file", at: SourceLocation(file: display(path), line: 0, column: 0))
            }
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw Diagnostic.error("kustomize.encoding", "file is not valid UTF-8", at: SourceLocation(file: display(path), line: 0, column: 0))
            }
            return text
        }
    }

    /// The YAML documents of a file, parsed once.
    public func documents(at path: String) throws(Diagnostic) -> [Node] {
        try cached(path, in: \.documents) { () throws(Diagnostic) -> [Node] in
            try YAMLParser.parseStream(try text(at: path), file: display(path))
        }
    }

    /// A path with symbolic links resolved, for the load restrictor; resolved once per path.
    public func resolvingSymlinks(_ path: String) -> String {
        (try? cached(path, in: \.realPaths) { () throws(Diagnostic) -> String in
            files.resolvingSymlinks(path)
        }) ?? path
    }

    /// The accumulated resources of a kustomization folder used as a resource, built once.
    func folder(_ path: String, build: () throws(Diagnostic) -> Accumulation) throws(Diagnostic) -> Accumulation {
        try cached(path, in: \.folders, make: build)
    }

    private func cached<Value>(
        _ key: String,
        in table: ReferenceWritableKeyPath<SourceStore, [String: Result<Value, Diagnostic>]>,
        make: () throws(Diagnostic) -> Value
    ) throws(Diagnostic) -> Value {
        lock.lock()
        let hit = self[keyPath: table][key]
        lock.unlock()
        if let hit { return try hit.get() }
        // Two builds may compute the same entry at once; both get the same value, so the
        // duplicate work is harmless and holding the lock while parsing is avoided.
        let result: Result<Value, Diagnostic>
        do {
            result = .success(try make())
        } catch {
            result = .failure(error)
        }
        lock.lock()
        self[keyPath: table][key] = result
        lock.unlock()
        return try result.get()
    }
}
