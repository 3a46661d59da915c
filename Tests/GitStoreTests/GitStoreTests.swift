import Diagnostics
import Foundation
import Testing
@testable import GitStore

@Suite struct CommitTests {
    @Test func writesExactlyTheTreeCommitAndSignatures() throws {
        let target = try TestRepository()
        let repository = try target.open()
        #expect(repository.isBare)
        #expect(try repository.tip(of: "main") == nil)
        let files = ["a.txt": bytes("A\n"), "dir/b.yaml": bytes("kind: B\n"), "dir/sub/c": bytes("")]
        let message = "Publish prod\n\nSource-Commit: 0123abcd\nGitopsc-Version: 0.1.0"
        let outcome = try repository.commit(
            branch: "main", files: files, ownedPaths: [], message: message, author: publisher, committer: reviewer
        )
        guard case .committed(let id, let parent) = outcome else {
            Issue.record("expected a commit, got \(outcome)")
            return
        }
        #expect(parent == nil)
        #expect(try repository.tip(of: "main") == id)
        try target.fsck()

        let log = try target.git("log", "--format=%H|%P|%an <%ae> %at %ad|%cn <%ce> %ct %cd|%B", "--date=format:%z", "main")
        #expect(log == "\(id)||Gitopsc Bot <bot@example.com> 1700000000 +0100|Commit Ter <committer@example.com> 1700000100 -0200|\(message)\n\n")
        let tree = try target.git("ls-tree", "-r", "--format=%(objectmode) %(objecttype) %(path)", "main")
        #expect(tree == "100644 blob a.txt\n100644 blob dir/b.yaml\n100644 blob dir/sub/c\n")
        #expect(try target.git("cat-file", "-p", "main:dir/b.yaml") == "kind: B\n")
        #expect(try target.git("cat-file", "-s", "main:dir/sub/c") == "0\n")

        #expect(try repository.files(atCommit: id) == files)
        #expect(try repository.files(atCommit: "main", under: "dir/") == ["dir/b.yaml": bytes("kind: B\n"), "dir/sub/c": []])
        #expect(try repository.files(atCommit: id, under: "missing") == [:])
        #expect(try repository.file("a.txt", atCommit: id) == bytes("A\n"))
        #expect(try repository.file("dir", atCommit: id) == nil)
        #expect(try repository.file("nope", atCommit: id) == nil)
        #expect(try repository.resolve("main") == id)
    }

    @Test func thousandFilesMakeOnePackAndNoLooseObjects() throws {
        let target = try TestRepository()
        let repository = try target.open()
        var files: [String: [UInt8]] = [:]
        for index in 0..<1000 {
            files["envs/env-\(index / 20)/file-\(index % 20).yaml"] = bytes("index: \(index)\n")
        }
        let start = Date()
        let outcome = try repository.commit(branch: "main", files: files, ownedPaths: [], message: "m", author: publisher, committer: publisher)
        print("GitStore: commit of 1000 files took \(Int(Date().timeIntervalSince(start) * 1000)) ms")
        guard case .committed = outcome else {
            Issue.record("expected a commit, got \(outcome)")
            return
        }
        #expect(try target.packs().count == 1)
        #expect(try target.looseObjectCount() == 0)
        #expect(try target.git("ls-tree", "-r", "--name-only", "main").split(separator: "\n").count == 1000)
        try target.fsck()

        // Publishing again with one file changed packs only what changed: the blob, the three
        // trees above it and the commit.
        let packsBefore = Set(try target.packs())
        var changed = files
        changed["envs/env-7/file-3.yaml"] = bytes("changed\n")
        _ = try repository.commit(branch: "main", files: changed, ownedPaths: Set(files.keys), message: "m", author: publisher, committer: publisher)
        let newPacks = Set(try target.packs()).subtracting(packsBefore)
        #expect(newPacks.count == 1)
        let index = target.gitDirectory + "/objects/pack/" + newPacks.first!.dropLast(".pack".count) + ".idx"
        let types = try target.git("verify-pack", "-v", index).split(separator: "\n").compactMap { line in
            line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.map(String.init)
        }.filter { ["commit", "tree", "blob"].contains($0) }
        #expect(types.sorted() == ["blob", "commit", "tree", "tree", "tree"])
        #expect(try target.looseObjectCount() == 0)
        try target.fsck()
    }

