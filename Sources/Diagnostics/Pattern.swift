import Synchronization

/// A regular expression as users write them in kustomizations and schemas, read as Go's
/// `regexp` (RE2 syntax with Perl flags) reads it, which is what kustomize and the Kubernetes
/// API server use, and matched as Go matches: on Unicode scalars (Go's runes), in time
/// linear in the text, never backtracking (see `PatternProgram`).
public struct Pattern: Sendable {
    private let program: PatternProgram

    /// Every pattern compiled so far (nil: it does not compile), since compiling costs far
    /// more than matching and the same patterns recur (a schema's, a tree's patch targets).
    /// Bounded, so that a process fed endless distinct patterns (a fuzzer) keeps its memory:
    /// past the bound, new patterns are compiled and not kept.
    private static let compiled = Mutex<[String: Pattern?]>([:])
    static let cacheLimit = 10_000

    /// Nil when the pattern does not compile.
    public init?(_ pattern: String) {
        if let known = Pattern.compiled.withLock({ $0[pattern] }) {
            guard let known else { return nil }
            self = known
            return
        }
        let made = PatternProgram(pattern).map { Pattern(program: $0) }
        Pattern.compiled.withLock { cache in
            if cache.count < Pattern.cacheLimit { cache[pattern] = made }
        }
        guard let made else { return nil }
        self = made
    }

    private init(program: PatternProgram) {
        self.program = program
    }

    /// Whether the pattern matches somewhere in `text` (anchors are the pattern's business).
    public func matches(_ text: String) -> Bool {
        var text = text
        if let found = text.utf8.withContiguousStorageIfAvailable({ matches(bytes: $0) }) { return found }
        text.makeContiguousUTF8()
        return text.utf8.withContiguousStorageIfAvailable { matches(bytes: $0) } ?? false
    }

    private func matches(bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        if let literal = program.literal { return Pattern.matches(literal, in: bytes) }
        let size = program.instructions.count
        // Two thread lists (sparse sets: `sparse[pc]` points into `dense`) and a stack of
        // instructions still to follow, all on the stack for a small program.
        return withUnsafeTemporaryAllocation(of: Int32.self, capacity: 6 * size + 2) { memory in
            memory.initialize(repeating: 0)
            var current = ThreadList(memory.baseAddress!, size: size)
            var next = ThreadList(memory.baseAddress! + 2 * size, size: size)
            let stack = memory.baseAddress! + 4 * size
            return run(bytes, &current, &next, stack)
        }
    }

    private static func matches(_ literal: (bytes: [UInt8], atStart: Bool, atEnd: Bool), in text: UnsafeBufferPointer<UInt8>) -> Bool {
        let count = literal.bytes.count
        guard count <= text.count else { return false }
        return literal.bytes.withUnsafeBufferPointer { wanted in
            func occurs(at offset: Int) -> Bool {
                var index = 0
                while index < count, text[offset + index] == wanted[index] { index += 1 }
                return index == count
            }
            switch (literal.atStart, literal.atEnd) {
            case (true, true): return count == text.count && occurs(at: 0)
            case (true, false): return occurs(at: 0)
            case (false, true): return occurs(at: text.count - count)
            case (false, false): return (0...(text.count - count)).contains(where: occurs)
            }
        }
    }

    /// No scalar: before the start or past the end of the text.
    private static let none = UInt32.max

