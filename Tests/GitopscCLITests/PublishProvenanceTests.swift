import Foundation
import ProcessRunner
import Testing

@Suite(
    .enabled(if: gitopscBinary != nil, "the gitopsc executable is not built beside the tests: run `swift build --build-tests`"),
    .enabled(if: Oracles.executable("git") != nil, "git is not installed: skipping the provenance checks")
)
struct PublishProvenanceTests {
    /// A committed source tree (one environment) in a git repository.
    func committedSources() throws -> URL {
        let root = try sourceTree()
        #expect(try bash("git init -q && git add -A && git commit -q -m sources", in: root, environment: publishIdentity).status == 0)
        return root
    }

    func publish(_ arguments: [String], in root: URL, environment: [String: String]) throws -> ProcessResult {
        try runProcess(gitopscBinary!.path, ["publish"] + arguments, in: root, environment: publishIdentity.merging(environment) { $1 })
    }

    /// `SOURCE_DATE_EPOCH`: two CI runs, each in its own clone of the sources, publishing
    /// into two repositories, make the same commit id, dated at the epoch (read with git).
    @Test func sourceDateEpochMakesTheSameCommitId() throws {
        let root = try committedSources()
        let folder = try emptyFolder("epoch")
        defer { for url in [root, folder] { try? FileManager.default.removeItem(at: url) } }
        let setup = try bash("""
            set -e
            git init -q --bare -b main sources.git
            git -C "\(root.path)" push -q "$PWD/sources.git" HEAD:refs/heads/main
            git clone -q sources.git one && git clone -q sources.git two
            git init -q --bare target1.git && git init -q --bare target2.git
            """, in: folder)
        #expect(setup.status == 0, "\(setup.output)")
        let epoch = ["SOURCE_DATE_EPOCH": "1700000000"]
        for (clone, target) in [("one", "target1.git"), ("two", "target2.git")] {
            let run = try publish(["--repo", folder.appendingPathComponent(target).path, "--branch", "rendered"],
                                  in: folder.appendingPathComponent(clone), environment: epoch)
            #expect(run.status == 0, "\(run.output)")
        }
        let first = try bash("git -C target1.git log -1 --format='%H %at %ct' rendered", in: folder).output
        let second = try bash("git -C target2.git log -1 --format='%H %at %ct' rendered", in: folder).output
        #expect(first == second, "\(first) vs \(second)")
        #expect(first.hasSuffix(" 1700000000 1700000000\n"), "\(first)")
    }

    /// `GIT_AUTHOR_DATE` / `GIT_COMMITTER_DATE` in git's formats, generated: the dates of the
    /// commit gitopsc makes are the ones git itself reads from the same text (`git commit-tree`).
    @Test func gitDatesAreReadAsGitReadsThem() throws {
        let seed = SeededRandom.runSeed()
        var random = SeededRandom(seed: seed)
        let root = try committedSources()
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try bash("git init -q --bare oracle.git && echo oracle.git >> .git/info/exclude", in: root).status == 0)
        for index in 0..<8 {
            let seconds = Int.random(in: 100_000_000...4_000_000_000, using: &random)
            let offset = Int.random(in: -47...55, using: &random) * 15
            let sign = offset < 0 ? "-" : "+"
            let (hours, minutes) = (abs(offset) / 60, abs(offset) % 60)
            let zone = String(format: "%@%02d%02d", sign, hours, minutes)
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(secondsFromGMT: offset * 60)!
            let local = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: TimeInterval(seconds)))
            let iso = String(format: "%04d-%02d-%02dT%02d:%02d:%02d%@%02d:%02d", local.year!, local.month!, local.day!, local.hour!, local.minute!, local.second!, sign, hours, minutes)
            let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
            let rfc = String(format: "%d %@ %04d %02d:%02d:%02d %@", local.day!, months[local.month! - 1], local.year!, local.hour!, local.minute!, local.second!, zone)
            let text = ["@\(seconds) \(zone)", "\(seconds) \(zone)", iso, rfc][index % 4]
            let dates = ["GIT_AUTHOR_DATE": text, "GIT_COMMITTER_DATE": text]
            let run = try publish(["--branch", "d\(index)", "--allow-dirty"], in: root, environment: dates)
            #expect(run.status == 0, "seed \(seed): \(text): \(run.output)")
            let ours = try bash("git log -1 --format='%at %ai|%ct %ci' d\(index)", in: root).output
            let theirs = try bash("git --git-dir=oracle.git log -1 --format='%at %ai|%ct %ci' $(git --git-dir=oracle.git commit-tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904 -m x)",
                                  in: root, environment: publishIdentity.merging(dates) { $1 }).output
            #expect(ours == theirs, "seed \(seed): '\(text)': gitopsc \(ours) git \(theirs)")
        }
    }

    @Test func anUnreadableDateIsAnError() throws {
        let root = try committedSources()
        defer { try? FileManager.default.removeItem(at: root) }
        let run = try publish(["--branch", "rendered"], in: root, environment: ["GIT_COMMITTER_DATE": "yesterday"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("GIT_COMMITTER_DATE 'yesterday' is not a date git reads"), "\(run.stderr)")
        let epoch = try publish(["--branch", "rendered"], in: root, environment: ["SOURCE_DATE_EPOCH": "soon"])
        #expect(epoch.status == 2)
        #expect(epoch.stderr.contains("SOURCE_DATE_EPOCH must be a number of seconds since 1970, not 'soon'"), "\(epoch.stderr)")
        #expect(try bash("git branch --list rendered", in: root).output.isEmpty)
    }

    /// `Source-Repository:` is origin's URL without the credentials CI puts there, or the
    /// repository's path when it has no origin.
    @Test(arguments: [
        ("https://x-access-token:ghs_secret@github.example.com/platform/sources.git", "https://github.example.com/platform/sources.git"),
        ("https://ghs_secret@github.example.com:8443/sources", "https://github.example.com:8443/sources"),
        ("ssh://git:pass@git.example.com/sources.git", "ssh://git@git.example.com/sources.git"),
        ("git@git.example.com:platform/sources.git", "git@git.example.com:platform/sources.git"),
        ("https://git.example.com/a@b/sources.git", "https://git.example.com/a@b/sources.git"),
    ])
    func sourceRepositoryIsOriginWithoutCredentials(origin: String, trailer: String) throws {
        let root = try committedSources()
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try bash("git remote add origin '\(origin)'", in: root).status == 0)
        let run = try publish(["--branch", "rendered"], in: root, environment: [:])
        #expect(run.status == 0, "\(run.output)")
        let message = try bash("git log -1 --format=%B rendered", in: root).output
        #expect(message.contains("Source-Repository: \(trailer)\n"), "\(message)")
        #expect(!message.contains("secret") && !message.contains("pass@"))
    }

    @Test func sourceRepositoryIsThePathWithoutARemote() throws {
        let root = try committedSources()
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try publish(["--branch", "rendered"], in: root, environment: [:]).status == 0)
        let message = try bash("git log -1 --format=%B rendered", in: root).output
        let path = try bash("pwd -P", in: root).output.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(message.contains("Source-Repository: \(path)\n") || message.contains("Source-Repository: \(root.path)\n"), "\(message)")
    }
}
