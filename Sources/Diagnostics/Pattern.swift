/// A regular expression as users write them in kustomizations and schemas (Go's RE2 and
/// Kubernetes' syntax, in their common part), matched on Unicode scalars as Go matches runes,
/// not on grapheme clusters.
public struct Pattern: @unchecked Sendable {
    // Regex holds no shared mutable state once compiled; it is not marked Sendable.
    private let regex: Regex<AnyRegexOutput>

    /// Nil when the pattern does not compile.
    public init?(_ pattern: String) {
        guard let regex = try? Regex(pattern) else { return nil }
        self.regex = regex.matchingSemantics(.unicodeScalar)
    }

    /// Whether the pattern matches somewhere in `text` (anchors are the pattern's business).
    public func matches(_ text: String) -> Bool {
        (try? regex.firstMatch(in: text)) != nil
    }
}
