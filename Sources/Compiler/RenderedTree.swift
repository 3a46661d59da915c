import Diagnostics
import Manifests
import YAML

/// One component of an environment as rendered: its objects in output order and the Argo CD
/// Application that deploys them. Membership is this value's structure, never a mark on
/// the objects, so no patch can move an object out of its component.
public struct RenderedComponent: Sendable {
    public var name: String
    public var objects: [Node]
    public var application: Node
    /// Where the component is declared (its key in the spec, or the spec section it is
    /// rendered from), for messages about it.
    public var declaration: SourceLocation?

    public init(name: String, objects: [Node], application: Node, declaration: SourceLocation?) {
        self.name = name
        self.objects = objects
        self.application = application
        self.declaration = declaration
    }
}

/// One concrete environment as rendered.
public struct RenderedEnvironment: Sendable {
    public var name: String
    /// The files of the environment's chain, root layer first, for messages.
    public var chain: [String]
    public var components: [RenderedComponent]
    /// The app-of-apps Application of the environment.
    public var root: Node
    /// The environment's own file, for messages about the environment as a whole.
    public var file: String
    /// `cluster.name` of the spec, when it sets one.
    public var clusterName: String?

    /// Every object the environment's folder holds: the components' objects, their
    /// Applications and the root Application.
    public var allObjects: [Node] {
        components.flatMap { $0.objects + [$0.application] } + [root]
    }

    public init(name: String, chain: [String], components: [RenderedComponent], root: Node, file: String, clusterName: String? = nil) {
        self.name = name
        self.chain = chain
        self.components = components
        self.root = root
        self.file = file
        self.clusterName = clusterName
    }

    /// The names the environment is known by in its objects, each with the placeholder it
    /// stands for: its name, the object name and label value gitopsc derives from it, and
    /// its cluster's name. A diff of two environments pairs objects whose names differ only
    /// by these.
    public var identityNames: [(placeholder: String, value: String)] {
        var names = [
            ("${environment.name}", name),
            ("${environment.name:object}", KubernetesNames.name(name)),
            ("${environment.name:label}", KubernetesNames.labelValue(name)),
        ]
        if let clusterName { names.append(("${cluster.name}", clusterName)) }
        return names
    }
}

/// The files of a compile, as `compile` writes them and `publish` commits them: every
/// environment's files, emitted by the thread that rendered it, the ApplicationSet and its
/// generator's files when there is one, and the ownership manifest that lists them.
public struct RenderedFiles: Sendable {
    public let layout: RenderedLayout
    /// The compiled environments, sorted.
    public let environmentNames: [String]
    /// Path (relative to the output root, starting with the folder) -> file text.
    public let files: [String: String]
    /// The keys of `files`, sorted.
    public let paths: [String]
    /// The folders the tree was compiled from (environments, templates, template roots):
    /// an output that overlaps them would write into the sources.
    public let sourceFolders: [String]

    /// `environments` are the environments' names and files, sorted by name.
    init(layout: RenderedLayout, environments: [(name: String, files: [RenderedLayout.File])], applicationSet: Node?, sourceFolders: [String]) {
        self.layout = layout
        self.sourceFolders = sourceFolders
        environmentNames = environments.map(\.name)
        var extra: [RenderedLayout.File] = []
        if let applicationSet {
            extra.append(RenderedLayout.File(path: layout.applicationSetPath, text: YAMLEmitter.emit(applicationSet)))
            for environment in environments {
                let root = layout.rootPath(environment: environment.name)
                if let file = environment.files.first(where: { $0.path == root }) {
                    extra.append(RenderedLayout.File(path: layout.bootstrapPath(environment: environment.name), text: file.text))
                }
            }
        }
        let owned = RenderedLayout.sortedPaths(environments.map { $0.files.map(\.path) } + [extra.map(\.path).sorted()])
        let manifest = RenderedLayout.File(
            path: layout.ownershipManifestPath, text: OwnershipManifest(paths: owned, environments: environmentNames).json)
        let paths = RenderedLayout.sortedPaths([owned, [manifest.path]])
        var files: [String: String] = [:]
        files.reserveCapacity(paths.count)
        for file in environments.lazy.flatMap(\.files) + extra + [manifest] {
            files[file.path] = file.text
        }
        // Layout and collision checks give every file its own path; two files on one path
        // would silently lose one.
        precondition(files.count == paths.count, "two rendered files share a path")
        self.files = files
        self.paths = paths
    }

    public var folder: String { layout.folder }
}

/// The result of a compile with its objects: the rendered environments (what diffs, checks
/// and schema validation read) and their files, emitted once through the one `RenderedLayout`.
public struct RenderedTree: Sendable {
    public let environments: [RenderedEnvironment]
    /// The files, the ApplicationSet's among them with `argocd.bootstrap: applicationset`.
    public let output: RenderedFiles

    init(environments: [RenderedEnvironment], output: RenderedFiles) {
        self.environments = environments
        self.output = output
    }

    public var layout: RenderedLayout { output.layout }
    public var folder: String { output.folder }
    public var files: [String: String] { output.files }
    public var environmentNames: [String] { output.environmentNames }

    /// Every environment's objects, by name: what an in-memory diff compares.
    public var objectsByEnvironment: [String: [Node]] {
        Dictionary(uniqueKeysWithValues: environments.map { ($0.name, $0.allObjects) })
    }
}
