/// The candidate nearest to a misspelt word, when it is near enough to be a likely typo:
/// the "did you mean" of unknown-field and unknown-name messages.
public func closestMatch(to word: String, in candidates: some Sequence<String>) -> String? {
    let scored = candidates.map { ($0, editDistance(word.lowercased(), $0.lowercased())) }
    guard let best = scored.min(by: { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }) else { return nil }
    return best.1 <= max(2, word.count / 3) ? best.0 : nil
}

/// Levenshtein distance over UTF-8 bytes (the names compared are ASCII).
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a.utf8), b = Array(b.utf8)
    var previous = Array(0...b.count)
    for i in a.indices {
        var current = [i + 1] + Array(repeating: 0, count: b.count)
        for j in b.indices {
            current[j + 1] = min(previous[j + 1] + 1, current[j] + 1, previous[j] + (a[i] == b[j] ? 0 : 1))
        }
        previous = current
    }
    return previous[b.count]
}

/// `1 environment`, `3 environments`: counts in messages read as English.
public func counted(_ count: Int, _ noun: String) -> String {
    "\(count) \(noun)\(count == 1 ? "" : "s")"
}
