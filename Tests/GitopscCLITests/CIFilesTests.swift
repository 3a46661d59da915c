import Foundation
import ProcessRunner
import Testing

private let repository = Oracles.repository
private let runSteps = repository.appendingPathComponent("scripts/run-ci-steps").path
private let crdValidator = Oracles.shared.appendingPathComponent("crds/validate.py")
private let hasValidator = FileManager.default.fileExists(atPath: crdValidator.path)
    && (try? runProcess("/usr/bin/env", ["python3", "-c", "import jsonschema, yaml"]).status) == 0
private let hasPythonYAML = (try? runProcess("/usr/bin/env", ["python3", "-c", "import yaml"]).status) == 0

/// A sources repository as a CI system sees it: `sources.git` (bare, branch main) holding a
/// `gitopsc init` project, and `clone`, a clone of it with origin set.
func ciFixture() throws -> URL {
    let folder = try emptyFolder("ci")
    let setup = try bash("""
        set -e
        git init -q --bare -b main sources.git
        gitopsc init project > /dev/null
        cd project
        git init -q -b main
        git add -A
        git commit -q -m scaffold
        git push -q ../sources.git main
        cd ..
        git clone -q sources.git clone
        """, in: folder, environment: publishIdentity.merging(["PATH": pathWithGitopsc()]) { $1 })
    #expect(setup.status == 0, "\(setup.output)")
    return folder
}

@Suite(
    .enabled(if: gitopscBinary != nil, "the gitopsc executable is not built beside the tests: run `swift build --build-tests`"),
    .enabled(if: hasPythonYAML && Oracles.executable("git") != nil, "python3 with yaml and git are needed to run the CI steps")
)
struct CIFilesTests {
    let environment = publishIdentity.merging(["PATH": pathWithGitopsc(), "NO_COLOR": "1"]) { $1 }

    func steps(_ arguments: [String], in folder: URL, path: String? = nil) throws -> ProcessResult {
        try runProcess(runSteps, arguments, in: folder, environment: environment.merging(["PATH": path ?? pathWithGitopsc()]) { $1 })
    }

