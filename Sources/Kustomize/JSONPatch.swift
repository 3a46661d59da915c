import Diagnostics
import YAML

/// One operation of an RFC 6902 JSON patch, as written in the patch document.
public struct JSONPatchOperation: Sendable {
    public enum Kind: String, Sendable {
        case add, remove, replace, move, copy, test
    }

    /// The `op` as written; `unknown` when it is missing, the word kustomize prints then.
    public var op: String
    /// The `path` pointer; nil when missing or null.
    public var path: String?
    /// The `from` pointer of `move` and `copy`; nil when missing or null.
    public var from: String?
    /// The `value`; nil when missing (`add` and `replace` then write a null, as kustomize does).
    public var value: Node?
    /// Where the operation is written, for messages.
    public var mark: Mark

    public init(op: String, path: String? = nil, from: String? = nil, value: Node? = nil, mark: Mark = .none) {
        self.op = op
        self.path = path
        self.from = from
        self.value = value
        self.mark = mark
    }

    public var kind: Kind? { Kind(rawValue: op) }
}

/// RFC 6902 JSON patch on node trees, with the behavior of the library kustomize v5.5.0
/// applies patches with (evanphx/json-patch v4), quirks included, because existing trees
/// depend on them:
///
/// - `replace` of a missing object key adds it, and `test` of a missing key passes when the
///   expected value is null;
/// - `copy` from a missing object key writes a null;
/// - array indices may be negative (`-1` is the last element; for `add`, `-1` appends);
/// - a pointer's first segment is not checked to be empty, so `spec/x` means `/x`.
///
/// Errors carry the library's message text (which names the path) at the operation's line.
public enum JSONPatch {
    static let code = "kustomize.json-patch"

    /// Parses a patch document (YAML or JSON text already parsed as a Node: a sequence of
    /// `{op, path, value, from}`).
    ///
    /// kustomize converts a YAML patch to JSON with go-yaml v2, which reads `yes`, `no`, `on`,
    /// `off`, `y` and `n` as booleans; patch values are normalized the same way. Unknown ops
    /// and missing paths are reported when the patch is applied, as kustomize does, so that
    /// a patch whose target matches nothing never fails.
    public static func operations(from node: Node) throws(Diagnostic) -> [JSONPatchOperation] {
        guard let items = node.items else {
            throw Diagnostic.error(code, "a JSON patch must be a list of operations, found a \(node.kindName)", at: node.mark.location)
        }
        var operations: [JSONPatchOperation] = []
        for item in items {
            guard item.isMapping else {
                throw Diagnostic.error(code, "a JSON patch operation must be a mapping, found a \(item.kindName)", at: item.mark.location)
            }
            operations.append(JSONPatchOperation(
                op: try stringField("op", of: item) ?? "unknown",
                path: try stringField("path", of: item),
                from: try stringField("from", of: item),
                value: item["value"].map(yaml11Booleans),
                mark: item.mark))
        }
        return operations
    }

    /// Applies operations in order; an error names the operation's file:line:column.
    public static func apply(_ operations: [JSONPatchOperation], to target: Node) throws(Diagnostic) -> Node {
        var document = target
        for operation in operations {
            try apply(operation, to: &document)
        }
        return document
    }

    // MARK: Parsing

    /// A string field of an operation; null counts as missing, as in Go's JSON decoding.
    private static func stringField(_ name: String, of item: Node) throws(Diagnostic) -> String? {
        guard let value = item[name], !value.isNull else { return nil }
        guard let text = yaml11String(value) else {
            throw Diagnostic.error(code, "'\(name)' of a JSON patch operation must be a string, found \(describeType(value))", at: value.mark.location)
        }
        return text
    }

    /// The text of a node go-yaml v2 reads as a string (not `yes`, `1` or a mapping).
    static func yaml11String(_ node: Node) -> String? {
        guard let scalar = node.scalar, scalar.type == .string else { return nil }
        if scalar.style == .plain, scalar.tag == nil, v2Booleans[scalar.value] != nil { return nil }
        return scalar.value
    }

    /// "a bool", "an int", "a mapping": for type errors.
    static func describeType(_ node: Node) -> String {
        guard let scalar = node.scalar else { return "a \(node.kindName)" }
        if scalar.style == .plain, scalar.tag == nil, v2Booleans[scalar.value] != nil { return "a bool" }
        switch scalar.type {
        case .int: return "an int"
        case .float: return "a float"
        case .bool: return "a bool"
        case .null: return "null"
        case .string, .binary: return "a string"
        }
    }

