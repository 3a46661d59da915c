import FileSources
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


/// Random kustomization trees that combine the features kustomize users mix: a base with
/// tricky scalars (folded blocks, timestamps, `<<`, quoted look-alikes), components,
/// transformers, generators merging into patched data, strategic-merge and JSON patches
/// (files and inline), and replacements with every option. Each tree is built by gitopsc and
/// by `kubectl kustomize`; the outputs must be the same bytes, or both builds must fail.
enum FeatureTreeGenerator {
    /// Values for the Widget's `spec.extra`, each a YAML fragment at indentation 4.
    static let trickyScalars: [String] = [
        ">\n      first line\n      continues\n\n\n      after blanks\n        more indented\n      back\n",
        ">-\n      a\n\n        b\n      c\n",
        ">\n      x\n        m1\n        m2\n      y\n",
        "2024-01-01", "2024-1-2 3:04:05.5", "2024-01-01T10:00:00+02:00", "\"2024-01-01\"",
        "\"<<\"", "'<<'", "\"true\"", "\"0x10\"", "\"0755\"", "'yes'", "\"1.5\"", "\"~\"", "\"\"",
        "0x1F", "0777", "1_000", "1.50", "1e3", "True", "~", "null", "[a, \"b\", 3]", "{k: v}",
        "|\n      line one\n      line two\n", "|-\n      kept\n", "\"a: b\"", "'#not a comment'",
    ]

    static func base(_ random: inout SeededRandom) -> [String: String] {
        var files = OverlayGenerator.base
        var extra = ""
        for (index, value) in trickyScalars.enumerated() where Int.random(in: 0..<4, using: &random) == 0 {
            extra += "    k\(index): \(value)\n"
        }
        var widget = files["base/widget.yaml"]!
        widget = widget.replacingOccurrences(of: "  name: gadget\n", with: "  name: gadget\n  labels:\n    example.com/name: gadget-label\n")
        if !extra.isEmpty { widget += "  extra:\n" + extra }
        files["base/widget.yaml"] = widget
        if Bool.random(using: &random) {
            files["base/kustomization.yaml"]! += "configMapGenerator:\n- name: generated\n  literals:\n  - one=1\n  - mode=0644\n"
        }
        return files
    }

    static let strategicPatches: [String] = OverlayGenerator.strategicPatches + [
        // A null for a key the target does not have, and typed-looking strings.
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  absent: null\n  b: \"0x10\"\n  e: \"0755\"\n",
        "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: gadget\nspec:\n  size: \"3\"\n  options:\n    color: \"true\"\n    shape: 'round'\n    when: 2024-02-03\n",
        "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: gadget\nspec:\n  notes: >\n    folded\n      indented\n    end\n  script: |\n    echo one\n",
    ]

    static let jsonPatches: [(target: String, patch: String)] = OverlayGenerator.jsonPatches + [
        ("{kind: ConfigMap, name: settings}", "- op: add\n  path: /data/mode\n  value: 0777\n- op: add\n  path: /data/none\n  value: null\n"),
        ("{kind: ConfigMap, name: settings}", "- op: replace\n  path: /data/absent\n  value: now-here\n"),
        ("{kind: Widget}", "- op: add\n  path: /spec/ratio\n  value: 1.50\n"),
    ]

