import Foundation
import Testing

/// The `pre-commit` framework on PATH (`pip install pre-commit`).
let preCommitPath: String? = {
    (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map { "\($0)/pre-commit" }
        .first { FileManager.default.isExecutableFile(atPath: $0) }
}()

let hooksManifest = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent(".pre-commit-hooks.yaml")

@Suite(
    .enabled(if: gitopscBinary != nil, "the gitopsc executable is not built beside the tests: run `swift build --build-tests`"),
    .enabled(if: preCommitPath != nil, "pre-commit is not installed (pip install pre-commit): skipping the hook test")
)
struct PreCommitHookTests {
    /// With the repository's `.pre-commit-hooks.yaml` used by the real framework: a commit
    /// passes when the rendered output is fresh and is stopped, with the stale environments
    /// named, when a spec changed without recompiling.
    @Test func hookPassesWhenFreshAndFailsWhenStale() throws {
        let root = try sourceTree()
        defer { try? FileManager.default.removeItem(at: root) }
        let hooks = root.appendingPathComponent("hooks")
        let source = root
        let path = gitopscBinary!.deletingLastPathComponent().path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "")
        let environment = publishIdentity.merging([
            "PATH": path,
            "PRE_COMMIT_HOME": root.appendingPathComponent(".pre-commit-home").path,
            "NO_COLOR": "1",
        ]) { $1 }
        let setup = """
            set -e
            mkdir -p hooks && cp "\(hooksManifest.path)" hooks/
            git -C hooks init -q && git -C hooks add -A && git -C hooks commit -q -m hooks
            rev=$(git -C hooks rev-parse HEAD)
            printf 'repos:\\n- repo: %s\\n  rev: %s\\n  hooks:\\n  - id: gitopsc-check\\n' "file://$PWD/hooks" "$rev" > .pre-commit-config.yaml
            printf 'hooks/\\n.pre-commit-home/\\n' > .gitignore
            git init -q
            pre-commit install > /dev/null
            gitopsc compile > /dev/null
            git add -A
            git commit -q -m "fresh output"
            echo FRESH-COMMITTED
            """
        let fresh = try bash(setup, in: source, environment: environment)
        #expect(fresh.status == 0, "\(fresh.output)")
        #expect(fresh.output.contains("FRESH-COMMITTED"), "\(fresh.output)")
        let stale = try bash("""
            sed -i 's/namespace: web/namespace: webapp/' environments/base.yaml
            git add -A
            git commit -q -m "spec only" 2>&1
            echo "status $?"
            """, in: source, environment: environment)
        #expect(stale.output.contains("status 1"), "\(stale.output)")
        #expect(stale.output.contains("stale for 1 environment"), "\(stale.output)")
        #expect(stale.output.contains("prod/east"), "\(stale.output)")
        #expect(try bash("git log --oneline | wc -l", in: source).output.trimmingCharacters(in: .whitespacesAndNewlines) == "1")
    }
}