    /// go-yaml v2's booleans that YAML 1.2 reads as strings.
    static let v2Booleans: [String: Bool] = [
        "y": true, "Y": true, "yes": true, "Yes": true, "YES": true, "on": true, "On": true, "ON": true,
        "n": false, "N": false, "no": false, "No": false, "NO": false, "off": false, "Off": false, "OFF": false,
    ]

    /// The value as kustomize's YAML-to-JSON conversion (go-yaml v2) reads it: plain `yes`,
    /// `no`, `on`, `off`, `y` and `n` become booleans, and keys that are booleans or integers
    /// become their JSON text (`on:` is `"true"`, `0x10:` is `"16"`; the last of equal keys wins).
    static func yaml11Booleans(_ node: Node) -> Node {
        var node = node
        switch node.content {
        case .scalar(let scalar):
            if scalar.style == .plain, scalar.tag == nil, let value = v2Booleans[scalar.value] {
                node.content = .scalar(Scalar(value ? "true" : "false"))
            }
        case .mapping(let entries):
            var converted: [MappingEntry] = []
            for var entry in entries {
                let key = yaml11Booleans(entry.key)
                if let scalar = key.scalar, let type = key.type, type == .bool || type == .int {
                    entry.key = .scalar(ScalarType.canonical(scalar.value, as: type), style: .doubleQuoted, mark: entry.key.mark)
                }
                entry.value = yaml11Booleans(entry.value)
                if let index = converted.firstIndex(where: { $0.name == entry.name }) {
                    converted[index] = entry
                } else {
                    converted.append(entry)
                }
            }
            node.content = .mapping(converted)
        case .sequence(let items):
            node.content = .sequence(items.map(yaml11Booleans))
        }
        return node
    }

    // MARK: Operations

    private static func apply(_ operation: JSONPatchOperation, to document: inout Node) throws(Diagnostic) {
        func fail(_ message: String) -> Diagnostic {
            Diagnostic.error(code, message, at: operation.mark.location)
        }
        guard let kind = operation.kind else {
            throw fail("Unexpected kind: \(operation.op)")
        }
        func requirePath() throws(Diagnostic) -> String {
            guard let path = operation.path else {
                // The library words this differently per operation.
                throw fail([.add, .remove, .copy].contains(kind)
                    ? "\(kind.rawValue) operation failed to decode path: missing value"
                    : "\(kind.rawValue) operation failed to decode path: operation missing path field: missing value")
            }
            return path
        }
        func requireFrom() throws(Diagnostic) -> String {
            guard let from = operation.from else {
                throw fail("\(kind.rawValue) operation failed to decode from: operation, missing from field: missing value")
            }
            return from
        }
        let value = operation.value ?? .null

        switch kind {
        case .add:
            let path = try requirePath()
            try onContainer(&document, path, missing: fail("add operation does not apply: doc is missing path: \"\(path)\": missing value")) { container, key throws(Diagnostic) in
                if let problem = add(value, at: key, in: &container) {
                    throw fail("error in add for path: '\(path)': \(problem)")
                }
            }

        case .remove:
            let path = try requirePath()
            try onContainer(&document, path, missing: fail("remove operation does not apply: doc is missing path: \"\(path)\": missing value")) { container, key throws(Diagnostic) in
                if case .failure(let problem) = remove(key, from: &container) {
                    throw fail("error in remove for path: '\(path)': \(problem)")
                }
            }

        case .replace:
            let path = try requirePath()
            if path.isEmpty {
                // The library returns a nil error for a scalar value here, leaving the document as is.
                guard let replacement = operation.value, !replacement.isScalar else { return }
                guard replacement.isMapping else {
                    throw fail("replace operation cannot turn the object into a \(replacement.kindName)")
                }
                document = replacement
                return
            }
            try onContainer(&document, path, missing: fail("replace operation does not apply: doc is missing path: \(path): missing value")) { container, key throws(Diagnostic) in
                if case .failure = get(key, in: container) {
                    throw fail("replace operation does not apply: doc is missing key: \(path): missing value")
                }
                set(value, at: key, in: &container)
            }

        case .move:
            let from = try requireFrom()
            var moved: Node?
            try onContainer(&document, from, missing: fail("move operation does not apply: doc is missing from path: \(from): missing value")) { container, key throws(Diagnostic) in
                switch get(key, in: container) {
                case .failure(let problem):
                    throw fail("error in move for path: '\(key)': \(problem)")
                case .success(let found):
                    moved = found
                }
                if case .failure(let problem) = remove(key, from: &container) {
                    throw fail("error in move for path: '\(key)': \(problem)")
                }
            }
            let path = try requirePath()
            try onContainer(&document, path, missing: fail("move operation does not apply: doc is missing destination path: \(path): missing value")) { container, key throws(Diagnostic) in
                if let problem = add(moved ?? .null, at: key, in: &container) {
                    throw fail("error in move for path: '\(path)': \(problem)")
                }
            }

        case .copy:
            let from = try requireFrom()
            var copied: Node?
            try onContainer(&document, from, missing: fail("copy operation does not apply: doc is missing from path: \(from): missing value")) { container, key throws(Diagnostic) in
                switch get(key, in: container) {
                case .failure(let problem):
                    throw fail("error in copy for from: '\(from)': \(problem)")
                case .success(let found):
                    copied = found
                }
            }
            let path = try requirePath()
            try onContainer(&document, path, missing: fail("copy operation does not apply: doc is missing destination path: \(path): missing value")) { container, key throws(Diagnostic) in
                if let problem = add(copied ?? .null, at: key, in: &container) {
                    throw fail("error while adding value during copy: \(problem)")
                }
            }

        case .test:
            let path = try requirePath()
            if path.isEmpty {
                guard let expected = operation.value, jsonEqual(document, expected) else {
                    throw fail("testing value \(path) failed: test failed")
                }
                return
            }
            try onContainer(&document, path, missing: fail("test operation does not apply: is missing path: \(path): missing value")) { container, key throws(Diagnostic) in
                switch get(key, in: container) {
                case .failure(let problem):
                    throw fail("error in test for path: '\(path)': \(problem)")
                case .success(let actual):
                    let passes: Bool
                    if let actual, let expected = operation.value {
                        passes = !expected.isNull && jsonEqual(actual, expected)
                    } else {
                        passes = actual == nil && operation.value?.isNull == true
                    }
                    if !passes {
                        throw fail("testing value \(path) failed: test failed")
                    }
                }
            }
        }
    }

