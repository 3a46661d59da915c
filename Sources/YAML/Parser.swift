import CYAML
import Diagnostics

/// Parses YAML text into node trees through libyaml's event API.
///
/// Input is untrusted, so every way it could exhaust the stack, memory or time of a later
/// stage is a named limit with its own error at the position where it is exceeded. Aliases
/// are expanded into copies of their anchored node (value semantics make a copy cheap, but
/// every later stage pays for the expanded size). Duplicate mapping keys are an error, as in
/// go-yaml v3; merge keys (`<<: *base`) are merged as kustomize v5.5.0 does.
public enum YAMLParser {
    /// The deepest nesting of collections (mappings and sequences) a document may have, aliases
    /// expanded: checked as the input is read, so that no later stage that recurses once per
    /// level (merge, patches, placeholders) can be driven past its stack. The deepest real
    /// objects nest about 35 levels (the ApplicationSet CRD). This module's own walks (emitter,
    /// equality) use no recursion; parsing, emitting and comparing at this depth is tested on
    /// a 512 KiB thread.
    public static let maximumNestingDepth = 512

    /// Aliases may add at most this many times the input's size to the stream: in bytes of
    /// scalar text, and in nodes (counted against the input's bytes), so that a small file
    /// cannot expand into gigabytes for later stages.
    public static let aliasExpansionFactor = 10
    /// The expansion always allowed in bytes of scalar text, however small the input.
    public static let minimumAliasExpansionBytes = 1 << 20
    /// The expansion always allowed in nodes, however small the input.
    public static let minimumAliasExpansionNodes = 100_000

    /// The most documents one stream may hold.
    public static let maximumDocuments = 100_000

    /// The largest scalar, in bytes of UTF-8: far above Kubernetes' 1.5 MiB object limit.
    public static let maximumScalarBytes = 8 << 20

    /// Parses every document of a stream. An empty document (only comments, or `---`
    /// alone) is returned as a null scalar.
    ///
    /// `asKustomize` reads as kustomize does where it departs from YAML: a quoted `"<<"` key
    /// is dropped with its value.
    public static func parseStream(_ text: String, file: String, asKustomize: Bool = false) throws(Diagnostic) -> [Node] {
        var reader = EventReader(bytes: InputText.withoutByteOrderMarks(Array(text.utf8)), file: file)
        reader.asKustomize = asKustomize
        return try reader.readStream()
    }

    /// Parses every document of a stream as go-yaml v2 decodes into a map (kustomize reads
    /// kustomization files so): a duplicate mapping key replaces the earlier value in place.
    /// Returns the documents and the duplicate keys' nodes, for warnings.
    public static func parseStreamKeepingLastDuplicates(_ text: String, file: String) throws(Diagnostic) -> (documents: [Node], duplicateKeys: [Node]) {
        var reader = EventReader(bytes: InputText.withoutByteOrderMarks(Array(text.utf8)), file: file)
        reader.keepsLastDuplicate = true
        let documents = try reader.readStream()
        return (documents, reader.duplicateKeys)
    }

    /// Parses a stream that must hold exactly one document (an empty stream gives a null).
    public static func parseDocument(_ text: String, file: String, asKustomize: Bool = false) throws(Diagnostic) -> Node {
        let documents = try parseStream(text, file: file, asKustomize: asKustomize)
        guard documents.count <= 1 else {
            throw Diagnostic.error(
                "yaml.multiple-documents", "expected one YAML document, found \(documents.count)",
                at: documents[1].mark.location ?? SourceLocation(file: file, line: 0, column: 0))
        }
        return documents.first ?? .null
    }

    /// The bytes of a file as text; invalid UTF-8 is an error at its line and column (never
    /// replaced with U+FFFD).
    public static func text(utf8 bytes: [UInt8], file: String) throws(Diagnostic) -> String {
        try InputText.decode(bytes, file: file)
    }
}

/// How much of the stream aliases have added: nodes, and bytes of scalar text.
private struct Expansion {
    var nodes = 0
    var bytes = 0

    static func += (lhs: inout Expansion, rhs: Expansion) {
        lhs.nodes += rhs.nodes
        lhs.bytes += rhs.bytes
    }
}

/// A parsed node with what the limits need to know about it.
private struct Built {
    var node: Node
    /// Nodes and scalar bytes in the node, aliases expanded.
    var size: Expansion
    /// Levels of collections in the node: 0 for a scalar.
    var height: Int
}

/// One open collection while its children are read. It is mutated in place at the top of
/// the stack, so that appending a child does not copy the children before it.
private struct Frame {
    let isMapping: Bool
    let anchor: String?
    let mark: Mark
    var items: [Node] = []
    var entries: [MappingEntry] = []
    var pendingKey: Node?
    /// Whether `pendingKey` repeats an earlier key (when duplicates are kept, last wins).
    var pendingKeyRepeats = false
    /// Keys of the mapping so far, for duplicate detection.
    var seen = KeyNames()
    /// The mapping's `<<` key and its value, merged when the mapping ends.
    var merge: (key: Node, value: Node)?
    var size = Expansion(nodes: 1, bytes: 0)
    var height = 1
}

