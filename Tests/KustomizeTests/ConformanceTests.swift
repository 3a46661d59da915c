import Conformance
import Foundation
import Kustomize
import Testing

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let corpus = ConformanceCorpus.locate(repository: repositoryRoot)

/// The cases known not to be byte-identical yet, one corpus path per line with its cause
/// after a `#`. The test fails when a listed case starts passing (remove it from the list)
/// and when any other case fails, so the list only ever shrinks.
func knownFailures() throws -> Set<String> {
    let text = try String(contentsOf: repositoryRoot.appendingPathComponent("Tests/KustomizeTests/conformance-known-failures.txt"), encoding: .utf8)
    return Set(text.split(separator: "\n").compactMap { line in
        let path = line.split(separator: "#", maxSplits: 1).first?.trimmingCharacters(in: .whitespaces) ?? ""
        return path.isEmpty ? nil : path
    })
}

@Suite struct ConformanceTests {
    @Test(.enabled(if: corpus != nil, "../shared/corpus is absent: skipping the 950-case kustomize conformance run"))
    func corpusBuildsAreByteIdenticalToKustomize() throws {
        let corpus = try #require(corpus)
        let known = try knownFailures()
        let results = corpus.run()
        #expect(results.count == corpus.cases.count)
        var unexpected: [String] = []
        var fixed: [String] = []
        for (name, outcome) in results {
            let passed = outcome == .identical
            if !passed && !known.contains(name) { unexpected.append("\(name): \(outcome)") }
            if passed && known.contains(name) { fixed.append(name) }
        }
        #expect(unexpected.isEmpty, "cases that differ from kubectl kustomize:\n\(unexpected.prefix(20).joined(separator: "\n"))")
        #expect(fixed.isEmpty, "cases now byte-identical; remove them from conformance-known-failures.txt: \(fixed)")
    }
}
