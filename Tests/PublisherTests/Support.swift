import Foundation
import ProcessRunner
import Publisher
import Testing

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Runs a program and returns its exit status and output.
@discardableResult
func run(_ arguments: [String], in folder: URL, environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
    let result = try runProcess("/usr/bin/env", arguments, in: folder, environment: environment)
    return (result.status, result.output)
}

let identity = [
    "GIT_AUTHOR_NAME": "Publisher Test", "GIT_AUTHOR_EMAIL": "publisher@example.com",
    "GIT_COMMITTER_NAME": "Publisher Test", "GIT_COMMITTER_EMAIL": "publisher@example.com",
]

/// A committed copy of the repository's bundled sources and an empty bare gitops repository.
final class PublishFixture {
    let folder: URL
    var source: URL { folder.appendingPathComponent("source") }
    var gitops: URL { folder.appendingPathComponent("gitops.git") }

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("gitopsc-publish-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: source, withIntermediateDirectories: true)
        for name in ["environments", "templates", "gitopsc.yaml"] {
            try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent(name), to: source.appendingPathComponent(name))
        }
        try git(["init", "-q"], in: source)
        try commitSources("sources")
        try git(["init", "-q", "--bare", gitops.path], in: folder)
    }

    func git(_ arguments: [String], in folder: URL) throws {
        let result = try run(["git"] + arguments, in: folder, environment: identity)
        if result.status != 0 { Issue.record("git \(arguments.joined(separator: " ")) failed: \(result.output)") }
    }

    func gitOutput(_ arguments: [String]) throws -> String {
        try run(["git", "--git-dir=\(gitops.path)"] + arguments, in: folder).output
    }

    func commitSources(_ message: String) throws {
        try git(["add", "-A"], in: source)
        try git(["commit", "-q", "--allow-empty", "-m", message], in: source)
    }

    func request() -> PublishRequest {
        PublishRequest(root: source.path, repository: gitops.path)
    }

    /// Writes a source file (relative to the source folder).
    func write(_ relative: String, _ text: String) throws {
        let url = source.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    deinit {
        try? FileManager.default.removeItem(at: folder)
    }
}
