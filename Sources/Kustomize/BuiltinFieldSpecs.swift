import YAML

/// The field specs kustomize v5.5.0 ships (its `builtinpluginconsts`), which every build starts
/// from. The lists are facts about Kubernetes kinds; where kustomize's list is odd (ConfigMaps
/// are not looked up in ReplicationControllers, for example), the oddity is kept so that output
/// stays identical.
extension TransformerConfig {
    public static let builtin: TransformerConfig = {
        var config = TransformerConfig()
        config.namePrefix = [FieldSpec("metadata/name")]
        config.nameSuffix = [FieldSpec("metadata/name")]
        config.namespace = [
            FieldSpec("metadata/namespace", create: true),
            FieldSpec("metadata/name", kind: "Namespace", create: true),
            FieldSpec("subjects/namespace", kind: "RoleBinding"),
            FieldSpec("subjects/namespace", kind: "ClusterRoleBinding"),
            FieldSpec("spec/service/namespace", group: "apiregistration.k8s.io", kind: "APIService", create: true),
            FieldSpec("spec/conversion/webhook/clientConfig/service/namespace", group: "apiextensions.k8s.io", kind: "CustomResourceDefinition"),
        ]
        config.commonLabels = selectorLabels + metadataLabels.filter { spec in !selectorLabels.contains(spec) }
        config.templateLabels = metadataLabels
        config.commonAnnotations = [FieldSpec("metadata/annotations", create: true)] + templateMetadata("annotations")
        config.images = [
            FieldSpec("spec/containers[]/image", create: true),
            FieldSpec("spec/initContainers[]/image", create: true),
            FieldSpec("spec/template/spec/containers[]/image", create: true),
            FieldSpec("spec/template/spec/initContainers[]/image", create: true),
        ]
        config.replicas = ["Deployment", "ReplicationController", "ReplicaSet", "StatefulSet"].map {
            FieldSpec("spec/replicas", kind: $0, create: true)
        }
        config.nameReference = nameReferences
        config.varReference = varReferences
        return config
    }()

    /// Where kustomize replaces `$(VAR)`: container fields of every pod template, a few
    /// Ingress and Service fields, NFS servers, and any object's labels and annotations.
    /// (CronJob's NFS path lacks the pod template's `spec`, as in kustomize.)
    private static let varReferences: [FieldSpec] = {
        let containerFields = ["containers/args", "containers/command", "containers/env/value", "containers/volumeMounts/mountPath"]
        let podFields = containerFields + containerFields.map { "init" + $0.prefix(1).uppercased() + $0.dropFirst() }
        let pods: [(kind: String, prefix: String, nfs: String)] = [
            ("CronJob", "spec/jobTemplate/spec/template/spec/", "spec/jobTemplate/spec/template/volumes/nfs/server"),
            ("DaemonSet", "spec/template/spec/", "spec/template/spec/volumes/nfs/server"),
            ("Deployment", "spec/template/spec/", "spec/template/spec/volumes/nfs/server"),
            ("Ingress", "", ""),
            ("Job", "spec/template/spec/", "spec/template/spec/volumes/nfs/server"),
            ("Pod", "spec/", "spec/volumes/nfs/server"),
            ("ReplicaSet", "spec/template/spec/", "spec/template/spec/volumes/nfs/server"),
            ("Service", "", ""),
            ("StatefulSet", "spec/template/spec/", "spec/volumeClaimTemplates/spec/nfs/server"),
        ]
        var specs: [FieldSpec] = []
        for pod in pods {
            switch pod.kind {
            case "Ingress":
                specs += ["spec/rules/host", "spec/tls/hosts", "spec/tls/secretName"].map { FieldSpec($0, kind: "Ingress") }
            case "Service":
                specs += ["spec/ports/port", "spec/ports/targetPort"].map { FieldSpec($0, kind: "Service") }
            default:
                specs += podFields.map { FieldSpec(pod.prefix + $0, kind: pod.kind) }
                specs.append(FieldSpec(pod.nfs, kind: pod.kind))
                if pod.kind == "Deployment" { specs.append(FieldSpec("spec/template/metadata/annotations", kind: "Deployment")) }
            }
        }
        return specs + [FieldSpec("spec/nfs/server", kind: "PersistentVolume"), FieldSpec("metadata/labels"), FieldSpec("metadata/annotations")]
    }()

