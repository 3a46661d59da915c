import Diagnostics
import Foundation
import Testing
@testable import YAML

/// Input written to hurt: every limit is an error at the position where it is exceeded, and
/// nothing the parser accepts can exhaust the stack, the memory or the time of later stages.
@Suite struct HostileInputTests {
    func parseError(_ text: String, file: String = "input.yaml") -> Diagnostic? {
        parseError(Array(text.utf8), file: file)
    }

    func parseError(_ bytes: [UInt8], file: String = "input.yaml") -> Diagnostic? {
        do {
            _ = try YAMLParser.parseStream(try YAMLParser.text(utf8: bytes, file: file), file: file)
            return nil
        } catch {
            return error
        }
    }

    // MARK: Nesting depth

    static let depthMessage = "collections nest deeper than 512 levels, the limit of YAMLParser.maximumNestingDepth"

    @Test func deepFlowSequenceIsAnErrorAtTheFirstLevelPastTheLimit() throws {
        // The root mapping is level 1, so the k-th `[` (column 3 + k) opens level k + 1.
        let text = "a: " + String(repeating: "[", count: 20_000) + String(repeating: "]", count: 20_000) + "\n"
        let error = try #require(parseError(text))
        #expect(error.code == "yaml.nesting-depth")
        #expect(error.message == Self.depthMessage)
        #expect(error.location == SourceLocation(file: "input.yaml", line: 1, column: 515))
    }

    @Test func deepBlockSequenceIsAnError() throws {
        // `- - - x`: the sequence of level k starts at column 2k - 1.
        let text = String(repeating: "- ", count: 100_000) + "x\n"
        let error = try #require(parseError(text))
        #expect(error.code == "yaml.nesting-depth")
        #expect(error.location == SourceLocation(file: "input.yaml", line: 1, column: 1025))
    }

    @Test func deepBlockMappingIsAnError() throws {
        // Line k holds the key of level k, indented by k - 1; the mapping of level 513
        // starts at its first key, on line 513.
        let text = (0..<600).map { String(repeating: " ", count: $0) + "k:\n" }.joined()
        let error = try #require(parseError(text))
        #expect(error.code == "yaml.nesting-depth")
        #expect(error.location == SourceLocation(file: "input.yaml", line: 513, column: 513))
    }

    @Test func aliasPlacedDeepCountsItsOwnDepth() throws {
        // An anchored sequence of 300 levels is fine at the root, but not 300 levels down.
        let deep = String(repeating: "[", count: 300) + String(repeating: "]", count: 300)
        let text = "a: &d \(deep)\nb: \(String(repeating: "[", count: 299))*d\(String(repeating: "]", count: 299))\n"
        let error = try #require(parseError(text))
        #expect(error.code == "yaml.nesting-depth")
        #expect(error.message == Self.depthMessage)
        #expect(error.location == SourceLocation(file: "input.yaml", line: 2, column: 303))
    }

    @Test func nestingAtTheLimitIsAccepted() throws {
        let text = "a: " + String(repeating: "[", count: 511) + String(repeating: "]", count: 511) + "\n"
        #expect(parseError(text) == nil)
    }

    /// A document of the deepest nesting the parser accepts, alternating mappings and
    /// sequences, with a scalar at the bottom.
    static func deepestDocument() -> String {
        var text = ""
        for level in 0..<YAMLParser.maximumNestingDepth {
            text += level % 2 == 0 ? "{k\(level): " : "["
        }
        text += "leaf"
        for level in (0..<YAMLParser.maximumNestingDepth).reversed() {
            text += level % 2 == 0 ? "}" : "]"
        }
        return text + "\n"
    }

    /// Parses, emits, re-parses and compares the deepest document: every recursive step
    /// (emitter, equality, copies, release of the tree) runs at the limit.
    static func roundTripDeepest() throws -> Bool {
        let node = try YAMLParser.parseDocument(deepestDocument(), file: "deep.yaml")
        let output = YAMLEmitter.emit(node)
        let again = try YAMLParser.parseDocument(output, file: "out.yaml")
        return again == node && YAMLEmitter.emit(again) == output
    }

