import Diagnostics

/// The changes of a diff grouped by the source location that explains them (`--by-cause`):
/// one patch in a ring file and every field it changes on every cluster of the ring.
public struct CauseGroup: Sendable, Equatable {
    /// What happened to the object: added, removed, or a field change.
    public enum Effect: Sendable, Equatable {
        case objectAdded
        case objectRemoved
        case field(FieldChange)
    }

    /// One effect, on one object, in the environments where it is the same.
    public struct Entry: Sendable, Equatable {
        public var object: ObjectKey
        public var effect: Effect
        /// Sorted.
        public var environments: [String]
    }

    /// Nil for what no source line explains: defaults and names gitopsc derives.
    public var source: SourceLocation?
    public var entries: [Entry]

    /// Every environment the location changes, sorted.
    public var environments: [String] {
        Array(Set(entries.flatMap(\.environments))).sorted()
    }
}

extension TreeDiff {
    /// Every change of every environment under its cause, locations in file and line order,
    /// the changes no location explains last.
    public var causes: [CauseGroup] {
        var groups: [SourceLocation?: [CauseGroup.Entry]] = [:]
        func add(_ source: SourceLocation?, _ object: ObjectKey, _ effect: CauseGroup.Effect, _ environment: String) {
            var entries = groups[source] ?? []
            if let index = entries.firstIndex(where: { $0.object == object && $0.effect == effect }) {
                entries[index].environments.append(environment)
            } else {
                entries.append(CauseGroup.Entry(object: object, effect: effect, environments: [environment]))
            }
            groups[source] = entries
        }
        for environment in environments {
            for key in environment.added { add(environment.sources[key], key, .objectAdded, environment.name) }
            for key in environment.removed { add(environment.sources[key], key, .objectRemoved, environment.name) }
            for rename in environment.renamed {
                for change in rename.changes { add(change.cause, rename.to, .field(change), environment.name) }
            }
            for object in environment.changed {
                for change in object.changes { add(change.cause, object.key, .field(change), environment.name) }
            }
        }
        // Within a cause, an object's effects come together, in path order.
        func order(_ entry: CauseGroup.Entry) -> String {
            switch entry.effect {
            case .objectAdded, .objectRemoved: ""
            case .field(let change): change.path
            }
        }
        let sortedGroups = groups.mapValues { entries in entries.sorted { ($0.object, order($0)) < ($1.object, order($1)) } }
        return sortedGroups.map { CauseGroup(source: $0.key, entries: $0.value) }.sorted { a, b in
            switch (a.source, b.source) {
            case (nil, _): return false
            case (_, nil): return true
            case (let x?, let y?): return (x.file, x.line, x.column) < (y.file, y.line, y.column)
            }
        }
    }
}
