import Diagnostics
import YAML

/// The machine-readable diff documented in docs/diff-json.md. Written by hand so that keys
/// come in the documented order, not a serializer's.
enum JSONRenderer {
    static let formatVersion = 2

    static func render(_ diff: TreeDiff, byCause: Bool) -> String {
        let totals: [(String, JSONValue)] = [
            ("environments", count(diff.environments.count)),
            ("changedEnvironments", count(diff.environments.filter { !$0.isEmpty }.count)),
            ("added", count(diff.environments.map(\.added.count).reduce(0, +))),
            ("removed", count(diff.environments.map(\.removed.count).reduce(0, +))),
            ("renamed", count(diff.environments.map(\.renamed.count).reduce(0, +))),
            ("changed", count(diff.environments.map(\.changed.count).reduce(0, +))),
        ]
        var members: [(String, JSONValue)] = [
            ("version", count(formatVersion)),
            ("empty", .bool(diff.isEmpty)),
            ("summary", .object(totals)),
            ("risks", .array(diff.risks.map(risk))),
            ("environments", .array(diff.environments.map(environment))),
        ]
        if byCause { members.append(("causes", .array(diff.causes.map(cause)))) }
        return JSONValue.object(members).rendered() + "\n"
    }

    private static func count(_ n: Int) -> JSONValue { .integer(n) }

    private static func risk(_ risk: Risk) -> JSONValue {
        .object([
            ("category", .string(risk.category.rawValue)),
            ("environment", .string(risk.environment)),
            ("object", object(risk.object)),
            ("paths", .array(risk.paths.map(JSONValue.string))),
        ])
    }

    private static func cause(_ group: CauseGroup) -> JSONValue {
        .object([
            ("source", location(group.source)),
            ("environments", .array(group.environments.map(JSONValue.string))),
            ("entries", .array(group.entries.map { entry in
                let effect: (String, JSONValue)
                switch entry.effect {
                case .objectAdded: effect = ("effect", .string("objectAdded"))
                case .objectRemoved: effect = ("effect", .string("objectRemoved"))
                case .field: effect = ("effect", .string("field"))
                }
                var fieldChange = JSONValue.null
                if case .field(let change) = entry.effect { fieldChange = self.change(change) }
                return .object([
                    ("object", object(entry.object)),
                    effect,
                    ("change", fieldChange),
                    ("environments", .array(entry.environments.map(JSONValue.string))),
                ])
            })),
        ])
    }

    private static func location(_ location: SourceLocation?) -> JSONValue {
        guard let location else { return .null }
        return .object([
            ("file", .string(location.file)),
            ("line", count(location.line)),
            ("column", count(location.column)),
        ])
    }

    private static func environment(_ environment: EnvironmentDiff) -> JSONValue {
        .object([
            ("name", .string(environment.name)),
            ("summary", .object([
                ("added", count(environment.added.count)),
                ("removed", count(environment.removed.count)),
                ("renamed", count(environment.renamed.count)),
                ("changed", count(environment.changed.count)),
            ])),
            ("added", .array(environment.added.map(object))),
            ("removed", .array(environment.removed.map(object))),
            ("renamed", .array(environment.renamed.map { rename in
                .object([
                    ("from", object(rename.from)),
                    ("to", object(rename.to)),
                    ("reason", .string(rename.reason.rawValue)),
                    ("changes", .array(rename.changes.map(change))),
                ])
            })),
            ("changed", .array(environment.changed.map { changed in
                .object([
                    ("object", object(changed.key)),
                    ("changes", .array(changed.changes.map(change))),
                ])
            })),
        ])
    }

    private static func object(_ key: ObjectKey) -> JSONValue {
        .object([
            ("group", .string(key.group)),
            ("kind", .string(key.kind)),
            ("namespace", .string(key.namespace)),
            ("name", .string(key.name)),
        ])
    }

    private static func change(_ change: FieldChange) -> JSONValue {
        .object([
            ("path", .string(change.path)),
            ("kind", .string(change.kind.rawValue)),
            ("old", change.old.map(value) ?? .null),
            ("new", change.new.map(value) ?? .null),
            ("secret", .bool(change.secret)),
            ("lineDiff", change.lineDiff.map { .array($0.map(JSONValue.string)) } ?? .null),
            ("position", change.position.map { position in
                .object([("old", position.old.map(count) ?? .null), ("new", position.new.map(count) ?? .null)])
            } ?? .null),
            ("oldSource", location(change.oldSource)),
            ("newSource", location(change.newSource)),
        ])
    }

    /// A YAML node as the JSON value a Kubernetes client reads it as.
    private static func value(_ node: Node) -> JSONValue {
        switch node.content {
        case .scalar(let scalar):
            let type = scalar.type
            switch type {
            case .null: return .null
            case .bool: return .bool(ScalarType.canonical(scalar.value, as: .bool) == "true")
            case .int:
                let canonical = ScalarType.canonical(scalar.value, as: .int)
                return Int64(canonical) != nil ? .number(canonical) : .string(scalar.value)
            case .float:
                guard let number = ScalarType.parseFloat(scalar.value), number.isFinite else { return .string(scalar.value) }
                return .number(number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : "\(number)")
            case .string, .binary:
                return .string(scalar.value)
            }
        case .mapping(let entries):
            return .object(entries.sorted { $0.name < $1.name }.map { ($0.name, value($0.value)) })
        case .sequence(let items):
            return .array(items.map(value))
        }
    }
}
