import Diagnostics
import Foundation
import Kustomize
import Testing

/// `buildMetadata: [transformerAnnotations]` and origin annotations of objects made by
/// generator plugins, compared with `kubectl kustomize`.
@Suite(.enabled(if: Kubectl.path != nil, Kubectl.skipMessage))
struct TransformerAnnotationsTests {
    static let files: [String: String] = [
        "base/res.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n  template:\n    spec:\n      containers: [{name: main, image: nginx}]\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\n",
        "base/kustomization.yaml": "resources: [res.yaml]\nnamePrefix: b-\ncommonLabels: {team: a}\nconfigMapGenerator: [{name: base-settings, literals: [a=b]}]\n",
        "base/patch.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 4\n",
        "component/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\ncommonAnnotations: {from: component}\n",
        "app/notes.yaml": "apiVersion: builtin\nkind: AnnotationsTransformer\nmetadata: {name: notes, namespace: plugins}\nannotations: {note: x}\nfieldSpecs: [{path: metadata/annotations, create: true}]\n",
        "app/generator.yaml": "apiVersion: builtin\nkind: ConfigMapGenerator\nmetadata: {name: from-file}\nliterals: [c=d]\n",
        "gens/kustomization.yaml": "resources: [prefix.yaml]\nnamePrefix: renamed-\nnamespace: plugins\n",
        "gens/prefix.yaml": "apiVersion: builtin\nkind: PrefixTransformer\nmetadata: {name: prefix}\nprefix: pre-\nfieldSpecs: [{path: metadata/name}]\n",
        "generators/kustomization.yaml": "resources: [generator.yaml]\nnamePrefix: renamed-\n",
        "generators/generator.yaml": "apiVersion: builtin\nkind: ConfigMapGenerator\nmetadata: {name: folder}\nliterals: [e=f]\n",
        "app/patch.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n",
    ]

    static let overlays: [String: String] = [
        "every field": """
            resources: [../base]
            components: [../component]
            namespace: space
            namePrefix: p-
            nameSuffix: -s
            labels: [{pairs: {x: "1"}}]
            commonLabels: {z: "3"}
            commonAnnotations: {a: b}
            patches: [{path: patch.yaml}, {patch: '[{"op": "add", "path": "/metadata/labels/j", "value": "k"}]', target: {kind: Service}}]
            patchesStrategicMerge: [patch.yaml]
            patchesJson6902: [{target: {kind: Deployment, name: web}, patch: '[{"op": "add", "path": "/metadata/labels/q", "value": "r"}]'}]
            replicas: [{name: web, count: 3}, {name: web, count: 5}]
            images: [{name: nginx, newTag: "2"}, {name: other, newTag: "3"}]
            replacements: [{source: {kind: Service, fieldPath: metadata.name}, targets: [{select: {kind: ConfigMap, name: base-settings}, fieldPaths: [data.a]}]}]
            generators:
            - generator.yaml
            - |-
              apiVersion: builtin
              kind: SecretGenerator
              metadata: {name: inline, namespace: secrets}
              literals: [p=q]
            transformers:
            - notes.yaml
            - |-
              apiVersion: builtin
              kind: ValueAddTransformer
              metadata: {name: add}
              value: v
              targets: [{fieldPath: metadata/annotations/added}]
            buildMetadata: [transformerAnnotations, originAnnotations]

            """,
        "empty fields": "resources: [../base]\nnamespace: \"\"\nnamePrefix: \"\"\ncommonLabels: {}\ncommonAnnotations: {}\nlabels: []\nimages: []\nreplicas: []\npatches: []\npatchesStrategicMerge: []\nreplacements: []\nbuildMetadata: [transformerAnnotations]\n",
        "transformers only": "resources: [../base]\ntransformers: [notes.yaml]\nbuildMetadata: [transformerAnnotations, managedByLabel]\n",
        "a generator plugin's origin": "resources: [../base]\ngenerators: [generator.yaml]\nbuildMetadata: [originAnnotations]\n",
        "configurations from folders": "resources: [../base]\ntransformers: [../gens]\ngenerators: [../generators]\nbuildMetadata: [transformerAnnotations, originAnnotations]\n",
        "nothing to record": "resources: [../base]\nbuildMetadata: [transformerAnnotations]\n",
    ]

    @Test(arguments: overlays.keys.sorted())
    func annotatesAsKubectl(name: String) throws {
        let outcome = try KubectlParity.expectSame(TransformerAnnotationsTests.files.merging(["app/kustomization.yaml": TransformerAnnotationsTests.overlays[name]!]) { $1 })
        #expect(outcome.output != nil, "\(outcome.error.map { "\($0)" } ?? "")")
    }
}