/// The distinct key names of one mapping as it is read. Most mappings have a handful of keys,
/// which are compared in a list, cheaper than hashing each one; a mapping with many keys
/// switches to a set, so that a hostile one stays linear.
struct KeyNames {
    private var list: [String] = []
    private var set: Set<String>?
    static let listLimit = 16

    /// Adds `name`; false when the mapping already has it.
    mutating func insert(_ name: String) -> Bool {
        if set != nil { return set!.insert(name).inserted }
        if list.contains(name) { return false }
        if list.count == KeyNames.listLimit {
            set = Set(list + [name])
            list = []
        } else {
            list.append(name)
        }
        return true
    }
}

private struct EventReader {
    let bytes: [UInt8]
    let file: String
    /// The file's number in `FileNames`, looked up once for all the marks of the parse.
    let fileNumber: UInt32
    var anchors: [String: Built] = [:]
    /// Whether a duplicate mapping key replaces the earlier value instead of failing.
    var keepsLastDuplicate = false
    /// The duplicate keys met, when they are kept.
    var duplicateKeys: [Node] = []
    /// Whether to read as kustomize does where it departs from YAML (see `parseStream`).
    var asKustomize = false
    /// What aliases have added to the whole stream so far, and what they may add.
    var expanded = Expansion()
    let allowed: Expansion

    init(bytes: [UInt8], file: String) {
        self.bytes = bytes
        self.file = file
        fileNumber = FileNames.number(of: file)
        let relative = bytes.count.multipliedReportingOverflow(by: YAMLParser.aliasExpansionFactor)
        let scaled = relative.overflow ? Int.max : relative.partialValue
        allowed = Expansion(
            nodes: max(YAMLParser.minimumAliasExpansionNodes, scaled),
            bytes: max(YAMLParser.minimumAliasExpansionBytes, scaled))
    }

    func mark(_ m: yaml_mark_t) -> Mark {
        Mark(fileNumber: fileNumber, line: Int(m.line) + 1, column: Int(m.column) + 1)
    }

