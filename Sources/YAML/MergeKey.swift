import Diagnostics

/// YAML merge keys (`<<: *base`, `<<: [*a, *b]`), resolved as kustomize v5.5.0 resolves
/// them (kyaml's `DeAnchor`): the mapping's own keys win over merged ones, and in a sequence
/// an earlier mapping wins over a later one. The `<<` entry itself does not stay.
enum MergeKey {
    /// A plain `<<` key, or one tagged `!!merge`; a quoted `"<<"` is an ordinary string key.
    static func isMergeKey(_ key: Node) -> Bool {
        guard let scalar = key.scalar, scalar.value == "<<" else { return false }
        if let tag = scalar.tag { return tag == "tag:yaml.org,2002:merge" }
        return scalar.style == .plain
    }

    /// `entries` followed by the entries the merge value brings that no earlier one has.
    /// `explicit` holds the names of the mapping's own keys.
    static func merged(_ entries: [MappingEntry], explicit: KeyNames, with merge: (key: Node, value: Node)?) throws(Diagnostic) -> [MappingEntry] {
        guard let merge else { return entries }
        let sources: [Node]
        switch merge.value.content {
        case .mapping:
            sources = [merge.value]
        case .sequence(let items):
            if let index = items.firstIndex(where: { !$0.isMapping }) {
                throw Diagnostic.error(
                    "yaml.merge-key",
                    "the merge key '<<' takes a mapping or a sequence of mappings, but item \(index + 1) of its sequence is a \(items[index].kindName)",
                    at: merge.key.mark.location)
            }
            sources = items
        case .scalar:
            throw Diagnostic.error(
                "yaml.merge-key", "the merge key '<<' takes a mapping or a sequence of mappings, not a scalar",
                at: merge.key.mark.location)
        }
        var result = entries
        var present = explicit
        for source in sources {
            for entry in source.entries ?? [] where present.insert(entry.name) {
                result.append(entry)
            }
        }
        return result
    }
}
