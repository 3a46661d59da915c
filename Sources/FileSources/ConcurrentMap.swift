#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Stack of each worker thread. Input nesting is capped at parse time
/// (`YAMLParser.maximumNestingDepth`), and the recursive walks over nodes (strategic merge,
/// placeholders, checks) need a few KiB a level: a fixed, generous stack makes that cap safe
/// on every platform, where a platform's default thread stack may be as small as 512 KiB.
public let workerStackSize = 16 << 20

/// `body(0) ... body(count - 1)` run concurrently on as many threads as there are cores,
/// results in index order: the one helper for work fanned out over folders or environments.
///
/// A calling thread with a worker's stack (a worker, or the thread `runOnWorkerStack`
/// started) takes its share of the work, and only the other cores get a new thread: on
/// small inputs, starting and waking threads cost more than the work (`gitopsc check` fans
/// out ten times), and one item needs no thread at all.
public func concurrentMap<Value: Sendable>(_ count: Int, _ body: @escaping @Sendable (Int) -> Value) -> [Value] {
    // The results so far, and the next index to claim.
    let state = Locked((results: [Value?](repeating: nil, count: count), next: 0))
    let work = {
        while let index = state.withValue({ state -> Int? in
            guard state.next < count else { return nil }
            state.next += 1
            return state.next - 1
        }) {
            let result = body(index)
            state.withValue { $0.results[index] = result }
        }
    }
    let threads = min(count, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    if WorkerThread.isCurrent {
        let helpers = (0..<max(0, threads - 1)).map { _ in WorkerThread(work) }
        work()
        helpers.forEach { $0.join() }
    } else {
        // This thread's stack may be smaller than `workerStackSize`: it only waits.
        let workers = (0..<max(1, threads)).map { _ in WorkerThread(work) }
        workers.forEach { $0.join() }
    }
    return state.withValue { $0.results.map { $0! } }
}

/// Runs `body` on a new thread with a worker's stack and waits for it: a command's own
/// thread then does its share of `concurrentMap`'s work instead of only waiting.
public func runOnWorkerStack(_ body: @escaping () -> Void) {
    WorkerThread(body).join()
}

/// A POSIX thread with `workerStackSize` of stack, running one closure.
private final class WorkerThread {
    private var thread = pthread_t()

    /// Marks the threads this type started, whose stacks are `workerStackSize`.
    private static let marker: pthread_key_t = {
        var key = pthread_key_t()
        precondition(pthread_key_create(&key, nil) == 0, "cannot create a thread-specific key")
        return key
    }()

    static var isCurrent: Bool { pthread_getspecific(marker) != nil }

    init(_ body: @escaping () -> Void) {
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setstacksize(&attributes, workerStackSize)
        let context = Unmanaged.passRetained(Box(body)).toOpaque()
        let created = pthread_create(&thread, &attributes, { context in
            // Any value but nil marks the thread.
            pthread_setspecific(WorkerThread.marker, UnsafeRawPointer(bitPattern: 1))
            let box = Unmanaged<Box>.fromOpaque(context!).takeRetainedValue()
            box.body()
            return nil
        }, context)
        precondition(created == 0, "cannot start a worker thread (error \(created))")
    }

    func join() {
        pthread_join(thread, nil)
    }

    private final class Box {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }
}
