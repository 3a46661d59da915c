import Compiler
import Foundation
import Testing

/// Input nested as deep as the parser allows goes through every recursive stage (patches,
/// placeholders, checks, emitter) on the compile's worker threads without running out of
/// stack, in debug builds too.
@Suite struct DeepInputTests {
    /// `depth` mappings below `spec`, the innermost holding `leaf: <value>`.
    static func nested(_ depth: Int, leaf: String, indent: Int) -> String {
        var text = ""
        for level in 0..<depth {
            text += String(repeating: "  ", count: indent + level) + "k\(level):\n"
        }
        return text + String(repeating: "  ", count: indent + depth) + "leaf: \(leaf)\n"
    }

    @Test func aPatchNearTheNestingLimitIsApplied() throws {
        let depth = 490
        let sources = try SourceTree([
            "templates/web/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep\nspec:\n" + Self.nested(depth, leaf: "${values.leaf}", indent: 1),
            "environments/east.yaml": """
                cluster: {name: e, server: https://e.example.com}
                components:
                  web: {namespace: web}
                values: {leaf: a}
                patches:
                - target: {kind: ConfigMap}
                  patch: |
                    spec:

                """ + Self.nested(depth, leaf: "b", indent: 3),
        ])
        let tree = try sources.compile()
        let manifest = try #require(tree.files["clusters/east/web/manifest.yaml"])
        #expect(manifest.contains("leaf: b\n"))
        #expect(!manifest.contains("leaf: a\n"))
    }
}
