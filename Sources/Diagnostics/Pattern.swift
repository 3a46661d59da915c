import Synchronization

/// A regular expression as users write them in kustomizations and schemas (Go's RE2 and
/// Kubernetes' syntax, in their common part), matched on Unicode scalars as Go matches runes,
/// not on grapheme clusters.
public struct Pattern: @unchecked Sendable {
    // Regex holds no shared mutable state once compiled; it is not marked Sendable.
    private let regex: Regex<AnyRegexOutput>

    /// Every pattern compiled so far (nil: it does not compile), since compiling costs far
    /// more than matching and the same patterns recur (a schema's, a tree's patch targets).
    private static let compiled = Mutex<[String: Pattern?]>([:])

    /// Nil when the pattern does not compile.
    public init?(_ pattern: String) {
        if let known = Pattern.compiled.withLock({ $0[pattern] }) {
            guard let known else { return nil }
            self = known
            return
        }
        let made = (try? Regex(pattern)).map { Pattern(compiled: $0.matchingSemantics(.unicodeScalar)) }
        Pattern.compiled.withLock { $0[pattern] = made }
        guard let made else { return nil }
        self = made
    }

    private init(compiled regex: Regex<AnyRegexOutput>) {
        self.regex = regex
    }

    /// Whether the pattern matches somewhere in `text` (anchors are the pattern's business).
    public func matches(_ text: String) -> Bool {
        (try? regex.firstMatch(in: text)) != nil
    }

    /// Whether the pattern repeats a group that itself holds a repetition (`(a+)+`,
    /// `(x*){2,}`). Go's matcher, which kustomize uses, runs those in linear time; Swift's
    /// backtracks, and takes exponential time on a text that almost matches (`(a+)+b`
    /// against thirty `a`s runs for hours). `?` repeats nothing, so `(a+)?` is fine.
    public static func repeatsARepetition(_ pattern: String) -> Bool {
        let scalars = Array(pattern.unicodeScalars)
        // For each open group: whether it holds a repetition so far.
        var open: [Bool] = []
        var index = 0
        /// The length of the repetition at `start` (`*`, `+`, `{m,}`, `{m,n}` with n > 1), or 0.
        func repetition(at start: Int) -> Int {
            guard start < scalars.count else { return 0 }
            if scalars[start] == "*" || scalars[start] == "+" { return 1 }
            guard scalars[start] == "{", let close = scalars[start...].firstIndex(of: "}") else { return 0 }
            let bounds = String(String.UnicodeScalarView(scalars[(start + 1)..<close])).split(separator: ",", omittingEmptySubsequences: false)
            guard (1...2).contains(bounds.count), bounds.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
                  !bounds[0].isEmpty else { return 0 }
            let upper = bounds.count == 1 ? Int(bounds[0]) : (bounds[1].isEmpty ? Int.max : Int(bounds[1]))
            return (upper ?? Int.max) > 1 ? close - start + 1 : 0
        }
        while index < scalars.count {
            switch scalars[index] {
            case "\\":
                index += 2
                continue
            case "[":
                // A class: its content is literal; `]` right after `[` or `[^` belongs to it.
                index += 1
                if index < scalars.count, scalars[index] == "^" { index += 1 }
                if index < scalars.count, scalars[index] == "]" { index += 1 }
                while index < scalars.count, scalars[index] != "]" {
                    index += scalars[index] == "\\" ? 2 : 1
                }
            case "(":
                open.append(false)
            case ")":
                let held = open.popLast() ?? false
                let repeated = repetition(at: index + 1)
                if held && repeated > 0 { return true }
                if held || repeated > 0, !open.isEmpty { open[open.count - 1] = true }
                index += max(repeated, 0) + 1
                continue
            default:
                let repeated = repetition(at: index)
                if repeated > 0 {
                    if !open.isEmpty { open[open.count - 1] = true }
                    index += repeated
                    continue
                }
            }
            index += 1
        }
        return false
    }
}
