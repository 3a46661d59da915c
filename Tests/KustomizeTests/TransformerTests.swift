import Diagnostics
import Foundation
import Testing
import YAML
@testable import Kustomize

/// `kubectl kustomize` as the oracle for the field-spec transformers and the name-reference
/// fix-up, with a small build of our own to compare: `resources` (files and folders),
/// `configurations`, the transformers in kustomize's order, then name references and the
/// legacy output order.
enum TransformerOracle {
    static func parse(_ url: URL) throws -> [Node] {
        try YAMLParser.parseStream(String(contentsOf: url, encoding: .utf8), file: url.path)
    }

    /// The objects and configuration of one kustomization folder, transformed.
    static func accumulate(_ folder: URL) throws -> (resources: [Resource], config: TransformerConfig) {
        let kustomization = try parse(folder.appendingPathComponent("kustomization.yaml"))[0]
        var resources: [Resource] = []
        var config = TransformerConfig.builtin
        for entry in kustomization["resources"]?.items ?? [] {
            let url = folder.appendingPathComponent(entry.text!)
            var isFolder: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder)
            if isFolder.boolValue {
                let base = try accumulate(url)
                resources += base.resources
                try config.merge(base.config)
            } else {
                resources += try parse(url).filter { !$0.isNull }.map(Resource.init(node:))
            }
        }
        for entry in kustomization["configurations"]?.items ?? [] {
            for document in try parse(folder.appendingPathComponent(entry.text!)) {
                try config.merge(TransformerConfig.parse(document))
            }
        }
        if let value = kustomization["namespace"] {
            try Transformers.namespace(value, &resources, config: config)
        }
        if kustomization["namePrefix"] != nil || kustomization["nameSuffix"] != nil {
            try Transformers.prefixSuffix(prefix: kustomization["namePrefix"], suffix: kustomization["nameSuffix"], &resources, config: config)
        }
        if let value = kustomization["labels"] {
            try Transformers.labels(value, &resources, config: config)
        }
        if let value = kustomization["commonLabels"] {
            try Transformers.commonLabels(value, &resources, config: config)
        }
        if let value = kustomization["commonAnnotations"] {
            try Transformers.commonAnnotations(value, &resources, config: config)
        }
        if let value = kustomization["replicas"] {
            try Transformers.replicas(value, &resources, config: config)
        }
        if let value = kustomization["images"] {
            try Transformers.images(value, &resources, config: config)
        }
        return (resources, config)
    }

    static func build(_ folder: URL) throws -> String {
        var (resources, config) = try accumulate(folder)
        try NameReference.fix(&resources, config: config)
        return YAMLEmitter.emitStream(ResourceOrder().sorted(resources).map(\.node))
    }

    /// Builds `folder` of a tree of `files` with kubectl and with gitopsc; the outputs must be
    /// identical. Returns the output for further checks.
    @discardableResult
    static func expectSame(_ files: [String: String], folder: String = ".", sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> String {
        let tree = try TemporaryTree(files)
        let expected = try Kubectl.kustomize(tree.path(folder))
        guard expected.status == 0 else {
            Issue.record("kubectl failed: \(expected.error)", sourceLocation: sourceLocation)
            return ""
        }
        let actual = try build(tree.root.appendingPathComponent(folder))
        #expect(actual == expected.output, "gitopsc and kubectl differ", sourceLocation: sourceLocation)
        return actual
    }

    /// `expectSame` of a kustomization of `resources: [r.yaml]` then `fields`, over `r.yaml`.
    @discardableResult
    static func expectSame(_ fields: String, over resources: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> String {
        try expectSame(["kustomization.yaml": "resources: [r.yaml]\n" + fields, "r.yaml": resources], sourceLocation: sourceLocation)
    }

    /// kubectl refuses the tree, and so does gitopsc, with a diagnostic of `code`.
    static func expectBothFail(_ files: [String: String], code: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        let tree = try TemporaryTree(files)
        let expected = try Kubectl.kustomize(tree.path())
        #expect(expected.status != 0, "kubectl accepted the tree", sourceLocation: sourceLocation)
        do {
            let output = try build(tree.root)
            Issue.record("gitopsc accepted the tree:\n\(output)", sourceLocation: sourceLocation)
        } catch let diagnostic as Diagnostic {
            #expect(diagnostic.code == code, "\(diagnostic)", sourceLocation: sourceLocation)
        }
    }
}

/// Objects most transformers touch: workloads with and without templates and selectors.
private let workloads = """
apiVersion: apps/v1
kind: Deployment
metadata:
  name: bare
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      affinity:
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
          - labelSelector:
              matchLabels:
                app: web
            topologyKey: kubernetes.io/hostname
      topologySpreadConstraints:
      - labelSelector:
          matchLabels:
            app: web
        maxSkew: 1
      containers:
      - name: web
        image: nginx:1.25
      initContainers:
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  selector: {}
  template:
    metadata: {}
  volumeClaimTemplates:
  - metadata:
      name: data
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly
spec:
  schedule: "0 0 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - name: job
            image: busybox
---
apiVersion: batch/v1
kind: Job
metadata:
  name: once
spec:
  selector:
    matchLabels:
  template:
    metadata:
      annotations: ~
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports:
  - port: 80
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: web
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: web
spec:
  podSelector:
    matchLabels:
      app: web
  ingress:
  - from:
    - podSelector:
        matchLabels:
          app: web
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  key: value
---
apiVersion: example.com/v1
kind: Widget
metadata:
  name: custom
spec:
  template:
    metadata:
      labels: {}
"""

@Suite(.enabled(if: Kubectl.path != nil, Kubectl.skipMessage))
struct TransformerKubectlTests {
    @Test func commonLabelsReachSelectorsAndTemplates() throws {
        let output = try TransformerOracle.expectSame("""
            commonLabels:
              team: platform
              enabled: "true"
              count: "1"
              answer: "yes"
              empty:
            """, over: workloads)
        #expect(output.contains("enabled: \"true\""))
    }

    @Test func labelsEntriesThenCommonLabels() throws {
        try TransformerOracle.expectSame("""
            labels:
            - pairs:
                tmpl: "on"
              includeTemplates: true
            - pairs:
                sel: s
              includeSelectors: true
            - pairs:
                meta: plain
            - pairs:
                custom: z
              fields:
              - path: spec/extra/labels
                kind: Widget
                create: true
            - pairs: {}
            commonLabels:
              meta: common
            """, over: workloads)
    }

    @Test func commonAnnotationsReachTemplates() throws {
        try TransformerOracle.expectSame("""
            commonAnnotations:
              argocd.argoproj.io/sync-options: SkipDryRunOnMissingResource=true
              number: "42"
              multi: "two\\nlines"
            """, over: workloads)
    }

    @Test func namespaceSkipsClusterScopedAndFixesBindings() throws {
        try TransformerOracle.expectSame([
            "kustomization.yaml": """
            resources: [r.yaml]
            namespace: team-a
            """,
            "r.yaml": """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: old
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata:
              name: reader
            ---
            apiVersion: v1
            kind: ServiceAccount
            metadata:
              name: runner
              namespace: elsewhere
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRoleBinding
            metadata:
              name: readers
            roleRef:
              apiGroup: rbac.authorization.k8s.io
              kind: ClusterRole
              name: reader
            subjects:
            - kind: ServiceAccount
              name: runner
              namespace: elsewhere
            - kind: ServiceAccount
              name: default
            - kind: ServiceAccount
              name: outsider
              namespace: kept
            - kind: Group
              name: default
            - kind: User
              name: alice
            ---
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata:
              name: widgets.example.com
            spec:
              conversion:
                webhook:
                  clientConfig:
                    service:
                      name: converter
                      namespace: old
            ---
            apiVersion: apiregistration.k8s.io/v1
            kind: APIService
            metadata:
              name: v1.example.com
            spec:
              service:
                name: api
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: app
              namespace: previous
            """,
        ])
    }

    /// Only the core Namespace kind is cluster-scoped and renamed; any other is namespaced.
    @Test func namespaceOfAnotherGroupIsNamespaced() throws {
        try TransformerOracle.expectSame([
            "kustomization.yaml": "resources: [r.yaml]\nnamespace: team-a\nnamePrefix: p-\n",
            "r.yaml": "apiVersion: example.com/v1\nkind: Namespace\nmetadata:\n  name: not-core\n",
        ])
    }

    @Test func prefixAndSuffixSkipKindsKustomizeSkips() throws {
        try TransformerOracle.expectSame([
            "kustomization.yaml": """
            resources: [r.yaml]
            namePrefix: pre-
            nameSuffix: -suf
            """,
            "r.yaml": """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: ns
            ---
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata:
              name: widgets.example.com
            ---
            apiVersion: apiregistration.k8s.io/v1
            kind: APIService
            metadata:
              name: v1.example.com
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata:
              name: reader
            ---
            apiVersion: example.com/v1
            kind: Widget
            metadata:
              name: "123"
            """,
        ])
    }

    @Test func imagesFollowKustomizeMatching() throws {
        let output = try TransformerOracle.expectSame([
            "kustomization.yaml": """
            resources: [r.yaml]
            images:
            - name: nginx
              tagSuffix: -patched
            - name: docker.io/library/redis
              newTag: "7"
            - name: postgres
              newName: registry.example.com/postgres
              digest: sha256:1111
            - name: busybox
              newName: mirror/busybox
            - name: localhost:5000/app
              newTag: v2
              digest: sha256:2222
            - name: quay.io/team/.*
              newTag: any
            - name: unused
              newTag: never
            """,
            "r.yaml": """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: d
            spec:
              template:
                spec:
                  containers:
                  - name: a
                    image: nginx:1.0
                  - name: b
                    image: docker.io/library/redis@sha256:abcd
                  - name: c
                    image: postgres
                  - name: d
                    image: localhost:5000/app:v1
                  - name: e
                    image: quay.io/team/tool:3
                  initContainers:
                  - name: i
                    image: busybox:1.2@sha256:def0
                  ephemeralContainers:
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: p
            spec:
              containers:
              - name: a
                image: nginx
              initContainers: ~
            ---
            apiVersion: example.com/v1
            kind: Pipeline
            metadata:
              name: t
            spec:
              steps:
              - containers:
                - image: nginx
                - name: no-image
                image: nginx
            ---
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata:
              name: pipelines.example.com
            spec:
              containers:
              - image: nginx
            """,
        ])
        #expect(output.contains("image: nginx:1.0-patched-patched"))
    }

    @Test func replicasByCurrentOrPreviousName() throws {
        try TransformerOracle.expectSame("""
            namePrefix: p-
            replicas:
            - name: bare
              count: 3
            - name: p-db
              count: 0x10
            - name: web
              count: 0
            """, over: workloads)
    }

    @Test func customConfigurations() throws {
        try TransformerOracle.expectSame([
            "kustomization.yaml": """
            resources: [r.yaml]
            configurations: [config.yaml]
            namePrefix: p-
            commonLabels:
              app: custom
            images:
            - name: renovate
              newTag: "38"
            """,
            "config.yaml": """
            images:
            - path: spec/template/metadata/annotations/example.com\\/renovate-image
              kind: Deployment
            nameReference:
            - kind: ConfigMap
              fieldSpecs:
              - kind: Dashboard
                path: spec/configMapRef/name
            commonLabels:
            - path: spec/selectorLabels
              kind: Dashboard
              create: yes
            """,
            "r.yaml": """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: board
            ---
            apiVersion: example.com/v1
            kind: Dashboard
            metadata:
              name: main
            spec:
              configMapRef:
                name: board
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: bot
            spec:
              template:
                metadata:
                  annotations:
                    example.com/renovate-image: renovate:37
            """,
        ])
    }

    /// kustomize ends a build by rewriting annotations as strings of their text and dropping
    /// empty annotation mappings; labels stay as they are.
    @Test func annotationsEndAsStringsOfTheirText() throws {
        try TransformerOracle.expectSame([
            "kustomization.yaml": "resources: [r.yaml]\nnamePrefix: p-\n",
            "r.yaml": """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: typed
              annotations:
                int: 1440
                float: 1.50
                hex: 0x10
                octal: 0644
                tilde: ~
                bool: yes
                list: [1]
                text: plain
              labels:
                version: 2
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: empty
              annotations: {}
              labels: {}
            ---
            apiVersion: v1
            kind: Secret
            metadata:
              name: bare
              annotations:
            """,
        ])
    }

    @Test func valuesMustHaveKustomizeTypes() throws {
        let resource = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n"
        let cases = [
            ("commonLabels:\n  version: 1", "kustomize.invalid"),
            ("commonAnnotations:\n  enabled: true", "kustomize.invalid"),
            ("namespace: yes", "kustomize.invalid"),
            ("namePrefix: 1", "kustomize.invalid"),
            ("images:\n- name: nginx\n  newTag: 1.5", "kustomize.invalid"),
            ("images:\n- name: nginx\n  tag: x", "kustomize.unknown-field"),
            ("replicas:\n- name: c\n  count: \"3\"", "kustomize.invalid"),
            ("labels:\n- pairs: {a: b}\n  selectors: true", "kustomize.unknown-field"),
        ]
        for (field, code) in cases {
            try TransformerOracle.expectBothFail(["kustomization.yaml": "resources: [r.yaml]\n\(field)\n", "r.yaml": resource], code: code)
        }
    }

    @Test func structuralFailuresMatchKubectl() throws {
        try TransformerOracle.expectBothFail([
            "kustomization.yaml": "resources: [r.yaml]\ncommonLabels:\n  a: b\n",
            "r.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n  labels: [x]\n",
        ], code: "kustomize.transform")
        try TransformerOracle.expectBothFail([
            "kustomization.yaml": "resources: [r.yaml]\nreplicas:\n- name: missing\n  count: 1\n",
            "r.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n",
        ], code: "kustomize.replicas")
        try TransformerOracle.expectBothFail([
            "kustomization.yaml": "resources: [r.yaml]\nconfigurations: [c.yaml]\ncommonLabels:\n  a: b\n",
            "c.yaml": "commonLabels:\n- path: metadata/labels\n  create: false\n",
            "r.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n",
        ], code: "kustomize.invalid")
        try TransformerOracle.expectBothFail([
            "kustomization.yaml": "resources: [r.yaml]\nnamespace: one\n",
            "r.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: a\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: b\n",
        ], code: "kustomize.duplicate-id")
    }
}

// MARK: Unit tests

private func node(_ text: String) throws -> Node {
    try YAMLParser.parseDocument(text, file: "kustomization.yaml")
}

private func resources(_ text: String) throws -> [Resource] {
    try YAMLParser.parseStream(text, file: "r.yaml").map(Resource.init(node:))
}

@Suite struct TransformerUnitTests {
    @Test func pathsSplitAtUnescapedSlashes() {
        let spec = FieldSpec("metadata/annotations/example.com\\/image/containers[]/image")
        #expect(spec.steps.map(\.name) == ["metadata", "annotations", "example.com/image", "containers", "image"])
        #expect(spec.steps.map(\.isList) == [false, false, false, true, false])
    }

    @Test func createMakesMissingMapsOnlyWhereAsked() throws {
        var deployment = try node("kind: Deployment\nmetadata:\n  name: d\n")
        try FieldSpec("spec/selector/matchLabels", kind: "Deployment", create: true).apply(to: &deployment, creating: .mapping) { node in
            node["a"] = .string("b")
        }
        #expect(deployment[path: ["spec", "selector", "matchLabels", "a"]]?.text == "b")
        var untouched = try node("kind: Job\nmetadata:\n  name: j\n")
        try FieldSpec("spec/selector/matchLabels", kind: "Job").apply(to: &untouched, creating: .mapping) { _ in
            Issue.record("set called on a missing field")
        }
        #expect(untouched["spec"] == nil)
    }

    @Test func walkingThroughAScalarIsAnErrorAtItsLine() throws {
        var resource = try node("kind: Deployment\nmetadata:\n  name: d\nspec: 3\n")
        #expect {
            try FieldSpec("spec/selector", create: true).apply(to: &resource, creating: .mapping) { _ in }
        } throws: { error in
            let diagnostic = error as? Diagnostic
            return diagnostic?.code == "kustomize.transform" && diagnostic?.location?.line == 4
        }
    }

    @Test func configurationRejectsUnknownFieldsWithSuggestion() throws {
        #expect {
            _ = try TransformerConfig.parse(node("commonLabel:\n- path: spec/x\n"))
        } throws: { error in
            (error as? Diagnostic)?.message.contains("did you mean 'commonLabels'") == true
        }
        #expect(throws: Diagnostic.self) {
            _ = try TransformerConfig.parse(node("nameReference:\n- kind: ConfigMap\n  fieldSpec: []\n"))
        }
    }

    @Test func mergeSkipsDuplicatesAndPoolsNameReferences() throws {
        var config = TransformerConfig.builtin
        let before = config.commonLabels.count
        try config.merge(.builtin)
        #expect(config.commonLabels.count == before)
        try config.merge(TransformerConfig.parse(node("""
        nameReference:
        - kind: ConfigMap
          version: v1
          fieldSpecs:
          - path: spec/board
            kind: Dashboard
        """)))
        let configMap = config.nameReference.first { $0.gvk == GVK(version: "v1", kind: "ConfigMap") }
        #expect(configMap?.referrers.last == FieldSpec("spec/board", kind: "Dashboard"))
        #expect(config.nameReference.count == TransformerConfig.builtin.nameReference.count)
    }

    @Test func labelValuesStayStrings() throws {
        var objects = try resources("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n")
        try Transformers.commonLabels(node("on: \"true\"\nn: \"1\""), &objects, config: .builtin)
        let labels = try #require(objects[0].node[path: ["metadata", "labels"]])
        #expect(labels["on"]?.type == .string)
        #expect(labels["n"]?.type == .string)
        #expect(YAMLEmitter.emit(objects[0].node).contains("\"n\": \"1\""))
    }

    @Test func badInputPointsAtTheValue() throws {
        var objects = try resources("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n")
        let value = try node("a: b\nversion: 2\n")
        #expect {
            try Transformers.commonLabels(value, &objects, config: .builtin)
        } throws: { error in
            let diagnostic = error as? Diagnostic
            return diagnostic?.code == "kustomize.invalid" && diagnostic?.location?.line == 2
        }
        #expect(throws: Diagnostic.self) {
            try Transformers.images(node("- name: [x]\n"), &objects, config: .builtin)
        }
        #expect(throws: Diagnostic.self) {
            try Transformers.images(node("name: x\n"), &objects, config: .builtin)
        }
        #expect(throws: Diagnostic.self) {
            try Transformers.replicas(node("- name: c\n  count: 2.5\n"), &objects, config: .builtin)
        }
        #expect(throws: Diagnostic.self) {
            try Transformers.namespace(node("[a]"), &objects, config: .builtin)
        }
    }

    @Test func imageReferencesSplitLikeKustomize() {
        #expect(ImageUpdate.split("nginx") == ("nginx", "", ""))
        #expect(ImageUpdate.split("nginx:1.0") == ("nginx", "1.0", ""))
        #expect(ImageUpdate.split("localhost:5000/app") == ("localhost:5000/app", "", ""))
        #expect(ImageUpdate.split("localhost:5000/app:v1@sha256:ab") == ("localhost:5000/app", "v1", "sha256:ab"))
        #expect(ImageUpdate.split("app@sha256:ab") == ("app", "", "sha256:ab"))
    }

    @Test func namespaceRemembersIdsForNameReferences() throws {
        var objects = try resources("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n")
        try Transformers.namespace(node("team"), &objects, config: .builtin)
        #expect(objects[0].namespace == "team")
        #expect(objects[0].previousIds == [ResId(gvk: GVK(version: "v1", kind: "ConfigMap"), name: "c")])
    }
}

