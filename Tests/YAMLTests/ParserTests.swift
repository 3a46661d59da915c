import Diagnostics
import ProcessRunner
import Testing
@testable import YAML

@Suite struct ParserTests {
    func parseError(_ text: String) -> Diagnostic? {
        do {
            _ = try YAMLParser.parseStream(text, file: "input.yaml")
            return nil
        } catch {
            return error
        }
    }

    @Test func keepsMarksStylesAndTags() throws {
        let node = try YAMLParser.parseDocument("a:\n  b: 'x'\n  c: !!str 1\n  d: |\n    text\n", file: "f.yaml")
        let b = try #require(node[path: ["a", "b"]])
        #expect(b.mark == Mark(file: "f.yaml", line: 2, column: 6))
        #expect(b.scalar?.style == .singleQuoted)
        #expect(node[path: ["a", "c"]]?.scalar?.tag == "tag:yaml.org,2002:str")
        #expect(node[path: ["a", "c"]]?.type == .string)
        #expect(node[path: ["a", "d"]]?.scalar == Scalar("text\n", style: .literal))
    }

    @Test func readsEveryDocumentOfAStream() throws {
        let documents = try YAMLParser.parseStream("a: 1\n---\n---\nb: 2\n", file: "f.yaml")
        #expect(documents.count == 3)
        #expect(documents[1].isNull)
        #expect(documents[2]["b"]?.type == .int)
    }

    @Test func expandsAliases() throws {
        let node = try YAMLParser.parseDocument("base: &b {x: 1}\ncopy: *b\n", file: "f.yaml")
        #expect(node["copy"] == node["base"])
    }

    @Test func malformedYAMLIsAnErrorWithItsPosition() throws {
        let error = try #require(parseError("a: [1, 2\nb: 3\n"))
        #expect(error.code == "yaml.syntax")
        #expect(error.location?.file == "input.yaml")
        #expect((error.location?.line ?? 0) >= 2)
    }

    @Test func tabIndentationIsAnError() throws {
        let error = try #require(parseError("a:\n\tb: 1\n"))
        #expect(error.description.hasPrefix("input.yaml:2:1: error:"))
        #expect(error.message.contains("tab"))
    }

    @Test func duplicateKeyIsAnError() throws {
        let error = try #require(parseError("a: 1\nb: 2\na: 3\n"))
        #expect(error.code == "yaml.duplicate-key")
        #expect(error.location == SourceLocation(file: "input.yaml", line: 3, column: 1))
    }

    /// Keys are compared in a list up to `KeyNames.listLimit` and in a set beyond: a
    /// repeated key is found at its first repetition at any length, below, at and above the
    /// switch.
    @Test func duplicateKeysAreFoundAtAnyMappingLength() throws {
        let seed = SeededRandom.runSeed()
        var random = SeededRandom(seed: seed)
        let names = (0..<60).map { "key\($0)" }
        for _ in 0..<400 {
            let count = Int.random(in: 1...(KeyNames.listLimit * 3), using: &random)
            // Distinct keys, and in half of the mappings one repeated further on.
            var keys = Array(names.shuffled(using: &random).prefix(count))
            var repeated: Int?
            if count >= 2, random.next() % 2 == 0 {
                let later = Int.random(in: 1..<count, using: &random)
                keys[later] = keys[Int.random(in: 0..<later, using: &random)]
                repeated = later
            }
            var seen: Set<String> = []
            let firstRepeat = keys.indices.first { !seen.insert(keys[$0]).inserted }
            #expect(firstRepeat == repeated)
            let text = keys.enumerated().map { "\"\($0.element)\": \($0.offset)\n" }.joined()
            let error = parseError(text)
            let context = "seed \(seed) (GITOPSC_SEED=\(seed) to replay): \(keys)"
            if let firstRepeat {
                #expect(error?.code == "yaml.duplicate-key", "\(context)")
                #expect(error?.location?.line == firstRepeat + 1, "\(context)")
            } else {
                #expect(error == nil, "\(context)")
            }
        }
    }

    /// A mapping or list as a key has no string name: refused at the key, as kustomize
    /// refuses it ("invalid map key"), never written out as `""` (found by fuzz-yaml).
    @Test(arguments: ["? {a: 1}\n: x\n", "data:\n  ? [a, b]\n  : x\n"])
    func complexKeysAreAnError(text: String) throws {
        let error = try #require(parseError(text))
        #expect(error.code == "yaml.complex-key")
        #expect(error.message.hasPrefix("a mapping key must be a scalar, not a "))
        #expect(error.location?.column == (text.hasPrefix("data") ? 5 : 3))
    }

    @Test func aliasBombIsAnErrorNotAnOutOfMemory() throws {
        var text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...9 {
            let refs = Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ")
            text += "a\(level): &a\(level) [\(refs)]\n"
        }
        let error = try #require(parseError(text))
        #expect(error.code == "yaml.alias-bomb")
    }
}
