import Diagnostics
import YAML

/// The identity of a Kubernetes object within an environment: the API group (not the
/// version, so that `v1beta1` -> `v1` is a field change), kind, namespace and name.
public struct ObjectKey: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var group: String
    public var kind: String
    /// Empty for cluster-scoped objects.
    public var namespace: String
    public var name: String

    public init(group: String, kind: String, namespace: String, name: String) {
        self.group = group
        self.kind = kind
        self.namespace = namespace
        self.name = name
    }

    public static func < (lhs: ObjectKey, rhs: ObjectKey) -> Bool {
        (lhs.group, lhs.kind, lhs.namespace, lhs.name) < (rhs.group, rhs.kind, rhs.namespace, rhs.name)
    }

    /// `Kind.group`, or `Kind` for the core group, as kubectl names resource types.
    public var type: String {
        group.isEmpty ? kind : "\(kind).\(group)"
    }

    /// `namespace/name`, or `name` for cluster-scoped objects.
    public var qualifiedName: String {
        namespace.isEmpty ? name : "\(namespace)/\(name)"
    }

    /// `Deployment.apps tekton/manager`.
    public var description: String { "\(type) \(qualifiedName)" }

    var isSecret: Bool { group.isEmpty && kind == "Secret" }
}

public struct FieldChange: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case added
        case removed
        case changed
        /// An item of a keyed list at another place among the items both lists share;
        /// `position` says where it was and where it is.
        case moved
    }

    /// Where a list item is: its index in the old list and in the new one (nil on the side
    /// that does not have it).
    public struct Position: Sendable, Equatable {
        public var old: Int?
        public var new: Int?

        public init(old: Int?, new: Int?) {
            self.old = old
            self.new = new
        }
    }

    /// The field's path, e.g. `spec.template.spec.containers[name=manager].image`.
    public var path: String
    public var kind: Kind
    public var old: Node?
    public var new: Node?
    /// A unified line diff (`@@` headers, ` `/`-`/`+` lines) when a multi-line string changed.
    public var lineDiff: [String]?
    /// A Secret's `data`/`stringData` value: `old`/`new` hold `hash:xxxxxxxx` stand-ins,
    /// never the value itself.
    public var secret: Bool
    /// Set when the change adds, removes, replaces or moves a list item as a whole: what an
    /// edit script needs to put it back in its place.
    public var position: Position?
    /// Where the old and the new value were written: the spec or template line the value
    /// comes from (nil for values gitopsc makes up, such as defaults).
    public var oldSource: SourceLocation?
    public var newSource: SourceLocation?

    public init(
        path: String, kind: Kind, old: Node?, new: Node?, lineDiff: [String]? = nil, secret: Bool = false,
        position: Position? = nil, oldSource: SourceLocation? = nil, newSource: SourceLocation? = nil
    ) {
        self.path = path
        self.kind = kind
        self.old = old
        self.new = new
        self.lineDiff = lineDiff
        self.secret = secret
        self.position = position
        self.oldSource = oldSource
        self.newSource = newSource
    }

    /// The location that explains the change: where the new value is written, or for a
    /// removal where the old one was.
    public var cause: SourceLocation? { newSource ?? oldSource }
}

public struct ObjectRename: Sendable, Equatable {
    /// Why two objects of different names are taken for one.
    public enum Reason: String, Sendable {
        /// The names differ only by a kustomize hash suffix.
        case hashSuffix
        /// Nearly all other fields are equal.
        case content
        /// The names differ only by the environment or cluster name (two environments compared).
        case identity
    }

    public var from: ObjectKey
    public var to: ObjectKey
    public var reason: Reason
    /// Field changes other than `metadata.name`.
    public var changes: [FieldChange]
}

public struct ObjectChange: Sendable, Equatable {
    public var key: ObjectKey
    public var changes: [FieldChange]
}

public struct EnvironmentDiff: Sendable, Equatable {
    /// The environment's folder below the output folder (`production/east-1`), or
    /// `A -> B` when two environments are compared.
    public var name: String
    public var added: [ObjectKey]
    public var removed: [ObjectKey]
    public var renamed: [ObjectRename]
    public var changed: [ObjectChange]
    /// Where each added object (in the new tree) and removed object (in the old one) is
    /// written, when a source line says.
    public var sources: [ObjectKey: SourceLocation] = [:]

    public var isEmpty: Bool {
        added.isEmpty && removed.isEmpty && renamed.isEmpty && changed.isEmpty
    }

    /// Objects with a difference of any sort.
    public var objectCount: Int {
        added.count + removed.count + renamed.count + changed.count
    }
}

public struct TreeDiff: Sendable, Equatable {
    /// Every environment compared, sorted by name, including those without differences.
    public var environments: [EnvironmentDiff]

    public init(environments: [EnvironmentDiff]) {
        self.environments = environments
    }

    public var isEmpty: Bool { environments.allSatisfy(\.isEmpty) }
}
