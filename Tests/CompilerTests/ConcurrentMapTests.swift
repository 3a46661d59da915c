import FileSources
import Foundation
import Glibc
import ProcessRunner
import Testing

@Suite struct ConcurrentMapTests {
    /// Results come back in index order, whoever calls: a thread of the test runner (which
    /// only waits), a thread with a worker's stack (which takes its share), and a worker
    /// calling again from inside a map.
    @Test func resultsAreInIndexOrderFromEveryKindOfThread() {
        let seed = SeededRandom.runSeed()
        var random = SeededRandom(seed: seed)
        let counts = (0..<20).map { _ in Int.random(in: 0...200, using: &random) }
        for count in counts {
            #expect(concurrentMap(count) { $0 * 3 } == (0..<count).map { $0 * 3 }, "seed \(seed), count \(count)")
        }
        let onWorker = Locked<[[Int]]>([])
        runOnWorkerStack {
            for count in counts {
                let nested = concurrentMap(count) { index in concurrentMap(index % 5) { index * 10 + $0 }.reduce(0, +) }
                onWorker.withValue { $0.append(nested) }
            }
        }
        let expected = counts.map { count in (0..<count).map { index in (0..<(index % 5)).map { index * 10 + $0 }.reduce(0, +) } }
        #expect(onWorker.withValue { $0 } == expected, "seed \(seed)")
    }

    /// A thread with a worker's stack does its share of the work: one item runs on it
    /// without a new thread, and of many slow items it runs some.
    @Test func aWorkerCallerTakesItsShare() {
        let caller = Locked<pthread_t?>(nil)
        let single = Locked<[pthread_t]>([])
        let many = Locked<[pthread_t]>([])
        runOnWorkerStack {
            caller.withValue { $0 = pthread_self() }
            _ = concurrentMap(1) { _ in single.withValue { $0.append(pthread_self()) } }
            _ = concurrentMap(40) { _ in
                usleep(1_000)
                many.withValue { $0.append(pthread_self()) }
            }
        }
        let callerThread = caller.withValue { $0 }!
        #expect(single.withValue { $0 }.allSatisfy { pthread_equal($0, callerThread) != 0 })
        #expect(many.withValue { $0 }.contains { pthread_equal($0, callerThread) != 0 })
        // A runner thread only waits: its stack may be smaller than a worker's.
        let runner = pthread_self()
        let ranOn = concurrentMap(4) { _ in pthread_self() }
        #expect(!ranOn.contains { pthread_equal($0, runner) != 0 })
    }
}
