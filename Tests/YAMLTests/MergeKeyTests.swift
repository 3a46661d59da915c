import Diagnostics
import Testing
@testable import YAML

/// Merge keys as kustomize v5.5.0 resolves them; `Tests/KustomizeTests/YAMLInputTests.swift`
/// compares the same cases with `kubectl kustomize`.
@Suite struct MergeKeyTests {
    func parse(_ text: String) throws(Diagnostic) -> Node {
        try YAMLParser.parseDocument(text, file: "m.yaml")
    }

    func parseError(_ text: String) -> Diagnostic? {
        do {
            _ = try parse(text)
            return nil
        } catch {
            return error
        }
    }

    @Test func explicitKeysWinOverMergedOnes() throws {
        let node = try parse("base: &b {a: 1, b: 2}\ndata:\n  <<: *b\n  b: own\n")
        #expect(node["data"]?.keys == ["b", "a"])
        #expect(node["data"]?["b"]?.text == "own")
        #expect(node["data"]?["a"]?.text == "1")
    }

    @Test func explicitKeysWinWhateverTheirPlace() throws {
        let node = try parse("data:\n  b: own\n  <<: {b: merged, c: merged}\n")
        #expect(node["data"]?["b"]?.text == "own")
        #expect(node["data"]?["c"]?.text == "merged")
    }

    @Test func earlierMapsInASequenceWin() throws {
        let node = try parse("a: &a {p: a, q: a}\nb: &b {q: b, r: b}\ndata:\n  <<: [*a, *b]\n  r: own\n")
        #expect(node["data"]?["p"]?.text == "a")
        #expect(node["data"]?["q"]?.text == "a")
        #expect(node["data"]?["r"]?.text == "own")
        #expect(node["data"]?.keys.contains("<<") == false)
    }

    @Test func mergesInsideAnchoredMappingsCarryThrough() throws {
        let node = try parse("a: &a {k: a}\nn: &n {<<: *a, j: n}\ndata: {<<: *n}\n")
        #expect(node["data"] == Node.mapping([("j", .scalar("n")), ("k", .scalar("a"))]))
    }

    @Test func taggedMergeKeyMergesAndQuotedOneIsAString() throws {
        let node = try parse("a: &a {k: a}\nx:\n  !!merge <<: *a\ny:\n  \"<<\": *a\n")
        #expect(node["x"]?["k"]?.text == "a")
        #expect(node["y"]?.keys == ["<<"])
    }

    @Test func mergingAScalarIsAnErrorAtTheMergeKey() throws {
        let error = try #require(parseError("s: &s hello\ndata:\n  <<: *s\n"))
        #expect(error.code == "yaml.merge-key")
        #expect(error.message == "the merge key '<<' takes a mapping or a sequence of mappings, not a scalar")
        #expect(error.location == SourceLocation(file: "m.yaml", line: 3, column: 3))
    }

    @Test func mergingANestedSequenceIsAnError() throws {
        let error = try #require(parseError("a: &a {k: a}\ndata:\n  x: 1\n  <<: [*a, [*a]]\n"))
        #expect(error.message == "the merge key '<<' takes a mapping or a sequence of mappings, but item 2 of its sequence is a sequence")
        #expect(error.location == SourceLocation(file: "m.yaml", line: 4, column: 3))
    }

    @Test func twoMergeKeysAreADuplicateKey() throws {
        let error = try #require(parseError("a: &a {k: a}\ndata:\n  <<: *a\n  <<: *a\n"))
        #expect(error.code == "yaml.duplicate-key")
        #expect(error.location == SourceLocation(file: "m.yaml", line: 4, column: 3))
    }
}
