/// Reads a regular expression as Go's `regexp/syntax` reads it with Perl flags (what
/// kustomize and the Kubernetes API server use). Anything Go refuses makes `parse` return
/// nil: backreferences, lookaround, possessive or stacked repetitions, repeat counts over
/// 1000, unknown escapes and class names. Unicode scripts (`\p{Greek}`) are refused too:
/// Swift's standard library does not know a scalar's script.
struct PatternParser {
    private struct Flags {
        var foldsCase = false
        var multiLine = false
        var dotMatchesNewline = false
    }

    private let scalars: [Unicode.Scalar]
    private var index = 0
    private var flags = Flags()
    private var groupNames: Set<String> = []
    private(set) var classes: [PatternClass] = []

    static let maximumRepeat = 1000
    /// Groups nest at most this deep (Go allows 1000): parsing and compiling recurse once
    /// per level, and a pattern may be matched on a thread with a small stack.
    static let maximumDepth = 200
    private var depth = 0

    init(_ pattern: String) {
        scalars = Array(pattern.unicodeScalars)
    }

    mutating func parse() -> PatternNode? {
        guard let node = parseAlternation(), index == scalars.count else { return nil }
        return node
    }

    private var atEnd: Bool { index >= scalars.count }

    private func peek(_ offset: Int = 0) -> Unicode.Scalar? {
        index + offset < scalars.count ? scalars[index + offset] : nil
    }

    /// Alternatives up to a `)` or the end; a `)` is left for the group to read.
    private mutating func parseAlternation() -> PatternNode? {
        let outerFlags = flags
        defer { flags = outerFlags }
        var alternatives: [PatternNode] = []
        while true {
            guard let part = parseConcatenation() else { return nil }
            alternatives.append(part)
            guard peek() == "|" else { break }
            index += 1
        }
        return alternatives.count == 1 ? alternatives[0] : .alternation(alternatives)
    }

    private mutating func parseConcatenation() -> PatternNode? {
        var parts: [PatternNode] = []
        // Whether the last thing read was a repetition: Go refuses `a**`, `a*+`, `a{2}{3}`.
        var afterRepetition = false
        while let scalar = peek(), scalar != "|", scalar != ")" {
            if let bounds = repetitionBounds() {
                guard let bounds, !afterRepetition, let last = parts.popLast() else { return nil }
                if peek() == "?" { index += 1 }  // lazy: the same for whether it matches
                parts.append(.repetition(last, minimum: bounds.minimum, maximum: bounds.maximum))
                afterRepetition = true
                continue
            }
            afterRepetition = false
            guard parseAtom(into: &parts) else { return nil }
        }
        return parts.count == 1 ? parts[0] : .concatenation(parts)
    }

    /// The repetition at the index, read past: nil when there is none (a `{` that does not
    /// start a repeat count is a literal), `.some(nil)` when it is invalid.
    private mutating func repetitionBounds() -> (minimum: Int, maximum: Int?)?? {
        switch peek() {
        case "*": index += 1; return (0, nil)
        case "+": index += 1; return (1, nil)
        case "?": index += 1; return (0, 1)
        case "{":
            var cursor = index + 1
            guard let minimum = readCount(&cursor) else { return nil }
            var maximum: Int? = minimum
            if cursor < scalars.count, scalars[cursor] == "," {
                cursor += 1
                if cursor < scalars.count, scalars[cursor] == "}" {
                    maximum = nil
                } else {
                    guard let upper = readCount(&cursor) else { return nil }
                    maximum = upper
                }
            }
            guard cursor < scalars.count, scalars[cursor] == "}" else { return nil }
            index = cursor + 1
            if minimum > PatternParser.maximumRepeat || (maximum ?? 0) > PatternParser.maximumRepeat
                || maximum.map({ $0 < minimum }) == true {
                return .some(nil)
            }
            return (minimum, maximum)
        default:
            return nil
        }
    }

    /// Decimal digits without a leading zero (Go reads `{01}` as literal text); a huge count
    /// comes back above the limit rather than overflowing.
    private func readCount(_ cursor: inout Int) -> Int? {
        let start = cursor
        var value = 0
        while cursor < scalars.count, (0x30...0x39).contains(scalars[cursor].value) {
            value = min(value * 10 + Int(scalars[cursor].value) - 0x30, 100_000_000)
            cursor += 1
        }
        guard cursor > start, cursor - start == 1 || scalars[start] != "0" else { return nil }
        return value
    }

