import Foundation
import ProcessRunner
import Testing

@Suite(.enabled(if: gitopscBinary != nil, "the gitopsc executable is not built beside the tests: run `swift build --build-tests`"))
struct CheckCommandTests {
    @Test func aMissingBranchIsAnInputError() throws {
        let root = try sourceTree()
        defer { try? FileManager.default.removeItem(at: root) }
        for arguments in [["init", "-q"], ["-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "--allow-empty", "-m", "x"]] {
            #expect(try runProcess("/usr/bin/env", ["git"] + arguments, in: root).status == 0)
        }
        let run = try gitopsc(["check", "--branch", "renderd"], in: root)
        #expect(run.status == 2)
        #expect(run.stderr.hasPrefix("error: branch 'renderd' does not exist in "), "\(run.stderr)")
    }

    @Test func aMissingOutputFolderIsStaleForEveryEnvironmentAndNothingElse() throws {
        let root = try sourceTree()
        defer { try? FileManager.default.removeItem(at: root) }
        let run = try gitopsc(["check"], in: root)
        #expect(run.status == 1)
        #expect(run.stderr.hasPrefix("rendered output in 'the output folder of gitopsc.yaml' is stale for 1 environment:\n  prod/east\n"), "\(run.stderr)")
        #expect(!run.stderr.contains(".gitopsc"))
    }

    @Test func staleOutputIsReportedInTheChosenFormat() throws {
        let root = try sourceTree()
        defer { try? FileManager.default.removeItem(at: root) }
        let run = try gitopsc(["check", "--diagnostics", "json"], in: root)
        #expect(run.status == 1)
        let decoded = try JSONSerialization.jsonObject(with: Data(run.stderr.utf8)) as? [[String: Any]]
        #expect(decoded?.map { $0["code"] as? String } == ["check.stale"])
        #expect((decoded?.first?["message"] as? String)?.contains("'prod/east'") == true)
    }

    @Test func freshOutputSaysSoInEnglish() throws {
        let root = try sourceTree()
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try gitopsc(["compile"], in: root).status == 0)
        let run = try gitopsc(["check"], in: root)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == "rendered output is up to date (1 environment)\n")
    }
}
