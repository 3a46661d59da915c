import Diagnostics
import FileSources
import Foundation
import Testing

@Suite struct MemoTests {
    /// With coalescing, concurrent callers of one key wait for the first: the value is made
    /// exactly once however many environments ask for it at the same moment.
    @Test func coalescingMakesEachValueOnce() throws {
        let memo = Memo<Int>(coalescing: true)
        let made = Locked(0)
        let results = concurrentMap(64) { index in
            (try? memo.value(for: "key-\(index % 4)") { () throws(Diagnostic) -> Int in
                made.withValue { $0 += 1 }
                Thread.sleep(forTimeInterval: 0.01)
                return index % 4
            }) ?? -1
        }
        #expect(made.withValue { $0 } == 4)
        #expect(results == (0..<64).map { $0 % 4 })
    }
}