    @Test(.enabled(if: hasValidator, "../shared/crds/validate.py is absent: skipping the Tekton schemas"))
    func tektonFilesPassTheCRDSchemas() throws {
        let result = try runProcess("/usr/bin/env", ["python3", crdValidator.path, repository.appendingPathComponent("ci/tekton").path])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.stdout.contains("4 passed, 0 failed"), "\(result.output)")
    }

    /// The check Task's steps on a pull request's clone: the check passes, the markdown diff
    /// names the environments the change touches; an invalid spec stops the check step.
    @Test func tektonCheckTaskRunsOnAPullRequest() throws {
        let folder = try ciFixture()
        defer { try? FileManager.default.removeItem(at: folder) }
        let clone = folder.appendingPathComponent("clone")
        #expect(try bash("git checkout -q -b change && sed -i 's/replicas: 3/replicas: 5/' environments/production.yaml && git commit -q -am more",
                         in: clone, environment: publishIdentity).status == 0)
        let task = repository.appendingPathComponent("ci/tekton/tasks/gitopsc-check.yaml").path
        let run = try steps(["tekton", task, "--workspace", "source=clone", "--results", "results"], in: folder)
        #expect(run.status == 0, "\(run.output)")
        #expect(run.stdout.contains("result differs=true"), "\(run.output)")
        let report = try String(contentsOf: clone.appendingPathComponent("gitopsc-diff.md"), encoding: .utf8)
        #expect(report.hasPrefix("### gitopsc diff: 2 of 3 environments differ\n"), "\(report)")
        #expect(report.contains("| production/prd-1 | 0 | 0 | 0 | 1 |") && report.contains("| production/prd-2 | 0 | 0 | 0 | 1 |"), "\(report)")
        #expect(report.contains("| staging/stg-1 | 0 | 0 | 0 | 0 |"), "\(report)")
        #expect(try String(contentsOf: folder.appendingPathComponent("results/diff-file"), encoding: .utf8) == clone.appendingPathComponent("gitopsc-diff.md").path)

        try "extends: nowhere\n".write(to: clone.appendingPathComponent("environments/staging/stg-2.yaml"), atomically: true, encoding: .utf8)
        let broken = try steps(["tekton", task, "--workspace", "source=clone"], in: folder)
        #expect(broken.status == 2, "\(broken.output)")
        #expect(broken.stderr.contains("environments/staging/stg-2.yaml"), "\(broken.output)")
        #expect(broken.stderr.contains("--- step check failed"), "\(broken.output)")
    }

    /// The publish Task pushes the rendered branch to the origin, and two runs from two clones
    /// of the same commit make the same commit id (git CLI), with origin as Source-Repository.
    @Test func tektonPublishTaskPushesReproducibly() throws {
        let folder = try ciFixture()
        defer { try? FileManager.default.removeItem(at: folder) }
        let task = repository.appendingPathComponent("ci/tekton/tasks/gitopsc-publish.yaml").path
        let first = try steps(["tekton", task, "--workspace", "source=clone", "--results", "first"], in: folder)
        #expect(first.status == 0, "\(first.output)")
        let tip = try bash("git -C sources.git rev-parse rendered", in: folder).output.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try String(contentsOf: folder.appendingPathComponent("first/commit"), encoding: .utf8) == tip)
        let message = try bash("git -C sources.git log -1 --format=%B rendered", in: folder).output
        #expect(message.contains("Source-Repository: \(folder.appendingPathComponent("sources.git").path)\n"), "\(message)")
        #expect(try bash("git -C sources.git fsck --strict", in: folder).status == 0)

        // The branch gone, a second clone publishes the same sources again: the same commit.
        #expect(try bash("git -C sources.git branch -q -D rendered && git clone -q sources.git second", in: folder).status == 0)
        let second = try steps(["tekton", task, "--workspace", "source=second", "--results", "again"], in: folder)
        #expect(second.status == 0, "\(second.output)")
        #expect(try String(contentsOf: folder.appendingPathComponent("again/commit"), encoding: .utf8) == tip)
        // Unchanged sources, branch present: no new commit, the result names the same tip.
        let third = try steps(["tekton", task, "--workspace", "source=second", "--results", "third"], in: folder)
        #expect(third.stdout.contains("nothing changed: rendered stays at \(tip)"), "\(third.output)")
        #expect(try String(contentsOf: folder.appendingPathComponent("third/commit"), encoding: .utf8) == tip)
    }

    /// Credentials come from the git-credentials workspace's .git-credentials line for the
    /// remote's host; they reach the push URL and never the log.
    @Test func tektonPublishTakesCredentialsFromTheWorkspace() throws {
        let folder = try ciFixture()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("credentials"), withIntermediateDirectories: true)
        try "https://bot:s3cret-token@127.0.0.1:9\n".write(
            to: folder.appendingPathComponent("credentials/.git-credentials"), atomically: true, encoding: .utf8)
        let task = repository.appendingPathComponent("ci/tekton/tasks/gitopsc-publish.yaml").path
        let common = ["tekton", task, "--workspace", "source=clone", "--workspace", "git-credentials=credentials", "--param", "attempts=1"]
        let other = try steps(common + ["--param", "remote=https://git.example.com/gitops.git"], in: folder)
        #expect(other.status == 2)
        #expect(other.stderr.contains("no line for https://git.example.com in the git-credentials workspace's .git-credentials"), "\(other.output)")
        // Port 9 refuses the connection: the push fails, after using the line.
        let refused = try steps(common + ["--param", "remote=https://127.0.0.1:9/gitops.git"], in: folder)
        #expect(refused.status == 1, "\(refused.output)")
        #expect(refused.stderr.contains("'https://127.0.0.1:9/gitops.git'"), "\(refused.output)")
        #expect(refused.stderr.contains("gave up after attempt 1 of 1"), "\(refused.output)")
        #expect(!refused.output.contains("s3cret-token"), "\(refused.output)")
    }

    /// The GitHub workflows' shell steps, run the way the runner runs them (install skipped:
    /// the built gitopsc is on PATH; `gh` is a stand-in that records what it was asked).
    @Test func githubWorkflowsRunTheirSteps() throws {
        let folder = try ciFixture()
        defer { try? FileManager.default.removeItem(at: folder) }
        let clone = folder.appendingPathComponent("clone")
        #expect(try bash("git checkout -q -b change && sed -i 's/replicas: 1/replicas: 2/' environments/base.yaml && git commit -q -am more",
                         in: clone, environment: publishIdentity).status == 0)
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("stub"), withIntermediateDirectories: true)
        let gh = folder.appendingPathComponent("stub/gh")
        try "#!/bin/sh\nprintf '%s\\n' \"$*\" >> \"\(folder.path)/gh.log\"\n".write(to: gh, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: gh.path)
        let temp = folder.appendingPathComponent("runner-temp")
        try FileManager.default.createDirectory(at: temp, withIntermediateDirectories: true)
        let workflows = repository.appendingPathComponent("ci/github")
        let pullRequest = try steps([
            "github", workflows.appendingPathComponent("gitopsc-pull-request.yml").path, "--job", "check", "--skip", "system", "--skip", "install",
            "--context", "github.base_ref=main", "--context", "github.token=t0ken", "--context", "github.event.pull_request.number=7",
            "--context", "runner.temp=\(temp.path)",
        ], in: clone, path: folder.appendingPathComponent("stub").path + ":" + pathWithGitopsc())
        #expect(pullRequest.status == 0, "\(pullRequest.output)")
        #expect(pullRequest.stdout.contains("output diff.differs=true"), "\(pullRequest.output)")
        let calls = try String(contentsOf: folder.appendingPathComponent("gh.log"), encoding: .utf8)
        #expect(calls == "pr comment 7 --edit-last --body-file \(temp.path)/gitopsc-diff.md\n", "\(calls)")
        let report = try String(contentsOf: temp.appendingPathComponent("gitopsc-diff.md"), encoding: .utf8)
        // Production sets its own replicas: only staging takes the base's new value.
        #expect(report.hasPrefix("### gitopsc diff: 1 of 3 environments differs\n"), "\(report)")

        let publish = try steps([
            "github", workflows.appendingPathComponent("gitopsc-publish.yml").path, "--job", "publish", "--skip", "system", "--skip", "install",
            "--context", "github.token=t0ken", "--context", "github.server_url=file://\(folder.path)", "--context", "github.repository=sources",
        ], in: clone)
        #expect(publish.status == 0, "\(publish.output)")
        #expect(publish.stdout.contains("created branch rendered"), "\(publish.output)")
        let log = try bash("git -C sources.git log -1 --format='%at %ct' rendered && git -C clone log -1 --format=%ct HEAD", in: folder).output
        let stamps = log.split(whereSeparator: \.isWhitespace)
        #expect(stamps.count == 3 && Set(stamps).count == 1, "commit dates are the source commit's: \(log)")
    }
}
