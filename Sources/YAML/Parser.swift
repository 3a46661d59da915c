import CYAML
import Diagnostics

/// Parses YAML text into node trees through libyaml's event API.
///
/// Aliases are expanded into copies of their anchored node (value semantics make a copy
/// cheap); the expanded size of every document is capped so that an alias bomb is an
/// error instead of an out-of-memory. Duplicate mapping keys are an error, as in go-yaml v3.
public enum YAMLParser {
    /// The most nodes one document may expand to through aliases.
    public static let maximumExpandedNodes = 1_000_000

    /// Parses every document of a stream. An empty document (only comments, or `---`
    /// alone) is returned as a null scalar.
    public static func parseStream(_ text: String, file: String) throws(Diagnostic) -> [Node] {
        var reader = EventReader(text: text, file: file)
        return try reader.readStream()
    }

    /// Parses a stream that must hold exactly one document (an empty stream gives a null).
    public static func parseDocument(_ text: String, file: String) throws(Diagnostic) -> Node {
        let documents = try parseStream(text, file: file)
        guard documents.count <= 1 else {
            throw Diagnostic.error(
                "yaml.multiple-documents", "expected one YAML document, found \(documents.count)",
                at: documents[1].mark.location ?? SourceLocation(file: file, line: 0, column: 0))
        }
        return documents.first ?? .null
    }
}

private struct EventReader {
    let text: String
    let file: String
    var anchors: [String: (node: Node, size: Int)] = [:]
    var expandedSize = 0

    init(text: String, file: String) {
        self.text = text
        self.file = file
    }

    /// One open collection while its children are read.
    private enum Frame {
        case mapping(entries: [MappingEntry], pendingKey: Node?, seen: Set<String>, anchor: String?, mark: Mark, size: Int)
        case sequence(items: [Node], anchor: String?, mark: Mark, size: Int)
    }

    func mark(_ m: yaml_mark_t) -> Mark {
        Mark(file: file, line: Int(m.line) + 1, column: Int(m.column) + 1)
    }

