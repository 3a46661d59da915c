import Foundation
import ProcessRunner
import Testing

/// Runs a bash script and returns its status and output.
func bash(_ script: String, in folder: URL, environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
    let result = try runProcess("/bin/bash", ["-c", script], in: folder, environment: environment)
    return (result.status, result.output)
}

let publishIdentity = [
    "GIT_AUTHOR_NAME": "Race", "GIT_AUTHOR_EMAIL": "race@example.com",
    "GIT_COMMITTER_NAME": "Race", "GIT_COMMITTER_EMAIL": "race@example.com",
]

/// A folder with a bare gitops repository and `count` clones of one source repository
/// (eight environments c1...c8, one template); each publisher changes its own environment.
func raceFixture(sources count: Int) throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gitopsc-race-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let setup = """
        set -e
        git init -q --bare gitops.git
        mkdir -p src1/environments src1/templates/web
        printf 'repository:\\n  branch: rendered\\n  folder: clusters\\n' > src1/gitopsc.yaml
        for i in $(seq 1 8); do
          printf 'cluster:\\n  name: c'$i'\\n  server: https://c'$i'.example\\ncomponents:\\n  web: {namespace: web}\\nvalues:\\n  state: initial\\n' > src1/environments/c$i.yaml
        done
        printf 'apiVersion: v1\\nkind: ConfigMap\\nmetadata:\\n  name: state\\ndata:\\n  state: ${values.state}\\n' > src1/templates/web/cm.yaml
        git -C src1 init -q && git -C src1 add -A && git -C src1 commit -q -m init
        for i in $(seq 2 \(count)); do git clone -q src1 src$i; done
        """
    let result = try bash(setup, in: folder, environment: publishIdentity)
    #expect(result.status == 0, "\(result.output)")
    return folder
}

@Suite(.enabled(if: gitopscBinary != nil, "the gitopsc executable is not built beside the tests: run `swift build --build-tests`"))
struct PublishConcurrencyTests {
    /// 8 processes each publish 20 different source states to one branch: every publish lands
    /// as its own commit or reports a no-op, history is linear, nothing is lost, fsck is clean.
    @Test func eightRacingPublishersLoseNothing() throws {
        let folder = try raceFixture(sources: 8)
        defer { try? FileManager.default.removeItem(at: folder) }
        let script = """
            for i in $(seq 1 8); do
              (
                for j in $(seq 1 20); do
                  sed -i "s/state: .*/state: p$i-s$j/" src$i/environments/c$i.yaml
                  git -C src$i commit -q -am "state $j"
                  "\(gitopscBinary!.path)" publish --root src$i --repo gitops.git || echo "FAILED $i $j"
                done
              ) > log$i.txt 2>&1 &
            done
            wait
            cat log*.txt
            """
        let result = try bash(script, in: folder, environment: publishIdentity)
        let lines = result.output.split(separator: "\n")
        let committed = lines.filter { $0.hasPrefix("committed ") }
        let unchanged = lines.filter { $0.hasPrefix("nothing changed") }
        #expect(!result.output.contains("FAILED"), "\(result.output)")
        #expect(committed.count + unchanged.count == 160, "\(result.output)")
        let history = try bash("git --git-dir=gitops.git rev-list --count rendered; git --git-dir=gitops.git rev-list --merges rendered | wc -l; git --git-dir=gitops.git fsck --strict && echo fsck-clean", in: folder)
        let facts = history.output.split(separator: "\n").map(String.init)
        #expect(facts.first == String(committed.count), "\(history.output)")
        #expect(facts.dropFirst().first?.trimmingCharacters(in: .whitespaces) == "0")
        #expect(facts.contains("fsck-clean"), "\(history.output)")
        // No lost update: every reported commit is in the branch's history.
        let ids = committed.compactMap { $0.split(separator: " ").dropFirst().first }.map(String.init)
        let check = try bash(ids.map { "git --git-dir=gitops.git merge-base --is-ancestor \($0) rendered || echo LOST \($0)" }.joined(separator: "\n"), in: folder)
        #expect(!check.output.contains("LOST"), "\(check.output)")
        // Every commit holds one whole source state: 8 environments of 3 files, and the manifest.
        let counts = try bash("for c in $(git --git-dir=gitops.git rev-list rendered); do git --git-dir=gitops.git ls-tree -r --name-only $c | wc -l; done | sort -u", in: folder)
        #expect(counts.output.trimmingCharacters(in: .whitespacesAndNewlines) == "25", "\(counts.output)")
    }

    /// kill -9 at random moments: the branch is always at the old tip or at a new commit on
    /// top of it, and the repository stays consistent.
    @Test func killedPublishesLeaveTheBranchConsistent() throws {
        let folder = try raceFixture(sources: 1)
        defer { try? FileManager.default.removeItem(at: folder) }
        var random = SystemRandomNumberGenerator()
        for run in 1...50 {
            let before = try bash("git --git-dir=gitops.git rev-parse --verify --quiet rendered || true", in: folder).output
                .trimmingCharacters(in: .whitespacesAndNewlines)
            let delay = Double(Int.random(in: 0...60, using: &random)) / 1000
            let script = """
                sed -i "s/state: .*/state: run\(run)/" src1/environments/c1.yaml
                git -C src1 commit -q -am "run \(run)"
                "\(gitopscBinary!.path)" publish --root src1 --repo gitops.git > /dev/null 2>&1 &
                pid=$!
                sleep \(delay)
                kill -9 $pid 2>/dev/null
                wait $pid 2>/dev/null
                true
                """
            _ = try bash(script, in: folder, environment: publishIdentity)
            let after = try bash("git --git-dir=gitops.git rev-parse --verify --quiet rendered || true", in: folder).output
                .trimmingCharacters(in: .whitespacesAndNewlines)
            if after != before {
                let parent = try bash("git --git-dir=gitops.git rev-parse --verify --quiet \(after)^ || true", in: folder).output
                    .trimmingCharacters(in: .whitespacesAndNewlines)
                #expect(parent == before, "run \(run): the branch moved to \(after), whose parent is not the old tip \(before)")
            }
            if run % 10 == 0 {
                let fsck = try bash("git --git-dir=gitops.git fsck --strict", in: folder)
                #expect(fsck.status == 0, "run \(run): \(fsck.output)")
            }
        }
    }
}