    /// Where workload kinds keep their pod template's metadata (labels or annotations).
    private static func templateMetadata(_ field: String) -> [FieldSpec] {
        [
            FieldSpec("spec/template/metadata/\(field)", version: "v1", kind: "ReplicationController", create: true),
            FieldSpec("spec/template/metadata/\(field)", kind: "Deployment", create: true),
            FieldSpec("spec/template/metadata/\(field)", kind: "ReplicaSet", create: true),
            FieldSpec("spec/template/metadata/\(field)", kind: "DaemonSet", create: true),
            FieldSpec("spec/template/metadata/\(field)", group: field == "labels" ? "apps" : "", kind: "StatefulSet", create: true),
            FieldSpec("spec/template/metadata/\(field)", group: "batch", kind: "Job", create: true),
            FieldSpec("spec/jobTemplate/metadata/\(field)", group: "batch", kind: "CronJob", create: true),
            FieldSpec("spec/jobTemplate/spec/template/metadata/\(field)", group: "batch", kind: "CronJob", create: true),
        ]
    }

    /// Labels on objects and their templates (kustomize's `metadataLabelsFieldSpecs`).
    private static let metadataLabels: [FieldSpec] =
        [FieldSpec("metadata/labels", create: true)] + templateMetadata("labels")
        + [FieldSpec("spec/volumeClaimTemplates[]/metadata/labels", group: "apps", kind: "StatefulSet", create: true)]

    /// Label selectors that `commonLabels` (and `labels` with `includeSelectors`) also change.
    private static let selectorLabels: [FieldSpec] = {
        var specs = [
            FieldSpec("spec/selector", version: "v1", kind: "Service", create: true),
            FieldSpec("spec/selector", version: "v1", kind: "ReplicationController", create: true),
            FieldSpec("spec/selector/matchLabels", kind: "Deployment", create: true),
        ]
        let podSelectors = [
            "spec/template/spec/affinity/podAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels",
            "spec/template/spec/affinity/podAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels",
            "spec/template/spec/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels",
            "spec/template/spec/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels",
            "spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels",
        ]
        specs += podSelectors.map { FieldSpec($0, group: "apps", kind: "Deployment") }
        specs += [
            FieldSpec("spec/selector/matchLabels", kind: "ReplicaSet", create: true),
            FieldSpec("spec/selector/matchLabels", kind: "DaemonSet", create: true),
            FieldSpec("spec/selector/matchLabels", group: "apps", kind: "StatefulSet", create: true),
            FieldSpec("spec/volumeClaimTemplates[]/metadata/labels", group: "apps", kind: "StatefulSet", create: true),
        ]
        specs += podSelectors.map { FieldSpec($0, group: "apps", kind: "StatefulSet") }
        specs += [
            FieldSpec("spec/selector/matchLabels", group: "batch", kind: "Job"),
            FieldSpec("spec/jobTemplate/spec/selector/matchLabels", group: "batch", kind: "CronJob"),
            FieldSpec("spec/selector/matchLabels", group: "policy", kind: "PodDisruptionBudget"),
            FieldSpec("spec/podSelector/matchLabels", group: "networking.k8s.io", kind: "NetworkPolicy"),
            FieldSpec("spec/ingress/from/podSelector/matchLabels", group: "networking.k8s.io", kind: "NetworkPolicy"),
            FieldSpec("spec/egress/to/podSelector/matchLabels", group: "networking.k8s.io", kind: "NetworkPolicy"),
        ]
        return specs
    }()

    // MARK: Name references

