import ProcessRunner
import Testing
@testable import YAML

@Suite struct EmitterTests {
    func emit(_ text: String) throws -> String {
        YAMLEmitter.emit(try YAMLParser.parseDocument(text, file: "t.yaml"))
    }

    @Test func sortsKeysAndDoesNotIndentSequences() throws {
        // `y` is a boolean to go-yaml v2 (YAML 1.1), so kustomize quotes it.
        #expect(try emit("b: 1\na:\n  - x\n  - y\n") == "a:\n- x\n- \"y\"\nb: 1\n")
    }

    @Test func naturalKeyOrderComparesDigitRunsByValue() {
        #expect(KeyOrder.less("item2", "item10"))
        #expect(!KeyOrder.less("item10", "item2"))
        #expect(KeyOrder.less("a-b", "ab"))
    }

    @Test func quotesStringsThatWouldReadAsOtherTypes() throws {
        #expect(try emit("a: \"-1\"\nb: \"true\"\nc: \"yes\"\nd: '*'\ne: \"1.5\"\nf: \"2024-01-01\"\n")
            == "a: \"-1\"\nb: \"true\"\nc: \"yes\"\nd: '*'\ne: \"1.5\"\nf: \"2024-01-01\"\n")
    }

    @Test func writesTypedValuesAsKustomizeDoes() throws {
        // kustomize reads `0644` as an octal int and `1.0` as a float, and writes their values.
        #expect(try emit("mode: 0644\nratio: 1.0\nhalf: 0.5\nflag: True\nnothing: ~\n")
            == "flag: true\nhalf: 0.5\nmode: 420\nnothing: null\nratio: 1\n")
    }

    @Test func keepsBlockScalarsAndEmptyCollections() throws {
        #expect(try emit("s: |\n  one\n  two\nm: {}\nl: []\n") == "l: []\nm: {}\ns: |\n  one\n  two\n")
    }

    @Test func foldsLongPlainLinesAtEightyColumns() throws {
        let words = Array(repeating: "word", count: 30).joined(separator: " ")
        let output = try emit("text: \(words)\n")
        let lines = output.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[1].hasPrefix("  word"))
        #expect(try YAMLParser.parseDocument(output, file: "out.yaml")["text"]?.text == words)
    }

    @Test func separatesDocumentsWithDashes() throws {
        let nodes = try YAMLParser.parseStream("a: 1\n---\nb: 2\n", file: "t.yaml")
        #expect(YAMLEmitter.emitStream(nodes) == "a: 1\n---\nb: 2\n")
    }

    @Test func formatsFloatsLikeGo() {
        #expect(GoFloat.throughJSON(0.00001) == "1e-05")
        #expect(GoFloat.throughJSON(1234567.5) == "1.2345675e+06")
        #expect(GoFloat.throughJSON(123.25) == "123.25")
        #expect(GoFloat.throughJSON(3) == "3")
    }
}

@Suite struct EmittedDocumentsTests {
    /// Documents that share storage are emitted once; the text of every stream is the text
    /// emitting each document afresh gives, also for copies changed after their original
    /// was emitted (a change copies the storage, so it is a new document).
    @Test func reusedTextsAreTheTextsOfTheDocuments() throws {
        let seed = SeededRandom.runSeed()
        var random = SeededRandom(seed: seed)
        let templates = try [
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: v\n",
            "kind: Deployment\nspec:\n  replicas: 2\n  template:\n    metadata:\n      labels: {app: x}\n",
            "b: 1\na: [x, y]\n", "{}\n",
        ].map { try YAMLParser.parseDocument($0, file: "t.yaml") }
        let emitted = EmittedDocuments()
        emitted.share(templates)
        for round in 0..<300 {
            var documents: [Node] = []
            for _ in 0..<Int.random(in: 1...6, using: &random) {
                var document = templates.randomElement(using: &random)!
                // Some copies are changed: at the top, or deeper down.
                switch random.next() % 4 {
                case 0: document.set(["metadata", "name"], to: .string("n\(round)"))
                case 1: document.set(["spec", "replicas"], to: .scalar(String(round)))
                default: break
                }
                documents.append(document)
            }
            let expected = documents.map(YAMLEmitter.emit).joined(separator: "---\n")
            #expect(YAMLEmitter.emitStream(documents, reusing: emitted) == expected, "seed \(seed) (GITOPSC_SEED=\(seed) to replay), round \(round)")
            #expect(YAMLEmitter.emitStream(documents) == expected)
        }
    }
}
