import Conformance
import Foundation
import Kustomize
import Testing

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let corpus = ConformanceCorpus.locate(repository: repositoryRoot)

@Suite struct ConformanceTests {
    /// Every case of the real-world corpus builds to exactly the bytes `kubectl kustomize`
    /// (kustomize v5.5.0) produced for it.
    @Test(.enabled(if: corpus != nil, "../shared/corpus is absent: skipping the 950-case kustomize conformance run"))
    func corpusBuildsAreByteIdenticalToKustomize() throws {
        let corpus = try #require(corpus)
        let results = corpus.run()
        #expect(results.count == corpus.cases.count)
        let failures = results.filter { $0.outcome != .identical }.map { "\($0.name): \($0.outcome)" }
        #expect(failures.isEmpty, "\(failures.count) cases differ from kubectl kustomize:\n\(failures.prefix(20).joined(separator: "\n"))")
    }
}
