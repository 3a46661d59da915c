import Diagnostics
import Foundation
import ProcessRunner
import Testing
import YAML
@testable import Kustomize

/// Builds a tree with gitopsc and with `kubectl kustomize`: the same bytes, or both fail
/// (then gitopsc's diagnostic must name a file and line, and carry `code` when given).
private func expectLikeKubectl(
    _ files: [String: String], folder: String = "", failureCode: String? = nil,
    sourceLocation: Testing.SourceLocation = #_sourceLocation
) throws {
    let tree = try TemporaryTree(files)
    let kubectl = try Kubectl.kustomize(tree.path(folder))
    let ours: Result<String, Diagnostic>
    do { ours = .success(try KustomizeBuilder().buildYAML(tree.path(folder))) } catch { ours = .failure(error) }
    switch (kubectl.status == 0, ours) {
    case (true, .success(let output)):
        #expect(output == kubectl.output, "gitopsc and kubectl differ", sourceLocation: sourceLocation)
    case (false, .failure(let diagnostic)):
        #expect(diagnostic.location?.line ?? 0 > 0, "no line in: \(diagnostic)", sourceLocation: sourceLocation)
        if let failureCode { #expect(diagnostic.code == failureCode, "\(diagnostic)", sourceLocation: sourceLocation) }
    case (true, .failure(let diagnostic)):
        Issue.record("gitopsc fails where kubectl builds: \(diagnostic)", sourceLocation: sourceLocation)
    case (false, .success(let output)):
        Issue.record("gitopsc builds where kubectl fails (\(kubectl.error.suffix(300))):\n\(output)", sourceLocation: sourceLocation)
    }
}

private let widget = "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n"

/// A ConfigMap `src` holding `value` in `data.v`, and a Widget with `spec.t: target`.
private func replacementTree(value: String, target: String?, fieldPath: String = "spec.t", options: String = "", sourceOptions: String = "") -> [String: String] {
    [
        "kustomization.yaml": """
            resources: [r.yaml]
            replacements:
            - source: {kind: ConfigMap, name: src, fieldPath: data.v\(sourceOptions)}
              targets:
              - select: {kind: Widget}
                fieldPaths: [\(fieldPath)]\(options.isEmpty ? "" : "\n    options: \(options)")

            """,
        "r.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: src\ndata:\n  v: \(value)\n---\n" + widget
            + "spec:\n  other: 1\n" + (target.map { "  t: \($0)\n" } ?? ""),
    ]
}

@Suite(.enabled(if: Kubectl.path != nil, Kubectl.skipMessage))
struct KubectlFidelityTests {
    @Test func foldedScalarsGoThroughGoYAMLsWriter() throws {
        let blocks = """
            data:
              a: >
                first line
                continues


                after blanks
                  more indented
                back
              b: >-
                x

                  m1

                  m2


                y
              c: >2
                  m
                x
                y
              d: >+
                x

              e: >
                x
                \ttab
              f: >


                lead
                 m

            """
        try expectLikeKubectl(["kustomization.yaml": "resources: [cm.yaml]\n", "cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n" + blocks])
        // A patch's folded value stays folded on a field the target has, and a JSON patch
        // writes the object (and its folded values) through go-yaml once.
        let folded = widget + "spec:\n  notes: >\n    folded\n      indented\n    end\n"
        try expectLikeKubectl([
            "base/kustomization.yaml": "resources: [w.yaml]\npatches:\n- target: {kind: Widget}\n  patch: '[{\"op\": \"add\", \"path\": \"/spec/b\", \"value\": 2}]'\n",
            "base/w.yaml": folded,
            "overlay/kustomization.yaml": "resources: [../base]\npatches:\n- path: p.yaml\n",
            "overlay/p.yaml": folded,
        ], folder: "overlay")
    }

    @Test func strategicMergeKeepsTheTargetsStyle() throws {
        try expectLikeKubectl([
            "kustomization.yaml": "resources: [w.yaml]\npatches:\n- path: p.yaml\n",
            "w.yaml": widget + "spec:\n  x1: \"old\"\n  x2: 3\n  x3: 'q'\n  x4: >\n    folded\n",
            "p.yaml": widget + "spec:\n  x1: 5\n  x2: \"5\"\n  x3: true\n  x4: \"one\\n  two\\nthree\\n\"\n  b: \"true\"\n  c: \"0x10\"\n  d: \"0755\"\n  absent: null\n",
        ])
    }

    @Test func jsonRoundTripValues() throws {
        // Timestamps become RFC 3339 strings; values a JSON patch touched come back as JSON
        // spells them, which a generator merge then reads as text.
        try expectLikeKubectl([
            "kustomization.yaml": "resources: [w.yaml]\n",
            "w.yaml": widget + "spec:\n  a: 2024-01-01\n  b: 2024-01-01T10:00:00+02:00\n  c: 2024-1-2 3:04:05.50\n  d: [2024-02-29]\n  e: \"2024-01-01\"\n  f: 2023-02-29\n  g: 2024-01-01t01:02:03Z\n",
        ])
        try expectLikeKubectl([
            "base/kustomization.yaml": """
                configMapGenerator:
                - name: cm
                  literals: [a=1]
                patches:
                - target: {kind: ConfigMap}
                  patch: |
                    - {op: add, path: /data/mode, value: 0777}
                    - {op: add, path: /data/n, value: null}
                    - {op: add, path: /data/f, value: 1.50}
                    - {op: add, path: /data/t, value: True}

                """,
            "overlay/kustomization.yaml": "resources: [../base]\nconfigMapGenerator:\n- name: cm\n  behavior: merge\n  literals: [b=2]\n",
        ], folder: "overlay")
        for value in [".inf", "-.Inf", ".nan"] {
            try expectLikeKubectl(["kustomization.yaml": "resources: [w.yaml]\n", "w.yaml": widget + "spec:\n  a: \(value)\n"], failureCode: "kustomize.json")
        }
    }

    @Test func mergeKeysAndInlinePatches() throws {
        try expectLikeKubectl([
            "kustomization.yaml": """
                resources: [w.yaml]
                patches:
                - patch: |
                    apiVersion: example.com/v1
                    kind: Widget
                    metadata:
                      name: w
                    spec:
                      script: |
                        echo hi
                - patch: |+
                    apiVersion: example.com/v1
                    kind: Widget
                    metadata:
                      name: w
                    spec:
                      kept: |+
                        y


                - target: {kind: Widget}
                  patch: |
                    - op: add
                      path: /spec/j
                      value: |
                        jj

                """,
            "w.yaml": widget + "spec:\n  \"<<\": {a: 1}\n  b: \"<<\"\n  c: ['<<', x]\n",
        ])
    }

    @Test(arguments: [
        ("\"\"", "x"), ("\"\"", "5"), ("\"~\"", "x"), ("\"0x1F\"", "x"), ("\"0x1F\"", "5"), ("\"1.0\"", "5"), ("\"7\"", "1.5"),
        ("\"true\"", "5"), ("\"5\"", "TRUE"), ("\"5\"", "'str'"), ("\"null\"", "3"), ("\"5\"", "null"), ("\"5\"", "~"), ("\"1.5\"", "3"),
    ])
    func replacementsKeepTheTargetsType(value: String, target: String) throws {
        try expectLikeKubectl(replacementTree(value: value, target: target), failureCode: "kustomize.replacement")
    }

    @Test(arguments: ["\"\"", "\"~\"", "\"0x1F\"", "\"1.0\"", "\"true\"", "\"null\"", "'0755'", "\"2024-01-01\"", "\"yes\"", "\".inf\""])
    func createdFieldsTakeTheTypeOfTheirText(value: String) throws {
        try expectLikeKubectl(replacementTree(value: value, target: nil, options: "{create: true}"))
        // The same text as the part of a value a delimiter selects.
        try expectLikeKubectl(replacementTree(value: "\"a,\(value.dropFirst().dropLast())\"", target: nil, options: "{create: true}", sourceOptions: ", options: {delimiter: ',', index: 1}"))
    }

    /// kustomize refuses a kustomization whose fields are all null or empty strings (apiVersion
    /// and kind aside), as the root or as a component; an empty list or mapping is a field set.
    @Test(arguments: ["", "namespace: \"\"\n", "namespace: ~\nresources:\n", "metadata: {}\n", "commonLabels: {}\n", "resources: []\n"])
    func kustomizationsThatSetNoField(body: String) throws {
        try expectLikeKubectl(["kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n" + body])
        try expectLikeKubectl([
            "kustomization.yaml": "resources: [w.yaml]\ncomponents: [c]\n",
            "w.yaml": widget,
            "c/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n" + body,
        ])
    }

    @Test func delimiterIndexAndCreateCombinations() throws {
        for index in [-1, 0, 1, 2, 5] {
            for create in [false, true] {
                for target in ["repo:v1:x", nil] as [String?] {
                    try expectLikeKubectl(replacementTree(value: "\"a:7\"", target: target.map { "\"\($0)\"" }, options: "{delimiter: ':', index: \(index), create: \(create)}", sourceOptions: ", options: {delimiter: ':', index: 1}"))
                }
            }
        }
    }

    @Test func escapedDotsAndSeveralFieldPaths() throws {
        try expectLikeKubectl([
            "kustomization.yaml": """
                resources: [r.yaml]
                replacements:
                - source: {kind: ConfigMap, name: src, fieldPath: metadata.labels.example\\.com/name}
                  targets:
                  - select: {kind: Widget}
                    fieldPaths: [metadata.annotations.a\\.b\\.c, spec.x\\.y, spec.list.[n.m=k].v, spec.deep\\.er.z, spec.list.0.n\\.m]
                    options: {create: true}
                - source: {kind: ConfigMap, name: src, fieldPath: data.file\\.txt}
                  targets:
                  - select: {kind: ConfigMap}
                    fieldPaths: [data.file\\.txt, data.other]
                  - select: {kind: Widget}
                    fieldPaths: [spec.list.0.v]

                """,
            "r.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: src\n  labels:\n    example.com/name: hello\ndata:\n  file.txt: v2\n  other: o\n---\n"
                + widget + "spec:\n  list:\n  - n.m: k\n    v: old\n",
        ])
    }

    @Test func aSourceThatIsAlsoATargetIsReadAfterEachReplacement() throws {
        try expectLikeKubectl([
            "kustomization.yaml": """
                resources: [r.yaml]
                replacements:
                - source: {kind: ConfigMap, name: a, fieldPath: data.v}
                  targets:
                  - select: {kind: ConfigMap, name: b}
                    fieldPaths: [data.v]
                  - select: {kind: ConfigMap, name: a}
                    fieldPaths: [data.w]
                - source: {kind: ConfigMap, name: b, fieldPath: data.v}
                  targets:
                  - select: {kind: ConfigMap}
                    fieldPaths: [data.v, data.z]
                    options: {create: true}

                """,
            "r.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  v: one\n  w: x\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\ndata:\n  v: two\n",
        ])
    }

    @Test func replacementsInComponentsRunWhenTheirComponentDoes() throws {
        // The first component's replacement reads the value before the second one patches
        // it; the overlay's own replacement reads it after; a later strategic-merge patch
        // makes a created (untyped) field a string.
        try expectLikeKubectl([
            "base/kustomization.yaml": "resources: [r.yaml]\n",
            "base/r.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: src\ndata:\n  v: \"5\"\n---\n" + widget + "spec:\n  x: 1\n",
            "reader/kustomization.yaml": """
                apiVersion: kustomize.config.k8s.io/v1alpha1
                kind: Component
                replacements:
                - source: {kind: ConfigMap, name: src, fieldPath: data.v}
                  targets:
                  - select: {kind: Widget}
                    fieldPaths: [spec.early, spec.typed]
                    options: {create: true}

                """,
            "writer/kustomization.yaml": """
                apiVersion: kustomize.config.k8s.io/v1alpha1
                kind: Component
                patches:
                - patch: |
                    apiVersion: v1
                    kind: ConfigMap
                    metadata:
                      name: src
                    data:
                      v: "6"

                """,
            "overlay/kustomization.yaml": """
                resources: [../base]
                components: [../reader, ../writer]
                patches:
                - patch: |
                    apiVersion: example.com/v1
                    kind: Widget
                    metadata:
                      name: w
                    spec:
                      z: 1
                replacements:
                - source: {kind: ConfigMap, name: src, fieldPath: data.v}
                  targets:
                  - select: {kind: Widget}
                    fieldPaths: [spec.late, spec.x]
                    options: {create: true}

                """,
        ], folder: "overlay")
    }

    @Test func labelsWithoutSelectorsOverwriteExistingSelectorKeysOnlyWhereKustomizeDoes() throws {
        for options in ["", "\n  includeSelectors: false", "\n  includeTemplates: true", "\n  includeSelectors: true"] {
            try expectLikeKubectl([
                "kustomization.yaml": "resources: [d.yaml]\nlabels:\n- pairs: {app: changed, new: x}\(options)\ncommonLabels:\n  team: t\n",
                "d.yaml": """
                    apiVersion: apps/v1
                    kind: Deployment
                    metadata:
                      name: web
                      labels: {app: web}
                    spec:
                      selector:
                        matchLabels: {app: web}
                      template:
                        metadata:
                          labels: {app: web}
                        spec:
                          containers: [{name: a, image: b}]
                    ---
                    apiVersion: v1
                    kind: Service
                    metadata:
                      name: web
                    spec:
                      selector: {app: web}

                    """,
            ])
        }
    }
}

/// The kustomize v5.7/v5.8 additions, which kubectl's v5.5.0 cannot check: built from
/// kustomize's documentation and release notes.
@Suite struct KustomizeNewerFeatureTests {
    private func build(_ files: [String: String]) throws -> String {
        let tree = try TemporaryTree(files)
        return try KustomizeBuilder().buildYAML(tree.path())
    }

    private func diagnostic(_ files: [String: String]) throws -> Diagnostic? {
        let tree = try TemporaryTree(files)
        do {
            _ = try KustomizeBuilder().buildYAML(tree.path())
            return nil
        } catch {
            return error
        }
    }

    @Test func sourceValueIsAnUntypedScalar() throws {
        let output = try build([
            "kustomization.yaml": """
                resources: [w.yaml]
                replacements:
                - sourceValue: "42"
                  targets:
                  - select: {kind: Widget}
                    fieldPaths: [spec.name, spec.count]
                    options: {create: true}

                """,
            "w.yaml": widget + "spec:\n  name: old\n",
        ])
        #expect(output.contains("  count: 42\n  name: \"42\"\n"), "\(output)")
        let both = try diagnostic([
            "kustomization.yaml": "resources: [w.yaml]\nreplacements:\n- sourceValue: x\n  source: {kind: Widget}\n  targets: [{select: {kind: Widget}}]\n",
            "w.yaml": widget,
        ])
        #expect(both?.message.contains("not both") == true && both?.location?.line == 3)
        let number = try diagnostic(["kustomization.yaml": "resources: [w.yaml]\nreplacements:\n- sourceValue: 5\n  targets: [{select: {kind: Widget}}]\n", "w.yaml": widget])
        #expect(number?.message.contains("must be a string") == true && number?.location?.line == 3)
    }

    @Test func regularExpressionsInTargetSelectors() throws {
        let objects = ["web-a", "web-b", "db", "my.app", "myXapp"].map { "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: \($0)\ndata:\n  v: old\n" }.joined(separator: "---\n")
        let output = try build([
            "kustomization.yaml": """
                resources: [r.yaml]
                replacements:
                - sourceValue: new
                  targets:
                  - select: {kind: ConfigMap, name: web-.*}
                    reject: [{name: '.*-b'}]
                    fieldPaths: [data.v]
                  - select: {kind: Config(Map|Secret), name: my.app}
                    fieldPaths: [data.v]

                """,
            "r.yaml": objects,
        ])
        let values = try YAMLParser.parseStream(output, file: "out").reduce(into: [String: String]()) { $0[$1[path: ["metadata", "name"]]?.text ?? ""] = $1[path: ["data", "v"]]?.text }
        // `my.app` has no regular-expression character but `.`: it stays an exact name, as
        // in kustomize v5.5.0.
        #expect(values == ["web-a": "new", "web-b": "old", "db": "old", "my.app": "new", "myXapp": "old"])
        let bad = try diagnostic(["kustomization.yaml": "resources: [r.yaml]\nreplacements:\n- sourceValue: x\n  targets:\n  - select: {name: 'web-(('}\n", "r.yaml": objects])
        #expect(bad?.message.contains("invalid regular expression") == true && bad?.location?.line == 5)
    }

    @Test func replacementsIntoStructuredDataInAString() throws {
        let output = try build([
            "kustomization.yaml": """
                resources: [r.yaml]
                replacements:
                - sourceValue: db.example
                  targets:
                  - select: {kind: ConfigMap}
                    fieldPaths: [data.compact\\.json.db.host, data.pretty\\.json.db.host, data.config\\.yaml.db.host, data.list\\.yaml.0.host]
                  - select: {kind: ConfigMap}
                    fieldPaths: [data.config\\.yaml.db.port]
                    options: {create: true}

                """,
            "r.yaml": """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: c
                data:
                  compact.json: '{"db": {"host": "old", "port": 5432}, "a": "<x>"}'
                  pretty.json: |
                    {
                      "db": {"host": "old"}
                    }
                  config.yaml: |
                    db:
                      host: old
                      user: "me"
                    tags:
                    - a
                  list.yaml: '[{host: old}]'

                """,
        ])
        #expect(output.contains(#"compact.json: '{"a":"\u003cx\u003e","db":{"host":"db.example","port":5432}}'"#), "\(output)")
        #expect(output.contains("pretty.json: |-\n    {\n      \"db\": {\n        \"host\": \"db.example\"\n      }\n    }\n"), "\(output)")
        #expect(output.contains("config.yaml: |-\n    db:\n      host: db.example\n      user: \"me\"\n      port: db.example\n    tags:\n    - a\n"), "\(output)")
        #expect(output.contains("list.yaml: '[{\"host\":\"db.example\"}]'"), "\(output)")
        // A string that holds no structure is still a field the path cannot enter.
        let plain = try diagnostic([
            "kustomization.yaml": "resources: [r.yaml]\nreplacements:\n- sourceValue: x\n  targets:\n  - select: {kind: ConfigMap}\n    fieldPaths: [data.a.b]\n",
            "r.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: just text\n",
        ])
        #expect(plain?.message.contains("unable to find field") == true)
    }

    @Test func emptyAndCommentOnlyPatchFilesChangeNothing() throws {
        let base = ["w.yaml": widget + "spec:\n  a: 1\n", "empty.yaml": "", "comment.yaml": "# nothing here\n\n"]
        let plain = try build(base.merging(["kustomization.yaml": "resources: [w.yaml]\n"]) { $1 })
        let patched = try build(base.merging(["kustomization.yaml": "resources: [w.yaml]\npatches:\n- path: empty.yaml\n- path: comment.yaml\n- patch: '# inline comment'\n"]) { $1 })
        #expect(patched == plain)
    }
}

@Suite struct GoYAMLValueTests {
    @Test func foldingRoundTrip() {
        #expect(GoFolding.roundTrip("x\n  m1\n  m2\ny\n") == "x\n\n  m1\n  m2\ny\n")
        #expect(GoFolding.roundTrip("  m\nx\ny\n") == "  m\nx y\n")
        #expect(GoFolding.roundTrip("plain text\n") == "plain text\n")
        #expect(GoFolding.roundTrip("") == "")
    }

    @Test func timestampsAsGoWritesThem() {
        #expect(GoTimestamp.rfc3339("2024-01-01") == "2024-01-01T00:00:00Z")
        #expect(GoTimestamp.rfc3339("2024-1-2 3:04:05.50") == "2024-01-02T03:04:05.5Z")
        #expect(GoTimestamp.rfc3339("2024-01-01t10:00:00.000-00:00") == "2024-01-01T10:00:00Z")
        #expect(GoTimestamp.rfc3339("2024-01-01T10:00:00+02:00") == "2024-01-01T10:00:00+02:00")
        #expect(GoTimestamp.rfc3339("2023-02-29") == nil)
        #expect(GoTimestamp.rfc3339("2024-13-01") == nil)
        #expect(GoTimestamp.rfc3339("hello") == nil)
    }

    @Test func escapedDotsSplitFieldPaths() {
        #expect(FieldPath.split(#"metadata.labels.example\.com/name"#) == ["metadata", "labels", "example.com/name"])
        #expect(FieldPath.split(#"spec.[a.b=c].d\.e"#) == ["spec", "[a.b=c]", "d.e"])
        #expect(FieldPath.split("a..b") == ["a", "b"])
    }
}