    // MARK: Pointers

    /// Finds the object or array that holds the pointer's last segment and runs `body` on
    /// it with that segment. Like the library, the segment before the first `/` is skipped
    /// unchecked, and a path through a missing key, a bad index, a null or a scalar throws
    /// `missing`.
    private static func onContainer(
        _ document: inout Node, _ path: String, missing: Diagnostic,
        _ body: (inout Node, String) throws(Diagnostic) -> Void
    ) throws(Diagnostic) {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).map { unescape(String($0)) }
        guard segments.count >= 2 else { throw missing }
        let found = try descend(&document, segments.dropFirst().dropLast()) { container throws(Diagnostic) in
            try body(&container, segments.last!)
        }
        if !found { throw missing }
    }

    /// Runs `body` on the container at `parents`; false when there is none.
    private static func descend(
        _ node: inout Node, _ parents: ArraySlice<String>, _ body: (inout Node) throws(Diagnostic) -> Void
    ) throws(Diagnostic) -> Bool {
        guard let part = parents.first else {
            try body(&node)
            return true
        }
        let rest = parents.dropFirst()
        switch node.content {
        case .mapping(var entries):
            guard let index = entries.firstIndex(where: { $0.name == part }),
                  isContainer(entries[index].value) else { return false }
            let found = try descend(&entries[index].value, rest, body)
            node.content = .mapping(entries)
            return found
        case .sequence(var items):
            guard case .success(let index) = arrayIndex(part, count: items.count), isContainer(items[index]) else {
                return false
            }
            let found = try descend(&items[index], rest, body)
            node.content = .sequence(items)
            return found
        case .scalar:
            return false
        }
    }

    private static func isContainer(_ node: Node) -> Bool {
        node.isMapping || node.isSequence
    }

    /// RFC 6901: `~1` is `/` and `~0` is `~`, read left to right.
    static func unescape(_ segment: String) -> String {
        guard segment.contains("~") else { return segment }
        var result = ""
        var iterator = segment.makeIterator()
        while let character = iterator.next() {
            guard character == "~" else {
                result.append(character)
                continue
            }
            switch iterator.next() {
            case "0": result.append("~")
            case "1": result.append("/")
            case let other?: result.append("~"); result.append(other)
            case nil: result.append("~")
            }
        }
        return result
    }

    // MARK: Containers

    /// The value at `key`; a missing object key or a null gives nil, a bad array index fails.
    private static func get(_ key: String, in container: Node) -> Result<Node?, Problem> {
        switch container.content {
        case .mapping(let entries):
            guard let value = entries.first(where: { $0.name == key })?.value, !value.isNull else { return .success(nil) }
            return .success(value)
        case .sequence(let items):
            return arrayIndex(key, count: items.count).map { items[$0].isNull ? nil : items[$0] }
        case .scalar:
            return .success(nil)
        }
    }

    /// Writes `value` at an existing array index or any object key.
    private static func set(_ value: Node, at key: String, in container: inout Node) {
        switch container.content {
        case .mapping:
            container[key] = value
        case .sequence(var items):
            guard case .success(let index) = arrayIndex(key, count: items.count) else { return }
            items[index] = value
            container.content = .sequence(items)
        case .scalar:
            break
        }
    }

    /// Adds to an object, or inserts into an array (`-` or `count` appends, negative counts
    /// from the end); the problem text when the index is bad.
    private static func add(_ value: Node, at key: String, in container: inout Node) -> Problem? {
        switch container.content {
        case .mapping:
            container[key] = value
        case .sequence(var items):
            var index: Int
            if key == "-" {
                index = items.count
            } else {
                switch atoi(key) {
                case .failure(let problem):
                    return Problem("value was not a proper array index: '\(key)': \(problem)")
                case .success(let parsed):
                    index = parsed
                }
                let size = items.count + 1
                if index >= size || index < -size { return .invalidIndex(index) }
                if index < 0 { index += size }
            }
            items.insert(value, at: index)
            container.content = .sequence(items)
        case .scalar:
            break
        }
        return nil
    }

    private static func remove(_ key: String, from container: inout Node) -> Result<Void, Problem> {
        switch container.content {
        case .mapping(var entries):
            guard let index = entries.firstIndex(where: { $0.name == key }) else {
                return .failure(Problem("Unable to remove nonexistent key: \(key): missing value"))
            }
            entries.remove(at: index)
            container.content = .mapping(entries)
        case .sequence(var items):
            switch arrayIndex(key, count: items.count) {
            case .failure(let problem): return .failure(problem)
            case .success(let index): items.remove(at: index)
            }
            container.content = .sequence(items)
        case .scalar:
            break
        }
        return .success(())
    }

    /// An index of an existing element: negative ones count from the end.
    private static func arrayIndex(_ key: String, count: Int) -> Result<Int, Problem> {
        atoi(key).flatMap { index in
            if index >= count || index < -count { return .failure(.invalidIndex(index)) }
            return .success(index < 0 ? index + count : index)
        }
    }

    /// Go's `strconv.Atoi`, with its error text.
    private static func atoi(_ text: String) -> Result<Int, Problem> {
        if let value = Int(text) { return .success(value) }
        let digits = text.first == "+" || text.first == "-" ? text.dropFirst() : Substring(text)
        let reason = !digits.isEmpty && digits.allSatisfy(\.isASCII) && digits.allSatisfy(\.isNumber) ? "value out of range" : "invalid syntax"
        return .failure(Problem("strconv.Atoi: parsing \"\(text)\": \(reason)"))
    }

    /// The message of a failed container access.
    private struct Problem: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }

        static func invalidIndex(_ index: Int) -> Problem {
            Problem("Unable to access invalid index: \(index): invalid index referenced")
        }
    }

    // MARK: Equality

    /// Equality of the JSON forms, as `test` compares: numbers by value (an int equals the
    /// same float, as both encode alike), strings by text, objects regardless of key order.
    static func jsonEqual(_ a: Node, _ b: Node) -> Bool {
        switch (a.content, b.content) {
        case (.mapping(let left), .mapping(let right)):
            guard left.count == right.count else { return false }
            return left.allSatisfy { entry in
                right.first(where: { $0.name == entry.name }).map { jsonEqual(entry.value, $0.value) } ?? false
            }
        case (.sequence(let left), .sequence(let right)):
            return left.count == right.count && zip(left, right).allSatisfy { jsonEqual($0, $1) }
        case (.scalar(let left), .scalar(let right)):
            let leftType = left.type, rightType = right.type
            let numeric: Set<ScalarType> = [.int, .float]
            if numeric.contains(leftType), numeric.contains(rightType) {
                return number(left) == number(right)
            }
            return a == b
        default:
            return false
        }
    }

    private static func number(_ scalar: Scalar) -> Double? {
        if let integer = ScalarType.parseGoInteger(scalar.value.replacing("_", with: "")) {
            return Double(integer)
        }
        return ScalarType.parseFloat(scalar.value)
    }
}
