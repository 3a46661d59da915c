import CYAML

/// Writes the common document without libyaml, with the bytes libyaml's emitter gives it:
/// block mappings and lists of scalars that are printable ASCII on one line, none of which
/// libyaml would fold at the width of 80 columns, and nesting no deeper than `maxDepth`.
/// Every other document (line breaks, tabs, non-ASCII, a long key, a line libyaml would
/// fold) makes `emit` answer nil, and goes through libyaml.
///
/// The writer follows libyaml's own steps for the events `EventWriter` sends (indentation,
/// indicators, the whitespace and indention flags, the analysis that picks a scalar's
/// style), for that subset only. Emitting through libyaml is half of what rendering a
/// fleet costs; `PlainBlockWriterTests` compares the two on generated documents.
struct PlainBlockWriter {
    /// Deeper documents go through libyaml, whose writer does not recurse.
    static let maxDepth = 64
    /// libyaml's `best_width` and `best_indent`, as `EventWriter` sets them.
    private static let width = 80
    private static let indentStep = 2

    private var bytes: [UInt8] = []
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
        writer.bytes.reserveCapacity(1024)
        guard writer.node(node, depth: 0, inMapping: false, key: false) else { return nil }
        // The implicit document end: a line break unless the line is empty.
        writer.writeIndent()
        return String(decoding: writer.bytes, as: UTF8.self)
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
            for item in items {
                writeIndent()
                writeIndicator(UInt8(ascii: "-"), needWhitespace: true, isWhitespace: false, isIndention: true)
                guard self.node(item, depth: depth + 1, inMapping: false, key: false) else { return false }
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
                let entry = entries[order?[position] ?? position]
                writeIndent()
                // A plain `<<` key would read back as a merge key.
                let style = entry.name == "<<" ? .double : Requested(OutputScalar.stringStyle(entry.name))
                guard scalar(entry.name, requested: style, key: true) else { return false }
                writeIndicator(UInt8(ascii: ":"), needWhitespace: false, isWhitespace: false, isIndention: false)
                guard self.node(entry.value, depth: depth + 1, inMapping: true, key: false) else { return false }
            }
            indent = saved
            return true
        }
    }

    /// The styles `EventWriter` asks libyaml for that this writer takes.
    private enum Requested {
        case plain, double

        init?(_ style: yaml_scalar_style_t) {
            switch style {
            case YAML_PLAIN_SCALAR_STYLE: self = .plain
            case YAML_DOUBLE_QUOTED_SCALAR_STYLE: self = .double
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
        if !indention || column > target || (column == target && !whitespace) {
            bytes.append(UInt8(ascii: "\n"))
            column = 0
        }
        while column < target {
            bytes.append(UInt8(ascii: " "))
            column += 1
        }
        whitespace = true
        indention = true
    }

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
        // `---` and `...` at the start read as document markers.
        var blockIndicators = utf8.count >= 3 && (utf8[0] == UInt8(ascii: "-") || utf8[0] == UInt8(ascii: "."))
            && utf8[1] == utf8[0] && utf8[2] == utf8[0]
        var quotes = 0
        for offset in utf8.indices {
            let byte = utf8[offset]
            // Printable ASCII and the space only: no tab, line break or escape to think of.
            guard byte >= 0x20, byte < 0x7F else { return false }
            if byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { quotes += 1 }
            let followedByBlank = offset + 1 == utf8.count || utf8[offset + 1] == UInt8(ascii: " ")
            if offset == 0 {
                switch byte {
                case UInt8(ascii: "#"), UInt8(ascii: ","), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "{"), UInt8(ascii: "}"),
                     UInt8(ascii: "&"), UInt8(ascii: "*"), UInt8(ascii: "!"), UInt8(ascii: "|"), UInt8(ascii: ">"), UInt8(ascii: "'"),
                     UInt8(ascii: "\""), UInt8(ascii: "%"), UInt8(ascii: "@"), UInt8(ascii: "`"):
                    blockIndicators = true
                case UInt8(ascii: "?"), UInt8(ascii: ":"), UInt8(ascii: "-"):
                    if followedByBlank { blockIndicators = true }
                default: break
                }
            } else if (byte == UInt8(ascii: ":") && followedByBlank) || (byte == UInt8(ascii: "#") && utf8[offset - 1] == UInt8(ascii: " ")) {
                blockIndicators = true
            }
        }
        let edgeSpace = utf8.first == UInt8(ascii: " ") || utf8.last == UInt8(ascii: " ")
        let allowBreaks = !key
        if requested == .double {
            return quoted(utf8, quote: UInt8(ascii: "\""), allowBreaks: allowBreaks, escapes: quotes > 0)
        }
        if blockIndicators || edgeSpace {
            return quoted(utf8, quote: UInt8(ascii: "'"), allowBreaks: allowBreaks, escapes: quotes > 0)
        }
        return plain(utf8, allowBreaks: allowBreaks)
    }

    /// libyaml's `write_plain`; false where it would fold the line.
    private mutating func plain(_ utf8: UnsafeBufferPointer<UInt8>, allowBreaks: Bool) -> Bool {
        let start = column + (whitespace ? 0 : 1)
        if allowBreaks, start + utf8.count > Self.width + 1 {
            // A space is folded when the column before it is past the width, unless it
            // follows a space or another space follows it.
            for offset in utf8.indices where utf8[offset] == UInt8(ascii: " ") && start + offset > Self.width {
                let afterSpace = offset > 0 && utf8[offset - 1] == UInt8(ascii: " ")
                let beforeSpace = offset + 1 < utf8.count && utf8[offset + 1] == UInt8(ascii: " ")
                if !afterSpace && !beforeSpace { return false }
            }
        }
        if !whitespace { bytes.append(UInt8(ascii: " ")) }
        bytes.append(contentsOf: utf8)
        column = start + utf8.count
        whitespace = false
        indention = false
        return true
    }

    /// libyaml's `write_single_quoted` and `write_double_quoted` for printable ASCII; false
    /// where either would fold the line. `escapes` says whether the text has a quote or a
    /// backslash.
    private mutating func quoted(_ utf8: UnsafeBufferPointer<UInt8>, quote: UInt8, allowBreaks: Bool, escapes: Bool) -> Bool {
        let double = quote == UInt8(ascii: "\"")
        writeIndicator(quote, needWhitespace: true, isWhitespace: false, isIndention: false)
        if !escapes && column + utf8.count <= Self.width + 1 {
            // No space can be past the width, and nothing to escape.
            bytes.append(contentsOf: utf8)
            column += utf8.count
        } else {
            var spaces = false
            for offset in utf8.indices {
                let byte = utf8[offset]
                if byte == UInt8(ascii: " ") {
                    let isEdge = offset == 0 || offset == utf8.count - 1
                    let nextIsSpace = offset + 1 < utf8.count && utf8[offset + 1] == UInt8(ascii: " ")
                    if allowBreaks && !spaces && column > Self.width && !isEdge && (double || !nextIsSpace) { return false }
                    spaces = true
                } else {
                    spaces = false
                    if double ? byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") : byte == UInt8(ascii: "'") {
                        bytes.append(double ? UInt8(ascii: "\\") : UInt8(ascii: "'"))
                        column += 1
                    }
                }
                bytes.append(byte)
                column += 1
            }
        }
        writeIndicator(quote, needWhitespace: false, isWhitespace: false, isIndention: false)
        return true
    }
}