    /// Replacement sources and targets: text ones, and number ones (for typed targets such
    /// as `replicas`), combined at random, now and then across kinds.
    static let textSources: [String] = [
        "{kind: ConfigMap, name: settings, fieldPath: data.a}",
        "{kind: Widget, fieldPath: metadata.labels.example\\.com/name}",
        "{kind: Deployment, fieldPath: 'spec.template.spec.containers.[name=main].image', options: {delimiter: ':', index: 1}}",
        "{kind: Deployment, fieldPath: 'spec.template.spec.containers.[name=main].image', options: {delimiter: '/', index: 0}}",
        "{kind: Service, fieldPath: metadata.name}",
    ]
    static let numberSources: [String] = [
        "{kind: Widget, fieldPath: spec.size}",
        "{kind: Service, fieldPath: spec.ports.0.port}",
        "{kind: ConfigMap, name: settings, fieldPath: data.a}",
        "{kind: Deployment, fieldPath: spec.replicas}",
    ]
    static let textTargets: [String] = [
        "select: {kind: Widget}\n    fieldPaths: [spec.options.color]\n    options: {create: true}",
        "select: {kind: Widget}\n    fieldPaths: [spec.items.0.name, spec.made.up\\.key, spec.options.shape]\n    options: {create: true}",
        "select: {kind: Service}\n    fieldPaths: [metadata.annotations.example\\.com/from]\n    options: {create: true}",
        "select: {kind: ConfigMap, name: settings}\n    fieldPaths: [data.a, data.z]\n    options: {create: true}",
        "select: {kind: Deployment}\n    fieldPaths: ['spec.template.spec.containers.[name=main].image']\n    options: {delimiter: ':', index: 1}",
        "select: {kind: Deployment}\n    fieldPaths: ['spec.template.spec.containers.[name=main].image']\n    options: {delimiter: '/', index: -1}",
        "select: {kind: Deployment}\n    fieldPaths: ['spec.template.spec.containers.[name=main].env.[name=LEVEL].value']\n    options: {create: true}",
        "select: {kind: Widget}\n    fieldPaths: [spec.options.tag]\n    options: {create: true, delimiter: '-', index: 2}",
        "select: {kind: Widget}\n    reject: [{name: gadget}]\n    fieldPaths: [spec.size]",
    ]
    static let numberTargets: [String] = [
        "select: {kind: Widget}\n    fieldPaths: [spec.size]",
        "select: {kind: Deployment}\n    fieldPaths: [spec.replicas]",
        "select: {kind: Widget}\n    fieldPaths: [spec.count, spec.options.color]\n    options: {create: true}",
        "select: {kind: Widget}\n    fieldPaths: [spec.ratio]\n    options: {create: true, delimiter: '.', index: 1}",
    ]

    static func replacement(_ random: inout SeededRandom) -> String {
        let numbers = Bool.random(using: &random)
        let crossed = Int.random(in: 0..<10, using: &random) == 0
        let source = (numbers ? numberSources : textSources).randomElement(using: &random)!
        var text = "- source: \(source)\n  targets:\n"
        for _ in 0..<Int.random(in: 1...2, using: &random) {
            text += "  - \((numbers != crossed ? numberTargets : textTargets).randomElement(using: &random)!)\n"
        }
        return text
    }

    /// The JSON patches that still apply whatever else the tree does (the base list has some
    /// that need an element another patch may remove).
    static let robustJSONPatches = jsonPatches.filter { !$0.patch.contains("op: test") && !$0.patch.contains("op: move") && !$0.patch.contains("/items/1") && !$0.patch.contains("containers/1") && !$0.patch.contains("args/-") }

