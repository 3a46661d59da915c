import Diagnostics
import Foundation
import GitStore
import Publisher
import Testing

func publish(_ request: PublishRequest) throws -> PublishResult {
    try Publisher.publish(request, displayBase: request.root)
}

func publishFailure(_ request: PublishRequest) throws -> Diagnostic? {
    do {
        _ = try publish(request)
        return nil
    } catch let list as DiagnosticList {
        return list.diagnostics.first
    }
}

let newCluster = "extends: production/ring-2\ncluster:\n  name: new-one\n  server: https://api.new-one.example.com:6443\n"

@Suite(.serialized) struct PublisherTests {
    @Test func commitsOnceWithProvenanceThenNothing() throws {
        let fixture = try PublishFixture()
        var request = fixture.request()
        request.authorName = "Flag Author"
        request.authorEmail = "flag@example.com"
        let first = try publish(request)
        guard case .committed(let id, let parent) = first.outcome else {
            Issue.record("expected a commit, got \(first.outcome)")
            return
        }
        #expect(parent == nil)
        #expect(first.changedEnvironments.count == 8)
        #expect(try fixture.gitOutput(["rev-parse", "rendered"]).trimmingCharacters(in: .whitespacesAndNewlines) == id)
        #expect(try run(["git", "--git-dir=\(fixture.gitops.path)", "fsck", "--strict"], in: fixture.folder).status == 0)
        let message = try fixture.gitOutput(["log", "-1", "--format=%an <%ae>%n%B", "rendered"])
        #expect(message.hasPrefix("Flag Author <flag@example.com>\ngitopsc: render 8 environments (8 changed)"))
        let sourceCommit = try run(["git", "rev-parse", "HEAD"], in: fixture.source).output.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(message.contains("Source-Commit: \(sourceCommit)\n"))
        #expect(message.contains("Gitopsc-Version: "))
        #expect(message.contains("- production/stone-prd-rh01\n"))
        let paths = try fixture.gitOutput(["ls-tree", "-r", "--name-only", "rendered"]).split(separator: "\n")
        #expect(paths.count == 73)
        #expect(paths.contains("clusters/.gitopsc/manifest.json"))
        let second = try publish(request)
        #expect(second.outcome == .unchanged(tip: id))
        #expect(try fixture.gitOutput(["rev-list", "--count", "rendered"]).trimmingCharacters(in: .whitespacesAndNewlines) == "1")
    }

    @Test func replacesOnlyOwnedPathsAndPrunesRemovedEnvironments() throws {
        let fixture = try PublishFixture()
        try fixture.write("environments/production/new-one.yaml", newCluster)
        try fixture.commitSources("add a cluster")
        _ = try publish(fixture.request())
        // Someone else's file in the branch, committed with git itself.
        let clone = fixture.folder.appendingPathComponent("clone")
        try fixture.git(["clone", "-q", "--branch", "rendered", fixture.gitops.path, clone.path], in: fixture.folder)
        try "not gitopsc's\n".write(to: clone.appendingPathComponent("clusters/NOTES.md"), atomically: true, encoding: .utf8)
        try fixture.git(["add", "-A"], in: clone)
        try fixture.git(["commit", "-q", "-m", "notes"], in: clone)
        try fixture.git(["push", "-q", "origin", "rendered"], in: clone)
        try FileManager.default.removeItem(at: fixture.source.appendingPathComponent("environments/production/new-one.yaml"))
        try fixture.commitSources("remove the cluster")
        let result = try publish(fixture.request())
        #expect(result.changedEnvironments == ["production/new-one"])
        let paths = try fixture.gitOutput(["ls-tree", "-r", "--name-only", "rendered"])
        #expect(!paths.contains("clusters/production/new-one/"))
        #expect(paths.contains("clusters/NOTES.md"))
        #expect(try fixture.gitOutput(["log", "--format=%s", "rendered"]).split(separator: "\n").count == 3)
    }

