import Foundation

/// Stack of each worker thread. Input nesting is capped at parse time
/// (`YAMLParser.maximumNestingDepth`), and the recursive walks over nodes (strategic merge,
/// placeholders, checks) need a few KiB a level: a fixed, generous stack makes that cap safe
/// on every platform, where dispatch's worker threads may get as little as 512 KiB.
public let workerStackSize = 16 << 20

/// `body(0) ... body(count - 1)` run concurrently on as many threads as there are cores,
/// results in index order: the one helper for work fanned out over folders or environments.
public func concurrentMap<Value: Sendable>(_ count: Int, _ body: @escaping @Sendable (Int) -> Value) -> [Value] {
    let slots = Slots<Value>(count: count)
    let workers = max(1, min(count, ProcessInfo.processInfo.activeProcessorCount))
    let done = DispatchGroup()
    for _ in 0..<workers {
        done.enter()
        let thread = Thread {
            while let index = slots.claim() {
                slots.set(index, body(index))
            }
            done.leave()
        }
        thread.stackSize = workerStackSize
        thread.start()
    }
    done.wait()
    return slots.values
}

/// Fixed slots written from concurrent work, one per index, and the next index to claim.
private final class Slots<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Value?]
    private var next = 0

    init(count: Int) {
        slots = Array(repeating: nil, count: count)
    }

    func claim() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard next < slots.count else { return nil }
        next += 1
        return next - 1
    }

    func set(_ index: Int, _ value: Value) {
        lock.lock()
        slots[index] = value
        lock.unlock()
    }

    var values: [Value] {
        lock.lock()
        defer { lock.unlock() }
        return slots.map { $0! }
    }
}
