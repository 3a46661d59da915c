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

/// The result of a compile: the rendered environments and, derived from them through the
/// one `RenderedLayout`, the bytes of every file (emitted once, here).
public struct RenderedTree: Sendable {
    public let layout: RenderedLayout
    public let environments: [RenderedEnvironment]
    /// Path (relative to the output root, starting with the folder) -> file text.
    public let files: [String: String]
    /// The folders the tree was compiled from (environments, templates, template roots):
    /// an output that overlaps them would write into the sources.
    public let sourceFolders: [String]
    /// With `argocd.bootstrap: applicationset`, the ApplicationSet that creates every
    /// environment's root Application.
    public let applicationSet: Node?

    public init(layout: RenderedLayout, environments: [RenderedEnvironment], sourceFolders: [String] = [], applicationSet: Node? = nil) {
        self.layout = layout
        self.sourceFolders = sourceFolders
        self.applicationSet = applicationSet
        self.environments = environments.sorted { $0.name < $1.name }
        files = layout.files(of: self.environments, applicationSet: applicationSet)
    }

    public var folder: String { layout.folder }

    /// Every environment's objects, by name: what an in-memory diff compares.
    public var objectsByEnvironment: [String: [Node]] {
        Dictionary(uniqueKeysWithValues: environments.map { ($0.name, $0.allObjects) })
    }
    public var environmentNames: [String] { environments.map(\.name) }
}
