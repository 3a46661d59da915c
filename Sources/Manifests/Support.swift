import Diagnostics
import YAML

/// Typed reads from a spec section. The sections are type-checked before they get here,
/// but a renderer still refuses a wrong type with a diagnostic at the node rather than
/// emitting an object the API server would reject. A `null` value counts as absent.
struct Section {
    let node: Node?
    /// The section's path for messages, e.g. `operator.catalogSource`.
    let path: String

    subscript(key: String) -> Node? {
        guard let value = node?[key], !value.isNull else { return nil }
        return value
    }

    var location: SourceLocation? { node?.mark.location }

    func child(_ key: String) throws(Diagnostic) -> Section? {
        guard let value = try mapping(key) else { return nil }
        return Section(node: value, path: "\(path).\(key)")
    }

    func string(_ key: String) throws(Diagnostic) -> String? {
        guard let value = self[key] else { return nil }
        guard let text = value.text else { throw typeError(key, value, expected: "a string") }
        return text
    }

    /// The string at `key` as a node for an object gitopsc builds, keeping the spec
    /// position the value is written at (the diff explains a change by it).
    func stringNode(_ key: String) throws(Diagnostic) -> Node? {
        guard let text = try string(key) else { return nil }
        return .string(text, mark: self[key]!.mark)
    }

    func bool(_ key: String) throws(Diagnostic) -> Bool? {
        guard let value = self[key] else { return nil }
        guard let flag = value.boolValue else { throw typeError(key, value, expected: "true or false") }
        return flag
    }

    /// An integer inside `range`. A number outside it, including one too large for 64 bits
    /// (which YAML reads as a float), is a range error at the value rather than a type error.
    func int(_ key: String, in range: ClosedRange<Int>) throws(Diagnostic) -> Int? {
        guard let value = self[key] else { return nil }
        guard let text = value.text else { throw typeError(key, value, expected: "an integer") }
        let number = value.integerValue
        if let number, let integer = Int(exactly: number), range.contains(integer) { return integer }
        guard number != nil || text.wholeMatch(of: /[-+]?[0-9][0-9_]*/) != nil else {
            throw typeError(key, value, expected: "an integer")
        }
        throw .error("manifests.integer-range",
                     "\(path).\(key) must be an integer from \(range.lowerBound) to \(range.upperBound), found '\(text)'",
                     at: value.mark.location)
    }

    func mapping(_ key: String) throws(Diagnostic) -> Node? {
        guard let value = self[key] else { return nil }
        guard value.isMapping else { throw typeError(key, value, expected: "a mapping") }
        return value
    }

    func sequence(_ key: String) throws(Diagnostic) -> Node? {
        guard let value = self[key] else { return nil }
        guard value.isSequence else { throw typeError(key, value, expected: "a sequence") }
        return value
    }

    private func typeError(_ key: String, _ value: Node, expected: String) -> Diagnostic {
        let found = value.isScalar ? "'\(value.scalar!.value)'" : "a \(value.kindName)"
        return .error("manifests.type", "\(path).\(key) must be \(expected), found \(found)",
                      at: value.mark.location)
    }
}

/// Environment-spec merge of `overlay` over `base`: mappings merge key by key, scalars and
/// sequences replace, and a `null` deletes the key, so a spec can drop a default.
func merged(_ base: Node, _ overlay: Node) -> Node {
    guard var entries = base.entries, let overlayEntries = overlay.entries else { return overlay }
    for entry in overlayEntries {
        let index = entries.firstIndex { $0.name == entry.name }
        if entry.value.isNull {
            if let index { entries.remove(at: index) }
        } else if let index {
            entries[index].value = merged(entries[index].value, entry.value)
        } else {
            entries.append(MappingEntry(key: entry.key, value: withoutNulls(entry.value)))
        }
    }
    return Node(.mapping(entries), mark: overlay.mark)
}

/// A new key's `null` children have nothing to delete, and would only reach the output.
private func withoutNulls(_ node: Node) -> Node {
    guard let entries = node.entries else { return node }
    let kept = entries.filter { !$0.value.isNull }.map { MappingEntry(key: $0.key, value: withoutNulls($0.value)) }
    return Node(.mapping(kept), mark: node.mark)
}

/// A Kubernetes object with the common metadata; labels and annotations are string maps.
func object(
    apiVersion: String, kind: String, name: String, namespace: String?,
    labels: [(String, String)] = [], annotations: [(String, String)] = [],
    extraMetadata: [(String, Node)] = [], body: [(String, Node)], mark: Mark = .none
) -> Node {
    var metadata: [(String, Node)] = [("name", .string(name))]
    if let namespace { metadata.append(("namespace", .string(namespace))) }
    if !labels.isEmpty { metadata.append(("labels", stringMap(labels))) }
    if !annotations.isEmpty { metadata.append(("annotations", stringMap(annotations))) }
    metadata += extraMetadata
    return .mapping([("apiVersion", .string(apiVersion)), ("kind", .string(kind)), ("metadata", .mapping(metadata))] + body, mark: mark)
}

func stringMap(_ pairs: [(String, String)]) -> Node {
    .mapping(pairs.map { ($0.0, Node.string($0.1)) })
}

/// The sync waves a spec may set. Argo CD reads a wave with `strconv.Atoi`, but waves are
/// small numbers in practice, and this bound keeps every wave gitopsc derives from one (the
/// operator's objects one wave either side of `operator.syncWave`) inside 32 bits.
public let syncWaveRange = -1_000_000_000...1_000_000_000

/// Argo CD reads the wave with `strconv.Atoi`, so it is written as a plain integer string.
func syncWaveAnnotation(_ wave: Int) -> (String, String) {
    ("argocd.argoproj.io/sync-wave", String(wave))
}