    private mutating func parseAtom(into parts: inout [PatternNode]) -> Bool {
        let scalar = scalars[index]
        index += 1
        switch scalar {
        case "(":
            return parseGroup(into: &parts)
        case "[":
            guard let set = parseClass() else { return false }
            parts.append(.set(set))
        case ".":
            parts.append(flags.dotMatchesNewline ? .anyScalar : .anyButNewline)
        case "^":
            parts.append(.assertion(flags.multiLine ? .beginLine : .beginText))
        case "$":
            parts.append(.assertion(flags.multiLine ? .endLine : .endText))
        case "\\":
            return parseEscapeAtom(into: &parts)
        default:
            parts.append(literal(scalar.value))
        }
        return true
    }

    private mutating func literal(_ value: UInt32) -> PatternNode {
        guard flags.foldsCase, let scalar = Unicode.Scalar(value), scalar.properties.changesWhenCaseMapped else {
            return .scalar(value)
        }
        var set = PatternClass()
        set.add(value, value)
        return .set(store(set))
    }

    private mutating func store(_ set: PatternClass) -> Int {
        var set = set
        set.foldsCase = flags.foldsCase
        set.finish()
        classes.append(set)
        return classes.count - 1
    }

    /// After `(`: a group, a named group, or flags for the rest of the enclosing group.
    private mutating func parseGroup(into parts: inout [PatternNode]) -> Bool {
        let outerFlags = flags
        depth += 1
        defer { depth -= 1 }
        guard depth <= PatternParser.maximumDepth else { return false }
        if peek() == "?" {
            index += 1
            if peek() == "P" || peek() == "<" {
                if peek() == "P" { index += 1 }
                guard peek() == "<", peek(1) != "=", peek(1) != "!" else { return false }
                index += 1
                var name = ""
                while let scalar = peek(), scalar != ">" {
                    guard scalar.isASCII, scalar == "_" || scalar.properties.isAlphabetic || scalar.properties.numericType == .decimal else { return false }
                    name.unicodeScalars.append(scalar)
                    index += 1
                }
                guard peek() == ">", !name.isEmpty, groupNames.insert(name).inserted else { return false }
                index += 1
            } else {
                guard let opensGroup = parseFlags() else { return false }
                if !opensGroup { return true }
            }
        }
        guard let body = parseAlternation(), peek() == ")" else { return false }
        index += 1
        flags = outerFlags
        parts.append(body)
        return true
    }

    /// After `(?`: flags such as `i`, `m-s`, then `)` (they hold for the rest of the group,
    /// false) or `:` (a group with them, true). Nil when Go would refuse them.
    private mutating func parseFlags() -> Bool? {
        var changed = flags
        var negating = false
        var sawFlag = false
        while let scalar = peek() {
            index += 1
            switch scalar {
            case "i": changed.foldsCase = !negating; sawFlag = true
            case "m": changed.multiLine = !negating; sawFlag = true
            case "s": changed.dotMatchesNewline = !negating; sawFlag = true
            case "U": sawFlag = true  // lazy by default: the same for whether it matches
            case "-":
                guard !negating else { return nil }
                negating = true
                sawFlag = false
            case ":", ")":
                guard !negating || sawFlag else { return nil }
                flags = changed
                return scalar == ":"
            default:
                return nil
            }
        }
        return nil
    }

    private mutating func parseEscapeAtom(into parts: inout [PatternNode]) -> Bool {
        guard let next = peek() else { return false }
        switch next {
        case "A": index += 1; parts.append(.assertion(.beginText)); return true
        case "z": index += 1; parts.append(.assertion(.endText)); return true
        case "b": index += 1; parts.append(.assertion(.wordBoundary)); return true
        case "B": index += 1; parts.append(.assertion(.notWordBoundary)); return true
        case "Q":
            index += 1
            while let scalar = peek() {
                if scalar == "\\", peek(1) == "E" { index += 2; break }
                parts.append(literal(scalar.value))
                index += 1
            }
            return true
        default:
            break
        }
        var set = PatternClass()
        if let found = parseClassEscape(into: &set) {
            guard found else { return false }
            parts.append(.set(store(set)))
            return true
        }
        guard let value = parseEscape() else { return false }
        parts.append(literal(value))
        return true
    }

