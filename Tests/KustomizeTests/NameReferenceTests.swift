import Diagnostics
import Foundation
import Testing
import YAML
@testable import Kustomize

/// A Deployment that uses a ConfigMap, a Secret, a ServiceAccount and a claim in every way
/// the built-in name references know, with the objects it uses.
private let application = """
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  template:
    spec:
      serviceAccountName: runner
      imagePullSecrets:
      - name: pull
      containers:
      - name: app
        image: app:1
        env:
        - name: FROM_MAP
          valueFrom:
            configMapKeyRef:
              name: settings
              key: k
        - name: FROM_SECRET
          valueFrom:
            secretKeyRef:
              name: credentials
              key: k
        - name: UNRELATED
          valueFrom:
            configMapKeyRef:
              name: not-in-build
              key: k
        envFrom:
        - configMapRef:
            name: settings
        - secretRef:
            name: credentials
      initContainers:
      - name: init
        envFrom:
        - configMapRef:
            name: settings
      volumes:
      - name: config
        configMap:
          name: settings
      - name: secret
        secret:
          secretName: credentials
      - name: data
        persistentVolumeClaim:
          claimName: data
      - name: projected
        projected:
          sources:
          - configMap:
              name: settings
          - secret:
              name: credentials
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  k: v
---
apiVersion: v1
kind: Secret
metadata:
  name: credentials
type: Opaque
---
apiVersion: v1
kind: Secret
metadata:
  name: pull
type: kubernetes.io/dockerconfigjson
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: runner
imagePullSecrets:
- name: pull
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
spec:
  storageClassName: fast
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: fast
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: app
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: app
"""

/// RBAC objects whose bindings name roles and service accounts.
private let rbac = """
apiVersion: v1
kind: ServiceAccount
metadata:
  name: runner
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: watcher
  namespace: monitoring
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: editor
rules:
- apiGroups: [""]
  resources: [configmaps]
  resourceNames: [settings, unrelated]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: editor
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: edit-role
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: editor
subjects:
- kind: ServiceAccount
  name: runner
- kind: ServiceAccount
  name: watcher
  namespace: monitoring
- kind: ServiceAccount
  name: default
- kind: User
  name: runner
- kind: ServiceAccount
  name: stranger
  namespace: far
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: edit-cluster-role
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: editor
subjects:
- kind: ServiceAccount
  name: runner
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: edit-everywhere
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: editor
subjects:
- kind: ServiceAccount
  name: runner
  namespace: default
"""


