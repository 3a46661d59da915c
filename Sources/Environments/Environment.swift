import Diagnostics
import YAML

/// One environment after inheritance: its own file's spec merged over its parents'.
///
/// `spec` is the merged mapping with the spec's sections (`cluster`, `components`,
/// `operator`, `tektonConfig`, `argocd`, `values`, ...). Every node keeps the mark of the
/// layer that set it, so later errors point at the file and line a user must change.
public struct Environment: Sendable {
    /// The name: the path below `environments/` without `.yaml`, e.g. `production/east-1`.
    public var name: String
    /// The environment's own file, as messages print it.
    public var file: String
    /// Names from the root layer to this environment, e.g. `[base, production, production/ring-1, production/east-1]`.
    public var chain: [String]
    /// Files of the chain in the same order, for diagnostics.
    public var chainFiles: [String]
    public var isAbstract: Bool
    /// The merged spec, without `extends`, `abstract` and `patches`.
    public var spec: Node
    /// `patches` of every layer, parent's first.
    public var patches: [Node]
    /// Every file of the chain as parsed, root layer first: what `explain` reads to say
    /// which layer set a value. The loader fills it; the nodes are shared, not copied.
    public var layers: [EnvironmentLayer] = []

    public init(name: String, file: String, chain: [String], chainFiles: [String], isAbstract: Bool, spec: Node, patches: [Node]) {
        self.name = name
        self.file = file
        self.chain = chain
        self.chainFiles = chainFiles
        self.isAbstract = isAbstract
        self.spec = spec
        self.patches = patches
    }
}

/// One file of an environment chain, as written (with `extends`, `abstract` and `patches`).
public struct EnvironmentLayer: Sendable {
    public var name: String
    public var file: String
    public var node: Node

    public init(name: String, file: String, node: Node) {
        self.name = name
        self.file = file
        self.node = node
    }
}
