/// What a sync of the diff could do that a reviewer must see before Argo CD does it.
public enum RiskCategory: String, CaseIterable, Sendable, Comparable {
    /// Objects that disappear: Argo CD prunes them.
    case deletes
    /// A workload's pod template changes: its pods are replaced.
    case rollout
    /// An OLM Subscription's channel, startingCSV or installPlanApproval, a CatalogSource's
    /// index image, or a ClusterExtension's version or channels changes.
    case operatorUpgrade = "operator-upgrade"
    /// A CustomResourceDefinition is added, changed or removed.
    case crd
    /// A Role, ClusterRole, RoleBinding or ClusterRoleBinding is added, changed or removed.
    case rbac
    /// A Namespace is added, changed or removed.
    case namespace
    /// A Secret or an ExternalSecret is added, changed or removed (values are never shown).
    case secret
    /// An object's Argo CD sync wave changes, which reorders the sync.
    case syncWave = "sync-wave"

    /// A few words for the summary line.
    public var summary: String {
        switch self {
        case .deletes: "deletions (prune)"
        case .rollout: "pod template changes (rollout)"
        case .operatorUpgrade: "operator upgrades"
        case .crd: "CRD changes"
        case .rbac: "RBAC changes"
        case .namespace: "namespace changes"
        case .secret: "Secret changes"
        case .syncWave: "sync-wave changes"
        }
    }

    public static func < (lhs: RiskCategory, rhs: RiskCategory) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// One object of one environment that falls in a risk category, with the changed fields
/// that put it there (empty when the whole object is added or removed).
public struct Risk: Sendable, Equatable {
    public var category: RiskCategory
    public var environment: String
    public var object: ObjectKey
    public var paths: [String]
}

enum RiskAssessment {
    static let syncWavePath = #"metadata.annotations["argocd.argoproj.io/sync-wave"]"#

    /// Where a workload kind keeps its pod template.
    static let podTemplates: [String: [String: String]] = [
        "apps": ["Deployment": "spec.template", "StatefulSet": "spec.template", "DaemonSet": "spec.template", "ReplicaSet": "spec.template"],
        "batch": ["Job": "spec.template", "CronJob": "spec.jobTemplate.spec.template"],
    ]

    /// Fields whose change makes OLM install another operator version.
    static let operatorFields: [String: [String: [String]]] = [
        "operators.coreos.com": [
            "Subscription": ["spec.channel", "spec.startingCSV", "spec.installPlanApproval"],
            "CatalogSource": ["spec.image"],
        ],
        "olm.operatorframework.io": ["ClusterExtension": ["spec.source.catalog.version", "spec.source.catalog.channels"]],
    ]

    /// Kinds whose every change is a risk of their own category.
    static func kindCategory(_ key: ObjectKey) -> RiskCategory? {
        switch (key.group, key.kind) {
        case ("apiextensions.k8s.io", "CustomResourceDefinition"): .crd
        case ("rbac.authorization.k8s.io", "Role"), ("rbac.authorization.k8s.io", "ClusterRole"),
             ("rbac.authorization.k8s.io", "RoleBinding"), ("rbac.authorization.k8s.io", "ClusterRoleBinding"): .rbac
        case ("", "Namespace"): .namespace
        case ("", "Secret"), ("external-secrets.io", "ExternalSecret"): .secret
        default: nil
        }
    }

    static func risks(of environment: EnvironmentDiff) -> [Risk] {
        var risks: [Risk] = []
        func add(_ category: RiskCategory, _ key: ObjectKey, _ paths: [String] = []) {
            risks.append(Risk(category: category, environment: environment.name, object: key, paths: paths))
        }
        for key in environment.removed {
            add(.deletes, key)
            if let category = kindCategory(key) { add(category, key) }
        }
        for key in environment.added {
            if let category = kindCategory(key) { add(category, key) }
        }
        let changed = environment.changed.map { ($0.key, $0.changes) } + environment.renamed.map { ($0.to, $0.changes) }
        for (key, changes) in changed {
            let paths = changes.map(\.path)
            if let category = kindCategory(key) { add(category, key, unique(paths)) }
            if let template = podTemplates[key.group]?[key.kind] {
                let inside = paths.filter { isInside($0, template) }
                if !inside.isEmpty { add(.rollout, key, unique(inside)) }
            }
            if let fields = operatorFields[key.group]?[key.kind] {
                let inside = paths.filter { path in fields.contains { isInside(path, $0) } }
                if !inside.isEmpty { add(.operatorUpgrade, key, unique(inside)) }
            }
            let waves = paths.filter { $0 == syncWavePath }
            if !waves.isEmpty { add(.syncWave, key, waves) }
        }
        return risks.sorted { ($0.category, $0.object) < ($1.category, $1.object) }
    }

    /// Whether `path` is the field `prefix` or inside it.
    static func isInside(_ path: String, _ prefix: String) -> Bool {
        guard path.hasPrefix(prefix) else { return false }
        let rest = path.dropFirst(prefix.count)
        return rest.isEmpty || rest.hasPrefix(".") || rest.hasPrefix("[")
    }

    private static func unique(_ paths: [String]) -> [String] {
        var seen = Set<String>()
        return paths.filter { seen.insert($0).inserted }
    }
}

extension TreeDiff {
    /// Every risk of every environment, by category, then environment and object.
    public var risks: [Risk] {
        environments.flatMap(RiskAssessment.risks).sorted {
            ($0.category, $0.environment, $0.object) < ($1.category, $1.environment, $1.object)
        }
    }
}
