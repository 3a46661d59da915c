import CYAML

/// Writes the common document without libyaml, with the bytes libyaml's emitter gives it:
/// block mappings and lists whose scalars are printable ASCII, on one line or (as literal
/// blocks) on several, nested no deeper than `maxDepth`. Long lines are folded at 80 columns
/// as libyaml folds them. Every other document (tabs, carriage returns, non-ASCII, a long key,
/// a block libyaml would not write as one, a block with kept trailing line breaks) makes
/// `emit` answer nil, and goes through libyaml.
///
/// The writer follows libyaml's own steps for the events `EventWriter` sends (indentation,
/// indicators, the whitespace and indention flags, the analysis that picks a scalar's
/// style, folding), for that subset only. Emitting through libyaml was half of what rendering
/// a fleet cost; `PlainBlockWriterTests` and the `yaml` fuzz target compare the two.
struct PlainBlockWriter: ~Copyable {
    /// Deeper documents go through libyaml, whose writer does not recurse.
    static let maxDepth = 64
    /// libyaml's `best_width` and `best_indent`, as `EventWriter` sets them.
    private static let width = 80
    private static let indentStep = 2

    private var bytes = ByteSink(capacity: 1024)
    private var column = 0
    /// libyaml's `whitespace`: the last byte written separates (a space, an indentation).
    private var whitespace = true
    /// libyaml's `indention`: only indentation and indicators on this line so far.
    private var indention = true
    private var indent = -1

    /// The text of one document, or nil when it is not one this writer takes.
    static func emit(_ node: Node) -> String? {
        // A scalar document is open-ended for libyaml, which may close it with `...`.
        guard node.scalar == nil else { return nil }
        var writer = PlainBlockWriter()
        guard writer.node(node, depth: 0, inMapping: false, key: false) else { return nil }
        // The implicit document end: a line break unless the line is empty.
        writer.writeIndent()
        return writer.bytes.text
    }

    /// One node in the context libyaml would emit it in: a mapping's value (`inMapping`), a
    /// mapping's key (`key`), or a list item or the root.
    private mutating func node(_ node: Node, depth: Int, inMapping: Bool, key: Bool) -> Bool {
        guard depth <= Self.maxDepth else { return false }
        switch node.content {
        case .scalar(let scalar):
            let (text, style) = OutputScalar.render(scalar)
            return self.scalar(text, requested: Requested(style), key: key)
        case .sequence(let items):
            guard !items.isEmpty else {
                emptyCollection(open: UInt8(ascii: "["), close: UInt8(ascii: "]"))
                return true
            }
            let saved = indent
            increaseIndent(indentless: inMapping && !indention)
            for index in items.indices {
                writeIndent()
                writeIndicator(UInt8(ascii: "-"), needWhitespace: true, isWhitespace: false, isIndention: true)
                guard self.node(items[index], depth: depth + 1, inMapping: false, key: false) else { return false }
            }
            indent = saved
            return true
        case .mapping(let entries):
            guard !entries.isEmpty else {
                emptyCollection(open: UInt8(ascii: "{"), close: UInt8(ascii: "}"))
                return true
            }
            let saved = indent
            increaseIndent(indentless: false)
            var order: [Int]?
            if !entries.indices.dropFirst().allSatisfy({ !KeyOrder.less(entries[$0].name, entries[$0 - 1].name) }) {
                order = entries.indices.sorted { KeyOrder.less(entries[$0].name, entries[$1].name) }
            }
            for position in entries.indices {
                // Items and entries are read in place: copying a whole entry (its key node
                // too) cost more than writing it.
                let index = order?[position] ?? position
                writeIndent()
                let name = entries[index].name
                // A plain `<<` key would read back as a merge key.
                let style = name == "<<" ? .double : Requested(OutputScalar.stringStyle(name))
                guard scalar(name, requested: style, key: true) else { return false }
                writeIndicator(UInt8(ascii: ":"), needWhitespace: false, isWhitespace: false, isIndention: false)
                guard self.node(entries[index].value, depth: depth + 1, inMapping: true, key: false) else { return false }
            }
            indent = saved
            return true
        }
    }

    /// The styles `EventWriter` asks libyaml for.
    private enum Requested {
        case plain, double, literal