    /// A branch whose ownership manifest lists a path gitopsc does not write (a pull request
    /// could forge one) is refused, and the branch does not move.
    @Test func aForgedOwnershipManifestInTheBranchIsRefused() throws {
        let fixture = try PublishFixture()
        _ = try publish(fixture.request())
        let clone = fixture.folder.appendingPathComponent("clone")
        try fixture.git(["clone", "-q", "--branch", "rendered", fixture.gitops.path, clone.path], in: fixture.folder)
        let manifestURL = clone.appendingPathComponent("clusters/.gitopsc/manifest.json")
        let forged = try String(contentsOf: manifestURL, encoding: .utf8)
            .replacingOccurrences(of: "\"paths\" : [", with: "\"paths\" : [\n    \"README.md\",")
        try forged.write(to: manifestURL, atomically: true, encoding: .utf8)
        try "keep me\n".write(to: clone.appendingPathComponent("README.md"), atomically: true, encoding: .utf8)
        try fixture.git(["add", "-A"], in: clone)
        try fixture.git(["commit", "-q", "-m", "forged"], in: clone)
        try fixture.git(["push", "-q", "origin", "rendered"], in: clone)
        let tip = try fixture.gitOutput(["rev-parse", "rendered"])
        try fixture.write("environments/production/new-one.yaml", newCluster)
        try fixture.commitSources("add a cluster")
        let error = try #require(try publishFailure(fixture.request()))
        #expect(error.code == "output.forged-manifest")
        #expect(error.message.hasPrefix("the ownership manifest lists 'README.md'"))
        #expect(try fixture.gitOutput(["rev-parse", "rendered"]) == tip)
    }

    @Test func unownedContentIsRefusedUnlessAdopted() throws {
        let fixture = try PublishFixture()
        let clone = fixture.folder.appendingPathComponent("clone")
        try fixture.git(["init", "-q", "-b", "rendered", clone.path], in: fixture.folder)
        try FileManager.default.createDirectory(at: clone.appendingPathComponent("clusters"), withIntermediateDirectories: true)
        try "old\n".write(to: clone.appendingPathComponent("clusters/deploy.yaml"), atomically: true, encoding: .utf8)
        try fixture.git(["add", "-A"], in: clone)
        try fixture.git(["commit", "-q", "-m", "hand-made"], in: clone)
        try fixture.git(["push", "-q", fixture.gitops.path, "rendered"], in: clone)
        let tip = try fixture.gitOutput(["rev-parse", "rendered"])
        let error = try #require(try publishFailure(fixture.request()))
        #expect(error.code == "publish.unowned-content")
        #expect(try fixture.gitOutput(["rev-parse", "rendered"]) == tip)
        var request = fixture.request()
        request.adopt = true
        _ = try publish(request)
        let paths = try fixture.gitOutput(["ls-tree", "-r", "--name-only", "rendered"])
        #expect(!paths.contains("clusters/deploy.yaml"))
    }

    @Test func dirtySourcesAreRefusedUnlessAllowedAndThenMarked() throws {
        let fixture = try PublishFixture()
        try fixture.write("environments/production/new-one.yaml", newCluster)
        let error = try #require(try publishFailure(fixture.request()))
        #expect(error.code == "publish.dirty-source")
        #expect(try fixture.gitOutput(["rev-parse", "--verify", "--quiet", "rendered"]).isEmpty)
        var request = fixture.request()
        request.allowDirty = true
        let result = try publish(request)
        #expect(result.changedEnvironments.contains("production/new-one"))
        #expect(try fixture.gitOutput(["log", "-1", "--format=%B", "rendered"]).contains("(dirty)"))
    }

