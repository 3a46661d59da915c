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
    private let texts = Memo<String>()
    private let documents = Memo<[Node]>()
    private let folders = Memo<Accumulation>()
    private let realPaths = Memo<String>()
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
        try texts.value(for: path) { () throws(Diagnostic) -> String in
            guard let bytes = files.contents(of: path) else {
                throw Diagnostic.error("kustomize.missing-file", "cannot read file", at: SourceLocation(file: display(path), line: 0, column: 0))
            }
            return try YAMLParser.text(utf8: bytes, file: display(path))
        }
    }

    /// The YAML documents of a file, parsed once.
    public func documents(at path: String) throws(Diagnostic) -> [Node] {
        try documents.value(for: path) { () throws(Diagnostic) -> [Node] in
            try YAMLParser.parseStream(try text(at: path), file: display(path))
        }
    }

    /// A path with symbolic links resolved, for the load restrictor; resolved once per path.
    public func resolvingSymlinks(_ path: String) -> String {
        (try? realPaths.value(for: path) { () throws(Diagnostic) -> String in
            files.resolvingSymlinks(path)
        }) ?? path
    }

    /// The accumulated resources of a kustomization folder used as a resource, built once.
    func folder(_ path: String, build: () throws(Diagnostic) -> Accumulation) throws(Diagnostic) -> Accumulation {
        try folders.value(for: path, make: build)
    }
}