    /// Where each workload kind keeps its pod spec.
    private static let podSpecPrefixes: [String: String] = [
        "Pod": "spec/", "PodTemplate": "template/spec/", "Deployment": "spec/template/spec/",
        "ReplicaSet": "spec/template/spec/", "DaemonSet": "spec/template/spec/",
        "StatefulSet": "spec/template/spec/", "Job": "spec/template/spec/",
        "ReplicationController": "spec/template/spec/", "CronJob": "spec/jobTemplate/spec/template/spec/",
    ]

    /// Pod spec fields in `kinds`' pod specs; kustomize pins Pods to version v1 only in its
    /// ConfigMap and Secret lists.
    private static func podFields(_ fields: [String], kinds: [String], podVersion: String = "") -> [FieldSpec] {
        kinds.flatMap { kind in
            fields.map { FieldSpec(podSpecPrefixes[kind]! + $0, version: kind == "Pod" ? podVersion : "", kind: kind) }
        }
    }

    private static let allPodKinds = ["Pod", "PodTemplate", "Deployment", "ReplicaSet", "DaemonSet", "StatefulSet", "Job", "CronJob"]
    private static let podOwnerKinds = ["Pod", "StatefulSet", "Deployment", "ReplicationController", "CronJob", "Job", "DaemonSet"]