    @Test func publishesARevisionWithoutCheckingItOut() throws {
        let fixture = try PublishFixture()
        let first = try run(["git", "rev-parse", "HEAD"], in: fixture.source).output.trimmingCharacters(in: .whitespacesAndNewlines)
        try fixture.write("environments/production/new-one.yaml", newCluster)
        try fixture.commitSources("add a cluster")
        var request = fixture.request()
        request.revision = first
        let result = try publish(request)
        #expect(result.sourceCommit == first)
        #expect(!(try fixture.gitOutput(["ls-tree", "-r", "--name-only", "rendered"]).contains("new-one")))
        #expect(try fixture.gitOutput(["log", "-1", "--format=%B", "rendered"]).contains("Source-Commit: \(first)\n"))
    }

    @Test func aCheckedOutBranchIsRefused() throws {
        let fixture = try PublishFixture()
        var request = fixture.request()
        request.repository = fixture.source.path
        request.branch = "main-view"
        try fixture.git(["checkout", "-q", "-b", "main-view"], in: fixture.source)
        let error = try #require(try publishFailure(request))
        #expect(error.code == "git.branch-checked-out")
    }

    @Test func notARepositoryIsAClearError() throws {
        let fixture = try PublishFixture()
        var request = fixture.request()
        request.repository = fixture.folder.appendingPathComponent("nowhere").path
        try FileManager.default.createDirectory(atPath: request.repository, withIntermediateDirectories: true)
        let error = try #require(try publishFailure(request))
        #expect(error.code == "git.not-a-repository")
    }
}

@Suite(.serialized) struct PushTests {
    @Test func pushesAndRebuildsOnARemoteThatMovedOn() throws {
        let fixture = try PublishFixture()
        let remote = fixture.folder.appendingPathComponent("remote.git")
        try fixture.git(["init", "-q", "--bare", remote.path], in: fixture.folder)
        var request = fixture.request()
        request.push = remote.path
        let first = try publish(request)
        #expect(first.pushStatuses.map(\.result) == [.updated])
        let local = try fixture.gitOutput(["rev-parse", "rendered"])
        #expect(try run(["git", "--git-dir=\(remote.path)", "rev-parse", "rendered"], in: fixture.folder).output == local)
        // Another pipeline pushes a commit of its own to the remote.
        let clone = fixture.folder.appendingPathComponent("other")
        try fixture.git(["clone", "-q", "--branch", "rendered", remote.path, clone.path], in: fixture.folder)
        try "theirs\n".write(to: clone.appendingPathComponent("clusters/THEIRS.md"), atomically: true, encoding: .utf8)
        try fixture.git(["add", "-A"], in: clone)
        try fixture.git(["commit", "-q", "-m", "theirs"], in: clone)
        try fixture.git(["push", "-q", "origin", "rendered"], in: clone)
        // Our next publish builds on their commit instead of being rejected.
        try fixture.write("environments/production/new-one.yaml", newCluster)
        try fixture.commitSources("add a cluster")
        let second = try publish(request)
        #expect(second.pushStatuses.map(\.result) == [.updated])
        let log = try run(["git", "--git-dir=\(remote.path)", "log", "--format=%s", "rendered"], in: fixture.folder).output
        #expect(log.split(separator: "\n").map(String.init) == ["gitopsc: render 9 environments (1 changed)", "theirs", "gitopsc: render 8 environments (8 changed)"])
        let paths = try run(["git", "--git-dir=\(remote.path)", "ls-tree", "-r", "--name-only", "rendered"], in: fixture.folder).output
        #expect(paths.contains("clusters/THEIRS.md") && paths.contains("clusters/production/new-one/root.yaml"))
        #expect(try run(["git", "--git-dir=\(remote.path)", "fsck", "--strict"], in: fixture.folder).status == 0)
    }

    @Test func anUnreachableRemoteIsAClearErrorAndChangesNothingThere() throws {
        let fixture = try PublishFixture()
        var request = fixture.request()
        request.push = fixture.folder.appendingPathComponent("missing.git").path
        let error = try #require(try publishFailure(request))
        #expect(error.code.hasPrefix("git."))
        #expect(try fixture.gitOutput(["rev-parse", "--verify", "--quiet", "rendered"]).isEmpty)
    }
}
