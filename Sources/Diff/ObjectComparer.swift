import Diagnostics
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
    /// With `--ignore-identity`: strings equal once each side's environment and cluster
    /// names are folded count as equal.
    let identity: IdentityPair?
    private(set) var changes: [FieldChange] = []

    init(ignore: [IgnorePattern], skip: [[PathSegment]] = [], secret: Bool, identity: IdentityPair? = nil) {
        self.ignore = ignore
        self.skip = skip
        self.secret = secret
        self.identity = identity
    }

    static func changes(
        from old: Node, to new: Node, key: ObjectKey, ignore: [IgnorePattern], skip: [[PathSegment]] = [],
        identity: IdentityPair? = nil
    ) -> [FieldChange] {
        var comparer = ObjectComparer(ignore: ignore, skip: skip, secret: key.isSecret, identity: identity)
        let sources = Sources(old: old.mark.location, new: new.mark.location)
        if key.isSecret {
            comparer.compare(redacted(old), redacted(new), path: [], sources: sources)
        } else {
            comparer.compare(old, new, path: [], sources: sources)
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
        return .scalar(ValueHash.run.token(text), style: .doubleQuoted, mark: value.mark)
    }

    /// The nearest source location on each side: a node built in code (no mark) is
    /// explained by the node it sits in.
    struct Sources {
        var old: SourceLocation?
        var new: SourceLocation?

        func inside(_ a: Node?, _ b: Node?) -> Sources {
            Sources(old: a?.mark.location ?? old, new: b?.mark.location ?? new)
        }
    }

    /// Equal values, or with `identity` values equal once names are folded.
    func same(_ a: Node, _ b: Node) -> Bool {
        if a == b { return true }
        guard let identity else { return false }
        switch (a.content, b.content) {
        case (.scalar(let x), .scalar(let y)):
            return x.type == .string && y.type == .string && identity.same(x.value, y.value)
        case (.sequence(let x), .sequence(let y)):
            return x.count == y.count && zip(x, y).allSatisfy(same)
        case (.mapping(let x), .mapping(let y)):
            guard x.count == y.count else { return false }
            let index = Dictionary(y.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
            return x.allSatisfy { entry in index[entry.name].map { same(entry.value, $0) } ?? false }
        default:
            return false
        }
    }

    mutating func compare(_ old: Node?, _ new: Node?, path: [PathSegment], sources: Sources, position: FieldChange.Position? = nil) {
        if skip.contains(path) { return }
        let match = ignore.match(path)
        if case .ignored = match { return }
        if let old, let new, same(old, new) { return }
        let sources = sources.inside(old, new)
        // With a pattern that could hide something inside an added or removed collection,
        // compare it item by item against an empty one, so the pattern can apply.
        let lookInside: Bool
        if case .below = match { lookInside = true } else { lookInside = false }
        switch (old?.content, new?.content) {
        case (.mapping(let a)?, .mapping(let b)?):
            compareMappings(a, b, path: path, sources: sources)
        case (.sequence(let a)?, .sequence(let b)?):
            compareLists(a, b, path: path, sources: sources)
        case (.mapping(let a)?, nil) where lookInside:
            compareMappings(a, [], path: path, sources: sources)
        case (nil, .mapping(let b)?) where lookInside:
            compareMappings([], b, path: path, sources: sources)
        case (.sequence(let a)?, nil) where lookInside:
            compareLists(a, [], path: path, sources: sources)
        case (nil, .sequence(let b)?) where lookInside:
            compareLists([], b, path: path, sources: sources)
        default:
            record(old, new, path: path, sources: sources, position: position)
        }
    }

    private mutating func compareMappings(_ a: [MappingEntry], _ b: [MappingEntry], path: [PathSegment], sources: Sources) {
        let old = Dictionary(a.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
        let new = Dictionary(b.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
        for key in Set(old.keys).union(new.keys).sorted() {
            compare(old[key], new[key], path: path + [.key(key)], sources: sources)
        }
    }

    /// A list without a merge key is diffed as a sequence: the items of a longest common
    /// subsequence stay, and between two of them old items are removed, new ones inserted,
    /// and as many as both sides have are paired as changed. Indexes in paths count in the
    /// new list, except for removed items, which count in the old one.
    private mutating func compareLists(_ a: [Node], _ b: [Node], path: [PathSegment], sources: Sources) {
        guard let field = Self.mergeKey(a, b) else {
            let ops = EditScript.ops(a, b, same: same)
            var i = 0
            var j = 0
            var step = 0
            while step < ops.count {
                if ops[step] == .same {
                    i += 1
                    j += 1
                    step += 1
                    continue
                }
                var deleted = 0
                var inserted = 0
                while step < ops.count, ops[step] != .same {
                    if ops[step] == .delete { deleted += 1 } else { inserted += 1 }
                    step += 1
                }
                let paired = min(deleted, inserted)
                for offset in 0..<paired {
                    compare(a[i + offset], b[j + offset], path: path + [.index(j + offset)], sources: sources,
                            position: FieldChange.Position(old: i + offset, new: j + offset))
                }
                for offset in paired..<deleted {
                    compare(a[i + offset], nil, path: path + [.index(i + offset)], sources: sources,
                            position: FieldChange.Position(old: i + offset, new: nil))
                }
                for offset in paired..<inserted {
                    compare(nil, b[j + offset], path: path + [.index(j + offset)], sources: sources,
                            position: FieldChange.Position(old: nil, new: j + offset))
                }
                i += deleted
                j += inserted
            }
            return
        }
        compareKeyedLists(a, b, field: field, path: path, sources: sources)
    }

    /// A keyed list: items are matched by their merge key. Of the items both lists have,
    /// those outside a longest common subsequence of keys are reported as moved.
    private mutating func compareKeyedLists(_ a: [Node], _ b: [Node], field: String, path: [PathSegment], sources: Sources) {
        let oldKeys = a.map { $0[field]!.scalar!.value }
        let newKeys = b.map { $0[field]!.scalar!.value }
        let newIndex = Dictionary(uniqueKeysWithValues: newKeys.enumerated().map { ($1, $0) })
        let oldIndex = Dictionary(uniqueKeysWithValues: oldKeys.enumerated().map { ($1, $0) })
        let oldShared = oldKeys.filter { newIndex[$0] != nil }
        let newShared = newKeys.filter { oldIndex[$0] != nil }
        var moved = Set<String>()
        for (op, key) in zip(EditScript.ops(oldShared, newShared, same: ==).filter { $0 != .insert }, oldShared) where op == .delete {
            moved.insert(key)
        }
        for (index, key) in oldKeys.enumerated() {
            let itemPath = path + [.item(field: field, value: key)]
            guard let target = newIndex[key] else {
                compare(a[index], nil, path: itemPath, sources: sources, position: FieldChange.Position(old: index, new: nil))
                continue
            }
            if moved.contains(key), !skip.contains(itemPath), ignore.match(itemPath) != .ignored {
                changes.append(FieldChange(
                    path: PathSegment.format(itemPath), kind: .moved, old: nil, new: nil,
                    position: FieldChange.Position(old: index, new: target),
                    oldSource: a[index].mark.location ?? sources.old, newSource: b[target].mark.location ?? sources.new))
            }
            compare(a[index], b[target], path: itemPath, sources: sources)
        }
        for (index, key) in newKeys.enumerated() where oldIndex[key] == nil {
            compare(nil, b[index], path: path + [.item(field: field, value: key)], sources: sources,
                    position: FieldChange.Position(old: nil, new: index))
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

    private mutating func record(_ old: Node?, _ new: Node?, path: [PathSegment], sources: Sources, position: FieldChange.Position?) {
        let kind: FieldChange.Kind = old == nil ? .added : new == nil ? .removed : .changed
        let isSecret = secret && [PathSegment.key("data"), .key("stringData")].contains(path.first)
        var lineDiff: [String]?
        if !isSecret, let (oldText, newText) = Self.strings(old, new), oldText.contains("\n") || newText.contains("\n") {
            let lines = LineDiff.unified(old: oldText, new: newText)
            lineDiff = lines.isEmpty ? nil : lines
        }
        changes.append(FieldChange(
            path: PathSegment.format(path), kind: kind, old: old, new: new, lineDiff: lineDiff, secret: isSecret,
            position: position, oldSource: old == nil ? nil : sources.old, newSource: new == nil ? nil : sources.new))
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