        init?(_ style: yaml_scalar_style_t) {
            switch style {
            case YAML_PLAIN_SCALAR_STYLE: self = .plain
            case YAML_DOUBLE_QUOTED_SCALAR_STYLE: self = .double
            case YAML_LITERAL_SCALAR_STYLE: self = .literal
            default: return nil
            }
        }
    }

    /// libyaml's `increase_indent` for a block collection.
    private mutating func increaseIndent(indentless: Bool) {
        if indent < 0 {
            indent = 0
        } else if !indentless {
            indent += Self.indentStep
        }
    }

    /// An empty mapping or list: libyaml writes it in flow style.
    private mutating func emptyCollection(open: UInt8, close: UInt8) {
        writeIndicator(open, needWhitespace: true, isWhitespace: true, isIndention: false)
        writeIndicator(close, needWhitespace: false, isWhitespace: false, isIndention: false)
    }

    /// libyaml's `write_indent`.
    private mutating func writeIndent() {
        let target = max(indent, 0)
        let lineBreak = !indention || column > target || (column == target && !whitespace)
        if lineBreak { column = 0 }
        if lineBreak || column < target {
            // The line break and the spaces in one append, cut from one buffer; `maxDepth`
            // keeps indentation within it, and the loop would add any spaces beyond.
            let start = lineBreak ? 0 : 1
            let end = 1 + target - column
            Self.lineBreakAndSpaces.withUnsafeBufferPointer { buffer in
                bytes.append(UnsafeBufferPointer(rebasing: buffer[start..<min(end, buffer.count)]))
            }
            for _ in Self.lineBreakAndSpaces.count..<max(end, Self.lineBreakAndSpaces.count) {
                bytes.append(UInt8(ascii: " "))
            }
            column = target
        }
        whitespace = true
        indention = true
    }

    /// A line break and then more spaces than the deepest indentation this writer takes.
    private static let lineBreakAndSpaces: [UInt8] = [UInt8(ascii: "\n")] + Array(repeating: UInt8(ascii: " "), count: 4 * maxDepth + 8)

    /// libyaml's `write_indicator`, for one-byte indicators.
    private mutating func writeIndicator(_ indicator: UInt8, needWhitespace: Bool, isWhitespace: Bool, isIndention: Bool) {
        if needWhitespace && !whitespace {
            bytes.append(UInt8(ascii: " "))
            column += 1
        }
        bytes.append(indicator)
        column += 1
        whitespace = isWhitespace
        indention = indention && isIndention
    }

    /// A scalar with the style libyaml picks for it; false when the text is outside this
    /// writer's subset or libyaml would fold its line.
    private mutating func scalar(_ text: String, requested: Requested?, key: Bool) -> Bool {
        guard let requested else { return false }
        var text = text
        return text.withUTF8 { utf8 in scalar(utf8, requested: requested, key: key) }
    }

    private mutating func scalar(_ utf8: UnsafeBufferPointer<UInt8>, requested: Requested, key: Bool) -> Bool {
        // Keys longer than 128 bytes are written as complex keys (`? key`).
        guard !utf8.isEmpty, !key || utf8.count <= 128 else { return false }
        if requested == .literal {
            return !key && literal(utf8)
        }
        // `---` and `...` at the start read as document markers.
        var blockIndicators = utf8.count >= 3 && (utf8[0] == UInt8(ascii: "-") || utf8[0] == UInt8(ascii: "."))
            && utf8[1] == utf8[0] && utf8[2] == utf8[0]
        var quotes = false
        let foreign = ByteKind.table.withUnsafeBufferPointer { table in
            for offset in utf8.indices {
                let kind = ByteKind(rawValue: table[Int(utf8[offset])])
                if kind.isEmpty { continue }
                // Printable ASCII and the space only: no tab, line break or escape to think of.
                if kind.contains(.foreign) { return true }
                if kind.contains(.quote) { quotes = true }
                let followedByBlank = offset + 1 == utf8.count || utf8[offset + 1] == UInt8(ascii: " ")
                if offset == 0 {
                    if kind.contains(.indicatorAtStart) || (kind.contains(.indicatorAtStartBeforeBlank) && followedByBlank) {
                        blockIndicators = true
                    }
                } else if (kind.contains(.colon) && followedByBlank) || (kind.contains(.hash) && utf8[offset - 1] == UInt8(ascii: " ")) {
                    blockIndicators = true
                }
            }
            return false
        }
        if foreign { return false }
        let edgeSpace = utf8.first == UInt8(ascii: " ") || utf8.last == UInt8(ascii: " ")
        let allowBreaks = !key
        if requested == .double {
            return quoted(utf8, quote: UInt8(ascii: "\""), allowBreaks: allowBreaks, escapes: quotes)
        }
        if blockIndicators || edgeSpace {
            return quoted(utf8, quote: UInt8(ascii: "'"), allowBreaks: allowBreaks, escapes: quotes)
        }
        plain(utf8, allowBreaks: allowBreaks)
        return true
    }

