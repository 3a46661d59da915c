/// A compiled pattern: a Thompson NFA as a list of instructions, run by following every
/// thread at once over the text's scalars (a Pike VM without captures). Each text position
/// costs at most one visit per instruction, so matching takes O(program × text) time and
/// O(program) memory, whatever the pattern: nothing backtracks.
final class PatternProgram: Sendable {
    enum Instruction: Sendable {
        case scalar(UInt32)
        case set(Int)
        case anyButNewline
        case anyScalar
        case assertion(PatternAssertion)
        /// Go on at both.
        case split(Int, Int)
        case jump(Int)
        case match
    }

    /// Beyond this many instructions a pattern does not compile (as Go refuses expressions
    /// that grow too large), so nested counted repeats cannot exhaust memory.
    static let maximumSize = 250_000

    let instructions: [Instruction]
    let classes: [PatternClass]
    /// The pattern can only match at the start of the text (it begins with `^` or `\A`).
    let anchoredAtStart: Bool
    /// The pattern is text alone (no `(?i)`), with its anchors: matched by comparing bytes.
    let literal: (bytes: [UInt8], atStart: Bool, atEnd: Bool)?

    init?(_ pattern: String) {
        var parser = PatternParser(pattern)
        guard let tree = parser.parse(), tree.programSize(limit: PatternProgram.maximumSize) <= PatternProgram.maximumSize else {
            return nil
        }
        var instructions: [Instruction] = []
        PatternProgram.emit(tree, into: &instructions)
        instructions.append(.match)
        self.instructions = instructions
        classes = parser.classes
        let parts = PatternProgram.sequence(tree)
        if case .assertion(.beginText) = parts.first { anchoredAtStart = true } else { anchoredAtStart = false }
        literal = PatternProgram.literalText(parts)
    }

    private static func sequence(_ node: PatternNode) -> [PatternNode] {
        guard case .concatenation(let parts) = node else { return [node] }
        return parts.flatMap(sequence)
    }

    private static func literalText(_ parts: [PatternNode]) -> (bytes: [UInt8], atStart: Bool, atEnd: Bool)? {
        var parts = parts[...]
        let atStart: Bool
        if case .assertion(.beginText) = parts.first { atStart = true; parts.removeFirst() } else { atStart = false }
        let atEnd: Bool
        if case .assertion(.endText) = parts.last { atEnd = true; parts.removeLast() } else { atEnd = false }
        var text = String.UnicodeScalarView()
        for part in parts {
            guard case .scalar(let value) = part, let scalar = Unicode.Scalar(value) else { return nil }
            text.append(scalar)
        }
        return (Array(String(text).utf8), atStart, atEnd)
    }

    private static func emit(_ node: PatternNode, into program: inout [Instruction]) {
        switch node {
        case .scalar(let value):
            program.append(.scalar(value))
        case .set(let index):
            program.append(.set(index))
        case .anyButNewline:
            program.append(.anyButNewline)
        case .anyScalar:
            program.append(.anyScalar)
        case .assertion(let assertion):
            program.append(.assertion(assertion))
        case .concatenation(let parts):
            for part in parts { emit(part, into: &program) }
        case .alternation(let alternatives):
            // split(first, rest), first, jump(end), split(second, rest), ..., last
            var jumps: [Int] = []
            for (position, alternative) in alternatives.enumerated() {
                if position == alternatives.count - 1 {
                    emit(alternative, into: &program)
                } else {
                    let split = program.count
                    program.append(.split(split + 1, 0))
                    emit(alternative, into: &program)
                    jumps.append(program.count)
                    program.append(.jump(0))
                    program[split] = .split(split + 1, program.count)
                }
            }
            for jump in jumps { program[jump] = .jump(program.count) }
        case .repetition(let body, let minimum, let maximum):
            let required = maximum == nil ? max(minimum - 1, 0) : minimum
            for _ in 0..<required { emit(body, into: &program) }
            guard let maximum else {
                if minimum == 0 {
                    // loop: split(body, end), body, jump(loop)
                    let loop = program.count
                    program.append(.split(loop + 1, 0))
                    emit(body, into: &program)
                    program.append(.jump(loop))
                    program[loop] = .split(loop + 1, program.count)
                } else {
                    // body, split(body, end)
                    let start = program.count
                    emit(body, into: &program)
                    program.append(.split(start, program.count + 1))
                }
                return
            }
            // Each optional copy may stop the repetition: split(copy, end).
            var splits: [Int] = []
            for _ in required..<maximum {
                splits.append(program.count)
                program.append(.split(program.count + 1, 0))
                emit(body, into: &program)
            }
            for split in splits { program[split] = .split(split + 1, program.count) }
        }
    }
}
