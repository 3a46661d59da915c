import Compiler
import Diagnostics
import Foundation
import ProcessRunner
@testable import Schemas
import Testing
import YAML

/// gitopsc's schema validation against validate.py, the oracle, on broken objects made from
/// real ones: the custom resources the bundled environments and the Konflux example render,
/// each broken in ways its own schema says are wrong (a required field dropped, a wrong
/// type, an unknown field, a value outside an enum, a duplicate list-map key, a bad
/// int-or-string, ...), plus the objects as rendered. The verdict (valid or not) and the
/// set of paths reported must agree on at least 99% of them; every disagreement is printed.
@Suite struct MutationOracleTests {
    /// One way to break an object: what, and where.
    struct Mutation: CustomStringConvertible {
        enum Operation {
            case drop
            case set(Node)
            case appendCopyOfFirst
            case addField(String, Node)
        }
        var name: String
        var path: [PathStep]
        var operation: Operation
        var description: String { "\(name) at \(PathStep.format(path))" }
    }

    @Test(.enabled(if: crdsOrRequired, "../shared/crds is absent"))
    func verdictsAgreeWithValidatePy() throws {
        try requireCRDs()
        let schemas = try #require(sharedSchemas)
        let seed = SeededRandom.runSeed()
        var random = SeededRandom(seed: seed)

        var seen: Set<String> = []
        var originals: [Node] = []
        for root in [Oracles.repository, konfluxExample] {
            let tree = try Compiler(root: root.path, displayBase: root.path).compile()
            for environment in tree.environments {
                for object in environment.allObjects {
                    guard case .checked = schemas.validate(object) else { continue }
                    if seen.insert(YAMLEmitter.emitStream([object])).inserted { originals.append(object) }
                }
            }
        }
        try #require(originals.count >= 20, "too few custom resources rendered: \(originals.count)")

        var cases: [(object: Node, mutation: Mutation?)] = originals.map { ($0, nil) }
        var perObject = max(1, 520 / originals.count + 1)
        perObject = min(perObject, 40)
        for original in originals {
            let group = original["apiVersion"]!.text!.split(separator: "/").dropLast().joined(separator: "/")
            let version = String(original["apiVersion"]!.text!.split(separator: "/").last!)
            let schema = try #require(schemas.schema(group: group, version: version, kind: original["kind"]!.text!))
            var candidates: [Mutation] = []
            Self.collect(original, schema, path: [], into: &candidates, random: &random)
            candidates.shuffle(using: &random)
            for mutation in candidates.prefix(perObject) {
                cases.append((Self.apply(mutation, to: original), mutation))
            }
        }
        try #require(cases.count - originals.count >= 500, "only \(cases.count - originals.count) broken objects")

        // Strict, and with unknown fields allowed (then they are no error to either tool).
        let oracle = try oraclePaths(cases.map(\.object))
        let lenient = try oraclePaths(cases.map(\.object), allowUnknownFields: true)
        var disagreements: [String] = []
        for (index, item) in cases.enumerated() {
            guard case .checked(let problems) = schemas.validate(item.object) else {
                disagreements.append("#\(index) \(item.mutation?.description ?? "unmutated"): gitopsc found no schema")
                continue
            }
            let name = "\(item.object["kind"]?.text ?? "") '\(item.object[path: ["metadata", "name"]]?.text ?? "")'"
            let ours = Set(problems.map(\.pathText))
            let theirs = oracle[index] ?? []
            if ours != theirs {
                disagreements.append("#\(index) \(name) \(item.mutation?.description ?? "unmutated"): gitopsc \(ours.sorted()) validate.py \(theirs.sorted())")
            }
            let oursLenient = Set(problems.filter { !$0.isUnknownField }.map(\.pathText))
            if oursLenient != lenient[index] ?? [] {
                disagreements.append("#\(index) \(name) \(item.mutation?.description ?? "unmutated") (unknown fields allowed): gitopsc \(oursLenient.sorted()) validate.py \((lenient[index] ?? []).sorted())")
            }
        }
        let agreement = Double(2 * cases.count - disagreements.count) / Double(2 * cases.count)
        let invalid = cases.indices.filter { oracle[$0] != nil }.count
        print("mutation oracle (seed \(seed)): \(cases.count) objects (\(originals.count) as rendered, \(cases.count - originals.count) broken; validate.py finds \(invalid) invalid); agreement \(String(format: "%.2f", agreement * 100))% over both modes")
        for line in disagreements { print("  disagreement: " + line) }
        #expect(agreement >= 0.99, "seed \(seed): \(disagreements.count) disagreements:\n\(disagreements.joined(separator: "\n"))")
        // The unmutated objects must agree exactly: they are what users commit.
        #expect(disagreements.filter { $0.contains("unmutated") }.isEmpty, "seed \(seed)")
    }