    /// The indentation of a scalar's continuation lines: libyaml indents one step further
    /// while it writes a scalar.
    private var scalarIndent: Int { indent < 0 ? Self.indentStep : indent + Self.indentStep }

    /// libyaml's fold of a line at a space: a line break and the scalar's indentation in
    /// place of the space.
    private mutating func fold() {
        let saved = indent
        indent = scalarIndent
        writeIndent()
        indent = saved
    }

    /// libyaml's `write_plain`.
    private mutating func plain(_ utf8: UnsafeBufferPointer<UInt8>, allowBreaks: Bool) {
        if !whitespace {
            bytes.append(UInt8(ascii: " "))
            column += 1
        }
        write(utf8, allowBreaks: allowBreaks, escapes: false) { _ in nil }
        whitespace = false
        indention = false
    }

    /// libyaml's `write_single_quoted` and `write_double_quoted` for printable ASCII; false
    /// for a double-quoted text with a space that might reach past the width, where libyaml
    /// folds it its own way (gitopsc double-quotes only texts that read as numbers, booleans
    /// or dates). `escapes` says whether the text has a quote or a backslash.
    private mutating func quoted(_ utf8: UnsafeBufferPointer<UInt8>, quote: UInt8, allowBreaks: Bool, escapes: Bool) -> Bool {
        let double = quote == UInt8(ascii: "\"")
        if double, allowBreaks, column + 2 + 2 * utf8.count > Self.width, utf8.contains(UInt8(ascii: " ")) { return false }
        writeIndicator(quote, needWhitespace: true, isWhitespace: false, isIndention: false)
        write(utf8, allowBreaks: allowBreaks && !double, escapes: escapes) { byte in
            if double { byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") ? UInt8(ascii: "\\") : nil } else { byte == UInt8(ascii: "'") ? byte : nil }
        }
        writeIndicator(quote, needWhitespace: false, isWhitespace: false, isIndention: false)
        return true
    }

    /// The text of a plain or quoted scalar, folded as libyaml folds them: at a space past
    /// the width that is neither the first nor the last byte, and neither follows nor comes
    /// before another space. A byte `escape` answers for is written after that answer.
    private mutating func write(_ utf8: UnsafeBufferPointer<UInt8>, allowBreaks: Bool, escapes: Bool, escape: (UInt8) -> UInt8?) {
        if !escapes && (!allowBreaks || column + utf8.count <= Self.width + 1) {
            // No space can be past the width, and nothing to escape.
            bytes.append(utf8)
            column += utf8.count
            return
        }
        var spaces = false
        for offset in utf8.indices {
            let byte = utf8[offset]
            if byte == UInt8(ascii: " ") {
                let isEdge = offset == 0 || offset == utf8.count - 1
                let nextIsSpace = offset + 1 < utf8.count && utf8[offset + 1] == UInt8(ascii: " ")
                let folds = allowBreaks && !spaces && column > Self.width && !isEdge && !nextIsSpace
                spaces = true
                if folds {
                    fold()
                    continue
                }
            } else {
                spaces = false
                if let escaped = escape(byte) {
                    bytes.append(escaped)
                    column += 1
                }
            }
            bytes.append(byte)
            column += 1
        }
    }

    /// libyaml's `write_literal_scalar` with its block hints, for printable ASCII and line
    /// feeds; false for a text libyaml would not write as a block (a space before a line
    /// break or at the end) or would close with `...` (kept trailing line breaks).
    private mutating func literal(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        var previous: UInt8 = 0
        for byte in utf8 {
            guard (byte >= 0x20 && byte < 0x7F) || byte == UInt8(ascii: "\n") else { return false }
            if byte == UInt8(ascii: "\n") && previous == UInt8(ascii: " ") { return false }
            previous = byte
        }
        let count = utf8.count
        if utf8[count - 1] == UInt8(ascii: " ") { return false }
        let keep = utf8[count - 1] == UInt8(ascii: "\n") && (count == 1 || utf8[count - 2] == UInt8(ascii: "\n"))
        if keep { return false }
        writeIndicator(UInt8(ascii: "|"), needWhitespace: true, isWhitespace: false, isIndention: false)
        // An indentation hint when the text starts with a space or a line break.
        if utf8[0] == UInt8(ascii: " ") || utf8[0] == UInt8(ascii: "\n") {
            writeIndicator(UInt8(ascii: "0") + UInt8(Self.indentStep), needWhitespace: false, isWhitespace: false, isIndention: false)
        }
        // Strip the final line break when there is none.
        if utf8[count - 1] != UInt8(ascii: "\n") {
            writeIndicator(UInt8(ascii: "-"), needWhitespace: false, isWhitespace: false, isIndention: false)
        }
        bytes.append(UInt8(ascii: "\n"))
        column = 0
        indention = true
        whitespace = true
        let saved = indent
        indent = scalarIndent
        var lineStart = true
        for byte in utf8 {
            if byte == UInt8(ascii: "\n") {
                bytes.append(byte)
                column = 0
                indention = true
                lineStart = true
            } else {
                if lineStart { writeIndent() }
                bytes.append(byte)
                column += 1
                indention = false
                lineStart = false
            }
        }
        indent = saved
        return true
    }
}

/// The writer's output: one allocation that doubles when full. Appending to `[UInt8]` checked
/// uniqueness and capacity in generic code on every call, a tenth of the writer's cost.
private struct ByteSink: ~Copyable {
    private var start: UnsafeMutablePointer<UInt8>
    private var count = 0
    private var capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 1)
        start = .allocate(capacity: self.capacity)
    }

    deinit {
        start.deallocate()
    }

    mutating func append(_ byte: UInt8) {
        if count == capacity { grow(toHold: count + 1) }
        start[count] = byte
        count += 1
    }

    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress else { return }
        if count + bytes.count > capacity { grow(toHold: count + bytes.count) }
        (start + count).initialize(from: source, count: bytes.count)
        count += bytes.count
    }

    private mutating func grow(toHold needed: Int) {
        var larger = capacity * 2
        while larger < needed { larger *= 2 }
        let moved = UnsafeMutablePointer<UInt8>.allocate(capacity: larger)
        moved.initialize(from: start, count: count)
        start.deallocate()
        start = moved
        capacity = larger
    }

    var text: String {
        String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self)
    }
}

