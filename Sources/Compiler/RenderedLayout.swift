import Diagnostics
import FileSources
import Manifests
import YAML

/// The one mapping between the rendered model and paths in the output folder or branch:
///
/// ```
/// <folder>/<env>/<component>/manifest.yaml   the component's objects
/// <folder>/<env>/apps/<component>.yaml       its Argo CD Application
/// <folder>/<env>/root.yaml                   the environment's app-of-apps
/// <folder>/.gitopsc/manifest.json            the paths gitopsc owns
/// <folder>/.gitopsc/applicationset.yaml      with `argocd.bootstrap: applicationset`: the
/// <folder>/.gitopsc/bootstrap/<root>.yaml    ApplicationSet, and the root Application of
///                                            each environment its generator reads
/// ```
///
/// Writing, checking, publishing and diffing all ask it, in both directions, so that no
/// command guesses an environment from a path's spelling.
public struct RenderedLayout: Sendable, Equatable {
    /// The folder as configured (`clusters`, or `.` for the repository root).
    public let folder: String
    /// `folder/`, or empty when the tree is the whole repository.
    private let prefix: String

    public static let applicationsFolder = "apps"
    public static let rootFile = "root.yaml"
    public static let manifestFile = "manifest.yaml"
    /// Component names that would put a component's folder on a file or folder of the
    /// layout itself.
    public static let reservedComponentNames: Set<String> = [applicationsFolder, rootFile]

    public init(folder: String) {
        self.folder = folder
        let segments = folder.split(separator: "/").filter { $0 != "." }
        prefix = segments.isEmpty ? "" : segments.joined(separator: "/") + "/"
    }

    /// The folder of the tree inside the output folder or branch; empty for the whole of it.
    public var treeFolder: String { String(prefix.dropLast()) }

    public func environmentFolder(_ environment: String) -> String {
        prefix + environment
    }

    public func manifestPath(environment: String, component: String) -> String {
        "\(prefix)\(environment)/\(component)/\(Self.manifestFile)"
    }

    public func applicationPath(environment: String, component: String) -> String {
        "\(prefix)\(environment)/\(Self.applicationsFolder)/\(component).yaml"
    }

    public func rootPath(environment: String) -> String {
        "\(prefix)\(environment)/\(Self.rootFile)"
    }

    /// The folder a component's Application points Argo CD at.
    public func componentFolder(environment: String, component: String) -> String {
        "\(prefix)\(environment)/\(component)"
    }

    public var ownershipManifestPath: String {
        "\(prefix).gitopsc/manifest.json"
    }

    public var applicationSetPath: String {
        "\(prefix).gitopsc/applicationset.yaml"
    }

    /// The file the ApplicationSet's generator reads for one environment: its root
    /// Application, named by the root's name (unique, see `Collisions`) in one flat folder,
    /// so that the generator's pattern matches the same files under Argo CD's default
    /// globbing (`*` crosses `/`) and its new one (`*` stays in a folder).
    public func bootstrapPath(environment: String) -> String {
        "\(prefix).gitopsc/bootstrap/\(ArgoApplications.rootName(environment: environment)).yaml"
    }

    /// The ApplicationSet generator's path pattern: every `bootstrapPath`, nothing else.
    public var bootstrapPattern: String {
        "\(prefix).gitopsc/bootstrap/*.yaml"
    }

    /// A file of the tree: its path (relative to the output root, starting with the folder)
    /// and its text.
    public struct File: Sendable {
        public var path: String
        public var text: String
    }

    /// One environment's files, sorted by path; objects other environments share are
    /// emitted once.
    func files(of environment: RenderedEnvironment, reusing emitted: EmittedDocuments) -> [File] {
        var files: [File] = []
        for component in environment.components {
            files.append(File(
                path: manifestPath(environment: environment.name, component: component.name),
                text: YAMLEmitter.emitStream(component.objects, reusing: emitted)))
            files.append(File(
                path: applicationPath(environment: environment.name, component: component.name),
                text: YAMLEmitter.emit(component.application)))
        }
        files.append(File(path: rootPath(environment: environment.name), text: YAMLEmitter.emit(environment.root)))
        return files.sorted { $0.path < $1.path }
    }

    /// Sorted lists of paths merged into one sorted list. The lists of a tree's environments
    /// lie apart (no environment's folder holds another's, see `Collisions`), so ordering the
    /// lists by their first path is enough; the merge checks this and otherwise sorts it all.
    static func sortedPaths(_ lists: [[String]]) -> [String] {
        let ordered = lists.filter { !$0.isEmpty }.sorted { $0[0] < $1[0] }
        let merged = Array(ordered.joined())
        for index in ordered.indices.dropFirst() where ordered[index - 1].last! >= ordered[index][0] {
            return merged.sorted()
        }
        return merged
    }

    /// The environment a path of the tree belongs to, among the environments of the current
    /// and the previous run. Concrete environments never nest (see `Collisions`), so at most
    /// one folder holds the path; found by walking up the path, not by trying every name.
    public func environment(of path: String, among environments: Set<String>) -> String? {
        guard path.hasPrefix(prefix) else { return nil }
        var folder = path.dropFirst(prefix.count)
        while let slash = folder.lastIndex(of: "/") {
            folder = folder[..<slash]
            if environments.contains(String(folder)) { return String(folder) }
        }
        return nil
    }

    /// The files of each environment, by environment name; paths of no environment (the
    /// ownership manifest, files others put beside the tree) are left out.
    public func filesByEnvironment<Contents>(_ files: [String: Contents], environments: Set<String>) -> [String: [String: Contents]] {
        var grouped: [String: [String: Contents]] = [:]
        for name in environments { grouped[name] = [:] }
        for (path, contents) in files {
            if let name = environment(of: path, among: environments) { grouped[name]![path] = contents }
        }
        return grouped
    }

    /// Whether a path read from an ownership manifest is one this layout could have
    /// written: relative, inside the folder, with no empty, `.` or `..` segment. Anything
    /// else in a manifest is forged, and nothing may be written or deleted through it.
    public func contains(_ path: String) -> Bool {
        guard path.hasPrefix(prefix), !path.hasPrefix("/") else { return false }
        let segments = path.dropFirst(prefix.count).split(separator: "/", omittingEmptySubsequences: false)
        return segments.count >= 2 && !segments.contains { $0.isEmpty || $0 == "." || $0 == ".." }
    }
}
