import Foundation
import ProcessRunner
import Testing
@testable import Diff

/// The printed changes of a list or object are an edit script: applied to the old value as
/// docs/diff-json.md says, they give the new value, with no more item edits than the longest
/// common subsequence allows. Random pairs, seeded (`GITOPSC_SEED` replays a failure).
@Suite struct EditScriptPropertyTests {
    static let cases = 400

    /// A JSON value to generate: written as JSON text, which is also YAML.
    indirect enum Value {
        case string(String)
        case int(Int)
        case bool(Bool)
        case map([(String, Value)])
        case list([Value])

        var json: String {
            switch self {
            case .string(let text): "\"\(text)\""
            case .int(let number): String(number)
            case .bool(let flag): flag ? "true" : "false"
            case .map(let entries): "{" + entries.map { "\"\($0.0)\": \($0.1.json)" }.joined(separator: ", ") + "}"
            case .list(let items): "[" + items.map(\.json).joined(separator: ", ") + "]"
            }
        }
    }

    // MARK: Generators

    /// Few distinct scalars, so that lists repeat items and the subsequence matters.
    static func scalar(_ random: inout SeededRandom) -> Value {
        switch Int.random(in: 0..<4, using: &random) {
        case 0: .int(Int.random(in: 0..<3, using: &random))
        case 1: .bool(Bool.random(using: &random))
        default: .string(["a", "b", "c", "d"].randomElement(using: &random)!)
        }
    }

    static func value(_ random: inout SeededRandom, depth: Int) -> Value {
        guard depth > 0 else { return scalar(&random) }
        switch Int.random(in: 0..<5, using: &random) {
        case 0: return .map((0..<Int.random(in: 0...3, using: &random)).map { index in ("k\(index)", value(&random, depth: depth - 1)) })
        case 1: return keyedList(&random, depth: depth)
        case 2: return .list((0..<Int.random(in: 0...5, using: &random)).map { _ in value(&random, depth: depth - 1) })
        default: return scalar(&random)
        }
    }

    /// Mappings with unique `name`s: compared by key.
    static func keyedList(_ random: inout SeededRandom, depth: Int) -> Value {
        let names = ["n0", "n1", "n2", "n3", "n4", "n5"].shuffled(using: &random).prefix(Int.random(in: 1...5, using: &random))
        return .list(names.map { .map([("name", .string($0)), ("v", value(&random, depth: depth - 1))]) })
    }

    /// A value near `old`: items inserted, removed, replaced and moved; fields changed.
    static func mutated(_ old: Value, _ random: inout SeededRandom, depth: Int) -> Value {
        switch old {
        case .map(let entries):
            var result = entries.compactMap { entry -> (String, Value)? in
                Int.random(in: 0..<6, using: &random) == 0 ? nil : (entry.0, mutated(entry.1, &random, depth: depth - 1))
            }
            if Int.random(in: 0..<4, using: &random) == 0 {
                // A key the map does not have: a list item mutated twice may already hold
                // `k<count + 1>` from the first time.
                var number = entries.count + 1
                while result.contains(where: { $0.0 == "k\(number)" }) { number += 1 }
                result.append(("k\(number)", value(&random, depth: max(0, depth - 1))))
            }
            return .map(result)
        case .list(let items):
            if isKeyed(items) {
                var result = items.filter { _ in Int.random(in: 0..<5, using: &random) != 0 }.map { item -> Value in
                    guard case .map(let fields) = item else { return item }
                    return .map([fields[0], ("v", mutated(fields[1].1, &random, depth: depth - 1))])
                }
                let used = Set(result.compactMap(keyOf))
                for name in ["n0", "n1", "n2", "n3", "n4", "n5"] where !used.contains(name) && Int.random(in: 0..<4, using: &random) == 0 {
                    result.insert(.map([("name", .string(name)), ("v", value(&random, depth: max(0, depth - 1)))]),
                                  at: Int.random(in: 0...result.count, using: &random))
                }
                if result.count > 1, Bool.random(using: &random) { result.swapAt(0, Int.random(in: 1..<result.count, using: &random)) }
                return result.isEmpty ? old : .list(result)
            }
            var result = items
            for _ in 0..<Int.random(in: 0...3, using: &random) {
                switch Int.random(in: 0..<3, using: &random) {
                case 0: result.insert(value(&random, depth: max(0, depth - 1)), at: Int.random(in: 0...result.count, using: &random))
                case 1 where !result.isEmpty: result.remove(at: Int.random(in: 0..<result.count, using: &random))
                default:
                    guard !result.isEmpty else { continue }
                    let index = Int.random(in: 0..<result.count, using: &random)
                    result[index] = mutated(result[index], &random, depth: depth - 1)
                }
            }
            return .list(result)
        default:
            return Int.random(in: 0..<3, using: &random) == 0 ? scalar(&random) : old
        }
    }

