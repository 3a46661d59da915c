import Diagnostics
import Foundation
import Kustomize
import Testing

/// A regular expression that repeats a repetition could run for hours on a backtracking
/// matcher: gitopsc refuses it at its position instead of hanging.
@Suite struct PatternRepetitionTests {
    @Test(arguments: [
        ("(a+)+b", true), ("(x*)*", true), ("((ab)+c)*", true), ("(a+){2,}", true), ("(a{2,})+", true),
        ("(a|b+)*", true), ("a+b*", false), ("(a+)?", false), ("(ab)+", false), ("(a+){1}", false),
        ("\\(a+\\)+", false), ("[(]a+[)]+", false), ("app-.*", false), ("(a+)[+]", false),
        ("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", false), ("x{,3}", false),
    ])
    func findsRepeatedRepetitions(pattern: String, repeats: Bool) {
        #expect(Pattern.repeatsARepetition(pattern) == repeats, "'\(pattern)'")
    }

    @Test func aPatchTargetThatWouldBacktrackForeverIsAnErrorAtItsLine() throws {
        let name = String(repeating: "a", count: 40) + "c"
        let tree = try TemporaryTree([
            "app/kustomization.yaml": """
                resources:
                - cm.yaml
                patches:
                - target:
                    kind: ConfigMap
                    name: (a+)+b
                  patch: |
                    - op: add
                      path: /data/x
                      value: y

                """,
            "app/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: \(name)\n",
        ])
        let builder = KustomizeBuilder(store: SourceStore(displayBase: tree.path()))
        do {
            _ = try builder.build(tree.path("app"))
            Issue.record("the build succeeded")
        } catch {
            #expect(error.code == "kustomize.pattern-repetition")
            #expect(error.location?.line == 6, "\(error)")
        }
    }
}
