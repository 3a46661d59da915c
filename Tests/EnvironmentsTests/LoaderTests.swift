import Diagnostics
import Environments
import Testing
import YAML

/// Four levels, as in the design's source layout.
private let chainFiles: [String: String] = [
    "base": """
        abstract: true
        description: shared by all
        operator:
          channel: pipelines-1.14
          installPlanApproval: Manual
          catalogSource:
            name: custom
            pollInterval: 30m
        tektonConfig:
          pipeline:
            enable-api-fields: beta
            keep-pod-on-cancel: true
          pruner:
            keep: 100
        argocd:
          ignoreDifferences:
            - kind: Secret
            - kind: ConfigMap
          labels:
            team: pipelines
        values:
          a:
            b: 1
            c: 2
          gone: here
        components:
          tekton-results:
            namespace: tekton-results
            patches:
              - patch: "from: base"
        patches:
          - patch: "top: base"

        """,
    "production": """
        extends: base
        abstract: true
        operator:
          channel: pipelines-1.15
          catalogSource: null
        tektonConfig:
          pipeline:
            enable-api-fields: stable
        values:
          gone: null
          a:
            c: 3
            new:
              x: null
              y: kept
        components:
          tekton-results:
            patches:
              - path: patches/prod.yaml
        patches:
          - path: patches/top-prod.yaml

        """,
    "production/ring-1": """
        extends: production
        abstract: true
        argocd:
          ignoreDifferences:
            - kind: Deployment
        components:
          tekton-chains:
            syncWave: 2

        """,
    "production/east-1": """
        extends: production/ring-1
        cluster:
          name: east-1
          server: https://api.east-1.example.com:6443
        tektonConfig:
          pruner:
            keep: 10
        components:
          tekton-results:
            patches:
              - patch: "from: east-1"
        patches:
          - patch: "top: east-1"

        """,
]

