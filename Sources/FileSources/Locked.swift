import Synchronization

/// A value shared between threads, read and changed only under its lock: the one such box
/// for the caches and collectors of concurrent builds.
public final class Locked<Value>: @unchecked Sendable {
    private let lock = Mutex(())
    private var value: Value

    public init(_ value: Value) {
        self.value = value
    }

    public func withValue<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        try lock.withLock { _ in try body(&value) }
    }
}
