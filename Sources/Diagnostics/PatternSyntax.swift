/// A parsed regular expression in Go's `regexp/syntax` (Perl flags), before it becomes a
/// program. Groups keep no captures: a pattern only answers whether it matches.
indirect enum PatternNode {
    case scalar(UInt32)
    /// Index into the pattern's classes (a folded literal is a class too).
    case set(Int)
    case anyButNewline
    case anyScalar
    case assertion(PatternAssertion)
    case concatenation([PatternNode])
    case alternation([PatternNode])
    /// `maximum` nil: unbounded.
    case repetition(PatternNode, minimum: Int, maximum: Int?)

    /// The number of instructions the node compiles to, capped just past `limit`: so a
    /// repetition of repetitions (`((a{1000}){1000}){1000}`) is measured without being built.
    func programSize(limit: Int) -> Int {
        switch self {
        case .scalar, .set, .anyButNewline, .anyScalar, .assertion: return 1
        case .concatenation(let parts):
            var total = 0
            for part in parts {
                total += part.programSize(limit: limit)
                if total > limit { return limit + 1 }
            }
            return total
        case .alternation(let parts):
            var total = 0
            for part in parts {
                total += part.programSize(limit: limit) + 2
                if total > limit { return limit + 1 }
            }
            return total
        case .repetition(let body, let minimum, let maximum):
            let one = body.programSize(limit: limit) + 2
            let copies = max(maximum ?? (minimum + 1), 1)
            return one > limit / copies ? limit + 1 : one * copies
        }
    }
}

enum PatternAssertion {
    case beginText, endText, beginLine, endLine, wordBoundary, notWordBoundary
}

/// `\w`, `[[:word:]]` and the scalars `\b` tells apart: ASCII only, as in Go.
let wordScalarRanges: [ClosedRange<UInt32>] = [0x30...0x39, 0x41...0x5A, 0x5F...0x5F, 0x61...0x7A]

/// A character class: sorted, merged scalar ranges, Unicode general categories, and under
/// `(?i)` the fold keys of its cased members.
struct PatternClass {
    var ranges: [ClosedRange<UInt32>] = []
    var categories: [(members: Set<Unicode.GeneralCategory>, negated: Bool)] = []
    var negated = false
    var foldsCase = false
    /// Fold keys of members whose key is not themselves (`K` -> `k`), sorted.
    var foldedKeys: [UInt32] = []
    /// Whether each ASCII scalar is in the class, everything above applied.
    var ascii: (low: UInt64, high: UInt64) = (0, 0)

    mutating func add(_ low: UInt32, _ high: UInt32) {
        ranges.append(low...high)
    }

    /// Adds everything outside `others` (for `\D`, `[:^alpha:]`).
    mutating func addComplement(of others: [ClosedRange<UInt32>]) {
        var next: UInt32 = 0
        for range in PatternClass.merged(others) {
            if range.lowerBound > next { add(next, range.lowerBound - 1) }
            next = range.upperBound + 1
        }
        if next <= 0x10FFFF { add(next, 0x10FFFF) }
    }

    static func merged(_ ranges: [ClosedRange<UInt32>]) -> [ClosedRange<UInt32>] {
        var result: [ClosedRange<UInt32>] = []
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = result.last, range.lowerBound <= last.upperBound &+ 1 {
                result[result.count - 1] = last.lowerBound...max(last.upperBound, range.upperBound)
            } else {
                result.append(range)
            }
        }
        return result
    }

    /// Merges the ranges, works out the fold keys and the ASCII table: the class is final.
    mutating func finish() {
        ranges = PatternClass.merged(ranges)
        if foldsCase {
            var keys: Set<UInt32> = []
            // An ASCII class only holds the ASCII capitals among scalars with other keys.
            let candidates = (ranges.last?.upperBound ?? 0) < 0x80
                ? (0x41...0x5A).map { Unicode.Scalar(UInt8($0)) } : CaseFolding.scalarsWithOtherKeys
            for scalar in candidates where rangesContain(scalar.value) {
                keys.insert(CaseFolding.key(scalar).value)
            }
            foldedKeys = keys.sorted()
        }
        ascii = (0, 0)
        for value in UInt32(0)..<128 where slowlyContains(value) {
            if value < 64 { ascii.low |= 1 << UInt64(value) } else { ascii.high |= 1 << UInt64(value - 64) }
        }
    }

    func rangesContain(_ value: UInt32) -> Bool {
        var low = 0
        var high = ranges.count
        while low < high {
            let middle = (low + high) / 2
            if ranges[middle].upperBound < value { low = middle + 1 } else { high = middle }
        }
        return low < ranges.count && ranges[low].lowerBound <= value
    }

    @inline(__always)
    func contains(_ value: UInt32) -> Bool {
        if value < 64 { return ascii.low & (1 << UInt64(value)) != 0 }
        if value < 128 { return ascii.high & (1 << UInt64(value - 64)) != 0 }
        return slowlyContains(value)
    }

    /// Under `(?i)` a scalar is in the class when its fold key is the key of a member; a
    /// category is tried with the scalar's single-scalar lower-, upper- and titlecase forms.
    private func slowlyContains(_ value: UInt32) -> Bool {
        guard let scalar = Unicode.Scalar(value) else { return negated }
        var found = rangesContain(value) || categoriesContain(scalar)
        if !found && foldsCase {
            let key = CaseFolding.key(scalar)
            found = rangesContain(key.value) || foldedKeys.contains(key.value)
                || CaseFolding.forms(of: scalar).contains(where: categoriesContain)
        }
        return found != negated
    }

    private func categoriesContain(_ scalar: Unicode.Scalar) -> Bool {
        guard !categories.isEmpty else { return false }
        let category = scalar.properties.generalCategory
        return categories.contains { $0.members.contains(category) != $0.negated }
    }
}

/// Simple case folding as gitopsc approximates Go's `unicode.SimpleFold` orbits: two scalars
/// are equal under `(?i)` when their keys are, the key being the lowercase form of the
/// uppercase form, each taken only when it is a single scalar (`k`, `K` and the Kelvin sign
/// share `k`; `s`, `S` and `ſ` share `s`).
enum CaseFolding {
    static func key(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        if scalar.isASCII {
            return scalar.value >= 0x41 && scalar.value <= 0x5A ? Unicode.Scalar(scalar.value + 0x20)! : scalar
        }
        let upper = single(scalar.properties.uppercaseMapping) ?? scalar
        return single(upper.properties.lowercaseMapping) ?? upper
    }

    static func forms(of scalar: Unicode.Scalar) -> [Unicode.Scalar] {
        [scalar.properties.lowercaseMapping, scalar.properties.uppercaseMapping, scalar.properties.titlecaseMapping]
            .compactMap(single)
    }

    private static func single(_ text: String) -> Unicode.Scalar? {
        var scalars = text.unicodeScalars.makeIterator()
        guard let first = scalars.next(), scalars.next() == nil else { return nil }
        return first
    }

    /// Every scalar whose key is not itself, found once per process (only patterns with
    /// `(?i)` classes need it).
    static let scalarsWithOtherKeys: [Unicode.Scalar] = {
        var found: [Unicode.Scalar] = []
        for value in UInt32(0)...0x1FFFF {
            guard let scalar = Unicode.Scalar(value), scalar.properties.changesWhenCaseMapped else { continue }
            if key(scalar) != scalar { found.append(scalar) }
        }
        return found
    }()
}
