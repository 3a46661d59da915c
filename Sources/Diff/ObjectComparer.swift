import YAML

/// Field-level comparison of two versions of one object.
struct ObjectComparer {
    /// Fields whose value names a list item, in the order they are tried. The first one
    /// that every item of both lists has, with values unique within each list, is used.
    static let mergeKeyFields = ["name", "containerPort", "port", "mountPath", "devicePath", "key", "ip", "topologyKey"]

    let ignore: [IgnorePattern]
    /// Fields left out entirely (the name of a renamed object, which its header shows).
    let skip: [[PathSegment]]
    let secret: Bool
    private(set) var changes: [FieldChange] = []

    init(ignore: [IgnorePattern], skip: [[PathSegment]] = [], secret: Bool) {
        self.ignore = ignore
        self.skip = skip
        self.secret = secret
    }

    static func changes(
        from old: Node, to new: Node, key: ObjectKey, ignore: [IgnorePattern], skip: [[PathSegment]] = []
    ) -> [FieldChange] {
        var comparer = ObjectComparer(ignore: ignore, skip: skip, secret: key.isSecret)
        if key.isSecret {
            comparer.compare(redacted(old), redacted(new), path: [])
        } else {
            comparer.compare(old, new, path: [])
        }
        return comparer.changes
    }

    /// A Secret with every `data`/`stringData` value replaced by its short hash, so that no
    /// later step can print a value.
    static func redacted(_ secret: Node) -> Node {
        var copy = secret
        for field in ["data", "stringData"] {
            guard let values = secret[field] else { continue }
            guard var entries = values.entries else {
                copy[field] = stand(in: values)
                continue
            }
            for index in entries.indices {
                entries[index].value = stand(in: entries[index].value)
            }
            copy[field] = Node(.mapping(entries), mark: values.mark)
        }
        return copy
    }

    private static func stand(in value: Node) -> Node {
        let text = value.scalar?.value ?? YAMLEmitter.emit(value)
        return .scalar(ValueHash.run.token(text), style: .doubleQuoted)
    }

    mutating func compare(_ old: Node?, _ new: Node?, path: [PathSegment]) {
        if skip.contains(path) { return }
        let match = ignore.match(path)
        if case .ignored = match { return }
        if let old, let new, old == new { return }
        // With a pattern that could hide something inside an added or removed collection,
        // compare it item by item against an empty one, so the pattern can apply.
        let lookInside: Bool
        if case .below = match { lookInside = true } else { lookInside = false }
        switch (old?.content, new?.content) {
        case (.mapping(let a)?, .mapping(let b)?):
            compareMappings(a, b, path: path)
        case (.sequence(let a)?, .sequence(let b)?):
            compareLists(a, b, path: path)
        case (.mapping(let a)?, nil) where lookInside:
            compareMappings(a, [], path: path)
        case (nil, .mapping(let b)?) where lookInside:
            compareMappings([], b, path: path)
        case (.sequence(let a)?, nil) where lookInside:
            compareLists(a, [], path: path)
        case (nil, .sequence(let b)?) where lookInside:
            compareLists([], b, path: path)
        default:
            record(old, new, path: path)
        }
    }

    private mutating func compareMappings(_ a: [MappingEntry], _ b: [MappingEntry], path: [PathSegment]) {
        let old = Dictionary(a.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
        let new = Dictionary(b.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
        for key in Set(old.keys).union(new.keys).sorted() {
            compare(old[key], new[key], path: path + [.key(key)])
        }
    }

    private mutating func compareLists(_ a: [Node], _ b: [Node], path: [PathSegment]) {
        guard let field = Self.mergeKey(a, b) else {
            for index in 0..<max(a.count, b.count) {
                compare(index < a.count ? a[index] : nil, index < b.count ? b[index] : nil, path: path + [.index(index)])
            }
            return
        }
        let oldKeys = a.map { $0[field]!.scalar!.value }
        let newKeys = b.map { $0[field]!.scalar!.value }
        let newByKey = Dictionary(uniqueKeysWithValues: zip(newKeys, b))
        let oldKeySet = Set(oldKeys)
        for (key, item) in zip(oldKeys, a) {
            compare(item, newByKey[key], path: path + [.item(field: field, value: key)])
        }
        for (key, item) in zip(newKeys, b) where !oldKeySet.contains(key) {
            compare(nil, item, path: path + [.item(field: field, value: key)])
        }
        let newKeySet = Set(newKeys)
        let oldOrder = oldKeys.filter(newKeySet.contains)
        let newOrder = newKeys.filter(oldKeySet.contains)
        if oldOrder != newOrder {
            changes.append(FieldChange(
                path: PathSegment.format(path), kind: .reordered,
                old: .sequence(oldOrder.map { .string($0) }), new: .sequence(newOrder.map { .string($0) })))
        }
    }

    /// The merge-key field shared by both lists, or nil to address items by index.
    static func mergeKey(_ a: [Node], _ b: [Node]) -> String? {
        guard !(a.isEmpty && b.isEmpty) else { return nil }
        return mergeKeyFields.first { field in
            [a, b].allSatisfy { items in
                var seen = Set<String>()
                return items.allSatisfy { item in
                    guard let value = item[field], value.isScalar, let text = value.text else { return false }
                    return seen.insert(text).inserted
                }
            }
        }
    }

    private mutating func record(_ old: Node?, _ new: Node?, path: [PathSegment]) {
        let kind: FieldChange.Kind = old == nil ? .added : new == nil ? .removed : .changed
        let isSecret = secret && [PathSegment.key("data"), .key("stringData")].contains(path.first)
        var lineDiff: [String]?
        if !isSecret, let (oldText, newText) = Self.strings(old, new), oldText.contains("\n") || newText.contains("\n") {
            let lines = LineDiff.unified(old: oldText, new: newText)
            lineDiff = lines.isEmpty ? nil : lines
        }
        changes.append(FieldChange(
            path: PathSegment.format(path), kind: kind, old: old, new: new, lineDiff: lineDiff, secret: isSecret))
    }

    /// Both sides as strings (an absent side as empty), when neither is anything else.
    private static func strings(_ old: Node?, _ new: Node?) -> (String, String)? {
        func text(_ node: Node?) -> String? {
            guard let node else { return "" }
            return node.type == .string ? node.scalar?.value : nil
        }
        guard let a = text(old), let b = text(new) else { return nil }
        return (a, b)
    }
}
