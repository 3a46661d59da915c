/// Splits `text` at every `separator` that stands outside a pair of `open` and `close`
/// brackets, keeping empty pieces: the one loop behind label selector terms
/// (`tier in (a,b),app`) and dotted field paths (`containers.[name=a.b].image`).
func splitOutsideBrackets(_ text: String, on separator: Character, open: Character, close: Character) -> [String] {
    var pieces: [String] = []
    var current = ""
    var depth = 0
    for character in text {
        switch character {
        case open: depth += 1; current.append(character)
        case close: depth -= 1; current.append(character)
        case separator where depth == 0: pieces.append(current); current = ""
        default: current.append(character)
        }
    }
    pieces.append(current)
    return pieces
}