/// What a byte means to libyaml's analysis of a scalar, looked up in one table: most bytes
/// (letters, digits) mean nothing, and cost one load.
private struct ByteKind: OptionSet {
    let rawValue: UInt8

    /// Outside printable ASCII and the space.
    static let foreign = ByteKind(rawValue: 1 << 0)
    /// `'`, `"` or `\`: escaped or doubled in a quoted scalar.
    static let quote = ByteKind(rawValue: 1 << 1)
    /// An indicator when it starts a scalar.
    static let indicatorAtStart = ByteKind(rawValue: 1 << 2)
    /// `?`, `:` or `-`: an indicator when it starts a scalar and a blank follows.
    static let indicatorAtStartBeforeBlank = ByteKind(rawValue: 1 << 3)
    static let colon = ByteKind(rawValue: 1 << 4)
    static let hash = ByteKind(rawValue: 1 << 5)

    /// Each byte's kind, by byte value; read through one buffer pointer for a whole scalar.
    static let table: [UInt8] = (0...255).map { value in
        let byte = UInt8(value)
        var kind: ByteKind = []
        if byte < 0x20 || byte >= 0x7F { kind.insert(.foreign) }
        if "'\"\\".utf8.contains(byte) { kind.insert(.quote) }
        if "#,[]{}&*!|>'\"%@`".utf8.contains(byte) { kind.insert(.indicatorAtStart) }
        if "?:-".utf8.contains(byte) { kind.insert(.indicatorAtStartBeforeBlank) }
        if byte == UInt8(ascii: ":") { kind.insert(.colon) }
        if byte == UInt8(ascii: "#") { kind.insert(.hash) }
        return kind.rawValue
    }
}
