import Foundation
import Testing
@testable import YAML

/// The shared corpus beside the repository, if this machine has it.
let corpusFolder: URL? = {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let folder = root.deletingLastPathComponent().appendingPathComponent("shared/corpus/infra-deployments")
    return FileManager.default.fileExists(atPath: folder.path) ? folder : nil
}()

@Suite struct RoundTripTests {
    /// Every expected kustomize output, parsed and re-emitted, gives the same bytes: the
    /// emitter reproduces go-yaml v2's layout, quoting, key order and line folding.
    @Test(.enabled(if: corpusFolder != nil, "../shared/corpus is absent: skipping the corpus round trip"))
    func expectedOutputsRoundTrip() throws {
        let expected = corpusFolder!.appendingPathComponent("expected")
        let files = try FileManager.default.contentsOfDirectory(atPath: expected.path).sorted()
        var mismatches: [String] = []
        for name in files {
            let text = try String(contentsOf: expected.appendingPathComponent(name), encoding: .utf8)
            let documents = try YAMLParser.parseStream(text, file: name)
            let output = documents.isEmpty ? "" : YAMLEmitter.emitStream(documents)
            if output != text { mismatches.append(name) }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) files differ, first: \(mismatches.prefix(5))")
    }
}