    static func keyOf(_ item: Value) -> String? {
        guard case .map(let fields) = item, fields.first?.0 == "name", case .string(let name) = fields[0].1 else { return nil }
        return name
    }

    static func isKeyed(_ items: [Value]) -> Bool {
        !items.isEmpty && items.allSatisfy { keyOf($0) != nil }
    }

    // MARK: Applying a printed script

    struct Step {
        var path: [PathSegment]
        var change: [String: Any]
        var kind: String { change["kind"] as! String }
        var oldIndex: Int? { (change["position"] as? [String: Any])?["old"] as? Int }
        var newIndex: Int? { (change["position"] as? [String: Any])?["new"] as? Int }
    }

    /// The changes of the one changed object of a printed JSON diff, with their paths split by
    /// the one path parser (an ignore pattern of exact steps).
    static func printedScript(old: String, new: String) throws -> [Step] {
        let diff = try TreeDiffer.diff(old: ["e": try TreeDiffer.objects(parsing: ["a.yaml": old])],
                                       new: ["e": try TreeDiffer.objects(parsing: ["a.yaml": new])])
        let json = try JSONSerialization.jsonObject(with: Data(DiffRenderer.render(diff, as: .json).utf8)) as! [String: Any]
        let environment = (json["environments"] as! [[String: Any]])[0]
        guard let changed = (environment["changed"] as! [[String: Any]]).first else { return [] }
        return try (changed["changes"] as! [[String: Any]]).map { change in
            let pattern = try IgnorePattern(change["path"] as! String)
            let path = pattern.steps.map { step -> PathSegment in
                guard case .exact(let segment) = step else { fatalError("a printed path holds a wildcard") }
                return segment
            }
            return Step(path: path, change: change)
        }
    }

    static func apply(_ steps: [Step], to value: Any?) -> Any? {
        if let whole = steps.first(where: { $0.path.isEmpty }) {
            return whole.kind == "removed" ? nil : whole.change["new"]
        }
        if var list = value as? [Any] { return applyToList(steps, &list) }
        var map = value as? [String: Any] ?? [:]
        var byKey: [String: [Step]] = [:]
        for step in steps {
            guard case .key(let key) = step.path[0] else { fatalError("a list step on a mapping") }
            byKey[key, default: []].append(Step(path: Array(step.path.dropFirst()), change: step.change))
        }
        for (key, inner) in byKey { map[key] = apply(inner, to: map[key]) }
        return map
    }

    static func applyToList(_ steps: [Step], _ old: inout [Any]) -> [Any] {
        func index(of segment: PathSegment, in list: [Any]) -> Int {
            switch segment {
            case .index(let index): return index
            case .item(let field, let value):
                return list.firstIndex { (($0 as? [String: Any])?[field] as? String) == value }!
            case .key: fatalError("a mapping step on a list")
            }
        }
        let whole = steps.filter { $0.path.count == 1 && ["added", "removed", "moved"].contains($0.kind) }
        let out = Set(whole.filter { $0.kind != "added" }.map { $0.oldIndex! })
        let moved = whole.filter { $0.kind == "moved" }.map { ($0.newIndex!, old[$0.oldIndex!]) }
        let added = whole.filter { $0.kind == "added" }.map { ($0.newIndex!, $0.change["new"]!) }
        var list = old.enumerated().filter { !out.contains($0.offset) }.map(\.element)
        for (target, item) in (moved + added).sorted(by: { $0.0 < $1.0 }) { list.insert(item, at: target) }
        var byItem: [Int: [Step]] = [:]
        for step in steps where !(step.path.count == 1 && ["added", "removed", "moved"].contains(step.kind)) {
            byItem[index(of: step.path[0], in: list), default: []].append(Step(path: Array(step.path.dropFirst()), change: step.change))
        }
        for (target, inner) in byItem { list[target] = apply(inner, to: list[target])! }
        return list
    }

