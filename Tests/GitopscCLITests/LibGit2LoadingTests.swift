import Foundation
import ProcessRunner
import Testing

/// gitopsc does not link libgit2 but loads it on the first git call (CLibGit2Loader): commands
/// that never use git must not map it, and commands that do must load it and work. The
/// dynamic loader's own trace (`LD_DEBUG=libs`, glibc) says which libraries a process opened.
@Suite(
    .enabled(if: gitopscBinary != nil, "the gitopsc executable is not built beside the tests: run `swift build --build-tests`"),
    .enabled(if: Oracles.executable("git") != nil, "git is not installed: skipping the libgit2 loading checks")
)
struct LibGit2LoadingTests {
    /// The libraries the dynamic loader opened while gitopsc ran `arguments` in `folder`.
    func tracedRun(_ arguments: [String], in folder: URL) throws -> (status: Int32, output: String, loaded: String) {
        let run = try runProcess(gitopscBinary!.path, arguments, in: folder,
                                 environment: publishIdentity.merging(["LD_DEBUG": "libs", "NO_COLOR": "1"]) { $1 })
        let loaded = run.stderr.split(separator: "\n").filter { $0.contains("calling init:") }.joined(separator: "\n")
        return (run.status, run.output, loaded)
    }

    @Test(arguments: [
        ["--version"],
        ["schema"],
        ["build", "tree/apps/prod"],
        ["compile", "--root", "sources", "--output-dir", "out"],
    ])
    func aCommandWithoutGitDoesNotLoadLibGit2(_ arguments: [String]) throws {
        let root = try sampleTree()
        defer { try? FileManager.default.removeItem(at: root) }
        let sources = try sourceTree()
        defer { try? FileManager.default.removeItem(at: sources) }
        try FileManager.default.moveItem(at: sources, to: root.appendingPathComponent("sources"))
        let run = try tracedRun(arguments, in: root)
        #expect(run.status == 0, "\(run.output)")
        // The trace works: the libraries gitopsc does link are in it.
        #expect(run.loaded.contains("libyaml"), "no LD_DEBUG trace:\n\(run.output)")
        #expect(!run.loaded.contains("libgit2"), "\(run.loaded)")
    }

    @Test func publishLoadsLibGit2AndCommits() throws {
        let root = try sourceTree()
        let target = try emptyFolder("lazy-libgit2")
        defer { for url in [root, target] { try? FileManager.default.removeItem(at: url) } }
        #expect(try bash("git init -q && git add -A && git commit -q -m sources && git init -q --bare \"\(target.path)\"",
                         in: root, environment: publishIdentity).status == 0)
        let run = try tracedRun(["publish", "--repo", target.path, "--branch", "rendered"], in: root)
        #expect(run.status == 0, "\(run.output)")
        #expect(run.loaded.contains("libgit2.so"), "\(run.loaded)")
        let files = try bash("git -C \"\(target.path)\" ls-tree -r --name-only rendered", in: root)
        #expect(files.status == 0 && !files.output.isEmpty, "\(files.output)")
    }
}
