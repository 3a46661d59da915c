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
