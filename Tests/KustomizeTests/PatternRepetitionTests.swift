import Diagnostics
import Foundation
import Kustomize
import ProcessRunner
import Testing

/// A regular expression that repeats a repetition (`(a+)+b`) takes exponential time on a
/// backtracking matcher; kustomize (Go's RE2) accepts it and runs in linear time, and so does
/// gitopsc's matcher.
@Suite struct PatternRepetitionTests {
    /// Two ConfigMaps, one named with 5,000 `a`s (a near miss for `(a+)+b`) and one that
    /// matches, patched through a target naming `(a+)+b`.
    static func tree() throws -> TemporaryTree {
        try TemporaryTree([
            "app/kustomization.yaml": """
                resources:
                - near.yaml
                - hit.yaml
                patches:
                - target:
                    kind: ConfigMap
                    name: (a+)+b
                  patch: |
                    - op: add
                      path: /data
                      value: {patched: "yes"}

                """,
            "app/near.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: \(String(repeating: "a", count: 5_000))\n",
            "app/hit.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aaab\n",
        ])
    }

    @Test func aRepeatedRepetitionTargetSelectsInLinearTime() throws {
        let tree = try PatternRepetitionTests.tree()
        let output = try KustomizeBuilder().buildYAML(tree.path("app"))
        let documents = output.components(separatedBy: "---\n")
        #expect(documents.count == 2)
        let hit = try #require(documents.first { $0.contains("name: aaab") })
        let near = try #require(documents.first { $0.contains("name: aaaa") })
        #expect(hit.contains("patched: \"yes\""), "\(hit)")
        #expect(!near.contains("patched"), "the near miss is patched")
        try PatternRepetitionTests.expectKubectlBuilds(tree, output)
    }

    /// kubectl kustomize (Go's RE2) builds the same bytes, where kubectl is present.
    static func expectKubectlBuilds(_ tree: TemporaryTree, _ output: String) throws {
        if Kubectl.path == nil {
            try #require(!Oracles.required, "kubectl is required but absent")
            return
        }
        let kubectl = try Kubectl.kustomize(tree.path("app"))
        #expect(kubectl.status == 0, "\(kubectl.error)")
        #expect(output == kubectl.output)
    }

    @Test func anImageNameWithARepeatedRepetitionIsMatched() throws {
        let tree = try TemporaryTree([
            "app/kustomization.yaml": """
                resources:
                - pod.yaml
                images:
                - name: (x+)+y
                  newTag: v2

                """,
            "app/pod.yaml": """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: p
                spec:
                  containers:
                  - name: near
                    image: \(String(repeating: "x", count: 5_000)):v1
                  - name: hit
                    image: xxy:v1

                """,
        ])
        let output = try KustomizeBuilder().buildYAML(tree.path("app"))
        #expect(output.contains("image: xxy:v2"))
        #expect(output.contains("xxxx:v1"))
        try PatternRepetitionTests.expectKubectlBuilds(tree, output)
    }
}
