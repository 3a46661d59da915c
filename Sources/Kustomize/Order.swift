import Diagnostics
import YAML

/// kustomize's output order: "legacy" (by kind priority, then id) unless the
/// kustomization's `sortOptions` asks for `fifo` or its own kind lists.
struct ResourceOrder {
    static let legacyFirst = [
        "Namespace", "ResourceQuota", "StorageClass", "CustomResourceDefinition",
        "ServiceAccount", "PodSecurityPolicy", "Role", "ClusterRole", "RoleBinding",
        "ClusterRoleBinding", "ConfigMap", "Secret", "Endpoints", "Service", "LimitRange",
        "PriorityClass", "PersistentVolume", "PersistentVolumeClaim", "Deployment",
        "StatefulSet", "CronJob", "PodDisruptionBudget",
    ]
    static let legacyLast = ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"]

    var fifo = false
    var ranks: [String: Int]

    /// The default order, its ranks worked out once.
    static let legacy = ResourceOrder()

    init(first: [String] = legacyFirst, last: [String] = legacyLast) {
        // Kinds in `first` rank below every other kind, kinds in `last` above.
        var ranks: [String: Int] = [:]
        for (index, kind) in first.enumerated() { ranks[kind] = index - first.count }
        for (index, kind) in last.enumerated() { ranks[kind] = index + 1 }
        self.ranks = ranks
    }

    /// Reads a kustomization's `sortOptions`.
    init(_ node: Node?) throws(Diagnostic) {
        guard let node, !node.isNull else {
            self = .legacy
            return
        }
        // kustomize requires `order`; its kind lists go with `legacy` only, and replace the
        // default lists whole (a list left out is empty).
        let options = node["legacySortOptions"].flatMap { $0.isNull ? nil : $0 }
        switch node["order"]?.text {
        case "fifo":
            if let options {
                throw Diagnostic.error(
                    "kustomize.invalid", "the field 'sortOptions.legacySortOptions' is set but the selected sort order is 'fifo', not 'legacy'",
                    at: options.mark.location)
            }
            self = .legacy
            fifo = true
        case "legacy":
            guard let options else {
                self = .legacy
                return
            }
            self.init(first: options["orderFirst"]?.items?.compactMap(\.text) ?? [], last: options["orderLast"]?.items?.compactMap(\.text) ?? [])
        default:
            throw Diagnostic.error("kustomize.invalid", "the field 'sortOptions.order' must be one of [fifo, legacy]", at: (node["order"] ?? node).mark.location)
        }
    }

    /// What the legacy order compares of one object, read from it once.
    private struct SortKey {
        var rank: Int
        var gvk: String
        var namespaceAndName: String
        var isNamespace: Bool
        var isCoreGroup: Bool
        var resource: Resource
    }

    func sorted(_ resources: [Resource]) -> [Resource] {
        // One object is in order; its keys would be read for nothing.
        if fifo || resources.count < 2 { return resources }
        let keyed = resources.map { resource in
            let id = resource.id
            return SortKey(
                rank: ranks[id.gvk.kind] ?? 0, gvk: id.gvk.description, namespaceAndName: "\(id.namespace)|\(id.name)",
                isNamespace: id.gvk.kind == "Namespace", isCoreGroup: id.gvk.group.isEmpty, resource: resource)
        }
        return keyed.sorted { a, b in
            if a.rank != b.rank { return a.rank < b.rank }
            // Go compares strings bytewise. kustomize puts the core Namespace before a
            // Namespace kind of any other group, although `~G` sorts after letters.
            if a.gvk != b.gvk {
                let coreNamespace = a.isNamespace && b.isNamespace && (a.isCoreGroup || b.isCoreGroup)
                return a.gvk.utf8.lexicographicallyPrecedes(b.gvk.utf8) != coreNamespace
            }
            return a.namespaceAndName.utf8.lexicographicallyPrecedes(b.namespaceAndName.utf8)
        }.map(\.resource)
    }
}
