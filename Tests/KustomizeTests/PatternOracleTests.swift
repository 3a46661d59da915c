import Diagnostics
import Foundation
import Kustomize
import ProcessRunner
import Testing
import YAML

/// kubectl kustomize is a Go program: its patch targets are matched by Go's own `regexp`.
/// Generated patterns in Go's syntax (Unicode classes, folding, escapes, nested repetition,
/// and now and then something Go refuses) select among generated names, in gitopsc and in
/// kubectl; the objects each patches must be the same.
@Suite struct PatternOracleTests {
    static let atoms = [
        "a", "b", "k", "K", "é", "σ", "-", "\\.", ".", "\\pL", "\\p{Lu}", "\\PN", "\\p{^Ll}", "[[:alpha:]]", "[^a]",
        "[a-c]", "\\w", "\\d", "\\x61", "\\141", "\\Q.\\E", "\\x{212A}", "(?i:k)", "(?i:σ)", "(?i:É)", "[\\p{Ll}1]",
        "(?i:[^k])", "\\b",
    ]
    static let quantifiers = ["*", "+", "?", "{2}", "{1,3}", "{0,}", "*?"]
    static let refused = ["\\1", "a**", "x{1001}", "(?=a)", "[z-a]", "(", "\\pX", "\\C"]
    static let nameScalars = ["a", "b", "k", "K", "\u{212A}", "é", "É", "σ", "Σ", "ς", "1", "-", "."]

    static func piece(_ random: inout SeededRandom, depth: Int) -> String {
        var piece = PatternGrammar.pick(atoms, &random)
        if depth < 2, PatternGrammar.chance(30, &random) {
            let alternatives = (0..<Int(1 + random.next() % 2)).map { _ in sequence(&random, depth: depth + 1) }
            piece = "(" + alternatives.joined(separator: "|") + ")"
        }
        // Repetitions nest freely: Go's matcher and gitopsc's are both linear.
        return PatternGrammar.chance(40, &random) ? piece + PatternGrammar.pick(quantifiers, &random) : piece
    }

    static func sequence(_ random: inout SeededRandom, depth: Int) -> String {
        (0..<Int(1 + random.next() % 3)).map { _ in piece(&random, depth: depth) }.joined()
    }

    /// The names the build patched, or nil when it failed.
    static func patchedNames(_ output: String?) throws -> [String: Bool]? {
        guard let output else { return nil }
        var patched: [String: Bool] = [:]
        for document in try YAMLParser.parseStream(output, file: "output.yaml") {
            patched[document["metadata"]?["name"]?.text ?? ""] = document["data"] != nil
        }
        return patched
    }

    @Test(.enabled(if: Kubectl.path != nil || Oracles.required, Kubectl.skipMessage))
    func patchTargetsSelectWhatKubectlSelects() throws {
        try #require(Kubectl.path != nil, "kubectl is required but absent")
        let seed = SeededRandom.runSeed()
        var random = SeededRandom(seed: seed)
        var selected = 0
        var refusedByBoth = 0
        // 80 patterns, and more (up to 240) while fewer than 40 objects were selected: some
        // seeds generate patterns that select little, and the comparison needs selections.
        var patterns = 0
        while patterns < 80 || (selected < 40 && patterns < 240) {
            patterns += 1
            var pattern = PatternOracleTests.sequence(&random, depth: 0)
            if PatternGrammar.chance(10, &random) { pattern += PatternGrammar.pick(PatternOracleTests.refused, &random) }
            var names: Set<String> = []
            for _ in 0..<12 {
                names.insert((0..<Int(1 + random.next() % 6)).map { _ in PatternGrammar.pick(PatternOracleTests.nameScalars, &random) }.joined())
            }
            let objects = names.sorted().map { "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: '\($0)'\n" }
            let tree = try TemporaryTree([
                "app/kustomization.yaml": """
                    resources:
                    - objects.yaml
                    patches:
                    - target:
                        kind: ConfigMap
                        name: '\(pattern)'
                      patch: |
                        - op: add
                          path: /data
                          value: {hit: "1"}

                    """,
                "app/objects.yaml": objects.joined(separator: "---\n"),
            ])
            let kubectl = try Kubectl.kustomize(tree.path("app"))
            let expected = try PatternOracleTests.patchedNames(kubectl.status == 0 ? kubectl.output : nil)
            let actual = try PatternOracleTests.patchedNames(try? KustomizeBuilder().buildYAML(tree.path("app")))
            #expect(actual == expected, "seed \(seed): target '\(pattern)' \(kubectl.error)")
            if expected == nil { refusedByBoth += actual == nil ? 1 : 0 }
            selected += expected?.values.filter { $0 }.count ?? 0
        }
        #expect(selected >= 40, "seed \(seed): only \(selected) objects were selected")
        #expect(refusedByBoth >= 1, "seed \(seed): no generated pattern was refused")
    }
}