@Suite struct LoaderTests {
    @Test func fourLevelsOfInheritance() throws {
        let tree = try SourceTree(chainFiles)
        defer { tree.remove() }
        let environments = try tree.load()
        #expect(environments.map(\.name) == ["base", "production", "production/east-1", "production/ring-1"])
        let east = try #require(environments["production/east-1"])
        #expect(east.chain == ["base", "production", "production/ring-1", "production/east-1"])
        #expect(east.chainFiles == ["environments/base.yaml", "environments/production.yaml",
                                    "environments/production/ring-1.yaml", "environments/production/east-1.yaml"])
        #expect(east.file == "environments/production/east-1.yaml")
        #expect(!east.isAbstract)
        #expect(environments["production/ring-1"]?.isAbstract == true)
        #expect(environments["base"]?.chain == ["base"])
        // Values from every level reach the leaf.
        #expect(east.spec[path: ["description"]]?.text == "shared by all")
        #expect(east.spec[path: ["operator", "channel"]]?.text == "pipelines-1.15")
        #expect(east.spec[path: ["components", "tekton-chains", "syncWave"]]?.text == "2")
        #expect(east.spec[path: ["cluster", "name"]]?.text == "east-1")
        // extends/abstract/patches are not part of the spec.
        #expect(east.spec.keys.filter { ["extends", "abstract", "patches"].contains($0) }.isEmpty)
    }

    @Test func mergeRules() throws {
        let tree = try SourceTree(chainFiles)
        defer { tree.remove() }
        let east = try #require(try tree.load()["production/east-1"])
        // Maps deep-merge: keys of both layers survive, the child's wins.
        #expect(east.spec[path: ["tektonConfig", "pipeline", "enable-api-fields"]]?.text == "stable")
        #expect(east.spec[path: ["tektonConfig", "pipeline", "keep-pod-on-cancel"]]?.text == "true")
        #expect(east.spec[path: ["values", "a"]] == Node.mapping([
            ("b", .scalar("1")), ("c", .scalar("3")), ("new", .mapping([("y", .scalar("kept"))])),
        ]))
        // Scalars replace.
        #expect(east.spec[path: ["tektonConfig", "pruner", "keep"]]?.text == "10")
        #expect(east.spec[path: ["operator", "installPlanApproval"]]?.text == "Manual")
        // Lists replace, never concatenate.
        #expect(east.spec[path: ["argocd", "ignoreDifferences"]] == Node.sequence([.mapping([("kind", .scalar("Deployment"))])]))
        // null deletes an inherited key, a whole section too; a null with nothing to delete leaves nothing.
        #expect(east.spec[path: ["values", "gone"]] == nil)
        #expect(east.spec[path: ["operator", "catalogSource"]] == nil)
        #expect(east.spec[path: ["values", "a", "new", "x"]] == nil)
        // Patches accumulate parent first, top-level and per component.
        #expect(east.patches.map { $0["patch"]?.text ?? $0["path"]?.text ?? "" } ==
                ["top: base", "patches/top-prod.yaml", "top: east-1"])
        let componentPatches = try #require(east.spec[path: ["components", "tekton-results", "patches"]]?.items)
        #expect(componentPatches.map { $0["patch"]?.text ?? $0["path"]?.text ?? "" } ==
                ["from: base", "patches/prod.yaml", "from: east-1"])
        #expect(east.spec[path: ["components", "tekton-results", "namespace"]]?.text == "tekton-results")
    }

    @Test func nullDropsInheritedPatches() throws {
        let tree = try SourceTree([
            "base": "abstract: true\npatches:\n  - patch: a\ncomponents:\n  web:\n    patches:\n      - patch: b\n",
            "leaf": "extends: base\ncluster: {argocdName: in-cluster}\npatches: null\ncomponents:\n  web:\n    patches: null\n",
        ])
        defer { tree.remove() }
        let leaf = try #require(try tree.load()["leaf"])
        #expect(leaf.patches.isEmpty)
        #expect(leaf.spec[path: ["components", "web"]] == Node.mapping([]))
        #expect(leaf.layers.map(\.name) == ["base", "leaf"])
    }

    @Test func provenanceMarks() throws {
        let tree = try SourceTree(chainFiles)
        defer { tree.remove() }
        let east = try #require(try tree.load()["production/east-1"])
        let base = "environments/base.yaml", production = "environments/production.yaml"
        let channel = try #require(east.spec[path: ["operator", "channel"]])
        #expect(channel.mark.file == production)
        #expect(channel.mark.line == tree.line("pipelines-1.15", in: production))
        let approval = try #require(east.spec[path: ["operator", "installPlanApproval"]])
        #expect(approval.mark.file == base)
        #expect(approval.mark.line == tree.line("installPlanApproval", in: base))
        let keep = try #require(east.spec[path: ["tektonConfig", "pruner", "keep"]])
        #expect(keep.mark == Mark(file: "environments/production/east-1.yaml", line: 7, column: 11))
        // A merged mapping carries the mark of the last layer that touched it, its untouched keys their own.
        let valuesA = try #require(east.spec[path: ["values", "a"]])
        #expect(valuesA.mark.file == production)
        #expect(valuesA["b"]?.mark.file == base)
        let patches = try #require(east.spec[path: ["components", "tekton-results", "patches"]]?.items)
        #expect(patches.map(\.mark.file) == [base, production, "environments/production/east-1.yaml"])
        #expect(east.patches[0].mark.line == tree.line("top: base", in: base))
    }

    @Test func pathsOutsideTheDisplayBaseStayAbsolute() throws {
        let tree = try SourceTree(["broken": "extends: [1]\n"])
        defer { tree.remove() }
        let diagnostics: [Diagnostic]
        do {
            _ = try EnvironmentLoader.load(root: tree.root, displayBase: "/nonexistent-base")
            diagnostics = []
        } catch {
            diagnostics = error.diagnostics
        }
        #expect(diagnostics.first?.location?.file == "\(tree.root)/environments/broken.yaml")
    }

    @Test func missingEnvironmentsFolder() {
        do {
            _ = try EnvironmentLoader.load(root: "/nonexistent-gitopsc-root", displayBase: "/")
            Issue.record("expected an error")
        } catch {
            #expect(error.diagnostics.map(\.code) == ["environment.no-environments"])
        }
    }

    @Test func defaultsComeFromTheSchema() {
        #expect(EnvironmentSchema.defaultValue(at: ["operator", "namespace"])?.text == "openshift-operators")
        #expect(EnvironmentSchema.defaultValue(at: ["operator", "package"])?.text == "openshift-pipelines-operator-rh")
        #expect(EnvironmentSchema.defaultValue(at: ["components", "anything", "enabled"])?.text == "true")
        #expect(EnvironmentSchema.defaultValue(at: ["argocd", "finalizers"])?.text == "true")
        #expect(EnvironmentSchema.defaultValue(at: ["operator", "channel"]) == nil)
    }
}
