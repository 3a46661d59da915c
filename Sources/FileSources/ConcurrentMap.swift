import Foundation

/// Stack of each worker thread. Input nesting is capped at parse time
/// (`YAMLParser.maximumNestingDepth`), and the recursive walks over nodes (strategic merge,
/// placeholders, checks) need a few KiB a level: a fixed, generous stack makes that cap safe
/// on every platform, where dispatch's worker threads may get as little as 512 KiB.
public let workerStackSize = 16 << 20

/// `body(0) ... body(count - 1)` run concurrently on as many threads as there are cores,
/// results in index order: the one helper for work fanned out over folders or environments.
public func concurrentMap<Value: Sendable>(_ count: Int, _ body: @escaping @Sendable (Int) -> Value) -> [Value] {
    // The results so far, and the next index to claim.
    let state = Locked((results: [Value?](repeating: nil, count: count), next: 0))
    let workers = max(1, min(count, ProcessInfo.processInfo.activeProcessorCount))
    let done = DispatchGroup()
    for _ in 0..<workers {
        done.enter()
        let thread = Thread {
            while let index = state.withValue({ state -> Int? in
                guard state.next < count else { return nil }
                state.next += 1
                return state.next - 1
            }) {
                let result = body(index)
                state.withValue { $0.results[index] = result }
            }
            done.leave()
        }
        thread.stackSize = workerStackSize
        thread.start()
    }
    done.wait()
    return state.withValue { $0.results.map { $0! } }
}