    mutating func readStream() throws(Diagnostic) -> [Node] {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            throw Diagnostic.error("yaml.internal", "cannot initialize the YAML parser", at: SourceLocation(file: file, line: 0, column: 0))
        }
        defer { yaml_parser_delete(&parser) }
        return try bytes.withUnsafeBufferPointer { buffer throws(Diagnostic) -> [Node] in
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
            var completed: Built?
            switch event.type {
            case YAML_STREAM_END_EVENT:
                return documents
            case YAML_DOCUMENT_START_EVENT:
                guard documents.count < YAMLParser.maximumDocuments else {
                    throw Diagnostic.error(
                        "yaml.too-many-documents",
                        "more than \(YAMLParser.maximumDocuments) documents in one stream, the limit of YAMLParser.maximumDocuments",
                        at: start.location)
                }
                anchors = [:]
                root = nil
            case YAML_DOCUMENT_END_EVENT:
                documents.append(root ?? Node(.scalar(Scalar("")), mark: start))
            case YAML_SCALAR_EVENT:
                let data = event.data.scalar
                guard data.length <= YAMLParser.maximumScalarBytes else {
                    throw Diagnostic.error(
                        "yaml.scalar-too-large",
                        "a scalar of \(data.length) bytes, more than the limit of \(YAMLParser.maximumScalarBytes) (YAMLParser.maximumScalarBytes)",
                        at: start.location)
                }
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
                let built = Built(node: Node(.scalar(Scalar(value, style: style, tag: tag)), mark: start),
                                  size: Expansion(nodes: 1, bytes: data.length), height: 0)
                register(data.anchor.map { String(cString: $0) }, built)
                completed = built
            case YAML_ALIAS_EVENT:
                let name = String(cString: event.data.alias.anchor)
                guard let target = anchors[name] else {
                    throw Diagnostic.error("yaml.syntax", "unknown anchor '\(name)' referenced", at: start.location)
                }
                try checkDepth(stack.count + target.height, at: start)
                try expand(by: target.size, at: start)
                completed = target
            case YAML_MAPPING_START_EVENT, YAML_SEQUENCE_START_EVENT:
                try checkDepth(stack.count + 1, at: start)
                let isMapping = event.type == YAML_MAPPING_START_EVENT
                let anchor = isMapping ? event.data.mapping_start.anchor : event.data.sequence_start.anchor
                stack.append(Frame(isMapping: isMapping, anchor: anchor.map { String(cString: $0) }, mark: start))
            case YAML_MAPPING_END_EVENT, YAML_SEQUENCE_END_EVENT:
                let frame = stack.removeLast()
                var content = Node.Content.sequence(frame.items)
                if frame.isMapping {
                    content = .mapping(try MergeKey.merged(frame.entries, explicit: frame.seen, with: frame.merge))
                }
                let built = Built(node: Node(content, mark: frame.mark), size: frame.size, height: frame.height)
                register(frame.anchor, built)
                completed = built
            default:
                break
            }
            guard let completed else { continue }
            if stack.isEmpty {
                root = completed.node
            } else {
                try attach(completed, to: &stack[stack.count - 1])
            }
        }
    }

    private mutating func register(_ anchor: String?, _ built: Built) {
        guard let anchor else { return }
        anchors[anchor] = built
    }

    private func checkDepth(_ depth: Int, at start: Mark) throws(Diagnostic) {
        guard depth <= YAMLParser.maximumNestingDepth else {
            throw Diagnostic.error(
                "yaml.nesting-depth",
                "collections nest deeper than \(YAMLParser.maximumNestingDepth) levels, the limit of YAMLParser.maximumNestingDepth",
                at: start.location)
        }
    }

    private mutating func expand(by size: Expansion, at start: Mark) throws(Diagnostic) {
        expanded += size
        let factor = YAMLParser.aliasExpansionFactor
        if expanded.bytes > allowed.bytes {
            throw Diagnostic.error(
                "yaml.alias-bomb",
                "aliases expand this input beyond \(allowed.bytes) bytes of scalars (\(factor) times its size, at least \(YAMLParser.minimumAliasExpansionBytes): YAMLParser.aliasExpansionFactor)",
                at: start.location)
        }
        if expanded.nodes > allowed.nodes {
            throw Diagnostic.error(
                "yaml.alias-bomb",
                "aliases expand this input beyond \(allowed.nodes) nodes (\(factor) times its size in bytes, at least \(YAMLParser.minimumAliasExpansionNodes): YAMLParser.aliasExpansionFactor)",
                at: start.location)
        }
    }

    private mutating func attach(_ child: Built, to frame: inout Frame) throws(Diagnostic) {
        frame.size += child.size
        frame.height = max(frame.height, child.height + 1)
        guard frame.isMapping else {
            frame.items.append(child.node)
            return
        }
        guard let key = frame.pendingKey else {
            let node = child.node
            // Kubernetes objects are JSON: a key is a string. kustomize refuses a mapping or
            // list as a key ("invalid map key"); keeping it would need a name it has not got.
            guard let name = node.scalar?.value else {
                throw Diagnostic.error("yaml.complex-key", "a mapping key must be a scalar, not a \(node.kindName)", at: node.mark.location)
            }
            if !frame.seen.insert(name) {
                guard keepsLastDuplicate else {
                    throw Diagnostic.error("yaml.duplicate-key", "mapping key \"\(name)\" already defined", at: node.mark.location)
                }
                duplicateKeys.append(node)
                frame.pendingKeyRepeats = true
            }
            frame.pendingKey = node
            return
        }
        frame.pendingKey = nil
        if frame.pendingKeyRepeats {
            frame.pendingKeyRepeats = false
            let name = key.scalar?.value
            if let index = frame.entries.firstIndex(where: { $0.key.scalar?.value == name }) {
                frame.entries[index].value = child.node
                return
            }
        }
        if MergeKey.isMergeKey(key) {
            frame.merge = (key, child.node)
        } else if asKustomize, key.scalar?.value == "<<" {
            // kustomize drops a quoted `"<<"` key, and its value, without a word.
        } else {
            frame.entries.append(MappingEntry(key: key, value: child.node))
        }
    }

    private func syntaxError(_ parser: yaml_parser_t) -> Diagnostic {
        let problem = parser.problem.map { String(cString: $0) } ?? "invalid YAML"
        if parser.error == YAML_READER_ERROR {
            // The reader reports a byte offset, not a mark; invalid UTF-8 never gets here
            // (`InputText.decode` refuses it first), so this is a character YAML forbids.
            let location = InputText.location(ofByte: parser.problem_offset, in: bytes, file: file)
            let value = UInt32(truncatingIfNeeded: parser.problem_value)
            if problem.hasPrefix("control characters") {
                let hex = String(value, radix: 16, uppercase: true)
                return Diagnostic.error("yaml.encoding", "control character U+\(String(repeating: "0", count: max(0, 4 - hex.count)) + hex) is not allowed in YAML", at: location)
            }
            return Diagnostic.error("yaml.encoding", problem, at: location)
        }
        let problemMark = parser.problem_mark
        var message = problem
        if let context = parser.context.map({ String(cString: $0) }) {
            message = "\(context): \(problem)"
        }
        if problem.contains("cannot start any token"), InputText.byte(atLine: Int(problemMark.line), column: Int(problemMark.column), in: bytes) == UInt8(ascii: "\t") {
            message = "tab character where indentation is expected (YAML indents with spaces only)"
        }
        return Diagnostic.error("yaml.syntax", message, at: mark(problemMark).location)
    }
}