    /// After a `\`: `\d \s \w`, their negations and `\p` classes, added to `set` and read
    /// past. Nil when the escape is not a class; false when it is an invalid one.
    private mutating func parseClassEscape(into set: inout PatternClass) -> Bool? {
        guard let letter = peek() else { return nil }
        switch letter {
        case "d", "D", "s", "S", "w", "W":
            index += 1
            let ranges = PatternParser.perlClasses[Character(letter).lowercased()]!
            if letter.properties.isUppercase { addComplement(of: ranges, to: &set) } else { ranges.forEach { set.add($0.lowerBound, $0.upperBound) } }
            return true
        case "p", "P":
            index += 1
            var negated = letter == "P"
            var name = ""
            guard let first = peek() else { return false }
            index += 1
            if first == "{" {
                while let scalar = peek(), scalar != "}" {
                    name.unicodeScalars.append(scalar)
                    index += 1
                }
                guard peek() == "}" else { return false }
                index += 1
                if name.hasPrefix("^") {
                    negated.toggle()
                    name.removeFirst()
                }
            } else {
                name.unicodeScalars.append(first)
            }
            if name == "Any" {
                if negated { set.addComplement(of: [0...0x10FFFF]) } else { set.add(0, 0x10FFFF) }
                return true
            }
            guard let members = PatternParser.categories[name] else { return false }
            set.categories.append((members, negated))
            return true
        default:
            return nil
        }
    }

    /// After a `\`: one escaped scalar, as Go's `parseEscape` reads it.
    private mutating func parseEscape() -> UInt32? {
        guard let escaped = peek() else { return nil }
        index += 1
        switch escaped {
        case "1"..."7", "0":
            // A lone `\1`..`\7` would be a backreference, which Go refuses.
            if escaped != "0", !(peek().map(PatternParser.isOctal) ?? false) { return nil }
            var value = escaped.value - 0x30
            for _ in 0..<2 {
                guard let digit = peek(), PatternParser.isOctal(digit) else { break }
                value = value * 8 + digit.value - 0x30
                index += 1
            }
            return value
        case "x":
            if peek() == "{" {
                index += 1
                var value: UInt32 = 0
                var digits = 0
                while let scalar = peek(), scalar != "}" {
                    guard let digit = PatternParser.hexValue(scalar) else { return nil }
                    value = value * 16 + UInt32(digit)
                    guard value <= 0x10FFFF else { return nil }
                    digits += 1
                    index += 1
                }
                guard peek() == "}", digits > 0 else { return nil }
                index += 1
                return value
            }
            guard let high = peek().flatMap(PatternParser.hexValue), let low = peek(1).flatMap(PatternParser.hexValue) else { return nil }
            index += 2
            return UInt32(high * 16 + low)
        case "a": return 0x07
        case "f": return 0x0C
        case "n": return 0x0A
        case "r": return 0x0D
        case "t": return 0x09
        case "v": return 0x0B
        default:
            // Escaped ASCII punctuation is itself; escaped letters and digits Go does not
            // know are errors.
            let isWordScalar = escaped.properties.isAlphabetic || escaped.properties.numericType == .decimal
            return escaped.isASCII && !isWordScalar ? escaped.value : nil
        }
    }

    private static func hexValue(_ scalar: Unicode.Scalar) -> Int? {
        scalar.isASCII ? Character(scalar).hexDigitValue : nil
    }

    private static func isOctal(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value >= 0x30 && scalar.value <= 0x37
    }

    /// After `[`: a class up to its `]`, stored; nil when it is invalid.
    private mutating func parseClass() -> Int? {
        var set = PatternClass()
        if peek() == "^" {
            set.negated = true
            index += 1
        }
        var first = true
        while true {
            guard let scalar = peek() else { return nil }
            if scalar == "]", !first { break }
            first = false
            if scalar == "[", peek(1) == ":", let named = parseNamedClass(into: &set) {
                guard named else { return nil }
                continue
            }
            if scalar == "\\" {
                index += 1
                if let found = parseClassEscape(into: &set) {
                    guard found else { return nil }
                    continue
                }
                index -= 1
            }
            guard let low = parseClassScalar() else { return nil }
            var high = low
            if peek() == "-", let after = peek(1), after != "]" {
                index += 1
                guard let upper = parseClassScalar(), upper >= low else { return nil }
                high = upper
            }
            set.add(low, high)
        }
        index += 1
        return store(set)
    }

    private mutating func parseClassScalar() -> UInt32? {
        guard let scalar = peek() else { return nil }
        index += 1
        return scalar == "\\" ? parseEscape() : scalar.value
    }