/// Every object kind a reference can point to, named `target`, and referrers that name them in
/// every field we know of, built-in or not: kubectl shows which ones kustomize fixes.
private let kitchenSink: String = {
    let targets = [
        ("v1", "ConfigMap"), ("v1", "Secret"), ("v1", "ServiceAccount"), ("v1", "Service"),
        ("v1", "PersistentVolumeClaim"), ("v1", "PersistentVolume"), ("storage.k8s.io/v1", "StorageClass"),
        ("scheduling.k8s.io/v1", "PriorityClass"), ("node.k8s.io/v1", "RuntimeClass"),
        ("networking.k8s.io/v1", "IngressClass"), ("rbac.authorization.k8s.io/v1", "Role"),
        ("rbac.authorization.k8s.io/v1", "ClusterRole"), ("apps/v1", "Deployment"), ("v1", "Endpoints"),
        ("admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicy"),
        ("admissionregistration.k8s.io/v1alpha1", "MutatingAdmissionPolicy"),
    ]
    var documents = targets.map { "apiVersion: \($0.0)\nkind: \($0.1)\nmetadata:\n  name: target\n" }
    let podSpec = """
    serviceAccountName: target
    serviceAccount: target
    priorityClassName: target
    runtimeClassName: target
    schedulerName: target
    imagePullSecrets:
    - name: target
    containers:
    - name: c
      env:
      - valueFrom:
          configMapKeyRef: {name: target}
      - valueFrom:
          secretKeyRef: {name: target}
      envFrom:
      - configMapRef: {name: target}
      - secretRef: {name: target}
    initContainers:
    - name: i
      env:
      - valueFrom:
          configMapKeyRef: {name: target}
      envFrom:
      - secretRef: {name: target}
    ephemeralContainers:
    - name: e
      env:
      - valueFrom:
          configMapKeyRef: {name: target}
      envFrom:
      - secretRef: {name: target}
    volumes:
    - configMap: {name: target}
    - secret: {secretName: target}
    - persistentVolumeClaim: {claimName: target}
    - projected:
        sources:
        - configMap: {name: target}
        - secret: {name: target}
    - csi:
        nodePublishSecretRef: {name: target}
    - cephfs:
        secretRef: {name: target}
    - rbd:
        secretRef: {name: target}
    - azureFile: {secretName: target}
    - iscsi:
        secretRef: {name: target}
    - flexVolume:
        secretRef: {name: target}
    - ephemeral:
        volumeClaimTemplate:
          spec: {storageClassName: target}
    """
    func indented(_ text: String, _ spaces: Int) -> String {
        text.split(separator: "\n").map { String(repeating: " ", count: spaces) + $0 }.joined(separator: "\n")
    }
    let workloads: [(String, String, String)] = [
        ("v1", "Pod", "spec:\n" + indented(podSpec, 2)),
        ("v1", "PodTemplate", "template:\n  spec:\n" + indented(podSpec, 4)),
        ("apps/v1", "Deployment", "spec:\n  template:\n    spec:\n" + indented(podSpec, 6)),
        ("apps/v1", "ReplicaSet", "spec:\n  template:\n    spec:\n" + indented(podSpec, 6)),
        ("apps/v1", "DaemonSet", "spec:\n  template:\n    spec:\n" + indented(podSpec, 6)),
        ("v1", "ReplicationController", "spec:\n  template:\n    spec:\n" + indented(podSpec, 6)),
        ("batch/v1", "Job", "spec:\n  template:\n    spec:\n" + indented(podSpec, 6)),
        ("batch/v1", "CronJob", "spec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n" + indented(podSpec, 10)),
        ("apps/v1", "StatefulSet", """
        spec:
          serviceName: target
          volumeClaimTemplates:
          - spec: {storageClassName: target, volumeName: target}
          template:
            spec:
        \(indented(podSpec, 6))
        """),
    ]
    documents += workloads.map { "apiVersion: \($0.0)\nkind: \($0.1)\nmetadata:\n  name: w-\($0.1.lowercased())\n\($0.2)\n" }
    documents += [
        """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: ing
          annotations:
            nginx.ingress.kubernetes.io/fastcgi-params-configmap: target
            ingress.kubernetes.io/auth-secret: target
            nginx.ingress.kubernetes.io/auth-secret: target
            nginx.ingress.kubernetes.io/auth-tls-secret: target
            nginx.ingress.kubernetes.io/configuration-snippet: target
        spec:
          ingressClassName: target
          tls:
          - secretName: target
          defaultBackend:
            service: {name: target}
          backend:
            serviceName: target
          rules:
          - http:
              paths:
              - backend:
                  serviceName: target
                  service: {name: target}
        """,
        """
        apiVersion: v1
        kind: PersistentVolume
        metadata:
          name: pv
        spec:
          storageClassName: target
          claimRef: {name: target, namespace: default}
          azureFile: {secretName: target}
          csi:
            nodePublishSecretRef: {name: target}
            controllerPublishSecretRef: {name: target}
        """,
        """
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata:
          name: pvc
        spec:
          storageClassName: target
          volumeName: target
          dataSource: {kind: PersistentVolumeClaim, name: target}
          dataSourceRef: {kind: PersistentVolumeClaim, name: target}
        """,
        """
        apiVersion: autoscaling/v2
        kind: HorizontalPodAutoscaler
        metadata:
          name: hpa
        spec:
          scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: target}
        """,
        """
        apiVersion: v1
        kind: ServiceAccount
        metadata:
          name: sa
        secrets:
        - name: target
        imagePullSecrets:
        - name: target
        """,
        """
        apiVersion: storage.k8s.io/v1
        kind: StorageClass
        metadata:
          name: sc
        parameters:
          secretName: target
          adminSecretName: target
          userSecretName: target
          secretRef: target
          csi.storage.k8s.io/provisioner-secret-name: target
        """,
        """
        apiVersion: v1
        kind: Node
        metadata:
          name: node
        spec:
          configSource:
            configMap: target
        """,
        """
        apiVersion: admissionregistration.k8s.io/v1
        kind: MutatingWebhookConfiguration
        metadata:
          name: mwc
        webhooks:
        - name: w
          clientConfig:
            service: {name: target, namespace: default}
        """,
        """
        apiVersion: apiregistration.k8s.io/v1
        kind: APIService
        metadata:
          name: v1.example.com
        spec:
          service: {name: target, namespace: default}
        """,
        """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: widgets.example.com
        spec:
          conversion:
            webhook:
              clientConfig:
                service: {name: target, namespace: default}
        """,
        """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata:
          name: reader
        rules:
        - resourceNames: [target, other]
        """,
        """
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: slice
          labels:
            kubernetes.io/service-name: target
        """,
        """
        apiVersion: policy/v1
        kind: PodDisruptionBudget
        metadata:
          name: pdb
        spec:
          selector:
            matchLabels: {app: target}
        """,
        """
        apiVersion: serving.knative.dev/v1
        kind: Service
        metadata:
          name: ksvc
        spec:
          template:
            spec:
              serviceAccountName: target
              containers:
              - env:
                - valueFrom:
                    secretKeyRef: {name: target}
                - valueFrom:
                    configMapKeyRef: {name: target}
        """,
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: route
        spec:
          rules:
          - backendRefs:
            - name: target
        """,
    ]
    documents += [
        """
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingAdmissionPolicyBinding
        metadata:
          name: vapb
        spec:
          policyName: target
          paramRef: {name: target}
        """,
        """
        apiVersion: admissionregistration.k8s.io/v1alpha1
        kind: MutatingAdmissionPolicyBinding
        metadata:
          name: mapb
        spec:
          policyName: target
        """,
    ]
    return documents.map { $0.hasSuffix("\n") ? $0 : $0 + "\n" }.joined(separator: "---\n")
}()

@Suite(.enabled(if: Kubectl.path != nil, Kubectl.skipMessage))
struct NameReferenceKubectlTests {
    @Test func everyKnownReferenceField() throws {
        try TransformerOracle.expectSame("namePrefix: p-\n", over: kitchenSink)
        try TransformerOracle.expectSame("namespace: moved\nnameSuffix: -s\n", over: kitchenSink)
    }

    @Test func deploymentReferencesFollowAPrefix() throws {
        let output = try TransformerOracle.expectSame("namePrefix: team-\n", over: application)
        #expect(output.contains("claimName: team-data"))
        #expect(output.contains("name: not-in-build"))
    }

    @Test func deploymentReferencesFollowPrefixSuffixAndNamespace() throws {
        try TransformerOracle.expectSame("namespace: apps\nnamePrefix: team-\nnameSuffix: -v2\n", over: application)
    }

    @Test func bindingsFollowRolesAndServiceAccounts() throws {
        let output = try TransformerOracle.expectSame("namespace: tools\nnamePrefix: p-\n", over: rbac)
        // kustomize renames any subject named like a renamed ServiceAccount, whatever its kind.
        #expect(output.contains("kind: User\n  name: p-runner"))
    }

    @Test func bindingsWithoutNamespaceChange() throws {
        try TransformerOracle.expectSame("nameSuffix: -x\n", over: rbac)
    }

    @Test func servicesAndWebhooks() throws {
        try TransformerOracle.expectSame([
            "kustomization.yaml": "resources: [r.yaml]\nnamespace: web\nnamePrefix: p-\n",
            "r.yaml": """
            apiVersion: v1
            kind: Service
            metadata:
              name: api
              namespace: old
            ---
            apiVersion: apps/v1
            kind: StatefulSet
            metadata:
              name: db
            spec:
              serviceName: api
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: front
              annotations:
                nginx.ingress.kubernetes.io/auth-secret: tls
            spec:
              tls:
              - secretName: tls
              defaultBackend:
                service:
                  name: api
              rules:
              - http:
                  paths:
                  - backend:
                      service:
                        name: api
            ---
            apiVersion: v1
            kind: Secret
            metadata:
              name: tls
            ---
            apiVersion: admissionregistration.k8s.io/v1
            kind: ValidatingWebhookConfiguration
            metadata:
              name: check
            webhooks:
            - name: check.example.com
              clientConfig:
                service:
                  name: api
                  namespace: old
            ---
            apiVersion: apiregistration.k8s.io/v1
            kind: APIService
            metadata:
              name: v1.example.com
            spec:
              service:
                name: api
            """,
        ])
    }

    /// Two bases with a same-named ConfigMap, told apart by the prefixes they share with the
    /// Deployment of their own base; an overlay Deployment shares neither and stays as written.
    @Test func sameNamedTargetsAreToldApartByPrefixes() throws {
        let configMap = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n"
        let deployment = { (name: String) in
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: \(name)
            spec:
              template:
                spec:
                  volumes:
                  - name: c
                    configMap:
                      name: settings
            """
        }
        try TransformerOracle.expectSame([
            "a/kustomization.yaml": "namePrefix: a-\nresources: [r.yaml]\n",
            "a/r.yaml": configMap + "---\n" + deployment("one"),
            "b/kustomization.yaml": "nameSuffix: -b\nresources: [r.yaml]\n",
            "b/r.yaml": configMap + "---\n" + deployment("two"),
            "overlay/kustomization.yaml": "resources: [../a, ../b, r.yaml]\n",
            "overlay/r.yaml": deployment("three"),
        ], folder: "overlay")
        try TransformerOracle.expectSame([
            "a/kustomization.yaml": "namePrefix: a-\nresources: [r.yaml]\n",
            "a/r.yaml": configMap + "---\n" + deployment("one"),
            "b/kustomization.yaml": "namePrefix: b-\nresources: [r.yaml]\n",
            "b/r.yaml": configMap + "---\n" + deployment("two"),
            "overlay/kustomization.yaml": "namePrefix: o-\nresources: [../a, ../b]\n",
        ], folder: "overlay")
    }

    @Test func ambiguousReferencesFailLikeKubectl() throws {
        let configMap = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n"
        try TransformerOracle.expectBothFail([
            "kustomization.yaml": "resources: [a, b, r.yaml]\nnamePrefix: o-\n",
            "a/kustomization.yaml": "namePrefix: a-\nresources: [r.yaml]\n",
            "a/r.yaml": configMap,
            "b/kustomization.yaml": "namePrefix: b-\nresources: [r.yaml]\n",
            "b/r.yaml": configMap,
            "r.yaml": """
            apiVersion: v1
            kind: Pod
            metadata:
              name: p
            spec:
              volumes:
              - name: c
                configMap:
                  name: settings
            """,
        ], code: "kustomize.name-reference")
    }
}

