import Diagnostics
import Foundation

/// Values derived from sources (parsed files, built folders, rendered templates), computed
/// once per key and shared by concurrent builds. Failures are remembered too.
public final class Memo<Value: Sendable>: @unchecked Sendable {
    private final class Entry: @unchecked Sendable {
        let lock = NSLock()
        var result: Result<Value, Diagnostic>?
    }

    private let lock = NSLock()
    private var entries: [String: Entry] = [:]
    private let coalescing: Bool

    /// With `coalescing`, concurrent callers of one key wait for the first caller's value,
    /// so each value is computed exactly once. Only for memos whose values never ask the
    /// same memo for another key: two such waits could otherwise wait on each other.
    /// Without it, two callers may compute the same value at once (both get equal values;
    /// the duplicate work is harmless) and nothing ever waits on a computation.
    public init(coalescing: Bool = false) {
        self.coalescing = coalescing
    }

    public func value(for key: String, make: () throws(Diagnostic) -> Value) throws(Diagnostic) -> Value {
        lock.lock()
        let entry = entries[key] ?? Entry()
        entries[key] = entry
        lock.unlock()
        if coalescing { entry.lock.lock() }
        defer { if coalescing { entry.lock.unlock() } }
        if let hit = read(entry) { return try hit.get() }
        let result: Result<Value, Diagnostic>
        do {
            result = .success(try make())
        } catch {
            result = .failure(error)
        }
        lock.lock()
        entry.result = result
        lock.unlock()
        return try result.get()
    }

    private func read(_ entry: Entry) -> Result<Value, Diagnostic>? {
        lock.lock()
        defer { lock.unlock() }
        return entry.result
    }
}
