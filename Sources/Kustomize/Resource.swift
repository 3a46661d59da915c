import Diagnostics
import YAML

/// Group, version and kind of a Kubernetes object.
public struct GVK: Hashable, Sendable, CustomStringConvertible {
    public var group: String
    public var version: String
    public var kind: String

    public init(group: String = "", version: String = "", kind: String) {
        self.group = group
        self.version = version
        self.kind = kind
    }

    /// Splits an `apiVersion` such as `apps/v1` (group `apps`) or `v1` (core group).
    public init(apiVersion: String, kind: String) {
        if let slash = GVK.firstSlash(in: apiVersion) {
            group = String(apiVersion[..<slash])
            version = String(apiVersion[apiVersion.utf8.index(after: slash)...])
        } else {
            group = ""
            version = apiVersion
        }
        self.kind = kind
    }

    /// The first character `/`. Every object's id reads its apiVersion: the first `/` byte
    /// is that character when ASCII stands right before and after it, since no ASCII
    /// character joins a neighbour into a larger character; otherwise (a slash followed by a
    /// combining mark is not a slash) the text is searched by character.
    private static func firstSlash(in text: String) -> String.Index? {
        let bytes = text.utf8
        guard let slash = bytes.firstIndex(of: UInt8(ascii: "/")) else { return nil }
        let after = bytes.index(after: slash)
        let asciiBefore = slash == bytes.startIndex || bytes[bytes.index(before: slash)] < 0x80
        let asciiAfter = after == bytes.endIndex || bytes[after] < 0x80
        return asciiBefore && asciiAfter ? slash : text.firstIndex(of: "/")
    }

    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }

    /// kustomize's `Gvk.String()`: `group_version_kind` with `~G`, `~V`, `~K` for empty parts.
    public var description: String {
        "\(group.isEmpty ? "~G" : group)_\(version.isEmpty ? "~V" : version)_\(kind.isEmpty ? "~K" : kind)"
    }

    /// Whether this GVK is selected by a selector whose empty fields match anything.
    public func isSelected(by selector: GVK) -> Bool {
        (selector.group.isEmpty || selector.group == group)
            && (selector.version.isEmpty || selector.version == version)
            && (selector.kind.isEmpty || selector.kind == kind)
    }

    /// Built-in Kubernetes kinds that are not namespaced. Every other kind, custom resources
    /// included, counts as namespaced: kustomize decides from its built-in Kubernetes schema
    /// (v1.21), so kinds added later, such as ValidatingAdmissionPolicy, get a namespace too.
    public var isClusterScoped: Bool {
        GVK.clusterScopedKinds.contains(kind) && (group.isEmpty || GVK.clusterScopedGroups.contains(group))
    }

    static let clusterScopedGroups: Set<String> = [
        "admissionregistration.k8s.io", "apiextensions.k8s.io", "apiregistration.k8s.io",
        "certificates.k8s.io", "flowcontrol.apiserver.k8s.io", "networking.k8s.io", "node.k8s.io",
        "policy", "rbac.authorization.k8s.io", "scheduling.k8s.io", "storage.k8s.io",
        "authentication.k8s.io", "authorization.k8s.io",
    ]

    static let clusterScopedKinds: Set<String> = [
        "APIService", "CertificateSigningRequest", "ClusterRole", "ClusterRoleBinding",
        "ComponentStatus", "CSIDriver", "CSINode", "CustomResourceDefinition",
        "FlowSchema", "IngressClass", "MutatingWebhookConfiguration", "Namespace", "Node",
        "PersistentVolume", "PodSecurityPolicy", "PriorityClass", "PriorityLevelConfiguration",
        "RuntimeClass", "SelfSubjectAccessReview", "SelfSubjectRulesReview", "StorageClass",
        "SubjectAccessReview", "TokenReview", "ValidatingWebhookConfiguration", "VolumeAttachment",
    ]
}

/// The identity of an object in a build: two objects with the same id may not coexist.
public struct ResId: Hashable, Sendable, CustomStringConvertible {
    public var gvk: GVK
    public var name: String
    public var namespace: String

    public init(gvk: GVK, name: String, namespace: String = "") {
        self.gvk = gvk
        self.name = name
        self.namespace = namespace
    }

    /// kustomize's message form: `Kind.version.group/name.namespace`.
    public var description: String {
        let group = gvk.group.isEmpty ? "[noGrp]" : gvk.group
        let ns = namespace.isEmpty ? "[noNs]" : namespace
        return "\(gvk.kind).\(gvk.version).\(group)/\(name).\(ns)"
    }

    /// Namespace with kustomize's convention that an unset namespace of a namespaced
    /// object means `default`.
    public var effectiveNamespace: String {
        if gvk.isClusterScoped { return "" }
        return namespace.isEmpty ? "default" : namespace
    }

