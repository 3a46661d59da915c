/// What strategic merge needs to know about one position in a built-in Kubernetes object.
///
/// kustomize v5.5.0 merges with kyaml, which reads the Kubernetes v1.21.2 OpenAPI document
/// (without alpha APIs) compiled into it. Of that schema only the lists whose
/// `x-kubernetes-patch-strategy` includes `merge` change how a patch applies, so this table
/// keeps just the paths that lead to them, with their merge keys (`x-kubernetes-list-map-keys`
/// when present, else `x-kubernetes-patch-merge-key`). Every other position of a built-in
/// object is `.other`: a scalar, a list replaced whole, or an object with no merging list
/// below it. Kinds kyaml does not know (custom resources, and versions not served by
/// Kubernetes 1.21 such as `autoscaling/v2`) have no schema at all.
indirect enum FieldSchema: Sendable {
    case object([String: FieldSchema])
    /// A list merged element by element, matched on `keys`; no keys means a list of
    /// scalars merged as a set (`metadata.finalizers`).
    case mergeList(keys: [String], element: FieldSchema)
    case other

    func field(_ name: String) -> FieldSchema {
        if case .object(let fields) = self { return fields[name] ?? .other }
        return .other
    }

    var element: FieldSchema {
        if case .mergeList(_, let element) = self { return element }
        return .other
    }

    /// The merge keys when this position is a list merged element-wise.
    var mergeKeys: [String]? {
        if case .mergeList(let keys, _) = self { return keys }
        return nil
    }
}

enum BuiltinSchema {
    /// The schema kyaml finds for an object's `apiVersion` and `kind`, nil when it has none.
    static func forType(apiVersion: String, kind: String) -> FieldSchema? {
        kinds[apiVersion + " " + kind]
    }

    private static func list(_ keys: String...) -> FieldSchema {
        .mergeList(keys: keys, element: .other)
    }

    private static let objectMeta: FieldSchema = .object([
        "finalizers": list(),
        "ownerReferences": list("uid"),
    ])

    private static let conditions = list("type")

    private static let container: FieldSchema = .object([
        "ports": list("containerPort", "protocol"),
        "env": list("name"),
        "volumeMounts": list("mountPath"),
        "volumeDevices": list("devicePath"),
    ])

    // Kubernetes 1.21 gives ephemeral containers' ports no merge strategy.
    private static let ephemeralContainer: FieldSchema = .object([
        "env": list("name"),
        "volumeMounts": list("mountPath"),
        "volumeDevices": list("devicePath"),
    ])

    private static let podSpec: FieldSchema = .object([
        "volumes": list("name"),
        "initContainers": .mergeList(keys: ["name"], element: container),
        "containers": .mergeList(keys: ["name"], element: container),
        "ephemeralContainers": .mergeList(keys: ["name"], element: ephemeralContainer),
        "imagePullSecrets": list("name"),
        "hostAliases": list("ip"),
        "topologySpreadConstraints": list("topologyKey", "whenUnsatisfiable"),
    ])

    private static let podTemplateSpec: FieldSchema = .object([
        "metadata": objectMeta,
        "spec": podSpec,
    ])

    /// A workload whose `spec.template` is a pod template and whose status has conditions.
    private static let workload: [String: FieldSchema] = [
        "spec": .object(["template": podTemplateSpec]),
        "status": .object(["conditions": conditions]),
    ]

    private static let cronJob: [String: FieldSchema] = [
        "spec": .object([
            "jobTemplate": .object([
                "metadata": objectMeta,
                "spec": .object(["template": podTemplateSpec]),
            ]),
        ]),
    ]

    /// Top-level fields with merging lists, by kind; every kind also has `metadata`.
    private static let kindFields: [String: [String: FieldSchema]] = [
        "Deployment": workload,
        "StatefulSet": workload,
        "DaemonSet": workload,
        "ReplicaSet": workload,
        "ReplicationController": workload,
        "Job": workload,
        "CronJob": cronJob,
        "PodTemplate": ["template": podTemplateSpec],
        "Pod": [
            "spec": podSpec,
            "status": .object(["conditions": conditions, "podIPs": list("ip")]),
        ],
        "Service": [
            "spec": .object(["ports": list("port", "protocol")]),
            "status": .object(["conditions": conditions]),
        ],
        "ServiceAccount": ["secrets": list("name")],
        "Namespace": ["status": .object(["conditions": conditions])],
        "PersistentVolumeClaim": ["status": .object(["conditions": conditions])],
        "Node": [
            "spec": .object(["podCIDRs": list()]),
            "status": .object(["conditions": conditions, "addresses": list("type")]),
        ],
        "PodDisruptionBudget": ["status": .object(["conditions": conditions])],
        "APIService": ["status": .object(["conditions": conditions])],
        "MutatingWebhookConfiguration": ["webhooks": list("name")],
        "ValidatingWebhookConfiguration": ["webhooks": list("name")],
    ]

