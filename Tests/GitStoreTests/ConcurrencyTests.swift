import Diagnostics
import Foundation
import Testing
@testable import GitStore

/// Outcomes collected from several threads.
private final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private var outcomes: [Int: [CommitOutcome]] = [:]
    private var failures: [String] = []
    private var retries = 0

    func record(_ writer: Int, _ outcome: CommitOutcome) {
        lock.withLock { outcomes[writer, default: []].append(outcome) }
    }

    func retried() {
        lock.withLock { retries += 1 }
    }

    var retryCount: Int { lock.withLock { retries } }

    func fail(_ message: String) {
        lock.withLock { failures.append(message) }
    }

    var snapshot: ([Int: [CommitOutcome]], [String]) { lock.withLock { (outcomes, failures) } }
}

@Suite struct ConcurrencyTests {
    /// 8 writers each publish 20 states of their own folder to one branch; every other state
    /// repeats the previous one, so it must be a no-op. No update may be lost.
    @Test func eightWritersTwentyStatesEach() throws {
        let target = try TestRepository()
        let writers = 8
        let states = 20
        let results = Results()
        let path = target.path
        let group = DispatchGroup()
        for writer in 0..<writers {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                do {
                    let repository = try GitRepository(path: path)
                    repository.beforeReferenceUpdate = { attempt in
                        if attempt > 1 { results.retried() }
                    }
                    var owned: Set<String> = []
                    for state in 0..<states {
                        let files = [
                            "w\(writer)/state.yaml": bytes("state: \(state / 2)\n"),
                            "w\(writer)/.gitopsc/manifest.json": bytes("[\"w\(writer)/state.yaml\"]\n"),
                        ]
                        let outcome = try repository.commit(
                            branch: "main", files: files, ownedPaths: owned, message: "w\(writer) state \(state)",
                            author: publisher, committer: publisher
                        )
                        owned = Set(files.keys)
                        results.record(writer, outcome)
                    }
                } catch {
                    results.fail("writer \(writer): \(error)")
                }
            }
        }
        group.wait()
        let (outcomes, failures) = results.snapshot
        #expect(failures == [])
        print("GitStore: \(writers) writers, \(writers * states) commits, \(results.retryCount) retries after a lost race")

        var landed: Set<String> = []
        for writer in 0..<writers {
            let list = outcomes[writer] ?? []
            #expect(list.count == states)
            for (state, outcome) in list.enumerated() {
                switch outcome {
                case .committed(let id, _):
                    #expect(state % 2 == 0, "writer \(writer) state \(state) repeats the previous one")
                    landed.insert(id)
                case .unchanged:
                    #expect(state % 2 == 1, "writer \(writer) state \(state) is new")
                }
            }
        }
        #expect(landed.count == writers * states / 2)
        let history = Set(try target.git("rev-list", "main").split(separator: "\n").map(String.init))
        #expect(history == landed)
        #expect(try target.git("rev-list", "--count", "main") == "\(writers * states / 2)\n")
        #expect(try target.git("rev-list", "--max-parents=0", "main").split(separator: "\n").count == 1)
        for writer in 0..<writers {
            #expect(try target.git("cat-file", "-p", "main:w\(writer)/state.yaml") == "state: \((states - 1) / 2)\n")
        }
        try target.fsck()
    }

    /// The publishing benchmark of the issue: 1000 environments of 20 files into a fresh branch,
    /// then the same again (a no-op), against `git add -A && git commit` of the same files.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["GITSTORE_BENCHMARK"] != nil))
    func benchmarkTwentyThousandFiles() throws {
        var files: [String: [UInt8]] = [:]
        for environment in 0..<1000 {
            for file in 0..<20 {
                files["clusters/env-\(environment)/app-\(file)/manifest.yaml"] =
                    bytes("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-\(file)\n  namespace: env-\(environment)\ndata:\n  index: \"\(environment * 20 + file)\"\n")
            }
        }
        let target = try TestRepository()
        let repository = try target.open()
        func time(_ body: () throws -> Void) rethrows -> Int {
            let start = Date()
            try body()
            return Int(Date().timeIntervalSince(start) * 1000)
        }
        var first: CommitOutcome?
        let commitTime = try time {
            first = try repository.commit(branch: "main", files: files, ownedPaths: [], message: "m", author: publisher, committer: publisher)
        }
        var second: CommitOutcome?
        let noOpTime = try time {
            second = try repository.commit(branch: "main", files: files, ownedPaths: Set(files.keys), message: "m", author: publisher, committer: publisher)
        }
        guard case .committed(let id, _) = first else {
            Issue.record("expected a commit")
            return
        }
        #expect(second == .unchanged(tip: id))
        #expect(try target.packs().count == 1)

        // The same files with the git CLI, written to a working tree first (not timed).
        let cli = try TestRepository(bare: false)
        for (path, content) in files {
            let file = cli.path + "/" + path
            try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(content).write(to: URL(fileURLWithPath: file))
        }
        let cliTime = try time {
            try git("add", "-A", in: cli.path)
            try git("commit", "--quiet", "-m", "m", in: cli.path)
        }
        #expect(try git("rev-parse", "HEAD^{tree}", in: cli.path) == target.git("rev-parse", "main^{tree}"))
        print("GitStore benchmark, 20000 files: commit \(commitTime) ms, no-op \(noOpTime) ms; git add -A && git commit \(cliTime) ms")
    }
}