    @Test func recursionAtTheLimitFitsTheMainThreadStack() throws {
        #expect(try Self.roundTripDeepest())
    }

    @Test func recursionAtTheLimitFitsA512KiBThreadStack() throws {
        // The compiler renders environments on DispatchQueue.concurrentPerform threads,
        // whose stacks may be as small as 512 KiB.
        #expect(try onThread(stackSize: 512 * 1024) { try Self.roundTripDeepest() })
    }

    // MARK: Alias expansion

    @Test func aliasesMayNotExpandBeyondTenTimesTheInputInBytes() throws {
        // 1 MiB anchored once and aliased 1,000 times: the input is 1,053,592 bytes, so
        // aliases may add 10,535,920 bytes, and the 11th alias (line 13) passes that.
        let text = "base: &b " + String(repeating: "a", count: 1 << 20) + "\nrefs:\n" + String(repeating: "- *b\n", count: 1000)
        #expect(text.utf8.count == 1_053_592)
        let error = try #require(parseError(text))
        #expect(error.code == "yaml.alias-bomb")
        #expect(error.message == "aliases expand this input beyond 10535920 bytes of scalars (10 times its size, at least 1048576: YAMLParser.aliasExpansionFactor)")
        #expect(error.location == SourceLocation(file: "input.yaml", line: 13, column: 3))
    }

    @Test func aliasesMayNotExpandBeyondTheNodeLimit() throws {
        // An anchored list of 1,000 scalars is 1,001 nodes; the input is small, so aliases may
        // add the floor of 100,000 nodes, and the 100th alias (line 102) passes it.
        let list = "[" + Array(repeating: "x", count: 1000).joined(separator: ",") + "]"
        let text = "a: &a \(list)\nb:\n" + String(repeating: "- *a\n", count: 200)
        let error = try #require(parseError(text))
        #expect(error.code == "yaml.alias-bomb")
        #expect(error.message == "aliases expand this input beyond 100000 nodes (10 times its size in bytes, at least 100000: YAMLParser.aliasExpansionFactor)")
        #expect(error.location == SourceLocation(file: "input.yaml", line: 102, column: 3))
    }

    @Test func theExpansionLimitCountsTheWholeStream() throws {
        // Each document alone stays under the limit; together they do not.
        let document = "a: &a " + String(repeating: "a", count: 100_000) + "\nb: [" + Array(repeating: "*a", count: 12).joined(separator: ", ") + "]\n"
        let text = Array(repeating: document, count: 3).joined(separator: "---\n")
        let error = try #require(parseError(text))
        #expect(error.code == "yaml.alias-bomb")
        #expect(error.location?.line == 8)
    }

    // MARK: Documents and scalars

    @Test func tooManyDocumentsIsAnErrorAtTheFirstOnePastTheLimit() throws {
        let text = String(repeating: "---\n", count: YAMLParser.maximumDocuments + 5)
        let error = try #require(parseError(text))
        #expect(error.code == "yaml.too-many-documents")
        #expect(error.message == "more than 100000 documents in one stream, the limit of YAMLParser.maximumDocuments")
        #expect(error.location == SourceLocation(file: "input.yaml", line: 100_001, column: 1))
    }

    @Test func oversizedScalarIsAnErrorAtItsStart() throws {
        let text = "a: 1\nb: " + String(repeating: "x", count: YAMLParser.maximumScalarBytes + 1) + "\n"
        let error = try #require(parseError(text))
        #expect(error.code == "yaml.scalar-too-large")
        #expect(error.message == "a scalar of 8388609 bytes, more than the limit of 8388608 (YAMLParser.maximumScalarBytes)")
        #expect(error.location == SourceLocation(file: "input.yaml", line: 2, column: 4))
    }

    // MARK: Large collections

