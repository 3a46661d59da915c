import Diagnostics
import FoundationEssentials
import YAML

/// A patch target: group, version, kind, name and namespace as anchored regular
/// expressions, and Kubernetes label/annotation selectors.
public struct Selector: Sendable {
    var group: TargetPattern?
    var version: TargetPattern?
    var kind: TargetPattern?
    var name: TargetPattern?
    var namespace: TargetPattern?
    var labelSelector: LabelSelector?
    var annotationSelector: LabelSelector?

    static let fields: Set<String> = ["group", "version", "kind", "name", "namespace", "labelSelector", "annotationSelector"]

    public init(_ node: Node) throws(Diagnostic) {
        guard let entries = node.entries else {
            throw Diagnostic.error("kustomize.invalid", "a target must be a mapping, found a \(node.kindName)", at: node.mark.location)
        }
        for entry in entries where !Selector.fields.contains(entry.name) {
            throw Diagnostic.error("kustomize.unknown-field", "unknown field '\(entry.name)' in target", at: entry.key.mark.location)
        }
        group = try TargetPattern(node["group"])
        version = try TargetPattern(node["version"])
        kind = try TargetPattern(node["kind"])
        name = try TargetPattern(node["name"])
        namespace = try TargetPattern(node["namespace"])
        if let text = node["labelSelector"] {
            labelSelector = try LabelSelector(text)
        }
        if let text = node["annotationSelector"] {
            annotationSelector = try LabelSelector(text)
        }
    }

    static func anchored(_ node: Node?) throws(Diagnostic) -> Pattern? {
        guard let node, let pattern = node.text, !pattern.isEmpty else { return nil }
        guard let compiled = Pattern("^(?:\(pattern))$") else {
            throw Diagnostic.error("kustomize.invalid", "invalid regular expression '\(pattern)'", at: node.mark.location)
        }
        return compiled
    }

    private static func matches(_ pattern: TargetPattern?, _ text: String) -> Bool {
        pattern?.matches(text) ?? true
    }

    /// kustomize matches names and namespaces against both the original and the current id.
    public func selects(_ resource: Resource) -> Bool {
        // Most objects differ from a target in kind or name: those two are read first, before
        // the whole id is worked out.
        if let kind, !kind.matches(resource.node["kind"]?.text ?? "") { return false }
        if let name, !name.matches(resource.name), !(resource.previousIds.first.map { name.matches($0.name) } ?? false) {
            return false
        }
        let current = resource.id
        let original = resource.previousIds.first ?? current
        // An absent field matches anything: the namespaces it would compare are not worked out.
        guard namespace == nil || Selector.matches(namespace, original.effectiveNamespace) || Selector.matches(namespace, current.effectiveNamespace),
              Selector.matches(group, current.gvk.group), Selector.matches(version, current.gvk.version) else { return false }
        if let labelSelector, !labelSelector.matches(resource.labels) { return false }
        if let annotationSelector, !annotationSelector.matches(resource.annotations) { return false }
        return true
    }
}

/// One field of a patch target: an anchored regular expression, as kustomize reads it. Most
/// targets give a plain name, which is compared as text before any regular expression runs.
struct TargetPattern: Sendable {
    let text: String
    /// nil for a plain name (no character a regular expression treats specially), which
    /// matches exactly itself, as its anchored expression would: compiling an expression
    /// costs far more than the comparison.
    let regex: Pattern?

    static let literalCharacters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_/:".utf8)

    /// nil for an absent or empty field, which matches anything.
    init?(_ node: Node?) throws(Diagnostic) {
        guard let node, let text = node.text, !text.isEmpty else { return nil }
        self.text = text
        regex = text.utf8.allSatisfy(TargetPattern.literalCharacters.contains) ? nil : try Selector.anchored(node)
    }

    var isLiteral: Bool { regex == nil }

    func matches(_ value: String) -> Bool {
        guard let regex else { return value.utf8.elementsEqual(text.utf8) }
        return regex.matches(value)
    }
}

/// A Kubernetes label selector in its string form: `a=b,c!=d,e in (x,y),f notin (z),g,!h`.
struct LabelSelector: Sendable {
    enum Requirement: Sendable {
        case equals(String, String)
        case notEquals(String, String)
        case isIn(String, Set<String>)
        case notIn(String, Set<String>)
        case exists(String)
        case doesNotExist(String)
    }

    var requirements: [Requirement] = []

    init(_ node: Node) throws(Diagnostic) {
        guard let text = node.text else {
            throw Diagnostic.error("kustomize.invalid", "a selector must be a string", at: node.mark.location)
        }
        for term in splitOutsideBrackets(text, on: ",", open: "(", close: ")") {
            let term = term.trimmed()
            if term.isEmpty { continue }
            if let range = term.firstRange(of: " notin ") {
                requirements.append(.notIn(String(term[..<range.lowerBound]).trimmed(), LabelSelector.values(term[range.upperBound...])))
            } else if let range = term.firstRange(of: " in ") {
                requirements.append(.isIn(String(term[..<range.lowerBound]).trimmed(), LabelSelector.values(term[range.upperBound...])))
            } else if let range = term.firstRange(of: "!=") {
                requirements.append(.notEquals(term[..<range.lowerBound].trimmed(), term[range.upperBound...].trimmed()))
            } else if let range = term.firstRange(of: "==") ?? term.firstRange(of: "=") {
                requirements.append(.equals(term[..<range.lowerBound].trimmed(), term[range.upperBound...].trimmed()))
            } else if term.hasPrefix("!") {
                requirements.append(.doesNotExist(term.dropFirst().trimmed()))
            } else {
                requirements.append(.exists(term))
            }
        }
    }

    private static func values(_ text: Substring) -> Set<String> {
        let parenthesis: (Character) -> Bool = { $0 == "(" || $0 == ")" }
        let trimmed = text.trimmed()
        let inner = trimmed.drop(while: parenthesis).reversed().drop(while: parenthesis).reversed()
        return Set(String(inner).split(separator: ",").map { $0.trimmed() })
    }

    func matches(_ labels: [String: String]) -> Bool {
        requirements.allSatisfy { requirement in
            switch requirement {
            case .equals(let key, let value): return labels[key] == value
            case .notEquals(let key, let value): return labels[key] != value
            case .isIn(let key, let values): return labels[key].map(values.contains) ?? false
            case .notIn(let key, let values): return !(labels[key].map(values.contains) ?? false)
            case .exists(let key): return labels[key] != nil
            case .doesNotExist(let key): return labels[key] == nil
            }
        }
    }
}
