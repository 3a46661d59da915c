import Diagnostics
import Foundation
import Testing
import YAML
@testable import Kustomize

private let deployment = """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
      annotations:
        example.com/owner: team-a
        tilde~key: t
        kept: "yes"
    spec:
      replicas: 1
      selector:
        matchLabels: {app: web}
      template:
        metadata:
          labels: {app: web}
        spec:
          containers:
          - name: app
            image: nginx:1.25
            ports:
            - containerPort: 80
            env:
            - {name: A, value: "1"}
            - {name: B, value: two}
          - name: sidecar
            image: busybox
            args: [sleep, "3600"]
          volumes: []

    """

private let customResource = """
    apiVersion: operator.tekton.dev/v1alpha1
    kind: TektonConfig
    metadata:
      name: config
    spec:
      profile: all
      targetNamespace: openshift-pipelines
      pruner:
        keep: 100
        resources: [pipelinerun, taskrun]
        schedule: "0 8 * * *"
      platforms:
        openshift:
          pipelinesAsCode:
            enable: true
            settings: {application-name: PaC}

    """

/// Applies a patch file to one resource with gitopsc.
private func patched(_ resource: String, _ patch: String) throws(Diagnostic) -> String {
    let target = try YAMLParser.parseDocument(resource, file: "resource.yaml")
    let operations = try JSONPatch.operations(from: try YAMLParser.parseDocument(patch, file: "patch.yaml"))
    return YAMLEmitter.emit(try JSONPatch.apply(operations, to: target))
}

/// kubectl's result of the same patch on the same resource: its output or its error.
private func kubectlPatched(_ resource: String, _ patch: String) throws -> (output: String, error: String?) {
    let kind = try YAMLParser.parseDocument(resource, file: "resource.yaml")["kind"]?.text ?? ""
    let tree = try TemporaryTree([
        "resource.yaml": resource,
        "patch.yaml": patch,
        "kustomization.yaml": "resources: [resource.yaml]\npatches:\n- path: patch.yaml\n  target: {kind: \(kind)}\n",
    ])
    return try GeneratorPatchOracle.kustomize(tree)
}

@Suite struct JSONPatchKubectlTests {
    /// Patches that apply, each compared byte for byte with kubectl's output.
    static let successes: [(String, String, String)] = [
        ("add with typed values", deployment, """
        - {op: add, path: /spec/paused, value: yes}
        - {op: add, path: /spec/minReadySeconds, value: 3}
        - {op: add, path: /spec/keys, value: {y: n, on: 1, 0x10: a, True: b, plain: c}}
        - {op: add, path: /metadata/labels, value: {version: "3", float: 1.50, octal: 0644, "on": off, empty: ~}}
        - {op: add, path: /spec/template/spec/containers/0/env/-, value: {name: C, value: "true"}}
        - {op: add, path: /spec/template/spec/containers/0/env/0, value: {name: FIRST, value: x}}
        - {op: add, path: /spec/template/spec/containers/1/args/2, value: at-length}
        - {op: add, path: /spec/template/spec/containers/-1, value: {name: appended, image: "x:1"}}
        - {op: add, path: /spec/template/spec/containers/-3, value: {name: before-sidecar, image: y}}
        - {op: add, path: /spec/replicas, value: "5"}
        - {op: add, path: /spec/template/spec/volumes/0, value: {name: data, emptyDir: {}}}
        - {op: add, path: /spec/nothing}
        """),
        ("remove", deployment, """
        - {op: remove, path: /spec/template/spec/containers/0/env/1}
        - {op: remove, path: /spec/template/spec/containers/-1/args/-2}
        - {op: remove, path: /metadata/annotations/example.com~1owner}
        - {op: remove, path: /metadata/annotations/tilde~0key}
        - {op: remove, path: /spec/selector}
        """),
        ("replace, including a missing key", deployment, """
        - op: replace
          path: /spec/template/spec/containers/0/image
          value: nginx:1.27
        - op: replace
          path: /spec/template/spec/containers/-1/args
          value: [sh, -c, "echo 'hi'\\nexit 0"]
        - op: replace
          path: /spec/strategy
          value: {type: Recreate}
        - op: replace
          path: /spec/replicas
          value: 0x10
        """),
        ("move and copy", deployment, """
        - {op: copy, from: /spec/template/spec/containers/0/ports, path: /spec/template/spec/containers/1/ports}
        - {op: move, from: /spec/template/spec/containers/0/env/0, path: /spec/template/spec/containers/1/env}
        - {op: move, from: /spec/template/spec/containers/0/env, path: /spec/template/spec/containers/0/environment}
        - {op: copy, from: /spec/nothing, path: /spec/copiedMissing}
        - {op: move, from: /spec/template/spec/containers/1, path: /spec/template/spec/containers/0}
        - {op: copy, from: /metadata/name, path: /spec/template/metadata/labels/name}
        """),
        ("test, then change", deployment, """
        - {op: test, path: /spec/replicas, value: 1.0}
        - {op: test, path: /spec/template/spec/containers/0/ports, value: [{containerPort: 80}]}
        - {op: test, path: /spec/absent, value: null}
        - {op: test, path: /spec/template/spec/containers/1/args/1, value: "3600"}
        - {op: replace, path: /spec/replicas, value: 2}
        """),
        ("path without a leading slash", deployment, """
        - {op: add, path: spec/rootLevel, value: 1}
        """),
        ("json patch file", customResource, """
        [
          {"op": "replace", "path": "/spec/profile", "value": "lite"},
          {"op": "add", "path": "/spec/pruner/resources/-", "value": "pod"},
          {"op": "remove", "path": "/spec/pruner/keep"},
          {"op": "add", "path": "/spec/platforms/openshift/pipelinesAsCode/settings/hub-url", "value": "https://hub.example.com/?a=1&b=<2>"},
          {"op": "add", "path": "/spec/pipeline", "value": {"enable-api-fields": "beta", "await-sidecar-readiness": true, "count": 12.0}}
        ]
        """),
        ("custom resource lists are replaced whole", customResource, """
        - op: replace
          path: /spec/pruner/resources
          value:
          - taskrun
        - op: add
          path: /spec/platforms/openshift/pipelinesAsCode/settings/secret-auto-create
          value: "false"
        - op: copy
          from: /spec/targetNamespace
          path: /metadata/namespace
        """),
    ]