    private static let nameReferences: [NameBackReference] = {
        let rbac = "rbac.authorization.k8s.io"
        let scaled = ["Deployment", "ReplicationController", "ReplicaSet", "StatefulSet"].map { kind in
            NameBackReference(gvk: GVK(kind: kind), referrers: [FieldSpec("spec/scaleTargetRef/name", kind: "HorizontalPodAutoscaler")])
        }
        let configMap = NameBackReference(
            gvk: GVK(version: "v1", kind: "ConfigMap"),
            referrers: podFields([
                "volumes/configMap/name",
                "containers/env/valueFrom/configMapKeyRef/name",
                "initContainers/env/valueFrom/configMapKeyRef/name",
                "containers/envFrom/configMapRef/name",
                "initContainers/envFrom/configMapRef/name",
                "volumes/projected/sources/configMap/name",
            ], kinds: allPodKinds, podVersion: "v1") + [
                FieldSpec("spec/configSource/configMap", kind: "Node"),
                FieldSpec("rules/resourceNames", kind: "Role"),
                FieldSpec("rules/resourceNames", kind: "ClusterRole"),
                FieldSpec("metadata/annotations/nginx.ingress.kubernetes.io\\/fastcgi-params-configmap", kind: "Ingress"),
            ])
        let secret = NameBackReference(
            gvk: GVK(version: "v1", kind: "Secret"),
            referrers: podFields([
                "volumes/secret/secretName",
                "containers/env/valueFrom/secretKeyRef/name",
                "initContainers/env/valueFrom/secretKeyRef/name",
                "containers/envFrom/secretRef/name",
                "initContainers/envFrom/secretRef/name",
                "imagePullSecrets/name",
                "volumes/projected/sources/secret/name",
            ], kinds: allPodKinds, podVersion: "v1") + [
                FieldSpec("spec/tls/secretName", kind: "Ingress"),
                FieldSpec("metadata/annotations/ingress.kubernetes.io\\/auth-secret", kind: "Ingress"),
                FieldSpec("metadata/annotations/nginx.ingress.kubernetes.io\\/auth-secret", kind: "Ingress"),
                FieldSpec("metadata/annotations/nginx.ingress.kubernetes.io\\/auth-tls-secret", kind: "Ingress"),
                FieldSpec("imagePullSecrets/name", kind: "ServiceAccount"),
                FieldSpec("parameters/secretName", kind: "StorageClass"),
                FieldSpec("parameters/adminSecretName", kind: "StorageClass"),
                FieldSpec("parameters/userSecretName", kind: "StorageClass"),
                FieldSpec("parameters/secretRef", kind: "StorageClass"),
                FieldSpec("rules/resourceNames", kind: "Role"),
                FieldSpec("rules/resourceNames", kind: "ClusterRole"),
                FieldSpec("spec/template/spec/containers/env/valueFrom/secretKeyRef/name", group: "serving.knative.dev", version: "v1", kind: "Service"),
                FieldSpec("spec/azureFile/secretName", kind: "PersistentVolume"),
            ])
        let service = NameBackReference(
            gvk: GVK(version: "v1", kind: "Service"),
            referrers: [
                FieldSpec("spec/serviceName", group: "apps", kind: "StatefulSet"),
                FieldSpec("spec/rules/http/paths/backend/serviceName", kind: "Ingress"),
                FieldSpec("spec/backend/serviceName", kind: "Ingress"),
                FieldSpec("spec/rules/http/paths/backend/service/name", kind: "Ingress"),
                FieldSpec("spec/defaultBackend/service/name", kind: "Ingress"),
                FieldSpec("spec/service", group: "apiregistration.k8s.io", kind: "APIService"),
                FieldSpec("webhooks/clientConfig/service", group: "admissionregistration.k8s.io", kind: "ValidatingWebhookConfiguration"),
                FieldSpec("webhooks/clientConfig/service", group: "admissionregistration.k8s.io", kind: "MutatingWebhookConfiguration"),
            ])
        let role = NameBackReference(
            gvk: GVK(group: rbac, kind: "Role"),
            referrers: [FieldSpec("roleRef/name", group: rbac, kind: "RoleBinding")])
        let clusterRole = NameBackReference(
            gvk: GVK(group: rbac, kind: "ClusterRole"),
            referrers: [
                FieldSpec("roleRef/name", group: rbac, kind: "RoleBinding"),
                FieldSpec("roleRef/name", group: rbac, kind: "ClusterRoleBinding"),
            ])
        // Subjects are mappings: the whole subject is handed over, so that its namespace is
        // fixed along with its name.
        let serviceAccount = NameBackReference(
            gvk: GVK(version: "v1", kind: "ServiceAccount"),
            referrers: [
                FieldSpec("subjects", group: rbac, kind: "RoleBinding"),
                FieldSpec("subjects", group: rbac, kind: "ClusterRoleBinding"),
            ] + podFields(["serviceAccountName"], kinds: podOwnerKinds))
        let claim = NameBackReference(
            gvk: GVK(version: "v1", kind: "PersistentVolumeClaim"),
            referrers: podFields(["volumes/persistentVolumeClaim/claimName"], kinds: podOwnerKinds))
        let volume = NameBackReference(
            gvk: GVK(version: "v1", kind: "PersistentVolume"),
            referrers: [
                FieldSpec("spec/volumeName", kind: "PersistentVolumeClaim"),
                FieldSpec("rules/resourceNames", kind: "ClusterRole"),
            ])
        let storageClass = NameBackReference(
            gvk: GVK(group: "storage.k8s.io", version: "v1", kind: "StorageClass"),
            referrers: [
                FieldSpec("spec/storageClassName", kind: "PersistentVolume"),
                FieldSpec("spec/storageClassName", kind: "PersistentVolumeClaim"),
                FieldSpec("spec/volumeClaimTemplates/spec/storageClassName", kind: "StatefulSet"),
            ])
        let priorityClass = NameBackReference(
            gvk: GVK(group: "scheduling.k8s.io", version: "v1", kind: "PriorityClass"),
            referrers: podFields(["priorityClassName"], kinds: podOwnerKinds))
        let admission = "admissionregistration.k8s.io"
        let admissionPolicy = NameBackReference(
            gvk: GVK(group: admission, kind: "ValidatingAdmissionPolicy"),
            referrers: [FieldSpec("spec/policyName", group: admission, kind: "ValidatingAdmissionPolicyBinding")])
        // kustomize also lists IngressClass (for Ingress spec/ingressClassName), under the group
        // "networking.k8s.io/v1", which no object has: that entry never applies, so it is left out.
        return scaled + [configMap, secret, service, role, clusterRole, serviceAccount, claim, volume, storageClass, priorityClass, admissionPolicy]
    }()
}
