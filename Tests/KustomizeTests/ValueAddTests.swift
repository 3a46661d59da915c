import Diagnostics
import Foundation
import Kustomize
import Testing

/// The `ValueAddTransformer` builtin plugin configuration, compared with `kubectl kustomize`.
@Suite(.enabled(if: Kubectl.path != nil, Kubectl.skipMessage))
struct ValueAddTests {
    static let resources = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          annotations: {path: a/b/c, num: "5"}
        spec:
          replicas: 3
          template:
            spec:
              containers:
              - {name: main, image: nginx}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: settings
          namespace: old
        data:
          quoted: "5"
          single: 'x'
          number: 7
          flag: true
          none: null
          empty: ""
          block: |
            text
          root: /srv/data/files
          slashes: a//b/
          dots: ./a/../b
          up: ../x/y
          top: /..

        """

    static func tree(_ transformers: String) -> [String: String] {
        ["app/res.yaml": resources, "app/kustomization.yaml": "resources: [res.yaml]\ntransformers:\n" + transformers]
    }

    static func config(_ body: String) -> String {
        "- |-\n  apiVersion: builtin\n  kind: ValueAddTransformer\n  metadata: {name: va}\n" + body.split(separator: "\n").map { "  " + $0 + "\n" }.joined()
    }

    /// New fields take the value's type; existing ones keep their quoting; selectors pick
    /// the objects; `\/` is a slash in a key; empty steps are skipped.
    @Test(arguments: ["\"12\"", "\"true\"", "abc", "\"1.50\"", "\"  padded  \"", "a/b"])
    func setsFieldsAsKubectl(value: String) throws {
        let targets = ["data/quoted", "data/single", "data/number", "data/flag", "data/none", "data/empty", "data/block", "/spec/new//deep/", "metadata/annotations/new", "metadata/annotations/a\\/b"]
        let body = "value: \(value)\ntargets:\n" + targets.map { "- {fieldPath: '\($0)'}\n" }.joined() + "- {fieldPath: spec/replicas, selector: {kind: Deployment}}\n- {fieldPath: metadata/labels/only, selector: {name: sett.*}}\n"
        let outcome = try KubectlParity.expectSame(ValueAddTests.tree(ValueAddTests.config(body)))
        #expect(outcome.output != nil)
    }

    /// `filePathPosition` inserts the value as a step of the path the field holds (the
    /// position clamped, the result cleaned as Go's filepath.Join).
    @Test(arguments: [1, 2, 3, 4, 9])
    func insertsIntoPathsAsKubectl(position: Int) throws {
        let fields = ["root", "slashes", "dots", "up", "top", "empty", "missing", "number"]
        let body = "value: V\ntargets:\n" + fields.map { "- {fieldPath: data/\($0), filePathPosition: \(position), selector: {kind: ConfigMap}}\n" }.joined()
            + "- {fieldPath: metadata/annotations/path, filePathPosition: \(position)}\n"
        let outcome = try KubectlParity.expectSame(ValueAddTests.tree(ValueAddTests.config(body)))
        #expect(outcome.output?.contains("V") == true)
    }

    /// Without a value, the kustomization's folder name; `metadata/namespace` ignores the
    /// position; configurations from files and in the order listed.
    @Test func defaultValueNamespaceAndFiles() throws {
        var files = ValueAddTests.tree("- va.yaml\n" + ValueAddTests.config("value: second\ntargets: [{fieldPath: data/quoted}]"))
        files["app/va.yaml"] = "apiVersion: builtin\nkind: ValueAddTransformer\nmetadata: {name: first}\nvalue: '  '\ntargets:\n- {fieldPath: metadata/namespace, filePathPosition: 2}\n- {fieldPath: data/quoted}\n- {fieldPath: data/root, filePathPosition: 2}\n"
        let outcome = try KubectlParity.expectSame(files)
        #expect(outcome.output?.contains("namespace: app") == true)
    }

    static let failing: [String: String] = [
        "no targets": "value: x\ntargets: []",
        "an empty fieldPath": "value: x\ntargets: [{fieldPath: ''}]",
        "a negative position": "value: x\ntargets: [{fieldPath: data/a, filePathPosition: -1}]",
        "a position that is a string": "value: x\ntargets: [{fieldPath: data/a, filePathPosition: '2'}]",
        "a mapping target": "value: x\ntargets: [{fieldPath: metadata}]",
        "a list value": "value: [x]\ntargets: [{fieldPath: data/a}]",
        "a path through a scalar": "value: x\ntargets: [{fieldPath: data/quoted/deeper}]",
    ]

    @Test(arguments: failing.keys.sorted())
    func failsAsKubectl(name: String) throws {
        let outcome = try KubectlParity.expectSame(ValueAddTests.tree(ValueAddTests.config(ValueAddTests.failing[name]!)))
        #expect(outcome.error != nil)
    }

    /// What kustomize does quietly (or ignores) is refused, with the field's position.
    static let refused: [String: (body: String, says: String, line: Int)] = [
        "notSelector": ("value: x\ntargets:\n- fieldPath: data/a\n  notSelector: {kind: ConfigMap}", "'notSelector' is not supported", 10),
        "a list step": ("value: x\ntargets:\n- fieldPath: spec/template/spec/containers/5/image", "list steps such as '5'", 9),
        "a selector step": ("value: x\ntargets:\n- fieldPath: spec/list/[name=x]/v", "list steps such as '[name=x]'", 9),
        "a rename": ("value: x\ntargets:\n- fieldPath: metadata/name", "identity", 9),
        "an unknown field": ("value: x\nbogus: 1\ntargets: [{fieldPath: data/a}]", "unknown field 'bogus'", 8),
        "targetFilePath": ("value: x\ntargetFilePath: targets.yaml", "'targetFilePath' is not supported", 8),
        "a number value": ("value: 12\ntargets: [{fieldPath: data/a}]", "quote it", 7),
    ]

    @Test(arguments: refused.keys.sorted())
    func refusesWhatKustomizeDoesQuietly(name: String) throws {
        let (body, says, line) = ValueAddTests.refused[name]!
        let outcome = KubectlParity.gitopsc(try TemporaryTree(ValueAddTests.tree(ValueAddTests.config(body))), folder: "app")
        #expect(outcome.error?.message.contains(says) == true, "\(outcome.error?.message ?? "no error")")
        #expect(outcome.error?.location?.line == line)
    }
}