    @Test func unchangedTreeWritesNothing() throws {
        let target = try TestRepository()
        let repository = try target.open()
        let files = ["app/config.yaml": bytes("x: 1\n")]
        guard case .committed(let id, _) = try repository.commit(
            branch: "main", files: files, ownedPaths: [], message: "m", author: publisher, committer: publisher
        ) else {
            Issue.record("expected a commit")
            return
        }
        let before = try target.snapshot()
        let outcome = try repository.commit(
            branch: "main", files: files, ownedPaths: ["app/config.yaml"], message: "again", author: publisher, committer: publisher
        )
        #expect(outcome == .unchanged(tip: id))
        #expect(try target.snapshot() == before)
    }

    @Test func replacesAndPrunesOnlyOwnedPaths() throws {
        let target = try TestRepository()
        let repository = try target.open()
        _ = try repository.commit(
            branch: "main", files: ["README.md": bytes("theirs\n"), "apps/team/keep.yaml": bytes("theirs\n")],
            ownedPaths: [], message: "foreign", author: publisher, committer: publisher
        )
        let first: [String: [UInt8]] = [
            "apps/prod/a.yaml": bytes("a1\n"), "apps/prod/b.yaml": bytes("b1\n"),
            "apps/gone/only.yaml": bytes("x\n"), "apps/.gitopsc/manifest.json": bytes("[1]\n"),
        ]
        _ = try repository.commit(branch: "main", files: first, ownedPaths: [], message: "first", author: publisher, committer: publisher)
        let second: [String: [UInt8]] = ["apps/prod/a.yaml": bytes("a2\n"), "apps/.gitopsc/manifest.json": bytes("[2]\n")]
        let outcome = try repository.commit(
            branch: "main", files: second, ownedPaths: Set(first.keys), message: "second", author: publisher, committer: publisher
        )
        guard case .committed(let id, _) = outcome else {
            Issue.record("expected a commit, got \(outcome)")
            return
        }
        #expect(try target.git("ls-tree", "-r", "--name-only", "main") == """
            README.md
            apps/.gitopsc/manifest.json
            apps/prod/a.yaml
            apps/team/keep.yaml

            """)
        #expect(try repository.file("apps/prod/a.yaml", atCommit: id) == bytes("a2\n"))
        #expect(try repository.file("apps/team/keep.yaml", atCommit: id) == bytes("theirs\n"))
        // The emptied folder is gone; the untouched one keeps its very tree object.
        #expect(try target.git("rev-parse", "main:apps/team") == target.git("rev-parse", "main~2:apps/team"))

        // An owned file may become a folder and an owned folder's files a file.
        _ = try repository.commit(
            branch: "main", files: ["apps/prod/a.yaml/inner": bytes("i\n"), "apps/.gitopsc": bytes("flat\n")],
            ownedPaths: Set(second.keys), message: "third", author: publisher, committer: publisher
        )
        #expect(try target.git("ls-tree", "-r", "--name-only", "main") == """
            README.md
            apps/.gitopsc
            apps/prod/a.yaml/inner
            apps/team/keep.yaml

            """)
        try target.fsck()
    }

    @Test func refusesToOverwriteForeignFilesOnTheWay() throws {
        let target = try TestRepository()
        let repository = try target.open()
        _ = try repository.commit(
            branch: "main", files: ["notes": bytes("theirs\n"), "team/a": bytes("a\n")], ownedPaths: [],
            message: "foreign", author: publisher, committer: publisher
        )
        let before = try target.snapshot()
        for files in [["notes/x.yaml": bytes("x")], ["team": bytes("x")]] {
            let code = diagnosticCode {
                _ = try repository.commit(branch: "main", files: files, ownedPaths: [], message: "m", author: publisher, committer: publisher)
            }
            #expect(code == "git.path-conflict")
        }
        for path in ["../up", "a//b", ".git/config", "/abs", "x/./y"] {
            let code = diagnosticCode {
                _ = try repository.commit(branch: "main", files: [path: []], ownedPaths: [], message: "m", author: publisher, committer: publisher)
            }
            #expect(code == "git.invalid-path", "\(path)")
        }
        #expect(try target.snapshot() == before)
    }

    @Test func missingBranchStartsAsAnOrphan() throws {
        let target = try TestRepository()
        let repository = try target.open()
        guard case .committed(let base, nil) = try repository.commit(
            branch: "main", files: ["src": bytes("s")], ownedPaths: [], message: "m", author: publisher, committer: publisher
        ) else {
            Issue.record("expected a root commit")
            return
        }
        let outcome = try repository.commit(
            branch: "env/prod", files: ["deploy.yaml": bytes("d")], ownedPaths: [], message: "m", author: publisher, committer: publisher
        )
        guard case .committed(let id, nil) = outcome else {
            Issue.record("expected a root commit, got \(outcome)")
            return
        }
        #expect(id != base)
        #expect(try target.git("rev-list", "--count", "env/prod") == "1\n")
        #expect(try target.git("log", "--format=%P", "env/prod") == "\n")
        #expect(try target.git("ls-tree", "-r", "--name-only", "env/prod") == "deploy.yaml\n")
        try target.fsck()
    }

    @Test func retriesOnTheNewTipWhenTheBranchMovesMeanwhile() throws {
        let target = try TestRepository()
        let repository = try target.open()
        let other = try target.open()
        guard case .committed(let base, _) = try repository.commit(
            branch: "main", files: ["ours/a": bytes("1")], ownedPaths: [], message: "base", author: publisher, committer: publisher
        ) else {
            Issue.record("expected a commit")
            return
        }
        var attempts: [Int] = []
        var intruder: String?
        repository.beforeReferenceUpdate = { attempt in
            attempts.append(attempt)
            guard attempt == 1 else { return }
            if case .committed(let id, _) = try? other.commit(
                branch: "main", files: ["theirs/b": bytes("2")], ownedPaths: [], message: "intruder", author: reviewer, committer: reviewer
            ) {
                intruder = id
            }
        }
        let outcome = try repository.commit(
            branch: "main", files: ["ours/a": bytes("3")], ownedPaths: ["ours/a"], message: "ours", author: publisher, committer: publisher
        )
        guard case .committed(let id, let parent) = outcome, let intruder else {
            Issue.record("expected a commit after the intruder's, got \(outcome)")
            return
        }
        #expect(attempts == [1, 2])
        #expect(parent == intruder)
        #expect(try target.git("rev-list", "main") == "\(id)\n\(intruder)\n\(base)\n")
        #expect(try target.git("rev-list", "--min-parents=2", "main") == "")
        #expect(try target.git("ls-tree", "-r", "--name-only", "main") == "ours/a\ntheirs/b\n")
        #expect(try target.git("cat-file", "-p", "main:ours/a") == "3")
        try target.fsck()
    }

    /// A retry asks again which paths are owned, at the new tip: what the intruder added as
    /// owned (listed in its own manifest) is pruned, not left behind unlisted.
    @Test func ownedPathsAreReadAgainAtEveryTipOfARetry() throws {
        let target = try TestRepository()
        let repository = try target.open()
        let other = try target.open()
        _ = try repository.commit(
            branch: "main", files: ["owned.txt": bytes("a"), "ours/a": bytes("1")], ownedPaths: [], message: "base", author: publisher, committer: publisher)
        repository.beforeReferenceUpdate = { attempt in
            guard attempt == 1 else { return }
            _ = try? other.commit(
                branch: "main", files: ["owned.txt": bytes("a\nextra/x"), "extra/x": bytes("x")], ownedPaths: ["owned.txt"],
                message: "intruder", author: reviewer, committer: reviewer)
        }
        var asked: [String?] = []
        let outcome = try repository.commit(
            branch: "main", files: ["owned.txt": bytes("a"), "ours/a": bytes("2")],
            ownedPathsAt: { (tip: String?) throws(Diagnostic) -> Set<String> in
                asked.append(tip)
                // The list of owned paths is kept in the branch, like gitopsc's manifest.
                let listed = try tip.flatMap { tip throws(Diagnostic) in try repository.file("owned.txt", atCommit: tip) } ?? []
                return Set(String(decoding: listed, as: UTF8.self).split(separator: "\n").map(String.init)).union(["owned.txt"])
            },
            message: "ours", author: publisher, committer: publisher)
        guard case .committed = outcome else {
            Issue.record("expected a commit, got \(outcome)")
            return
        }
        #expect(asked.count == 2)
        #expect(asked[0] != asked[1])
        #expect(try target.git("ls-tree", "-r", "--name-only", "main") == "ours/a\nowned.txt\n")
        try target.fsck()
    }

    @Test func lockedReferenceFailsClearlyAndChangesNothing() throws {
        let target = try TestRepository()
        let repository = try target.open()
        _ = try repository.commit(branch: "main", files: ["a": bytes("1")], ownedPaths: [], message: "m", author: publisher, committer: publisher)
        let tip = try repository.tip(of: "main")
        try Data().write(to: URL(fileURLWithPath: target.gitDirectory + "/refs/heads/main.lock"))
        let code = diagnosticCode {
            _ = try repository.commit(branch: "main", files: ["a": bytes("2")], ownedPaths: ["a"], message: "m", author: publisher, committer: publisher, maxAttempts: 3)
        }
        #expect(code == "git.ref-locked")
        #expect(try repository.tip(of: "main") == tip)
        try FileManager.default.removeItem(atPath: target.gitDirectory + "/refs/heads/main.lock")
        try target.fsck()
    }

    @Test func refusesCheckedOutBranches() throws {
        let target = try TestRepository(bare: false)
        let repository = try target.open()
        #expect(!repository.isBare)
        #expect(repository.checkedOutBranch() == "main")
        let attempt = { (branch: String) in
            diagnosticCode {
                _ = try repository.commit(branch: branch, files: ["f": bytes("x")], ownedPaths: [], message: "m", author: publisher, committer: publisher)
            }
        }
        #expect(attempt("main") == "git.branch-checked-out")
        try git("commit", "--quiet", "--allow-empty", "-m", "first", in: target.path)
        #expect(attempt("main") == "git.branch-checked-out")
        try git("worktree", "add", "--quiet", "-b", "feature", target.folder.sub("worktree"), in: target.path)
        #expect(attempt("feature") == "git.branch-checked-out")
        #expect(try git("status", "--porcelain", in: target.path) == "")
        // Another branch of the same repository is fine.
        #expect(attempt("gitops") == nil)
        #expect(try target.git("ls-tree", "-r", "--name-only", "gitops") == "f\n")
        #expect(try git("status", "--porcelain", in: target.path) == "")
        try target.fsck()
    }
}

@Suite struct ReadingTests {
    @Test func readsSourceRepositoryState() throws {
        let source = try TestRepository(bare: false)
        let repository = try source.open()
        #expect(try repository.headCommit() == nil)
        try "a: 1\n".write(toFile: source.path + "/env.yaml", atomically: true, encoding: .utf8)
        #expect(try repository.isDirty())
        try git("add", "env.yaml", in: source.path)
        try git("commit", "--quiet", "-m", "one", in: source.path)
        try git("tag", "v1", in: source.path)
        let head = try git("rev-parse", "HEAD", in: source.path).trimmingCharacters(in: .newlines)
        #expect(try repository.headCommit() == head)
        #expect(try repository.resolve("HEAD") == head)
        #expect(try repository.resolve("v1") == head)
        #expect(try repository.resolve(String(head.prefix(8))) == head)
        #expect(try !repository.isDirty())
        try "ignored.txt\n".write(toFile: source.path + "/.git/info/exclude", atomically: true, encoding: .utf8)
        try "x".write(toFile: source.path + "/ignored.txt", atomically: true, encoding: .utf8)
        #expect(try !repository.isDirty())
        try "a: 2\n".write(toFile: source.path + "/env.yaml", atomically: true, encoding: .utf8)
        #expect(try repository.isDirty())
        #expect(try repository.file("env.yaml", atCommit: "HEAD") == bytes("a: 1\n"))
        #expect(diagnosticCode { _ = try repository.resolve("no-such-thing") } == "git.unknown-revision")
        // A folder inside the working tree opens the repository only when asked to search.
        try FileManager.default.createDirectory(atPath: source.path + "/sub", withIntermediateDirectories: true)
        #expect(diagnosticCode { _ = try GitRepository(path: source.path + "/sub") } == "git.not-a-repository")
        #expect(try GitRepository(path: source.path + "/sub", searchParents: true).headCommit() == head)
    }

    @Test func reportsNonRepositoriesAndUnreadableObjects() throws {
        let folder = try TemporaryFolder()
        #expect(diagnosticCode { _ = try GitRepository(path: folder.path) } == "git.not-a-repository")
        #expect(diagnosticCode { _ = try GitRepository(path: folder.sub("missing")) } == "git.not-a-repository")

        let source = try TestRepository(bare: false)
        try "content\n".write(toFile: source.path + "/file", atomically: true, encoding: .utf8)
        try git("add", "file", in: source.path)
        try git("commit", "--quiet", "-m", "one", in: source.path)
        let blob = try git("rev-parse", "HEAD:file", in: source.path).trimmingCharacters(in: .newlines)
        try FileManager.default.removeItem(atPath: source.gitDirectory + "/objects/\(blob.prefix(2))/\(blob.dropFirst(2))")
        let repository = try source.open()
        #expect(diagnosticCode { _ = try repository.files(atCommit: "HEAD") } == "git.unreadable-object")
        #expect(diagnosticCode { _ = try repository.file("file", atCommit: "HEAD") } == "git.unreadable-object")
        #expect(diagnosticCode { _ = try repository.tip(of: "bad..name") } == "git.invalid-branch")
    }

    @Test func signaturesComeFromFlagsThenEnvironmentThenConfig() throws {
        let target = try TestRepository()
        let repository = try target.open()
        try target.git("config", "user.name", "Config Name")
        try target.git("config", "user.email", "config@example.com")
        let environment = [
            "GIT_AUTHOR_NAME": "Env Author", "GIT_AUTHOR_EMAIL": "author@env.example",
            "GIT_COMMITTER_NAME": "Env Committer",
        ]
        let author = try repository.signature(kind: .author, environment: environment)
        #expect(author.name == "Env Author" && author.email == "author@env.example")
        let committer = try repository.signature(kind: .committer, environment: environment)
        #expect(committer.name == "Env Committer" && committer.email == "config@example.com")
        let flagged = try repository.signature(name: "Flag", email: "flag@example.com", kind: .author, environment: environment)
        #expect(flagged.name == "Flag" && flagged.email == "flag@example.com")
        #expect(diagnosticCode { _ = try repository.signature(name: "<bad>", kind: .author, environment: environment) } == "git.invalid-signature")

        // The commit carries what was resolved.
        _ = try repository.commit(branch: "main", files: ["f": []], ownedPaths: [], message: "m", author: author, committer: committer)
        #expect(try target.git("log", "--format=%an <%ae>|%cn <%ce>", "main") == "Env Author <author@env.example>|Env Committer <config@example.com>\n")

        // Empty values count as unset, and the repository's config overrides the user's.
        try target.git("config", "user.name", "")
        try target.git("config", "user.email", "")
        #expect(diagnosticCode { _ = try repository.signature(kind: .author, environment: [:]) } == "git.author-not-configured")
        #expect(diagnosticCode { _ = try repository.signature(kind: .committer, environment: ["GIT_COMMITTER_NAME": ""]) } == "git.committer-not-configured")
    }
}

@Suite struct RemoteTests {
    @Test func pushesFetchesAndReportsNonFastForward() throws {
        let local = try TestRepository()
        let remote = try TestRepository()
        let repository = try local.open()
        guard case .committed(let first, _) = try repository.commit(
            branch: "main", files: ["a": bytes("1")], ownedPaths: [], message: "one", author: publisher, committer: publisher
        ) else {
            Issue.record("expected a commit")
            return
        }
        #expect(try repository.push(remote: remote.path, branch: "main") == [ReferenceStatus(reference: "refs/heads/main", result: .updated)])
        #expect(try git("--git-dir=\(remote.path)", "log", "--format=%H %s", "main") == "\(first) one\n")
        #expect(try repository.push(remote: "file://" + remote.path, branch: "main") == [ReferenceStatus(reference: "refs/heads/main", result: .upToDate)])
        try remote.fsck()

        // Someone else publishes to the remote first.
        let rival = try TestRepository()
        let rivalRepository = try rival.open()
        #expect(try rivalRepository.fetch(remote: remote.path, branch: "main") == first)
        guard case .committed(let theirs, first?) = try rivalRepository.commit(
            branch: "main", files: ["b": bytes("2")], ownedPaths: [], message: "theirs", author: reviewer, committer: reviewer
        ) else {
            Issue.record("expected a commit on the fetched tip")
            return
        }
        #expect(try rivalRepository.push(remote: "file://" + remote.path, branch: "main").map(\.result) == [.updated])

        // Ours now loses: reported, not thrown, and the remote is untouched.
        _ = try repository.commit(branch: "main", files: ["a": bytes("3")], ownedPaths: ["a"], message: "ours", author: publisher, committer: publisher)
        #expect(try repository.push(remote: remote.path, branch: "main").map(\.result) == [.nonFastForward])
        #expect(try remote.git("rev-parse", "main") == theirs + "\n")

        // Fetch, rebuild on their tip, push again.
        #expect(try repository.fetch(remote: remote.path, branch: "main") == theirs)
        guard case .committed(let ours, theirs?) = try repository.commit(
            branch: "main", files: ["a": bytes("3")], ownedPaths: ["a"], message: "ours", author: publisher, committer: publisher
        ) else {
            Issue.record("expected a commit on their tip")
            return
        }
        #expect(try repository.push(remote: remote.path, branch: "main").map(\.result) == [.updated])
        #expect(try remote.git("rev-list", "main") == "\(ours)\n\(theirs)\n\(first)\n")
        #expect(try remote.git("ls-tree", "-r", "--name-only", "main") == "a\nb\n")
        try remote.fsck()
        try local.fsck()
        #expect(try repository.fetch(remote: remote.path, branch: "absent") == nil)
    }

    @Test func unreachableRemotesAreClearErrors() throws {
        let local = try TestRepository()
        let repository = try local.open()
        _ = try repository.commit(branch: "main", files: ["a": []], ownedPaths: [], message: "m", author: publisher, committer: publisher)
        let missing = local.folder.sub("no-such-remote.git")
        #expect(diagnosticCode { _ = try repository.push(remote: missing, branch: "main") } == "git.remote-unreachable")
        #expect(diagnosticCode { _ = try repository.push(remote: "file://" + missing, branch: "main") } == "git.remote-unreachable")
        #expect(diagnosticCode { _ = try repository.fetch(remote: missing, branch: "main") } == "git.remote-unreachable")
        #expect(diagnosticCode { _ = try repository.push(remote: missing, branch: "nothing") } == "git.unknown-branch")
    }
}