    @Test(.enabled(if: Kubectl.path != nil, Kubectl.skipMessage), arguments: successes.indices)
    func sameOutputAsKubectl(_ index: Int) throws {
        let (name, resource, patch) = Self.successes[index]
        let expected = try kubectlPatched(resource, patch)
        #expect(expected.error == nil, "\(name): kubectl failed: \(expected.error ?? "")")
        #expect(try patched(resource, patch) == expected.output, "\(name)")
    }

    /// Patches that fail, with kubectl's message and the failing operation's line.
    static let failures: [(String, Int)] = [
        ("- {op: remove, path: /spec/nothere}", 1),
        ("- {op: add, path: /spec/a, value: 1}\n- {op: add, path: /spec/missing/child, value: 1}", 2),
        ("- {op: add, path: /spec/template/spec/containers/5, value: {}}", 1),
        ("- {op: add, path: /spec/template/spec/containers/-4, value: {}}", 1),
        ("- {op: add, path: /spec/template/spec/containers/first, value: {}}", 1),
        ("- {op: replace, path: /spec/template/spec/containers/2, value: {}}", 1),
        ("- {op: replace, path: /spec/template/spec/containers/-, value: {}}", 1),
        ("- {op: replace, path: /spec/template/spec/containers/x/image, value: a}", 1),
        ("- {op: remove, path: /spec/template/spec/containers/9}", 1),
        ("- {op: remove, path: \"\"}", 1),
        ("- {op: test, path: /spec/replicas, value: \"1\"}", 1),
        ("- {op: test, path: /spec/replicas, value: null}", 1),
        ("- {op: test, path: /spec/absent, value: 1}", 1),
        ("- {op: bogus, path: /spec/replicas}", 1),
        ("- {path: /spec/replicas}", 1),
        ("- {op: add, value: 1}", 1),
        ("- {op: remove}", 1),
        ("- {op: move, path: /spec/x}", 1),
        ("- {op: move, from: /spec/nothere, path: /spec/x}", 1),
        ("- {op: move, from: /spec/replicas, path: /spec/a/b}", 1),
        ("- {op: copy, from: /spec/replicas, path: /nothing/here}", 1),
        ("- {op: copy, from: /spec/template/spec/containers/7, path: /spec/x}", 1),
        ("- {op: copy, from: /spec/replicas}", 1),
        ("- {op: add, path: /spec/replicas/x, value: 1}", 1),
    ]