    /// At `[:`: a POSIX class such as `[:alpha:]` or `[:^digit:]`. Nil when there is no
    /// `:]` (the `[` is then a literal); false for an unknown name.
    private mutating func parseNamedClass(into set: inout PatternClass) -> Bool? {
        var cursor = index + 2
        while cursor + 1 < scalars.count, !(scalars[cursor] == ":" && scalars[cursor + 1] == "]") { cursor += 1 }
        guard cursor + 1 < scalars.count else { return nil }
        var name = String(String.UnicodeScalarView(scalars[(index + 2)..<cursor]))
        index = cursor + 2
        let negated = name.hasPrefix("^")
        if negated { name.removeFirst() }
        guard let ranges = PatternParser.posixClasses[name] else { return false }
        if negated { addComplement(of: ranges, to: &set) } else { ranges.forEach { set.add($0.lowerBound, $0.upperBound) } }
        return true
    }

    /// Go folds a negated class item before negating it: under `(?i)`, `\W` leaves out `k`
    /// because `\w` holds `K`, and the Kelvin sign because it folds to `k`.
    private func addComplement(of ranges: [ClosedRange<UInt32>], to set: inout PatternClass) {
        guard flags.foldsCase else { return set.addComplement(of: ranges) }
        var members = PatternClass()
        ranges.forEach { members.add($0.lowerBound, $0.upperBound) }
        members.finish()
        var folded = ranges
        for scalar in CaseFolding.scalarsWithOtherKeys {
            let key = CaseFolding.key(scalar)
            if members.rangesContain(scalar.value) || members.rangesContain(key.value) {
                folded.append(scalar.value...scalar.value)
                folded.append(key.value...key.value)
            }
        }
        set.addComplement(of: folded)
    }

    private static let perlClasses: [String: [ClosedRange<UInt32>]] = [
        "d": [0x30...0x39],
        "s": [0x09...0x0A, 0x0C...0x0D, 0x20...0x20],
        "w": wordScalarRanges,
    ]

    private static let posixClasses: [String: [ClosedRange<UInt32>]] = [
        "alnum": [0x30...0x39, 0x41...0x5A, 0x61...0x7A],
        "alpha": [0x41...0x5A, 0x61...0x7A],
        "ascii": [0x00...0x7F],
        "blank": [0x09...0x09, 0x20...0x20],
        "cntrl": [0x00...0x1F, 0x7F...0x7F],
        "digit": [0x30...0x39],
        "graph": [0x21...0x7E],
        "lower": [0x61...0x7A],
        "print": [0x20...0x7E],
        "punct": [0x21...0x2F, 0x3A...0x40, 0x5B...0x60, 0x7B...0x7E],
        "space": [0x09...0x0D, 0x20...0x20],
        "upper": [0x41...0x5A],
        "word": wordScalarRanges,
        "xdigit": [0x30...0x39, 0x41...0x46, 0x61...0x66],
    ]

    /// Go's general category names; `C` is Go's (control, format, surrogate, private use:
    /// not unassigned scalars).
    private static let categories: [String: Set<Unicode.GeneralCategory>] = {
        let named: [String: Unicode.GeneralCategory] = [
            "Lu": .uppercaseLetter, "Ll": .lowercaseLetter, "Lt": .titlecaseLetter, "Lm": .modifierLetter, "Lo": .otherLetter,
            "Mn": .nonspacingMark, "Mc": .spacingMark, "Me": .enclosingMark,
            "Nd": .decimalNumber, "Nl": .letterNumber, "No": .otherNumber,
            "Pc": .connectorPunctuation, "Pd": .dashPunctuation, "Ps": .openPunctuation, "Pe": .closePunctuation,
            "Pi": .initialPunctuation, "Pf": .finalPunctuation, "Po": .otherPunctuation,
            "Sm": .mathSymbol, "Sc": .currencySymbol, "Sk": .modifierSymbol, "So": .otherSymbol,
            "Zs": .spaceSeparator, "Zl": .lineSeparator, "Zp": .paragraphSeparator,
            "Cc": .control, "Cf": .format, "Cs": .surrogate, "Co": .privateUse,
        ]
        var table = named.mapValues { Set([$0]) }
        for major in ["L", "M", "N", "P", "S", "Z", "C"] {
            table[major] = Set(named.filter { $0.key.hasPrefix(major) }.values)
        }
        return table
    }()
}