    private func run(_ text: UnsafeBufferPointer<UInt8>, _ current: inout ThreadList, _ next: inout ThreadList,
                     _ stack: UnsafeMutablePointer<Int32>) -> Bool {
        let instructions = program.instructions
        let classes = program.classes
        var previous = Pattern.none
        var (scalar, length) = Pattern.decode(text, at: 0)
        var offset = 0
        return instructions.withUnsafeBufferPointer { instructions in
            while true {
                if offset == 0 || !program.anchoredAtStart {
                    if add(0, to: &current, instructions, stack, previous, scalar) { return true }
                }
                if scalar == Pattern.none || current.count == 0 && program.anchoredAtStart { return false }
                let following = offset + length
                let (after, afterLength) = Pattern.decode(text, at: following)
                next.clear()
                for slot in 0..<current.count {
                    let pc = Int(current.dense[slot])
                    let consumes: Bool
                    switch instructions[pc] {
                    case .scalar(let wanted): consumes = scalar == wanted
                    case .set(let index): consumes = classes[index].contains(scalar)
                    case .anyButNewline: consumes = scalar != 0x0A
                    case .anyScalar: consumes = true
                    default: consumes = false
                    }
                    if consumes, add(pc + 1, to: &next, instructions, stack, scalar, after) { return true }
                }
                swap(&current, &next)
                previous = scalar
                scalar = after
                length = afterLength
                offset = following
            }
        }
    }

    /// Adds the thread at `pc` and every one it reaches without reading a scalar, between
    /// `previous` and `next`; true when one of them is a match.
    private func add(_ pc: Int, to list: inout ThreadList, _ instructions: UnsafeBufferPointer<PatternProgram.Instruction>,
                     _ stack: UnsafeMutablePointer<Int32>, _ previous: UInt32, _ next: UInt32) -> Bool {
        var depth = 1
        stack[0] = Int32(pc)
        while depth > 0 {
            depth -= 1
            let pc = Int(stack[depth])
            guard list.insert(pc) else { continue }
            switch instructions[pc] {
            case .match:
                return true
            case .jump(let target):
                stack[depth] = Int32(target)
                depth += 1
            case .split(let first, let second):
                stack[depth] = Int32(second)
                stack[depth + 1] = Int32(first)
                depth += 2
            case .assertion(let assertion):
                if Pattern.holds(assertion, previous, next) {
                    stack[depth] = Int32(pc + 1)
                    depth += 1
                }
            default:
                break
            }
        }
        return false
    }

    private static func holds(_ assertion: PatternAssertion, _ previous: UInt32, _ next: UInt32) -> Bool {
        switch assertion {
        case .beginText: return previous == none
        case .endText: return next == none
        case .beginLine: return previous == none || previous == 0x0A
        case .endLine: return next == none || next == 0x0A
        case .wordBoundary: return isWordScalar(previous) != isWordScalar(next)
        case .notWordBoundary: return isWordScalar(previous) == isWordScalar(next)
        }
    }

    private static func isWordScalar(_ value: UInt32) -> Bool {
        wordScalarRanges.contains { $0.contains(value) }
    }

    /// The scalar whose UTF-8 starts at `offset` and its length in bytes (the text is valid
    /// UTF-8: it comes from a String).
    @inline(__always)
    private static func decode(_ text: UnsafeBufferPointer<UInt8>, at offset: Int) -> (UInt32, Int) {
        guard offset < text.count else { return (none, 0) }
        let lead = UInt32(text[offset])
        if lead < 0x80 { return (lead, 1) }
        func continuation(_ index: Int) -> UInt32 { UInt32(text[offset + index]) & 0x3F }
        if lead < 0xE0 { return ((lead & 0x1F) << 6 | continuation(1), 2) }
        if lead < 0xF0 { return ((lead & 0x0F) << 12 | continuation(1) << 6 | continuation(2), 3) }
        return ((lead & 0x07) << 18 | continuation(1) << 12 | continuation(2) << 6 | continuation(3), 4)
    }
}

/// A set of instruction indexes that clears in constant time.
private struct ThreadList {
    let sparse: UnsafeMutablePointer<Int32>
    let dense: UnsafeMutablePointer<Int32>
    private(set) var count = 0

    init(_ memory: UnsafeMutablePointer<Int32>, size: Int) {
        sparse = memory
        dense = memory + size
    }

    mutating func clear() { count = 0 }

    /// False when `pc` was already in the set.
    @inline(__always)
    mutating func insert(_ pc: Int) -> Bool {
        let slot = Int(sparse[pc])
        if slot < count, dense[slot] == Int32(pc) { return false }
        sparse[pc] = Int32(count)
        dense[count] = Int32(pc)
        count += 1
        return true
    }
}
