import Foundation
import Kustomize
import ProcessRunner
import Testing

/// Random overlays over a Deployment, a Service, a ConfigMap and a custom resource, with
/// strategic-merge and JSON 6902 patches, built by gitopsc and by `kubectl kustomize`.
enum OverlayGenerator {
    static let base: [String: String] = [
        "base/kustomization.yaml": "resources:\n- deployment.yaml\n- service.yaml\n- configmap.yaml\n- widget.yaml\n",
        "base/deployment.yaml": """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              labels: {app: web}
            spec:
              replicas: 1
              selector:
                matchLabels: {app: web}
              template:
                metadata:
                  labels: {app: web}
                spec:
                  containers:
                  - name: main
                    image: registry.example/web:1.0
                    args: ["--port", "8080"]
                    env:
                    - name: MODE
                      value: "prod"
                    - name: LEVEL
                      value: "3"
                    ports:
                    - containerPort: 8080
                      protocol: TCP
                  - name: sidecar
                    image: registry.example/proxy:2
                  volumes:
                  - name: config
                    configMap:
                      name: settings

            """,
        "base/service.yaml": """
            apiVersion: v1
            kind: Service
            metadata:
              name: web
            spec:
              selector: {app: web}
              ports:
              - name: http
                port: 80
                targetPort: 8080

            """,
        "base/configmap.yaml": """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: settings
            data:
              a: "1"
              b: "true"
              c: text

            """,
        "base/widget.yaml": """
            apiVersion: example.com/v1
            kind: Widget
            metadata:
              name: gadget
            spec:
              size: 3
              items:
              - name: one
                value: 1
              - name: two
                value: 2
              options:
                color: blue
                shape: round

            """,
    ]

    static let strategicPatches: [String] = [
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: main\n        image: registry.example/web:2.0\n        env:\n        - name: LEVEL\n          value: \"5\"\n        - name: EXTRA\n          value: \"yes\"\n",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: sidecar\n        $patch: delete\n",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: init\n        image: busybox\n      volumes:\n      - name: data\n        emptyDir: {}\n",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  labels:\n    app: null\n    tier: front\n",
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n  - name: metrics\n    port: 9090\n  type: ClusterIP\n",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: \"2\"\n  c: null\n  d: \"0644\"\n",
        "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: gadget\nspec:\n  items:\n  - name: three\n    value: 3\n  options:\n    color: red\n",
        "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: gadget\nspec:\n  options:\n    $patch: replace\n    only: this\n",
    ]

    static let jsonPatches: [(target: String, patch: String)] = [
        ("{kind: Deployment, name: web}", "- op: replace\n  path: /spec/replicas\n  value: 7\n"),
        ("{kind: Deployment, name: web}", "- op: add\n  path: /spec/template/spec/containers/0/args/-\n  value: --verbose\n"),
        ("{kind: Deployment, name: web}", "- op: remove\n  path: /spec/template/spec/containers/1\n"),
        ("{kind: Service}", "- op: add\n  path: /metadata/annotations\n  value: {team: platform}\n"),
        ("{kind: ConfigMap, name: settings}", "- op: copy\n  from: /data/a\n  path: /data/z\n"),
        ("{kind: ConfigMap, name: settings}", "- op: move\n  from: /data/b\n  path: /data/moved\n"),
        ("{kind: Widget}", "- op: test\n  path: /spec/size\n  value: 3\n- op: replace\n  path: /spec/items/1/value\n  value: \"two\"\n"),
        ("{group: example.com, kind: Widget}", "- op: add\n  path: /spec/items/0\n  value: {name: zero, value: 0}\n"),
    ]

    /// One overlay: a random subset of patches in random order.
    static func overlay(_ random: inout SeededRandom) -> [String: String] {
        var files = base
        var entries: [String] = []
        for (index, patch) in strategicPatches.enumerated() where Bool.random(using: &random) {
            files["overlay/smp\(index).yaml"] = patch
            entries.append("- path: smp\(index).yaml")
        }
        for (index, json) in jsonPatches.enumerated() where Int.random(in: 0..<3, using: &random) == 0 {
            files["overlay/json\(index).yaml"] = json.patch
            entries.append("- path: json\(index).yaml\n  target: \(json.target)")
        }
        entries.shuffle(using: &random)
        files["overlay/kustomization.yaml"] = "resources:\n- ../base\npatches:\n" + entries.joined(separator: "\n") + "\n"
        return files
    }
}

@Suite struct DifferentialTests {
    @Test(.enabled(if: Kubectl.path != nil, Kubectl.skipMessage))
    func randomOverlaysMatchKubectl() throws {
        var random = SeededRandom(seed: 20261121)
        var mismatches: [String] = []
        for round in 0..<40 {
            let files = OverlayGenerator.overlay(&random)
            let tree = try TemporaryTree(files)
            let kubectl = try Kubectl.kustomize(tree.path("overlay"))
            let expected = kubectl.status == 0 ? kubectl.output : nil
            // Some random combinations are invalid (a JSON patch on a removed element);
            // then both must fail.
            let actual = try? KustomizeBuilder().buildYAML(tree.path("overlay"))
            if expected != actual {
                mismatches.append("round \(round):\n\(files["overlay/kustomization.yaml"] ?? "")")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) overlays differ from kubectl kustomize, first:\n\(mismatches.first ?? "")")
    }
}