    // MARK: Properties

    static func object(_ spec: Value) -> String {
        #"{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "spec": "# + spec.json + "}"
    }

    static func parsed(_ json: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(json.utf8), options: [.fragmentsAllowed])
    }

    /// JSON text with sorted keys: equal for equal values, and `true` is not `1`.
    static func canonical(_ value: Any?) throws -> String {
        guard let value else { return "(none)" }
        return String(decoding: try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed]), as: UTF8.self)
    }

    /// Length of a longest common subsequence.
    static func lcs<T>(_ a: [T], _ b: [T], _ same: (T, T) -> Bool) -> Int {
        var table = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in a.indices.reversed() {
            for j in b.indices.reversed() {
                table[i][j] = same(a[i], b[j]) ? table[i + 1][j + 1] + 1 : max(table[i + 1][j], table[i][j + 1])
            }
        }
        return table[0][0]
    }

    @Test func printedListScriptsRebuildTheNewListWithinTheLCSBound() throws {
        let seed = SeededRandom.runSeed()
        var random = SeededRandom(seed: seed)
        for index in 0..<Self.cases {
            let keyed = Bool.random(using: &random)
            let old: Value = keyed ? Self.keyedList(&random, depth: 2)
                : .list((0..<Int.random(in: 0...8, using: &random)).map { _ in Self.value(&random, depth: 1) })
            let new = Self.mutated(old, &random, depth: 2)
            let context = "case \(index) of seed \(seed) (replay: GITOPSC_SEED=\(seed)): \(old.json) -> \(new.json)"
            let script = try Self.printedScript(old: Self.object(old), new: Self.object(new))
            let rebuilt = Self.apply(script, to: try Self.parsed(Self.object(old)))
            #expect(try Self.canonical(rebuilt) == Self.canonical(try Self.parsed(Self.object(new))), "\(context)")

            guard case .list(let a) = old, case .list(let b) = new else { continue }
            let items = script.filter { $0.path.count >= 2 && $0.path[0] == .key("spec") }
            if keyed && Self.isKeyed(b) {
                // Structural edits only: removals, insertions and moves, at most n + m - 2·LCS(keys).
                let edits = items.filter { $0.path.count == 2 && ["added", "removed", "moved"].contains($0.kind) }.count
                let bound = a.count + b.count - 2 * Self.lcs(a.compactMap(Self.keyOf), b.compactMap(Self.keyOf), ==)
                #expect(edits <= bound, "\(edits) edits, bound \(bound), \(context)")
            } else if !Self.isKeyed(a) || !Self.isKeyed(b) {
                // Every item touched (removed, added, or replaced in place) counts once.
                var touched = Set<String>()
                for step in items {
                    let side = step.kind == "removed" && step.path.count == 2 ? "old" : "new"
                    touched.insert("\(side) \(step.path[1])")
                }
                let equal: (Value, Value) -> Bool = { x, y in x.json == y.json }
                let bound = a.count + b.count - 2 * Self.lcs(a, b, equal)
                #expect(touched.count <= bound, "\(touched.count) edits, bound \(bound), \(context)")
            }
        }
    }

    @Test func printedObjectScriptsRebuildTheNewObject() throws {
        let seed = SeededRandom.runSeed()
        var random = SeededRandom(seed: seed)
        for index in 0..<Self.cases {
            let old = Self.value(&random, depth: 4)
            let new = Self.mutated(old, &random, depth: 4)
            let context = "case \(index) of seed \(seed) (replay: GITOPSC_SEED=\(seed)): \(old.json) -> \(new.json)"
            let script = try Self.printedScript(old: Self.object(old), new: Self.object(new))
            let rebuilt = Self.apply(script, to: try Self.parsed(Self.object(old)))
            #expect(try Self.canonical(rebuilt) == Self.canonical(try Self.parsed(Self.object(new))), "\(context)")
        }
    }

    /// The insertion of one argument is one added item, not a shift of every later one.
    @Test func oneInsertedArgumentIsOneInsertion() throws {
        let script = try Self.printedScript(
            old: Self.object(.list(["--a", "--b", "--c"].map(Value.string))),
            new: Self.object(.list(["--a", "--new", "--b", "--c"].map(Value.string))))
        #expect(script.map { "\($0.kind) \(PathSegment.format($0.path))" } == ["added spec[1]"])
    }
}