    static func patchEntries(_ random: inout SeededRandom, folder: String, prefix: String, into files: inout [String: String]) -> [String] {
        var entries: [String] = []
        for (index, patch) in strategicPatches.enumerated() where Int.random(in: 0..<6, using: &random) == 0 {
            if Bool.random(using: &random) {
                files["\(folder)/\(prefix)smp\(index).yaml"] = patch
                entries.append("- path: \(prefix)smp\(index).yaml")
            } else {
                entries.append("- patch: |\n" + patch.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n"))
            }
        }
        let jsonPatches = Int.random(in: 0..<4, using: &random) == 0 ? FeatureTreeGenerator.jsonPatches : robustJSONPatches
        for (index, json) in jsonPatches.enumerated() where Int.random(in: 0..<6, using: &random) == 0 {
            if Bool.random(using: &random) {
                files["\(folder)/\(prefix)json\(index).yaml"] = json.patch
                entries.append("- path: \(prefix)json\(index).yaml\n  target: \(json.target)")
            } else {
                entries.append("- target: \(json.target)\n  patch: |\n" + json.patch.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
            }
        }
        entries.shuffle(using: &random)
        return entries
    }

    static func tree(_ random: inout SeededRandom) -> [String: String] {
        var files = base(&random)
        var components: [String] = []
        for name in ["first", "second"] where Int.random(in: 0..<3, using: &random) == 0 {
            var text = "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n"
            let patches = patchEntries(&random, folder: name, prefix: name, into: &files)
            if !patches.isEmpty { text += "patches:\n" + patches.joined(separator: "\n") + "\n" }
            if Bool.random(using: &random) { text += "replacements:\n" + replacement(&random) }
            // kustomize v5.5.0 refuses a component with no field at all ("kustomization.yaml is empty").
            if Int.random(in: 0..<3, using: &random) == 0 || !text.contains(":\n-") { text += "commonLabels:\n  component: \(name)\n" }
            files["\(name)/kustomization.yaml"] = text
            components.append("- ../\(name)")
        }
        var overlay = "resources:\n- ../base\n"
        if !components.isEmpty { overlay += "components:\n" + components.shuffled(using: &random).joined(separator: "\n") + "\n" }
        if Int.random(in: 0..<4, using: &random) == 0 { overlay += "namePrefix: pre-\n" }
        if Int.random(in: 0..<4, using: &random) == 0 { overlay += "nameSuffix: -suf\n" }
        if Int.random(in: 0..<4, using: &random) == 0 { overlay += "namespace: team\n" }
        if Int.random(in: 0..<3, using: &random) == 0 {
            let key = Bool.random(using: &random) ? "app" : "tier"
            overlay += "labels:\n- pairs:\n    \(key): changed\n"
            if Bool.random(using: &random) { overlay += "  includeSelectors: \(Bool.random(using: &random))\n" }
            if Bool.random(using: &random) { overlay += "  includeTemplates: \(Bool.random(using: &random))\n" }
        }
        if Int.random(in: 0..<4, using: &random) == 0 { overlay += "commonLabels:\n  team: platform\n" }
        if Int.random(in: 0..<4, using: &random) == 0 { overlay += "commonAnnotations:\n  note: \"2024-05-06\"\n  count: \"7\"\n" }
        if Int.random(in: 0..<4, using: &random) == 0 { overlay += "images:\n- name: registry.example/web\n  newTag: \"2.1\"\n" }
        if Int.random(in: 0..<4, using: &random) == 0 { overlay += "replicas:\n- name: web\n  count: 4\n" }
        if files["base/kustomization.yaml"]!.contains("configMapGenerator"), Bool.random(using: &random) {
            overlay += "configMapGenerator:\n- name: generated\n  behavior: merge\n  literals:\n  - two=2\n"
        }
        let patches = patchEntries(&random, folder: "overlay", prefix: "", into: &files)
        if !patches.isEmpty { overlay += "patches:\n" + patches.joined(separator: "\n") + "\n" }
        if Bool.random(using: &random) {
            overlay += "replacements:\n"
            for _ in 0..<Int.random(in: 1...3, using: &random) { overlay += replacement(&random) }
        }
        files["overlay/kustomization.yaml"] = overlay
        return files
    }
}

/// How many generated trees a run compares: `GITOPSC_DIFFERENTIAL_TREES`, else 500.
private let differentialTreeCount = ProcessInfo.processInfo.environment["GITOPSC_DIFFERENTIAL_TREES"].flatMap { Int($0) } ?? 500

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

    /// Generated trees combining every supported feature; the seed is printed, and
    /// `GITOPSC_SEED` replays a run. kubectl runs four at a time.
    @Test(.enabled(if: Kubectl.path != nil, Kubectl.skipMessage))
    func featureTreesMatchKubectl() throws {
        let seed = SeededRandom.runSeed()
        var random = SeededRandom(seed: seed)
        let trees = (0..<differentialTreeCount).map { _ in FeatureTreeGenerator.tree(&random) }
        let folders = try trees.map { try TemporaryTree($0) }
        let paths = folders.map { $0.path("overlay") }
        let results = Locked<[Int: String]>([:])
        let built = Locked(0)
        DispatchQueue.concurrentPerform(iterations: 4) { worker in
            for index in stride(from: worker, to: paths.count, by: 4) {
                let folder = paths[index]
                guard let kubectl = try? Kubectl.kustomize(folder) else { continue }
                let expected = kubectl.status == 0 ? kubectl.output : nil
                if expected != nil { built.withValue { $0 += 1 } }
                let actual = try? KustomizeBuilder().buildYAML(folder)
                if expected != actual {
                    let detail = expected == nil ? "kubectl fails: \(kubectl.error.suffix(300))" : actual == nil ? "gitopsc fails" : "outputs differ"
                    results.withValue { $0[index] = "tree \(index) (\(detail)):\n" + trees[index].sorted { $0.key < $1.key }.map { "# \($0.key)\n\($0.value)" }.joined(separator: "\n") }
                }
            }
        }
        let mismatches = results.withValue { $0 }.sorted { $0.key < $1.key }.map(\.value)
        withExtendedLifetime(folders) {}
        // Most trees must build: a generator whose trees all fail would compare nothing.
        let successes = built.withValue { $0 }
        #expect(successes * 10 >= trees.count * 6, "seed \(seed): only \(successes) of \(trees.count) generated trees build with kubectl kustomize")
        #expect(mismatches.isEmpty, "seed \(seed) (GITOPSC_SEED=\(seed) to replay): \(mismatches.count) of \(trees.count) trees differ from kubectl kustomize, first:\n\(mismatches.first ?? "")")
    }
}
