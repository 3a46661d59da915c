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
            self.init()
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
            self.init()
            fifo = true
        case "legacy":
            guard let options else {
                self.init()
                return
            }
            self.init(first: options["orderFirst"]?.items?.compactMap(\.text) ?? [], last: options["orderLast"]?.items?.compactMap(\.text) ?? [])
        default:
            throw Diagnostic.error("kustomize.invalid", "the field 'sortOptions.order' must be one of [fifo, legacy]", at: (node["order"] ?? node).mark.location)
        }
    }

    func sorted(_ resources: [Resource]) -> [Resource] {
        if fifo { return resources }
        let keyed = resources.map { resource -> (Int, String, String, Resource) in
            let id = resource.id
            return (ranks[id.gvk.kind] ?? 0, id.gvk.description, "\(id.namespace)|\(id.name)", resource)
        }
        return keyed.sorted { a, b in
            if a.0 != b.0 { return a.0 < b.0 }
            // Go compares strings bytewise. kustomize puts the core Namespace before a
            // Namespace kind of any other group, although `~G` sorts after letters.
            if a.1 != b.1 {
                let coreNamespace = a.3.gvk.kind == "Namespace" && b.3.gvk.kind == "Namespace"
                    && (a.3.gvk.group.isEmpty || b.3.gvk.group.isEmpty)
                return a.1.utf8.lexicographicallyPrecedes(b.1.utf8) != coreNamespace
            }
            return a.2.utf8.lexicographicallyPrecedes(b.2.utf8)
        }.map(\.3)
    }
}