    @Test(.enabled(if: Kubectl.path != nil, Kubectl.skipMessage), arguments: failures.indices)
    func sameErrorAsKubectl(_ index: Int) throws {
        let (patch, line) = Self.failures[index]
        let expected = try kubectlPatched(deployment, patch)
        #expect(expected.error != nil, "kubectl accepted \(patch)")
        do {
            _ = try patched(deployment, patch)
            Issue.record("gitopsc accepted \(patch)")
        } catch {
            #expect(error.message == expected.error, "\(patch)")
            #expect(error.location == SourceLocation(file: "patch.yaml", line: line, column: 3))
            #expect(error.code == "kustomize.json-patch")
        }
    }
}

@Suite struct JSONPatchTests {
    private let target = Node.mapping([
        ("spec", .mapping([("list", .sequence([.string("a"), .string("b")])), ("n", .scalar("1"))])),
    ])

    private func apply(_ patch: String) throws(Diagnostic) -> Node {
        try JSONPatch.apply(try JSONPatch.operations(from: try YAMLParser.parseDocument(patch, file: "p.yaml")), to: target)
    }

    private func message(_ patch: String) -> String? {
        do {
            _ = try apply(patch)
            return nil
        } catch {
            return error.message
        }
    }

    @Test func valuesKeepTheirTypes() throws {
        let result = try apply("""
            - {op: add, path: /spec/s, value: "3"}
            - {op: add, path: /spec/i, value: 3}
            - {op: add, path: /spec/b, value: on}
            - {op: add, path: /spec/q, value: "on"}
            """)
        #expect(result[path: ["spec", "s"]]?.type == .string)
        #expect(result[path: ["spec", "i"]]?.type == .int)
        #expect(result[path: ["spec", "b"]]?.type == .bool)
        #expect(result[path: ["spec", "b"]]?.text == "true")
        #expect(result[path: ["spec", "q"]]?.type == .string)
    }

    @Test func everyOperation() throws {
        let result = try apply("""
            - {op: add, path: /spec/list/1, value: x}
            - {op: remove, path: /spec/list/0}
            - {op: replace, path: /spec/n, value: 2}
            - {op: copy, from: /spec/n, path: /spec/m}
            - {op: move, from: /spec/list, path: /moved}
            - {op: test, path: /moved/-1, value: b}
            """)
        #expect(result == Node.mapping([
            ("spec", .mapping([("n", .scalar("2")), ("m", .scalar("2"))])),
            ("moved", .sequence([.string("x"), .string("b")])),
        ]))
    }

    @Test func pointerEscapes() {
        #expect(JSONPatch.unescape("a~1b~0c") == "a/b~c")
        #expect(JSONPatch.unescape("~01") == "~1")
        #expect(JSONPatch.unescape("~2") == "~2")
    }

    @Test func missingPathIsAnErrorNamingIt() {
        #expect(message("- {op: remove, path: /spec/gone}") == "error in remove for path: '/spec/gone': Unable to remove nonexistent key: gone: missing value")
        #expect(message("- {op: add, path: /no/such/parent, value: 1}") == "add operation does not apply: doc is missing path: \"/no/such/parent\": missing value")
        #expect(message("- {op: replace, path: /spec/list/2, value: 1}") == "replace operation does not apply: doc is missing key: /spec/list/2: missing value")
    }

    @Test func badOperationsAreErrors() {
        #expect(message("- {op: patch, path: /spec/n}") == "Unexpected kind: patch")
        #expect(message("- {path: /spec/n}") == "Unexpected kind: unknown")
        #expect(message("- {op: remove}") == "remove operation failed to decode path: missing value")
        #expect(message("- {op: test, path: /spec/n, value: 2}") == "testing value /spec/n failed: test failed")
    }

    @Test func malformedDocumentsAreErrors() {
        #expect(message("op: add") == "a JSON patch must be a list of operations, found a mapping")
        #expect(message("- add") == "a JSON patch operation must be a mapping, found a scalar")
        #expect(message("- {op: add, path: 3}") == "'path' of a JSON patch operation must be a string, found an int")
    }

    @Test func errorsNameTheOperationsLine() {
        do {
            _ = try apply("- {op: add, path: /spec/x, value: 1}\n-   op: remove\n    path: /spec/y\n")
            Issue.record("the patch applied")
        } catch {
            #expect(error.location == SourceLocation(file: "p.yaml", line: 2, column: 5))
        }
    }

    @Test func aFailedTestStopsThePatch() {
        #expect(message("- {op: test, path: /spec/list/0, value: b}\n- {op: remove, path: /spec/n}") == "testing value /spec/list/0 failed: test failed")
    }
}
