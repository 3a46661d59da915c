/// The names an environment is known by in its rendered objects: its own name, its
/// cluster's name, and the names gitopsc derives from them (`production-east-1` for
/// Application names, `production.east-1` for labels). Two environments' objects that
/// differ only by these names are the same object deployed twice.
public struct EnvironmentIdentity: Sendable, Equatable {
    public struct Name: Sendable, Equatable {
        /// What the value stands for, e.g. `${environment.name}` or `${cluster.name}`; the
        /// same placeholder in two identities names corresponding values.
        public var placeholder: String
        public var value: String

        public init(placeholder: String, value: String) {
            self.placeholder = placeholder
            self.value = value
        }
    }

    /// Longest value first, so that `production-east-1` is folded before `east-1`.
    public let names: [Name]

    public init(_ names: [Name]) {
        self.names = names.filter { !$0.value.isEmpty }.sorted {
            ($0.value.count, $0.placeholder) > ($1.value.count, $1.placeholder)
        }
    }

    /// `text` with each of the names written as its placeholder.
    func folded(_ text: String) -> String {
        var result = text
        for name in names where result.contains(name.value) {
            result = result.replacing(name.value, with: name.placeholder)
        }
        return result
    }
}

/// The identities of the two sides of an environment-to-environment diff.
struct IdentityPair {
    var old: EnvironmentIdentity
    var new: EnvironmentIdentity

    /// Whether two texts are equal once each side's names are folded.
    func same(_ a: String, _ b: String) -> Bool {
        a == b || old.folded(a) == new.folded(b)
    }

    func key(old key: ObjectKey) -> ObjectKey { folded(key, old) }
    func key(new key: ObjectKey) -> ObjectKey { folded(key, new) }

    private func folded(_ key: ObjectKey, _ identity: EnvironmentIdentity) -> ObjectKey {
        ObjectKey(group: key.group, kind: key.kind, namespace: identity.folded(key.namespace), name: identity.folded(key.name))
    }
}
