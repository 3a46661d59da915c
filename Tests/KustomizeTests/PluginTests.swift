import Diagnostics
import Foundation
import Kustomize
import Testing

/// Builtin plugin configurations in `generators:`, `transformers:` and `validators:`,
/// compared with `kubectl kustomize`.
@Suite(.enabled(if: Kubectl.path != nil, Kubectl.skipMessage))
struct PluginTests {
    static let shared: [String: String] = [
        "app/res.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  labels: {app: web}\nspec:\n  replicas: 1\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: main\n        image: nginx:1\n        envFrom:\n        - configMapRef: {name: generated}\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector: {app: web}\n  ports: [{port: 80}]\n",
        "app/labels.yaml": "apiVersion: builtin\nkind: LabelTransformer\nmetadata:\n  name: labels\nlabels:\n  team: a\nfieldSpecs:\n- path: metadata/labels\n  create: true\n- path: spec/selector\n  kind: Service\n  create: true\n",
        "app/patch.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 5\n",
        "gens/kustomization.yaml": "namePrefix: ignored-\nresources: [prefix.yaml]\n",
        "gens/prefix.yaml": "apiVersion: builtin\nkind: PrefixSuffixTransformer\nmetadata:\n  name: ps\nprefix: pre-\nsuffix: -suf\nfieldSpecs:\n- path: metadata/name\n",
    ]

    static func tree(_ kustomization: String) -> [String: String] {
        shared.merging(["app/kustomization.yaml": kustomization]) { $1 }
    }

    /// Every builtin transformer kind from inline documents, a file and a kustomization
    /// folder (inline ones run first, as in kustomize), and a validator that changes nothing.
    @Test func transformersRunInKustomizeOrder() throws {
        let outcome = try KubectlParity.expectSame(PluginTests.tree("resources: [res.yaml]\nnamePrefix: k-\ngenerators:\n- |-\n  apiVersion: builtin\n  kind: ConfigMapGenerator\n  metadata:\n    name: generated\n  literals: [a=b]\ntransformers:\n- labels.yaml\n- ../gens\n- |-\n  apiVersion: builtin\n  kind: AnnotationsTransformer\n  metadata: {name: notes}\n  annotations: {note: x}\n  fieldSpecs: [{path: metadata/annotations, create: true}]\n- |-\n  apiVersion: builtin\n  kind: ImageTagTransformer\n  metadata: {name: img}\n  imageTag: {name: nginx, newTag: \"2\"}\n- |-\n  apiVersion: builtin\n  kind: ReplicaCountTransformer\n  metadata: {name: rc}\n  replica: {name: web, count: 3}\n  fieldSpecs: [{path: spec/replicas, kind: Deployment, create: true}]\n- |-\n  apiVersion: builtin\n  kind: NamespaceTransformer\n  metadata: {name: ns, namespace: space}\n  fieldSpecs: [{path: metadata/namespace, create: true}]\n- |-\n  apiVersion: builtin\n  kind: PatchStrategicMergeTransformer\n  metadata: {name: psm}\n  paths: [patch.yaml]\n- |-\n  apiVersion: builtin\n  kind: PatchJson6902Transformer\n  metadata: {name: pj}\n  target: {group: apps, version: v1, kind: Deployment, name: web}\n  jsonOp: '[{\"op\": \"add\", \"path\": \"/spec/paused\", \"value\": true}]'\n- |-\n  apiVersion: builtin\n  kind: PatchTransformer\n  metadata: {name: pt}\n  patch: '[{\"op\": \"add\", \"path\": \"/metadata/annotations/patched\", \"value\": \"yes\"}]'\n  target: {kind: Service}\nvalidators:\n- |-\n  apiVersion: builtin\n  kind: LabelTransformer\n  metadata: {name: check}\n  labels: {team: a}\n  fieldSpecs: [{path: metadata/labels, create: true}]\n"))
        #expect(outcome.output != nil)
    }

    /// Generators merge into generated objects; a HashTransformer hashes once more at the end.
    @Test func generatorsAndHashTransformer() throws {
        let outcome = try KubectlParity.expectSame(PluginTests.tree("resources: [res.yaml]\nconfigMapGenerator:\n- name: generated\n  literals: [x=1]\ngenerators:\n- |-\n  apiVersion: builtin\n  kind: SecretGenerator\n  metadata: {name: s, namespace: n}\n  literals: [p=q]\n  type: Opaque\n- |-\n  apiVersion: builtin\n  kind: ConfigMapGenerator\n  metadata: {name: generated}\n  behavior: merge\n  literals: [y=2]\ntransformers:\n- |-\n  apiVersion: builtin\n  kind: HashTransformer\n  metadata: {name: h}\n- |-\n  apiVersion: builtin\n  kind: PrefixTransformer\n  metadata: {name: p}\n  prefix: late-\n  fieldSpecs: [{path: metadata/name}]\n- |-\n  apiVersion: builtin\n  kind: ReplacementTransformer\n  metadata: {name: r}\n  replacements:\n  - source: {kind: Service, fieldPath: spec.ports.0.port}\n    targets:\n    - select: {kind: Deployment}\n      fieldPaths: [spec.template.metadata.labels.app]\n"))
        #expect(outcome.output?.contains("late-generated-gc87g97b68-gc87g97b68") == true)
    }
}

extension PluginTests {
    static let failing: [String: String] = [
        "a validator that changes objects": "resources: [res.yaml]\nvalidators:\n- |-\n  apiVersion: builtin\n  kind: LabelTransformer\n  metadata: {name: check}\n  labels: {team: b}\n  fieldSpecs: [{path: metadata/labels, create: true}]\n",
        "an exec or KRM plugin": "resources: [res.yaml]\ntransformers:\n- |-\n  apiVersion: example.com/v1\n  kind: MyPlugin\n  metadata: {name: x}\n",
        "a transformer listed as a generator": "resources: [res.yaml]\ngenerators:\n- |-\n  apiVersion: builtin\n  kind: LabelTransformer\n  metadata: {name: x}\n",
        "a generator listed as a transformer": "resources: [res.yaml]\ntransformers:\n- |-\n  apiVersion: builtin\n  kind: ConfigMapGenerator\n  metadata: {name: x}\n",
        "a missing configuration file": "resources: [res.yaml]\ntransformers: [missing.yaml]\n",
    ]

    @Test(arguments: failing.keys.sorted())
    func failsAsKubectl(name: String) throws {
        let outcome = try KubectlParity.expectSame(PluginTests.tree(PluginTests.failing[name]!))
        #expect(outcome.error != nil)
    }

    @Test func externalPluginsAreRefusedByKindWithTheReason() throws {
        let outcome = KubectlParity.gitopsc(try TemporaryTree(PluginTests.tree(PluginTests.failing["an exec or KRM plugin"]!)), folder: "app")
        #expect(outcome.error?.code == "kustomize.plugin")
        #expect(outcome.error?.message.contains("'MyPlugin'") == true)
        #expect(outcome.error?.message.contains("never runs programs") == true)
        #expect(outcome.error?.location?.line == 5)
    }
}
