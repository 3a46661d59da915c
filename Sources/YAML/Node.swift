import Diagnostics
import Synchronization

/// Where a node started in its source: a file plus a 1-based line and column.
/// Nodes built in code (not parsed) carry `Mark.none`.
public struct Mark: Hashable, Sendable {
    /// The file as its number in `FileNames`: every node carries a mark and is copied often,
    /// and a number is copied without the reference counting a `String` costs. Line and
    /// column are kept in 32 bits too: a mark is then 12 bytes instead of 24, and a rendered
    /// fleet holds millions of them.
    private var fileNumber: UInt32
    private var storedLine: UInt32
    private var storedColumn: UInt32

    public var line: Int {
        get { Int(storedLine) }
        set { storedLine = UInt32(clamping: newValue) }
    }

    public var column: Int {
        get { Int(storedColumn) }
        set { storedColumn = UInt32(clamping: newValue) }
    }

    public init(file: String, line: Int, column: Int) {
        self.init(fileNumber: FileNames.number(of: file), line: line, column: column)
    }

    init(fileNumber: UInt32, line: Int, column: Int) {
        self.fileNumber = fileNumber
        storedLine = UInt32(clamping: line)
        storedColumn = UInt32(clamping: column)
    }

    public var file: String {
        get { FileNames.name(of: fileNumber) }
        set { fileNumber = FileNames.number(of: newValue) }
    }

    public static let none = Mark(file: "", line: 0, column: 0)

    public var location: SourceLocation? {
        fileNumber == 0 ? nil : SourceLocation(file: file, line: line, column: column)
    }
}

/// The names of the files marks point into, numbered in the order they are first seen
/// (numbers are never reused, and never leave the process; `""` is 0).
enum FileNames {
    private static let table = Mutex<(numbers: [String: UInt32], names: [String])>((["": 0], [""]))

    static func number(of name: String) -> UInt32 {
        if name.isEmpty { return 0 }
        return table.withLock { table in
            if let number = table.numbers[name] { return number }
            let number = UInt32(table.names.count)
            table.names.append(name)
            table.numbers[name] = number
            return number
        }
    }

    static func name(of number: UInt32) -> String {
        number == 0 ? "" : table.withLock { $0.names[Int(number)] }
    }
}

public enum ScalarStyle: Sendable, Hashable {
    case plain
    case singleQuoted
    case doubleQuoted
    case literal
    case folded
}

/// A scalar as written: its text, how it was quoted, and its explicit tag if any.
/// The value's type (string, int, ...) is derived from these (see `ScalarType`), once when
/// the scalar is made and again when one of them changes: every stage asks for it.
public struct Scalar: Sendable, Hashable {
    // The two strings come first and the one-byte fields last, so that none is padded.
    public var value: String {
        didSet { type = ScalarType.resolve(value, style: style, tag: tag) }
    }
    /// Explicit tag in its long form, e.g. `tag:yaml.org,2002:str`; nil when untagged.
    public var tag: String? {
        didSet { type = ScalarType.resolve(value, style: style, tag: tag) }
    }
    public var style: ScalarStyle {
        didSet { type = ScalarType.resolve(value, style: style, tag: tag) }
    }
    /// The type a YAML 1.2 (go-yaml v3) reader gives the scalar.
    public private(set) var type: ScalarType

    public init(_ value: String, style: ScalarStyle = .plain, tag: String? = nil) {
        self.value = value
        self.style = style
        self.tag = tag
        type = ScalarType.resolve(value, style: style, tag: tag)
    }

    public var isNull: Bool { type == .null }
}

public struct MappingEntry: Sendable {
    public var key: Node {
        didSet { name = MappingEntry.name(of: key) }
    }
    public var value: Node
    /// The key's text, kept beside the key because every lookup compares it; mapping keys
    /// in Kubernetes objects are always scalars.
    public private(set) var name: String

    public init(key: Node, value: Node) {
        self.key = key
        self.value = value
        self.name = MappingEntry.name(of: key)
    }

    private static func name(of key: Node) -> String {
        key.scalar?.value ?? ""
    }
}

/// A YAML node tree with value semantics and source marks.
///
/// Mappings keep their entries in source order; lookups are linear because Kubernetes
/// objects have small mappings and order matters for faithful round trips.
public struct Node: Sendable {
    public enum Content: Sendable {
        case scalar(Scalar)
        case mapping([MappingEntry])
        case sequence([Node])
    }

    public var content: Content
    public var mark: Mark

    public init(_ content: Content, mark: Mark = .none) {
        self.content = content
        self.mark = mark
    }

    // MARK: Construction

    public static func string(_ value: String, mark: Mark = .none) -> Node {
        Node(.scalar(Scalar(value)), mark: mark).quotedIfAmbiguous()
    }

    public static func scalar(_ value: String, style: ScalarStyle = .plain, tag: String? = nil, mark: Mark = .none) -> Node {
        Node(.scalar(Scalar(value, style: style, tag: tag)), mark: mark)
    }

    public static let null = Node(.scalar(Scalar("null")))

    public static func mapping(_ entries: [(String, Node)], mark: Mark = .none) -> Node {
        Node(.mapping(entries.map { MappingEntry(key: .scalar($0.0), value: $0.1) }), mark: mark)
    }

    public static func sequence(_ items: [Node], mark: Mark = .none) -> Node {
        Node(.sequence(items), mark: mark)
    }

    /// A string scalar whose plain form would read as another type (`"1"`, `"true"`, or a
    /// timestamp such as `"2024-01-01"`) is double-quoted, so that it stays a string.
    func quotedIfAmbiguous() -> Node {
        // An untagged plain scalar's type is its plain reading, worked out when it was made.
        guard case .scalar(var scalar) = content, scalar.style == .plain, scalar.tag == nil,
              scalar.type != .string || ScalarType.isTimestamp(scalar.value) else { return self }
        scalar.style = .doubleQuoted
        return Node(.scalar(scalar), mark: mark)
    }

