import Diagnostics
import FileSources
import FoundationEssentials
import YAML

/// Reads and parses source files once per process, however many builds use them.
///
/// Builds of many kustomization folders share bases; caching parsed documents (and whole
/// built sub-kustomizations, see `KustomizeBuilder`) keeps a multi-folder build close to
/// the cost of reading each file once. Safe to use from concurrent builds.
public final class SourceStore: @unchecked Sendable {
    private let texts: Memo<String>
    private let documents = Memo<[Node]>()
    private let kustomizationDocuments = Memo<[Node]>()
    private let folders = Memo<Accumulation>()
    /// A store this one prepares the documents of: files are read and parsed once, there.
    private let base: SourceStore?
    /// Applied to every parsed document before a build sees it.
    private let prepare: (@Sendable (Node) throws(Diagnostic) -> Node)?
    /// Warnings met while reading (duplicate keys, deprecated fields, unused vars), once each.
    public let warnings: Locked<Set<Diagnostic>>
    /// Checks every path before it is read (kustomize's load restrictor, allowed roots).
    public let paths: PathResolver
    /// Where files are read from: the working tree or a snapshot of a revision.
    public var files: any FileSource { paths.files }

    public convenience init(displayBase: String = FileManager.default.currentDirectoryPath, files: any FileSource = LocalFiles()) {
        self.init(paths: PathResolver(files: files, displayBase: displayBase))
    }

    public init(paths: PathResolver) {
        self.paths = paths
        texts = Memo()
        warnings = Locked([])
        base = nil
        prepare = nil
    }

    /// A store over the same files whose builds see every document of `base` through
    /// `prepare` (the compiler resolves an environment's placeholders there, so generators
    /// hash the resolved data). Texts and parses are `base`'s; prepared documents and built
    /// folders are its own.
    public init(sharing base: SourceStore, prepare: @escaping @Sendable (Node) throws(Diagnostic) -> Node) {
        paths = base.paths
        texts = base.texts
        warnings = base.warnings
        self.base = base
        self.prepare = prepare
    }

    /// A path as messages print it: relative to the working folder when below it.
    public func display(_ path: String) -> String {
        paths.display(path)
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
            guard let base, let prepare else {
                return try YAMLParser.parseStream(try text(at: path), file: display(path), asKustomize: true)
            }
            var prepared: [Node] = []
            for document in try base.documents(at: path) { prepared.append(try prepare(document)) }
            return prepared
        }
    }

    /// The documents of a kustomization file, parsed as kustomize reads one: a repeated key
    /// replaces the earlier value, with a warning.
    func kustomizationDocuments(at path: String) throws(Diagnostic) -> [Node] {
        try kustomizationDocuments.value(for: path) { () throws(Diagnostic) -> [Node] in
            guard let base, let prepare else {
                let parsed = try YAMLParser.parseStreamKeepingLastDuplicates(try text(at: path), file: display(path))
                for key in parsed.duplicateKeys {
                    warn(Diagnostic(
                        .warning, code: "kustomize.duplicate-key",
                        message: "mapping key \"\(key.scalar?.value ?? "")\" is repeated; kustomize uses the last value",
                        location: key.mark.location))
                }
                return parsed.documents
            }
            var prepared: [Node] = []
            for document in try base.kustomizationDocuments(at: path) { prepared.append(try prepare(document)) }
            return prepared
        }
    }

    /// Records a warning (printed once, however many builds meet it).
    public func warn(_ warning: Diagnostic) {
        _ = warnings.withValue { $0.insert(warning) }
    }

    /// The warnings so far, in file and line order.
    public var sortedWarnings: [Diagnostic] {
        warnings.withValue { Array($0) }.sorted { a, b in
            let left = a.location ?? SourceLocation(file: "", line: 0, column: 0)
            let right = b.location ?? SourceLocation(file: "", line: 0, column: 0)
            return (left.file, left.line, left.column, a.message) < (right.file, right.line, right.column, b.message)
        }
    }

    /// The accumulated resources of a kustomization folder used as a resource, built once.
    func folder(_ path: String, build: () throws(Diagnostic) -> Accumulation) throws(Diagnostic) -> Accumulation {
        try folders.value(for: path, make: build)
    }
}