// MARK: Unit tests

private func objects(_ text: String) throws -> [Resource] {
    try YAMLParser.parseStream(text, file: "r.yaml").map(Resource.init(node:))
}

@Suite struct NameReferenceUnitTests {
    @Test func renamedConfigMapIsFollowedAndBookkeepingRemoved() throws {
        var resources = try objects(application)
        try Transformers.prefixSuffix(prefix: .string("x-"), suffix: nil, &resources, config: .builtin)
        #expect(resources[1].namePrefixes == ["x-"])
        try NameReference.fix(&resources, config: .builtin)
        let deployment = resources[0].node
        #expect(deployment[path: ["spec", "template", "spec", "volumes"]]?.items?[0][path: ["configMap", "name"]]?.text == "x-settings")
        #expect(deployment[path: ["spec", "template", "spec", "serviceAccountName"]]?.text == "x-runner")
        #expect(resources.allSatisfy { $0.node[path: ["metadata", "annotations"]] == nil })
    }

    @Test func unchangedNamesAreLeftAlone() throws {
        var resources = try objects(application)
        let before = resources.map { YAMLEmitter.emit($0.node) }
        try NameReference.fix(&resources, config: .builtin)
        #expect(resources.map { YAMLEmitter.emit($0.node) } == before)
    }

    @Test func subjectWithoutNameIsAnError() throws {
        var resources = try objects("""
        apiVersion: v1
        kind: ServiceAccount
        metadata:
          name: sa
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata:
          name: rb
        subjects:
        - kind: ServiceAccount
        """)
        try Transformers.prefixSuffix(prefix: .string("p-"), suffix: nil, &resources, config: .builtin)
        #expect {
            try NameReference.fix(&resources, config: .builtin)
        } throws: { error in
            (error as? Diagnostic)?.code == "kustomize.name-reference"
        }
    }

    @Test func affixListsCompareByTheirEnds() {
        #expect(Resource.sameEnding(["a", "b", "c"], ["b", "c"]))
        #expect(!Resource.sameEnding(["a", "b", "c"], ["a", "b"]))
        #expect(!Resource.sameEnding([], ["a"]))
        #expect(Resource.sameEnding([], []))
    }
}
