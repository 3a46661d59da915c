import Diagnostics
import Foundation

/// Values derived from sources (parsed files, built folders, rendered templates), computed
/// once per key and shared by concurrent builds. Failures are remembered too.
public final class Memo<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [String: Result<Value, Diagnostic>] = [:]

    public init() {}

    public func value(for key: String, make: () throws(Diagnostic) -> Value) throws(Diagnostic) -> Value {
        lock.lock()
        let hit = values[key]
        lock.unlock()
        if let hit { return try hit.get() }
        // Two builds may compute the same entry at once; both get the same value, so the
        // duplicate work is harmless and the lock is not held while computing.
        let result: Result<Value, Diagnostic>
        do {
            result = .success(try make())
        } catch {
            result = .failure(error)
        }
        lock.lock()
        values[key] = result
        lock.unlock()
        return try result.get()
    }
}