    // MARK: Inspection

    public var scalar: Scalar? {
        if case .scalar(let s) = content { return s }
        return nil
    }

    public var entries: [MappingEntry]? {
        if case .mapping(let e) = content { return e }
        return nil
    }

    public var items: [Node]? {
        if case .sequence(let i) = content { return i }
        return nil
    }

    public var isMapping: Bool { entries != nil }
    public var isSequence: Bool { items != nil }
    public var isScalar: Bool { scalar != nil }

    /// The type a YAML 1.2 (go-yaml v3) reader gives this node.
    public var type: ScalarType? {
        scalar?.type
    }

    public var isNull: Bool { scalar?.isNull ?? false }

    /// The scalar text when this node is a scalar that is not null.
    public var text: String? {
        guard let scalar, !scalar.isNull else { return nil }
        return scalar.value
    }

    /// A short word for error messages: "mapping", "sequence", "scalar".
    public var kindName: String {
        switch content {
        case .scalar: return "scalar"
        case .mapping: return "mapping"
        case .sequence: return "sequence"
        }
    }

    // MARK: Mapping access

    public subscript(key: String) -> Node? {
        get {
            guard case .mapping(let entries) = content else { return nil }
            for index in entries.indices where entries[index].name == key {
                return entries[index].value
            }
            return nil
        }
        set {
            guard case .mapping(var entries) = content else { return }
            if let index = entries.firstIndex(where: { $0.name == key }) {
                if let newValue {
                    entries[index].value = newValue
                } else {
                    entries.remove(at: index)
                }
            } else if let newValue {
                entries.append(MappingEntry(key: .scalar(key), value: newValue))
            }
            content = .mapping(entries)
        }
    }

    /// The node at a path of mapping keys, e.g. `["metadata", "name"]`.
    public subscript(path path: [String]) -> Node? {
        value(at: path, from: 0)
    }

    /// Walks down in place: only the node found is copied, not each one on the way.
    private func value(at path: [String], from start: Int) -> Node? {
        guard start < path.count else { return self }
        guard case .mapping(let entries) = content else { return nil }
        for index in entries.indices where entries[index].name == path[start] {
            return entries[index].value.value(at: path, from: start + 1)
        }
        return nil
    }

    /// Sets the node at a path of mapping keys, creating intermediate mappings.
    public mutating func set(_ path: [String], to value: Node) {
        guard let first = path.first else {
            self = value
            return
        }
        if !isMapping { content = .mapping([]) }
        var child = self[first] ?? Node(.mapping([]))
        if path.count == 1 {
            child = value
        } else {
            child.set(Array(path.dropFirst()), to: value)
        }
        self[first] = child
    }

    public var keys: [String] {
        entries?.map(\.name) ?? []
    }

    /// The tree with every scalar `change` returns a new value for replaced, or nil when it
    /// changes none (then nothing is copied).
    public func rewritingScalars<Failure: Error>(_ change: (Scalar, Mark) throws(Failure) -> Scalar?) throws(Failure) -> Node? {
        switch content {
        case .scalar(let scalar):
            return try change(scalar, mark).map { Node(.scalar($0), mark: mark) }
        case .mapping(var entries):
            var changed = false
            for index in entries.indices {
                if let value = try entries[index].value.rewritingScalars(change) {
                    entries[index].value = value
                    changed = true
                }
            }
            return changed ? Node(.mapping(entries), mark: mark) : nil
        case .sequence(var items):
            var changed = false
            for index in items.indices {
                if let item = try items[index].rewritingScalars(change) {
                    items[index] = item
                    changed = true
                }
            }
            return changed ? Node(.sequence(items), mark: mark) : nil
        }
    }
}

extension Node: Equatable {
    /// Semantic equality: the same structure and the same typed scalar values; marks and
    /// quoting that does not change a value's type are ignored.
    ///
    /// Compares with a list of pairs still to compare instead of recursion, so that deep
    /// trees compare on small thread stacks.
    public static func == (lhs: Node, rhs: Node) -> Bool {
        var pending = [(lhs, rhs)]
        while let (left, right) = pending.popLast() {
            switch (left.content, right.content) {
            case (.scalar(let a), .scalar(let b)):
                guard sameValue(a, b) else { return false }
            case (.mapping(let a), .mapping(let b)):
                guard a.count == b.count else { return false }
                // Entries in the same order (the usual case) pair up in one pass; otherwise
                // an index of names keeps a large mapping linear.
                if a.indices.allSatisfy({ a[$0].name == b[$0].name }) {
                    pending.append(contentsOf: zip(a.lazy.map(\.value), b.lazy.map(\.value)))
                    continue
                }
                let index = Dictionary(b.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
                for entry in a {
                    guard let other = index[entry.name] else { return false }
                    pending.append((entry.value, b[other].value))
                }
            case (.sequence(let a), .sequence(let b)):
                guard a.count == b.count else { return false }
                pending.append(contentsOf: zip(a, b))
            default:
                return false
            }
        }
        return true
    }

    private static func sameValue(_ a: Scalar, _ b: Scalar) -> Bool {
        let typeA = a.type
        let typeB = b.type
        guard typeA == typeB else { return false }
        switch typeA {
        case .null: return true
        case .int, .float, .bool:
            return ScalarType.canonical(a.value, as: typeA) == ScalarType.canonical(b.value, as: typeB)
        case .string, .binary: return a.value == b.value
        }
    }
}