    /// The kinds each API version serves in Kubernetes 1.21 (alpha versions excluded).
    private static let served: [(apiVersions: [String], kinds: [String])] = [
        (["v1"], [
            "Binding", "ComponentStatus", "ConfigMap", "Endpoints", "Event", "LimitRange", "Namespace",
            "Node", "PersistentVolume", "PersistentVolumeClaim", "Pod", "PodTemplate",
            "ReplicationController", "ResourceQuota", "Secret", "Service", "ServiceAccount",
        ]),
        (["apps/v1"], ["ControllerRevision", "DaemonSet", "Deployment", "ReplicaSet", "StatefulSet"]),
        (["batch/v1"], ["CronJob", "Job"]),
        (["batch/v1beta1"], ["CronJob"]),
        (["autoscaling/v1", "autoscaling/v2beta1", "autoscaling/v2beta2"], ["HorizontalPodAutoscaler"]),
        (["policy/v1"], ["PodDisruptionBudget"]),
        (["policy/v1beta1"], ["PodDisruptionBudget", "PodSecurityPolicy"]),
        (["networking.k8s.io/v1"], ["Ingress", "IngressClass", "NetworkPolicy"]),
        (["networking.k8s.io/v1beta1"], ["Ingress", "IngressClass"]),
        (["extensions/v1beta1"], ["Ingress"]),
        (["rbac.authorization.k8s.io/v1", "rbac.authorization.k8s.io/v1beta1"],
         ["ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"]),
        (["admissionregistration.k8s.io/v1", "admissionregistration.k8s.io/v1beta1"],
         ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"]),
        (["apiextensions.k8s.io/v1", "apiextensions.k8s.io/v1beta1"], ["CustomResourceDefinition"]),
        (["apiregistration.k8s.io/v1", "apiregistration.k8s.io/v1beta1"], ["APIService"]),
        (["authentication.k8s.io/v1", "authentication.k8s.io/v1beta1"], ["TokenReview"]),
        (["authorization.k8s.io/v1", "authorization.k8s.io/v1beta1"],
         ["LocalSubjectAccessReview", "SelfSubjectAccessReview", "SelfSubjectRulesReview", "SubjectAccessReview"]),
        (["certificates.k8s.io/v1", "certificates.k8s.io/v1beta1"], ["CertificateSigningRequest"]),
        (["coordination.k8s.io/v1", "coordination.k8s.io/v1beta1"], ["Lease"]),
        (["discovery.k8s.io/v1", "discovery.k8s.io/v1beta1"], ["EndpointSlice"]),
        (["events.k8s.io/v1", "events.k8s.io/v1beta1"], ["Event"]),
        (["flowcontrol.apiserver.k8s.io/v1beta1"], ["FlowSchema", "PriorityLevelConfiguration"]),
        (["node.k8s.io/v1", "node.k8s.io/v1beta1"], ["RuntimeClass"]),
        (["scheduling.k8s.io/v1", "scheduling.k8s.io/v1beta1"], ["PriorityClass"]),
        (["storage.k8s.io/v1"], ["CSIDriver", "CSINode", "StorageClass", "VolumeAttachment"]),
        (["storage.k8s.io/v1beta1"],
         ["CSIDriver", "CSINode", "CSIStorageCapacity", "StorageClass", "VolumeAttachment"]),
    ]

    private static let kinds: [String: FieldSchema] = {
        var table: [String: FieldSchema] = [:]
        for (apiVersions, kinds) in served {
            for apiVersion in apiVersions {
                for kind in kinds {
                    var fields = kindFields[kind] ?? [:]
                    fields["metadata"] = objectMeta
                    table[apiVersion + " " + kind] = .object(fields)
                }
            }
        }
        return table
    }()
}