    /// Same object for conflict detection: `default` and unset namespaces are the same.
    public func isSameObject(as other: ResId) -> Bool {
        objectKey == other.objectKey
    }

    /// What makes two ids the same object, for sets and dictionaries.
    public struct ObjectKey: Hashable, Sendable, CustomStringConvertible {
        var gvk: GVK
        var name: String
        var namespace: String

        public var description: String { ResId(gvk: gvk, name: name, namespace: namespace).description }
    }

    public var objectKey: ObjectKey {
        ObjectKey(gvk: gvk, name: name, namespace: effectiveNamespace)
    }
}

/// How a generated object behaves when it meets an object of the same id from a base.
public enum GeneratorBehavior: String, Sendable {
    case create
    case merge
    case replace
}

/// One object of a build, with the bookkeeping kustomize keeps beside it.
public struct Resource: Sendable {
    public var node: Node
    /// The ids this object had before name or namespace changes (oldest first); name
    /// references that still use an old name are rewritten to the current one.
    public var previousIds: [ResId] = []
    /// Set for objects made by a ConfigMap/Secret generator that still need the content
    /// hash appended to their name at the end of the build.
    public var needsHashSuffix = false
    /// For generated objects: how to combine with an existing object of the same id.
    public var behavior: GeneratorBehavior = .create
    /// A caller's label for the group the object belongs to (the compiler's component). The
    /// engine never reads it and every patch and transformer keeps it: it lives beside the
    /// object, where a user's patch cannot reach it.
    public var owner: String?
    /// The `vars` whose objref names this object (kustomize binds a var to its object when
    /// the kustomization that declares it is accumulated, and reads the value at the end).
    var referencedVars: [String] = []
    /// Where the object came from, for `buildMetadata: [originAnnotations]`.
    var origin: ResourceOrigin?
    /// The builtin transformers that ran while the object was in the build, in order, for
    /// `buildMetadata: [transformerAnnotations]`.
    var transformations: [BuiltinConfiguration] = []

    public init(node: Node) {
        self.node = node
    }

    public var gvk: GVK {
        GVK(apiVersion: node["apiVersion"]?.text ?? "", kind: node["kind"]?.text ?? "")
    }

    public var name: String {
        get { node[path: Resource.namePath]?.text ?? "" }
        set { node.set(Resource.namePath, to: .string(newValue)) }
    }

    public var namespace: String {
        get { node[path: Resource.namespacePath]?.text ?? "" }
        set { node.set(Resource.namespacePath, to: .string(newValue)) }
    }

    // Made once: an array literal in the getters was an allocation on every read of an id.
    private static let namePath = ["metadata", "name"]
    private static let namespacePath = ["metadata", "namespace"]

    public var id: ResId { ResId(gvk: gvk, name: name, namespace: namespace) }

    /// The id the object had when it was first read: name references are written against it.
    public var originalId: ResId { previousIds.first ?? id }

    /// Records the current id as a previous one before a name or namespace change.
    public mutating func rememberId() {
        let current = id
        if previousIds.last != current {
            previousIds.append(current)
        }
    }

    public var labels: [String: String] { stringMap(["metadata", "labels"]) }
    public var annotations: [String: String] { stringMap(["metadata", "annotations"]) }

    private func stringMap(_ path: [String]) -> [String: String] {
        var result: [String: String] = [:]
        for entry in node[path: path]?.entries ?? [] {
            result[entry.name] = entry.value.scalar?.value ?? ""
        }
        return result
    }

    /// kustomize rewrites an object's annotations as a string map when it reads it and when
    /// a build ends: each value becomes the text it was written with (`1440` becomes
    /// `"1440"`, `1.50` becomes `"1.50"`, a non-scalar becomes `""`), and an empty or null
    /// annotations field is dropped.
    public mutating func normalizeAnnotations() {
        guard var metadata = node["metadata"], let annotations = metadata["annotations"] else { return }
        if let entries = annotations.entries, !entries.isEmpty {
            let strings = entries.map { entry in
                MappingEntry(key: entry.key, value: .string(entry.value.scalar?.value ?? "", mark: entry.value.mark))
            }
            // Annotations that are strings already stay as they are, and so does the object's
            // storage, which environments rendered from one template then share.
            if zip(entries, strings).allSatisfy({ $0.value.scalar != nil && $0.value.scalar == $1.value.scalar }) { return }
            metadata["annotations"] = Node(.mapping(strings), mark: annotations.mark)
        } else if annotations.isNull || annotations.entries?.isEmpty == true {
            metadata["annotations"] = nil
        } else {
            return
        }
        node["metadata"] = metadata
    }

    /// Where this object was read from, for messages.
    public var location: SourceLocation? { node.mark.location }
}
