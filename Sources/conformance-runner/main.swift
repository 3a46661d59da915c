import Conformance
import Foundation
import Kustomize

// Builds the whole corpus in one process and prints how many cases match kustomize.
// With --kubectl, also runs `kubectl kustomize` once per case and prints the speed ratio.
// Usage: conformance [--corpus DIR] [--kubectl] [--failures]

let arguments = CommandLine.arguments
let compareWithKubectl = arguments.contains("--kubectl")
let listFailures = arguments.contains("--failures")
let corpusPath = arguments.firstIndex(of: "--corpus").flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }
let repository = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
guard let corpus = corpusPath.flatMap({ try? ConformanceCorpus(folder: URL(fileURLWithPath: $0)) })
    ?? ConformanceCorpus.locate(repository: repository) else {
    FileHandle.standardError.write(Data("conformance: no corpus found (pass --corpus DIR, or run from the repository with ../shared beside it)\n".utf8))
    exit(2)
}

func now() -> Double { Date().timeIntervalSince1970 }
func peakMemoryMB() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}

// Relative paths in messages, as a user running from the corpus folder sees them.
_ = FileManager.default.changeCurrentDirectoryPath(corpus.folder.path)
let start = now()
let results = corpus.run(builder: KustomizeBuilder(store: SourceStore(displayBase: corpus.folder.path)))
let gitopscSeconds = now() - start

var counts: [String: Int] = [:]
for (name, outcome) in results {
    let word: String
    switch outcome {
    case .identical: word = "identical"
    case .equivalent: word = "equivalent"
    case .different(let reason):
        word = "different"
        if listFailures { print("DIFFERENT \(name): \(reason)") }
    case .failed(let reason):
        word = "failed"
        if listFailures { print("FAILED \(name): \(reason.split(separator: "\n").first ?? "")") }
    }
    counts[word, default: 0] += 1
}
let total = results.count
let identical = counts["identical", default: 0]
let semantic = identical + counts["equivalent", default: 0]
func percent(_ n: Int) -> String { String(format: "%.1f%%", Double(n) * 100 / Double(max(total, 1))) }
print("cases: \(total)")
print("byte-identical: \(identical) (\(percent(identical)))")
print("semantically equal: \(semantic) (\(percent(semantic)))")
print("different: \(counts["different", default: 0])")
print("failed: \(counts["failed", default: 0])")
print(String(format: "gitopsc: %.2f s for %d builds in one process, peak memory %.0f MB", gitopscSeconds, total, peakMemoryMB()))

if compareWithKubectl {
    let kubectlStart = now()
    for name in corpus.cases {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["kubectl", "kustomize", name]
        process.currentDirectoryURL = corpus.folder
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
    }
    let kubectlSeconds = now() - kubectlStart
    print(String(format: "kubectl kustomize: %.2f s for %d builds (one process each)", kubectlSeconds, total))
    print(String(format: "ratio: gitopsc is %.1fx faster", kubectlSeconds / gitopscSeconds))
}
