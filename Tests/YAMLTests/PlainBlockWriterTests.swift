import ProcessRunner
import Testing
@testable import YAML

@Suite struct PlainBlockWriterTests {
    /// Every document the writer takes comes out with libyaml's bytes: generated documents
    /// of keys and scalars rich in what changes libyaml's choices (indicators at the start,
    /// `: ` and ` #` inside, spaces at the edges, quotes, `<<`, `---`, lines long enough to
    /// fold, keys past 128 bytes, tabs, line breaks and non-ASCII it must leave to libyaml),
    /// nested lists and mappings, empty ones, and every scalar type.
    @Test func takenDocumentsHaveLibyamlsBytes() throws {
        let seed = SeededRandom.runSeed()
        var random = SeededRandom(seed: seed)
        let pieces = ["a", "b", "z", "0", "9", " ", " ", "-", ":", "#", "?", ",", "[", "]", "{", "}", "&", "*", "!", "|", ">",
                      "'", "\"", "%", "@", "`", "\\", ".", "/", "=", "~", "<<", "---", "...", "null", "true", "1", "0x1F", "1e3",
                      "word", "several words here", " #", ": ", "\n", "\n", "\n\n", " \n", "\n "]
        // What only libyaml writes, rare enough that most documents hold none of it.
        let foreign = ["\t", "\r", "é"]
        var taken = 0
        func text() -> String {
            let count = Int.random(in: 0...12, using: &random)
            var text = (0..<count).map { _ in pieces.randomElement(using: &random)! }.joined()
            if random.next() % 40 == 0 { text += foreign.randomElement(using: &random)! }
            // Some long texts of words of any length, to reach libyaml's folding at 80
            // columns at every column, and the 128-byte key limit.
            if random.next() % 5 == 0 {
                for _ in 0..<Int.random(in: 5...30, using: &random) {
                    text += String(repeating: "x", count: Int.random(in: 1...12, using: &random))
                    text += random.next() % 8 == 0 ? "  " : " "
                }
            }
            return text
        }
        func scalar() -> Node {
            switch random.next() % 8 {
            case 0: return .scalar(String(Int.random(in: -1000...1000, using: &random)))
            case 1: return .scalar(Bool.random(using: &random) ? "true" : "false")
            case 2: return .scalar("null")
            case 3: return .scalar(["1.5", "-2.0e3", ".nan", "-.inf", "0o17"].randomElement(using: &random)!)
            default: return .string(text())
            }
        }
        func tree(_ depth: Int) -> Node {
            switch depth == 0 ? 0 : Int.random(in: 0...3, using: &random) {
            case 0: return scalar()
            case 1: return Node(.sequence((0..<Int.random(in: 0...4, using: &random)).map { _ in tree(depth - 1) }))
            default:
                var seen = Set<String>()
                var entries: [MappingEntry] = []
                for _ in 0..<Int.random(in: 0...5, using: &random) {
                    let key = text()
                    if seen.insert(key).inserted { entries.append(MappingEntry(key: .string(key), value: tree(depth - 1))) }
                }
                return Node(.mapping(entries))
            }
        }
        for round in 0..<3000 {
            let document = random.next() % 2 == 0 ? Node(.mapping([MappingEntry(key: .string("root"), value: tree(5))])) : tree(5)
            guard let text = PlainBlockWriter.emit(document) else { continue }
            taken += 1
            #expect(text == YAMLEmitter.emitThroughLibyaml(document), "seed \(seed) (GITOPSC_SEED=\(seed) to replay), round \(round)")
        }
        // The writer must take a good share, or the comparison says little.
        #expect(taken > 500, "only \(taken) of 3000 documents taken; seed \(seed)")
    }

    /// Around libyaml's width of 80 columns, one space at every column, in each style, as a
    /// mapping's value and as a list item: folded where libyaml folds.
    @Test func spacesAroundTheWidthAreFoldedAsLibyamlFolds() throws {
        for before in 60...100 {
            for after in 0...3 {
                // A plain text, one single-quoted for its ` #`, one double-quoted for its sign.
                for prefix in ["", "a #", "-1 "] {
                    for spaces in [" ", "  "] {
                        let text = prefix + String(repeating: "x", count: before) + spaces + String(repeating: "y", count: after)
                        for document in [
                            Node(.mapping([MappingEntry(key: .string("key"), value: .string(text))])),
                            Node(.sequence([.string(text)])),
                        ] {
                            #expect(PlainBlockWriter.emit(document) == YAMLEmitter.emitThroughLibyaml(document), "\(text.debugDescription)")
                        }
                    }
                }
            }
        }
    }

    /// Deep enough that a double-quoted date with spaces (double-quoted as it reads as a
    /// timestamp) and a single-quoted text reach past the width.
    @Test func deepQuotedTextsAreWrittenAsLibyamlWritesThem() throws {
        for depth in 30...45 {
            for text in ["2001-12-14 21:59:43.10", "a: b c d e f", "'quoted' # and more words"] {
                var node = Node(.mapping([MappingEntry(key: .string("k"), value: .string(text))]))
                for _ in 0..<depth { node = Node(.mapping([MappingEntry(key: .string("k"), value: node)])) }
                #expect(YAMLEmitter.emit(node) == YAMLEmitter.emitThroughLibyaml(node), "depth \(depth), \(text)")
            }
        }
    }

    /// What the writer leaves to libyaml: nothing of it is written half.
    @Test func documentsOutsideTheSubsetAreLeftToLibyaml() throws {
        for text in ["a\tb", "line\nbreak", "é", "a\rb", String(repeating: "k", count: 129)] {
            #expect(PlainBlockWriter.emit(Node(.mapping([MappingEntry(key: .string(text), value: .string("v"))]))) == nil)
        }
        // Blocks libyaml would not write as blocks, or would close with `...`.
        for text in ["trailing space \nline", "line\nends in a space ", "kept\n\n", "\n", "tab\tin a\nblock"] {
            #expect(PlainBlockWriter.emit(Node(.mapping([MappingEntry(key: .string("k"), value: .string(text))]))) == nil, "\(text.debugDescription)")
        }
        #expect(PlainBlockWriter.emit(.string("scalar document")) == nil)
    }
}