    @Test func largeCollectionsParseInLinearTime() throws {
        // Quadratic building took 46 s for these; linear building takes milliseconds.
        let list = "items:\n" + (0..<50_000).map { "- i\($0)\n" }.joined()
        let map = (0..<50_000).map { "k\($0): v\($0)\n" }.joined()
        let listNode = try YAMLParser.parseDocument(list, file: "list.yaml")
        let mapNode = try YAMLParser.parseDocument(map, file: "map.yaml")
        #expect(listNode["items"]?.items?.count == 50_000)
        #expect(mapNode.entries?.count == 50_000)
        #expect(mapNode["k49999"]?.text == "v49999")
        #expect(mapNode == mapNode)
        #expect(YAMLEmitter.emit(mapNode).utf8.count == map.utf8.count)
    }

    // MARK: Byte order marks

    @Test func byteOrderMarkAtTheStartIsSkipped() throws {
        let node = try YAMLParser.parseDocument("\u{FEFF}a: 1\nb:\n  c: 2\n", file: "f.yaml")
        #expect(node.keys == ["a", "b"])
        #expect(node["b"]?["c"]?.mark == Mark(file: "f.yaml", line: 3, column: 6))
    }

    @Test func byteOrderMarkAfterADocumentSeparatorIsSkipped() throws {
        let documents = try YAMLParser.parseStream("a: 1\n---\n\u{FEFF}b: 1\nc: 2\n", file: "f.yaml")
        #expect(documents.map(\.keys) == [["a"], ["b", "c"]])
    }

    // MARK: Encoding

    @Test func invalidUTF8IsAnErrorAtItsPosition() throws {
        let bytes = Array("a: 1\nbé: x".utf8) + [0xFF] + Array("\n".utf8)
        let error = try #require(parseError(bytes))
        #expect(error.code == "yaml.encoding")
        #expect(error.message == "invalid UTF-8: byte 0xFF cannot start a character")
        #expect(error.location == SourceLocation(file: "input.yaml", line: 2, column: 6))
    }

    @Test func truncatedUTF8SequenceIsAnError() throws {
        let error = try #require(parseError(Array("key: ".utf8) + [0xE2, 0x82]))
        #expect(error.message == "invalid UTF-8: a character is cut short")
        #expect(error.location == SourceLocation(file: "input.yaml", line: 1, column: 6))
    }

    @Test func nulByteIsAnErrorAtItsPosition() throws {
        let error = try #require(parseError("a: 1\nb: x\u{0}y\n"))
        #expect(error.code == "yaml.encoding")
        #expect(error.message == "control character U+0000 is not allowed in YAML")
        #expect(error.location == SourceLocation(file: "input.yaml", line: 2, column: 5))
    }

    @Test func tabIndentationAfterWideCharactersIsStillNamed() throws {
        let error = try #require(parseError("é: ü\nx:\n\tb: 1\n"))
        #expect(error.message == "tab character where indentation is expected (YAML indents with spaces only)")
        #expect(error.location == SourceLocation(file: "input.yaml", line: 3, column: 1))
    }

    // MARK: Numbers

    @Test func hugeIntegersDoNotTrap() throws {
        for text in ["9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
                     "18446744073709551616", "0x8000000000000000", "-0x8000000000000001", "0b" + String(repeating: "1", count: 200),
                     "1" + String(repeating: "0", count: 400), "1e400", "-1e400"] {
            let node = try YAMLParser.parseDocument("v: \(text)\n", file: "f.yaml")
            _ = YAMLEmitter.emit(node)
            _ = node == node
        }
        #expect(ScalarType.parseGoInteger("9223372036854775808") == nil)
        #expect(ScalarType.parseGoInteger("-9223372036854775808") == Int64.min)
    }
}

/// The outcome of a body run on another thread: set before the thread signals.
private final class ThreadOutcome: @unchecked Sendable {
    var result: Result<Bool, any Error> = .success(false)
}

/// Runs `body` on a new thread with the given stack size and waits for it.
func onThread(stackSize: Int, _ body: @escaping @Sendable () throws -> Bool) throws -> Bool {
    let outcome = ThreadOutcome()
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
        outcome.result = Result { try body() }
        done.signal()
    }
    thread.stackSize = stackSize
    thread.start()
    done.wait()
    return try outcome.result.get()
}
