import Diagnostics
import FoundationEssentials

/// `<folder>/.gitopsc/manifest.json`: the paths gitopsc owns in the rendered tree, so that
/// a later run replaces and prunes exactly those and leaves everything else alone.
/// Deterministic: no timestamps, sorted keys and paths.
public struct OwnershipManifest: Codable, Sendable, Equatable {
    public var generator: String
    public var environments: [String]
    public var paths: [String]

    public init(paths: [String], environments: [String], generator: String = "gitopsc \(gitopscVersion)") {
        self.generator = generator
        self.environments = environments.sorted()
        // A compile hands over its paths sorted: checking is one pass, sorting them is not.
        self.paths = zip(paths, paths.dropFirst()).allSatisfy({ $0 < $1 }) ? paths : paths.sorted()
    }

    /// The manifest as JSON, in the layout of Foundation's `JSONEncoder` (pretty-printed,
    /// sorted keys, slashes unescaped), which wrote every manifest before and still reads them.
    public var json: String {
        JSONValue.object([
            ("environments", .array(environments.map(JSONValue.string))),
            ("generator", .string(generator)),
            ("paths", .array(paths.map(JSONValue.string))),
        ]).rendered(foundationLayout: true) + "\n"
    }

    /// Reads a committed manifest. A manifest that is not gitopsc's JSON, or that lists a
    /// path the layout could not have written (absolute, `..`, outside the folder), is an
    /// input error: it would make a run replace or delete files it does not own.
    /// `file` is how messages name the manifest (a path, or `branch:path`).
    public static func read(_ bytes: some Collection<UInt8>, file: String, layout: RenderedLayout) throws(Diagnostic) -> OwnershipManifest {
        let manifest: OwnershipManifest
        do {
            manifest = try JSONDecoder().decode(OwnershipManifest.self, from: Data(bytes))
        } catch {
            throw Diagnostic.error(
                "output.invalid-manifest",
                "not a gitopsc ownership manifest (a JSON object with generator, environments and paths); remove it only if gitopsc did not write this folder",
                at: SourceLocation(file: file, line: 0, column: 0))
        }
        for path in manifest.paths where !layout.contains(path) || path == layout.ownershipManifestPath {
            throw Diagnostic.error(
                "output.forged-manifest",
                "the ownership manifest lists '\(path)', which is not a path gitopsc writes below '\(layout.folder)'; nothing was written or deleted",
                at: SourceLocation(file: file, line: 0, column: 0))
        }
        return manifest
    }
}
