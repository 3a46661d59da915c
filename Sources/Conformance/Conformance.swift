import Diagnostics
import FoundationEssentials
import Kustomize
import YAML

/// The corpus of real kustomization folders with the exact output of `kubectl kustomize`
/// for each (`../shared/corpus/infra-deployments`).
public struct ConformanceCorpus: Sendable {
    public let folder: URL
    public let cases: [String]

    /// The corpus beside a repository checkout, or at `GITOPSC_CORPUS` when set.
    public static func locate(repository: URL) -> ConformanceCorpus? {
        let override = ProcessInfo.processInfo.environment["GITOPSC_CORPUS"].map(URL.init(fileURLWithPath:))
        let folder = override ?? repository.deletingLastPathComponent().appendingPathComponent("shared/corpus/infra-deployments")
        return try? ConformanceCorpus(folder: folder)
    }

    public init(folder: URL) throws {
        self.folder = folder
        let list = try String(contentsOf: folder.appendingPathComponent("cases.txt"), encoding: .utf8)
        cases = list.split(separator: "\n").map { $0.trimmed() }.filter { !$0.isEmpty }
    }

    /// `tree/a/b` -> `expected/a__b.yaml`.
    public func expectedFile(for name: String) -> URL {
        let relative = name.hasPrefix("tree/") ? String(name.dropFirst(5)) : name
        return folder.appendingPathComponent("expected").appendingPathComponent(relative.replacing("/", with: "__") + ".yaml")
    }

    public enum Outcome: Sendable, Equatable {
        case identical
        /// Same documents, different bytes.
        case equivalent
        case different(String)
        case failed(String)
    }

    /// Builds every case in one process (concurrently) and compares with the expected outputs.
    public func run(builder: KustomizeBuilder = KustomizeBuilder()) -> [(name: String, outcome: Outcome)] {
        let results = builder.buildAll(cases.map { folder.appendingPathComponent($0).path }) { _, result in result }
        return zip(cases, results).map { name, result in
            (name, compare(result, with: expectedFile(for: name)))
        }
    }

    func compare(_ result: Result<String, Diagnostic>, with expectedFile: URL) -> Outcome {
        guard let expected = try? String(contentsOf: expectedFile, encoding: .utf8) else {
            return .failed("no expected output at \(expectedFile.path)")
        }
        switch result {
        case .failure(let diagnostic):
            return .failed(diagnostic.description)
        case .success(let output):
            if output == expected { return .identical }
            let ours = (try? YAMLParser.parseStream(output, file: "output")) ?? []
            let theirs = (try? YAMLParser.parseStream(expected, file: "expected")) ?? []
            if ours == theirs { return .equivalent }
            return .different(firstDifference(output, expected))
        }
    }

    /// The first differing line, for a one-line reason.
    func firstDifference(_ output: String, _ expected: String) -> String {
        let a = output.split(separator: "\n", omittingEmptySubsequences: false)
        let b = expected.split(separator: "\n", omittingEmptySubsequences: false)
        for index in 0..<max(a.count, b.count) {
            let left = index < a.count ? String(a[index]) : "<end>"
            let right = index < b.count ? String(b[index]) : "<end>"
            if left != right {
                return "line \(index + 1): got '\(left.prefix(100))', expected '\(right.prefix(100))'"
            }
        }
        return "same lines"
    }
}