    /// Every mutation the schema makes meaningful at or below `path`.
    /// apiVersion and kind are left alone: without them neither tool sees a Kubernetes object.
    static func collect(_ value: Node, _ schema: StructuralSchema, path: [PathStep], into mutations: inout [Mutation], random: inout SeededRandom) {
        if !path.isEmpty, path != [.key("apiVersion")], path != [.key("kind")] {
            if let type = schema.type {
                let wrong: Node
                switch type {
                case .string: wrong = .scalar("12345")
                case .integer, .number: wrong = .string("not-a-number")
                case .boolean: wrong = .string("maybe")
                case .object, .array: wrong = .string("text")
                }
                mutations.append(Mutation(name: "wrong type", path: path, operation: .set(wrong)))
            }
            if schema.intOrString {
                mutations.append(Mutation(name: "bad int-or-string", path: path, operation: .set(.scalar("true"))))
                mutations.append(Mutation(name: "int-or-string as mapping", path: path, operation: .set(.mapping([("a", .scalar("1"))]))))
            }
            if schema.allowed != nil {
                mutations.append(Mutation(name: "enum violation", path: path, operation: .set(.string("NotAnAllowedValue"))))
            }
            if schema.format == "int32" {
                mutations.append(Mutation(name: "int32 overflow", path: path, operation: .set(.scalar("4294967296"))))
            }
            if schema.patternText != nil {
                mutations.append(Mutation(name: "pattern violation", path: path, operation: .set(.string("Not A_Valid value!"))))
            }
            mutations.append(Mutation(name: "null", path: path, operation: .set(.null)))
        }
        switch value.content {
        case .mapping(let entries):
            if schema.rejectsUnknownFields {
                mutations.append(Mutation(name: "unknown field", path: path, operation: .addField("zzUnknownField", .string("x"))))
            }
            for entry in entries where !(path.isEmpty && ["apiVersion", "kind"].contains(entry.name)) {
                if schema.required.contains(entry.name) {
                    mutations.append(Mutation(name: "drop required", path: path + [.key(entry.name)], operation: .drop))
                } else if Int.random(in: 0..<4, using: &random) == 0 {
                    mutations.append(Mutation(name: "drop optional", path: path + [.key(entry.name)], operation: .drop))
                }
                if let field = schema.field(entry.name) {
                    collect(entry.value, field, path: path + [.key(entry.name)], into: &mutations, random: &random)
                }
            }
        case .sequence(let items):
            if !items.isEmpty, schema.listType == "map" || schema.listType == "set" {
                mutations.append(Mutation(name: "duplicate \(schema.listType!) entry", path: path, operation: .appendCopyOfFirst))
            }
            if let item = schema.items {
                for (index, value) in items.enumerated() { collect(value, item, path: path + [.index(index)], into: &mutations, random: &random) }
            }
        case .scalar:
            break
        }
    }

    static func apply(_ mutation: Mutation, to object: Node) -> Node {
        func edit(_ node: Node, _ rest: ArraySlice<PathStep>) -> Node? {
            var copy = node
            guard let step = rest.first else {
                switch mutation.operation {
                case .drop: return nil
                case .set(let value): return value
                case .appendCopyOfFirst:
                    if case .sequence(let items) = node.content { copy.content = .sequence(items + [items[0]]) }
                    return copy
                case .addField(let name, let value):
                    copy[name] = value
                    return copy
                }
            }
            switch (step, node.content) {
            case (.key(let key), .mapping):
                copy[key] = node[key].flatMap { edit($0, rest.dropFirst()) }
            case (.index(let index), .sequence(var items)):
                if let changed = edit(items[index], rest.dropFirst()) { items[index] = changed } else { items.remove(at: index) }
                copy.content = .sequence(items)
            default:
                break
            }
            return copy
        }
        return edit(object, mutation.path[...]) ?? object
    }
}
