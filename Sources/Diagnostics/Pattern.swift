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
}
