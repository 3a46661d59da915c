import Diagnostics
import FoundationEssentials

/// Values derived from sources (parsed files, built folders, rendered templates), computed
/// once per key and shared by concurrent builds. Failures are remembered too.
public final class Memo<Value: Sendable>: Sendable {
    private typealias Slot = Locked<Result<Value, Diagnostic>?>

    private let slots = Locked<[String: Slot]>([:])
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
        let slot = slots.withValue { slots in
            if let existing = slots[key] { return existing }
            let created = Slot(nil)
            slots[key] = created
            return created
        }
        func computed() -> Result<Value, Diagnostic> {
            do {
                return .success(try make())
            } catch {
                return .failure(error)
            }
        }
        if coalescing {
            // The slot's lock is held while computing: later callers wait for this value.
            return try slot.withValue { value in
                if let value { return value }
                let result = computed()
                value = result
                return result
            }.get()
        }
        if let hit = slot.withValue({ $0 }) { return try hit.get() }
        let result = computed()
        slot.withValue { $0 = result }
        return try result.get()
    }
}
