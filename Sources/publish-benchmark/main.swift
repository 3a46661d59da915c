import Foundation
import GitStore

// Benchmark of the commit step of `gitopsc publish`: 1000 environments of 20 files each
// committed into a fresh branch of a bare repository with libgit2 (one pack), then the
// same tree again (a no-op), compared in the same run with `git add -A && git commit` of
// the same files in a working tree.
// Usage: publish-benchmark [ENVIRONMENTS] [FILES-PER-ENVIRONMENT]

let arguments = CommandLine.arguments.dropFirst().compactMap(Int.init)
let environments = arguments.first ?? 1000
let perEnvironment = arguments.dropFirst().first ?? 20

func now() -> Double { Date().timeIntervalSince1970 }

@discardableResult
func shell(_ script: String, in folder: URL) throws -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/bash")
    process.arguments = ["-c", script]
    process.currentDirectoryURL = folder
    try process.run()
    process.waitUntilExit()
    return process.terminationStatus
}

let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gitopsc-publish-bench-\(UUID().uuidString)")
try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: folder) }

var files: [String: [UInt8]] = [:]
for environment in 0..<environments {
    for file in 0..<perEnvironment {
        let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: object-\(file)\n  namespace: env-\(environment)\ndata:\n  value: \"\(environment * perEnvironment + file)\"\n"
        files["clusters/env-\(environment)/component-\(file % 4)/object-\(file).yaml"] = Array(text.utf8)
    }
}
try shell("git init -q --bare gitops.git", in: folder)
let repository = try GitRepository(path: folder.appendingPathComponent("gitops.git").path)
let signature = Signature(name: "Benchmark", email: "benchmark@example.com")

var start = now()
_ = try repository.commit(branch: "rendered", files: files, ownedPaths: [], message: "benchmark", author: signature, committer: signature)
let commitSeconds = now() - start
start = now()
let again = try repository.commit(branch: "rendered", files: files, ownedPaths: Set(files.keys), message: "benchmark", author: signature, committer: signature)
let noOpSeconds = now() - start
guard case .unchanged = again else { fatalError("the second commit should be a no-op") }

let worktree = folder.appendingPathComponent("worktree")
for (path, bytes) in files {
    let url = worktree.appendingPathComponent(path)
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(bytes).write(to: url)
}
try shell("git init -q && git config user.name Benchmark && git config user.email benchmark@example.com", in: worktree)
start = now()
try shell("git add -A && git commit -q -m benchmark", in: worktree)
let gitSeconds = now() - start
start = now()
try shell("git add -A && git commit -q -m benchmark >/dev/null 2>&1", in: worktree)
let gitNoOpSeconds = now() - start

print("\(files.count) files (\(environments) environments x \(perEnvironment))")
print(String(format: "gitopsc commit (libgit2, one pack): %.3f s; unchanged re-publish: %.3f s", commitSeconds, noOpSeconds))
print(String(format: "git add -A && git commit:          %.3f s; unchanged: %.3f s", gitSeconds, gitNoOpSeconds))
print(String(format: "ratio: %.1fx (commit), %.1fx (unchanged)", gitSeconds / commitSeconds, gitNoOpSeconds / noOpSeconds))