    mutating func readStream() throws(Diagnostic) -> [Node] {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            throw Diagnostic.error("yaml.internal", "cannot initialize the YAML parser", at: SourceLocation(file: file, line: 0, column: 0))
        }
        defer { yaml_parser_delete(&parser) }
        var bytes = Array(text.utf8)
        return try bytes.withUnsafeMutableBufferPointer { buffer throws(Diagnostic) -> [Node] in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            return try readEvents(&parser)
        }
    }

    private mutating func readEvents(_ parser: inout yaml_parser_t) throws(Diagnostic) -> [Node] {
        var documents: [Node] = []
        var stack: [Frame] = []
        var root: Node?
        var event = yaml_event_t()
        while true {
            guard yaml_parser_parse(&parser, &event) == 1 else {
                throw syntaxError(parser)
            }
            defer { yaml_event_delete(&event) }
            let start = mark(event.start_mark)
            var completed: (node: Node, size: Int)?
            switch event.type {
            case YAML_STREAM_END_EVENT:
                return documents
            case YAML_DOCUMENT_START_EVENT:
                anchors = [:]
                expandedSize = 0
                root = nil
            case YAML_DOCUMENT_END_EVENT:
                documents.append(root ?? Node(.scalar(Scalar("")), mark: start))
            case YAML_SCALAR_EVENT:
                let data = event.data.scalar
                let value = String(decoding: UnsafeBufferPointer(start: data.value, count: data.length), as: UTF8.self)
                let style: ScalarStyle
                switch data.style {
                case YAML_SINGLE_QUOTED_SCALAR_STYLE: style = .singleQuoted
                case YAML_DOUBLE_QUOTED_SCALAR_STYLE: style = .doubleQuoted
                case YAML_LITERAL_SCALAR_STYLE: style = .literal
                case YAML_FOLDED_SCALAR_STYLE: style = .folded
                default: style = .plain
                }
                let tag = data.tag.map { String(cString: $0) }
                let node = Node(.scalar(Scalar(value, style: style, tag: tag)), mark: start)
                try register(anchor: data.anchor, node: node, size: 1)
                completed = (node, 1)
            case YAML_ALIAS_EVENT:
                let name = String(cString: event.data.alias.anchor)
                guard let target = anchors[name] else {
                    throw Diagnostic.error("yaml.syntax", "unknown anchor '\(name)' referenced", at: start.location)
                }
                completed = target
            case YAML_MAPPING_START_EVENT:
                stack.append(.mapping(entries: [], pendingKey: nil, seen: [], anchor: event.data.mapping_start.anchor.map { String(cString: $0) }, mark: start, size: 1))
            case YAML_SEQUENCE_START_EVENT:
                stack.append(.sequence(items: [], anchor: event.data.sequence_start.anchor.map { String(cString: $0) }, mark: start, size: 1))
            case YAML_MAPPING_END_EVENT:
                guard case .mapping(let entries, _, _, let anchor, let m, let size) = stack.removeLast() else { break }
                let node = Node(.mapping(entries), mark: m)
                try register(anchor: anchor, node: node, size: size)
                completed = (node, size)
            case YAML_SEQUENCE_END_EVENT:
                guard case .sequence(let items, let anchor, let m, let size) = stack.removeLast() else { break }
                let node = Node(.sequence(items), mark: m)
                try register(anchor: anchor, node: node, size: size)
                completed = (node, size)
            default:
                break
            }
            guard let (node, size) = completed else { continue }
            if event.type == YAML_ALIAS_EVENT {
                expandedSize += size
                if expandedSize > YAMLParser.maximumExpandedNodes {
                    throw Diagnostic.error(
                        "yaml.alias-bomb",
                        "aliases expand this document beyond \(YAMLParser.maximumExpandedNodes) nodes; refusing to expand it",
                        at: start.location)
                }
            }
            try attach(node, size: size, to: &stack, root: &root)
        }
    }

    private mutating func register(anchor: UnsafeMutablePointer<yaml_char_t>?, node: Node, size: Int) throws(Diagnostic) {
        guard let anchor else { return }
        anchors[String(cString: anchor)] = (node, size)
    }

    private mutating func register(anchor: String?, node: Node, size: Int) throws(Diagnostic) {
        guard let anchor else { return }
        anchors[anchor] = (node, size)
    }

    private func attach(_ node: Node, size: Int, to stack: inout [Frame], root: inout Node?) throws(Diagnostic) {
        guard let top = stack.popLast() else {
            root = node
            return
        }
        switch top {
        case .mapping(var entries, let pendingKey, var seen, let anchor, let m, let total):
            if let key = pendingKey {
                entries.append(MappingEntry(key: key, value: node))
                stack.append(.mapping(entries: entries, pendingKey: nil, seen: seen, anchor: anchor, mark: m, size: total + size))
            } else {
                let name = node.scalar?.value ?? ""
                if node.isScalar, !seen.insert(name).inserted {
                    throw Diagnostic.error("yaml.duplicate-key", "mapping key \"\(name)\" already defined", at: node.mark.location)
                }
                stack.append(.mapping(entries: entries, pendingKey: node, seen: seen, anchor: anchor, mark: m, size: total + size))
            }
        case .sequence(var items, let anchor, let m, let total):
            items.append(node)
            stack.append(.sequence(items: items, anchor: anchor, mark: m, size: total + size))
        }
    }

    private func syntaxError(_ parser: yaml_parser_t) -> Diagnostic {
        let problem = parser.problem.map { String(cString: $0) } ?? "invalid YAML"
        let problemMark = parser.problem_mark
        var message = problem
        if let context = parser.context.map({ String(cString: $0) }) {
            message = "\(context): \(problem)"
        }
        if problem.contains("cannot start any token"), problemMark.index < text.utf8.count,
           Array(text.utf8)[Int(problemMark.index)] == UInt8(ascii: "\t") {
            message = "tab character where indentation is expected (YAML indents with spaces only)"
        }
        return Diagnostic.error("yaml.syntax", message, at: mark(problemMark).location)
    }
}
