import Diagnostics
import FoundationEssentials
import YAML

/// The `kustomize edit` changes Argo CD's repo-server makes for an Application's
/// `spec.source.kustomize` overrides, with kustomize v5.5.0's semantics: what a build of the
/// edited kustomization contains is what it would contain after kustomize's own edit.
public enum KustomizationEdit: Sendable {
    /// `edit set namespace NAME`
    case namespace(String)
    /// `edit set nameprefix PREFIX`
    case namePrefix(String)
    /// `edit set namesuffix SUFFIX`
    case nameSuffix(String)
    /// `edit set image IMAGE...`: `name[=newName][:tag|@digest]`, `*` keeping a present value.
    case images([String])
    /// `edit set replicas NAME=COUNT...`
    case replicas([String])
    /// `edit set label` / `edit add label` (`adding`: a present key is an error unless
    /// `force`; `withoutSelector` writes a `labels` entry instead of `commonLabels`).
    case labels([String], adding: Bool, force: Bool, withoutSelector: Bool, includeTemplates: Bool)
    /// `edit set annotation` / `edit add annotation`.
    case annotations([String], adding: Bool, force: Bool)
    /// `edit add component PATH...`
    case components([String])

    static func failure(_ message: String) -> Diagnostic {
        Diagnostic.error("kustomize.edit", message)
    }

    /// The kustomization with this edit made. `kustomization` is as `Kustomization` reads
    /// it (field names canonical, repeats resolved).
    public func applied(to kustomization: Node) throws(Diagnostic) -> Node {
        var node = kustomization
        switch self {
        case .namespace(let name):
            try KustomizationEdit.checkLabel(name, what: "namespace name")
            node["namespace"] = .string(name)
        case .namePrefix(let prefix):
            node["namePrefix"] = .string(prefix)
        case .nameSuffix(let suffix):
            node["nameSuffix"] = .string(suffix)
        case .images(let arguments):
            node["images"] = try KustomizationEdit.images(arguments, over: node["images"]?.items ?? [])
        case .replicas(let arguments):
            node["replicas"] = try KustomizationEdit.replicas(arguments, over: node["replicas"]?.items ?? [])
        case .labels(let arguments, let adding, let force, let withoutSelector, let includeTemplates):
            let pairs = try KustomizationEdit.pairs(arguments, kind: "label")
            for (key, value) in pairs {
                try KustomizationEdit.checkQualifiedName(key, what: "label key")
                if !value.isEmpty { try KustomizationEdit.checkLabel(value, what: "label value", allowDotsAndUnderscores: true) }
            }
            if withoutSelector {
                node["labels"] = try KustomizationEdit.labelEntries(pairs, over: node["labels"]?.items ?? [], force: force || !adding, includeTemplates: includeTemplates)
            } else {
                node["commonLabels"] = try KustomizationEdit.merged(pairs, into: node["commonLabels"], kind: "label", force: force || !adding)
            }
        case .annotations(let arguments, let adding, let force):
            let pairs = try KustomizationEdit.pairs(arguments, kind: "annotation")
            for (key, _) in pairs { try KustomizationEdit.checkQualifiedName(key, what: "annotation key") }
            node["commonAnnotations"] = try KustomizationEdit.merged(pairs, into: node["commonAnnotations"], kind: "annotation", force: force || !adding)
        case .components(let paths):
            var items = node["components"]?.items ?? []
            for path in paths where !items.contains(where: { $0.text == path }) {
                items.append(.string(path))
            }
            node["components"] = .sequence(items)
        }
        return node
    }

    // MARK: images

    /// kustomize's `edit set image`: each argument replaces the entry of its name (a `*`
    /// part keeps the entry's value), the others stay; entries end sorted by name.
    static func images(_ arguments: [String], over present: [Node]) throws(Diagnostic) -> Node {
        guard !arguments.isEmpty else { throw failure("no image specified") }
        var byName: [String: [String: String]] = [:]
        for argument in arguments {
            let image = try parseImage(argument)
            byName[image["name"]!] = image
        }
        for entry in present {
            guard let name = entry["name"]?.text else { continue }
            var fields: [String: String] = [:]
            for field in entry.entries ?? [] { fields[field.name] = field.value.text ?? "" }
            guard var replacement = byName[name] else {
                byName[name] = fields
                continue
            }
            for field in ["newName", "newTag", "digest"] where replacement[field] == "*" {
                replacement[field] = fields[field]
            }
            byName[name] = replacement
        }
        let entries = byName.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.map { name -> Node in
            let fields = byName[name]!.filter { $0.value != "*" && !$0.value.isEmpty }
            let order = ["name", "newName", "newTag", "digest", "tagSuffix"]
            return .mapping(order.compactMap { key in fields[key].map { (key, Node.string($0)) } })
        }
        return .sequence(entries)
    }

    /// `name=newName:tag`, `name=newName@digest`, `name=newName`, `name:tag`, `name@digest`.
    static func parseImage(_ argument: String) throws(Diagnostic) -> [String: String] {
        let invalid = failure("invalid image '\(argument)': use NAME=NEWNAME:TAG, NAME=NEWNAME@DIGEST, NAME=NEWNAME, NAME:TAG or NAME@DIGEST")
        let parts = argument.split(separator: "=", omittingEmptySubsequences: false).map(String.init)
        func overwrite(_ text: String, renaming: Bool) throws(Diagnostic) -> (name: String, tag: String?, digest: String?) {
            // kustomize keeps what precedes a second '@', and an empty name or digest, without a
            // word; an image reference holds no space. Each would write an image the user did
            // not name, so each is refused.
            guard !text.contains(where: \.isWhitespace) else { throw invalid }
            let atParts = text.split(separator: "@", omittingEmptySubsequences: false)
            if atParts.count > 1 {
                guard atParts.count == 2, !atParts[0].isEmpty, !atParts[1].isEmpty else { throw invalid }
                return (String(atParts[0]), nil, String(atParts[1]))
            }
            if let colon = text.lastIndex(of: ":") {
                let tag = text[text.index(after: colon)...]
                if tag == "*" || tag.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }) {
                    return (String(text[..<colon]), String(tag), nil)
                }
            }
            if renaming, !text.isEmpty { return (text, nil, nil) }
            throw invalid
        }
        var image: [String: String] = [:]
        if parts.count == 2 {
            let target = try overwrite(parts[1], renaming: true)
            image["name"] = parts[0]
            image["newName"] = target.name
            image["newTag"] = target.tag
            image["digest"] = target.digest
        } else {
            let target = try overwrite(argument, renaming: false)
            image["name"] = target.name
            image["newTag"] = target.tag
            image["digest"] = target.digest
        }
        return image
    }

    // MARK: replicas

    static func replicas(_ arguments: [String], over present: [Node]) throws(Diagnostic) -> Node {
        guard !arguments.isEmpty else { throw failure("no replicas specified") }
        var counts: [String: Node] = [:]
        for argument in arguments {
            let parts = argument.split(separator: "=", omittingEmptySubsequences: false)
            guard parts.count == 2, let count = Int64(parts[1]) else {
                throw failure("invalid replicas '\(argument)': use NAME=COUNT")
            }
            counts[String(parts[0])] = .scalar(String(count))
        }
        for entry in present {
            guard let name = entry["name"]?.text, counts[name] == nil else { continue }
            counts[name] = entry["count"] ?? .scalar("0")
        }
        return .sequence(counts.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.map { name in
            .mapping([("name", .string(name)), ("count", counts[name]!)])
        })
    }

    // MARK: labels and annotations

    /// `KEY:VALUE` arguments (a value in double quotes loses them; `KEY` alone is an empty value).
    static func pairs(_ arguments: [String], kind: String) throws(Diagnostic) -> [(String, String)] {
        guard !arguments.isEmpty else { throw failure("must specify \(kind)") }
        var result: [String: String] = [:]
        for argument in arguments {
            guard let colon = argument.firstIndex(of: ":") else {
                result[argument] = ""
                continue
            }
            guard colon != argument.startIndex else {
                throw failure("invalid \(kind): '\(argument)' (need k:v pair where v may be quoted)")
            }
            var value = String(argument[argument.index(after: colon)...])
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
            result[String(argument[..<colon])] = value
        }
        return result.keys.sorted().map { ($0, result[$0]!) }
    }

    static func merged(_ pairs: [(String, String)], into present: Node?, kind: String, force: Bool) throws(Diagnostic) -> Node {
        var map = present.flatMap { $0.isNull ? nil : $0 } ?? Node(.mapping([]))
        guard map.isMapping else { throw failure("the kustomization's \(kind)s are not a mapping") }
        for (key, value) in pairs {
            if !force, map[key] != nil {
                throw failure("\(kind) \(key) already in kustomization file. Use --force to override.")
            }
            map[key] = .string(value)
        }
        return map
    }

    /// `add label --without-selector`: the pairs go to the `labels` entry that sets neither
    /// selectors nor field specs (and templates as asked), or to a new one.
    static func labelEntries(_ pairs: [(String, String)], over present: [Node], force: Bool, includeTemplates: Bool) throws(Diagnostic) -> Node {
        var entries = present
        let index = entries.firstIndex { entry in
            (entry["includeSelectors"]?.boolValue ?? false) == false
                && (entry["includeTemplates"]?.boolValue ?? false) == includeTemplates
                && (entry["fields"]?.items?.isEmpty ?? true)
        }
        var entry = index.map { entries[$0] } ?? Node.mapping(includeTemplates ? [("includeTemplates", .scalar("true"))] : [])
        entry["pairs"] = try merged(pairs, into: entry["pairs"] ?? Node(.mapping([])), kind: "label", force: force)
        if let index {
            entries[index] = entry
        } else {
            entries.append(entry)
        }
        return .sequence(entries)
    }

    // MARK: Validation (Kubernetes' name rules, as kustomize checks them)

    static func checkLabel(_ text: String, what: String, allowDotsAndUnderscores: Bool = false) throws(Diagnostic) {
        let bytes = Array(text.utf8)
        let inner: Set<UInt8> = allowDotsAndUnderscores ? Set("-_.".utf8) : Set("-".utf8)
        func alphanumeric(_ byte: UInt8) -> Bool {
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x7A) || (allowDotsAndUnderscores && byte >= 0x41 && byte <= 0x5A)
        }
        guard !bytes.isEmpty, bytes.count <= 63, alphanumeric(bytes.first!), alphanumeric(bytes.last!),
              bytes.allSatisfy({ alphanumeric($0) || inner.contains($0) })
        else {
            throw failure("'\(text)' is not a valid \(what): at most 63 characters, \(allowDotsAndUnderscores ? "letters, digits, '-', '_' and '.'" : "lower-case letters, digits and '-'"), starting and ending with a letter or digit")
        }
    }

    static func checkQualifiedName(_ text: String, what: String) throws(Diagnostic) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let name = parts.last else { throw failure("'\(text)' is not a valid \(what)") }
        if parts.count == 2 {
            let prefix = parts[0]
            guard !prefix.isEmpty, prefix.count <= 253, prefix.split(separator: ".", omittingEmptySubsequences: false).allSatisfy({ label in
                (try? checkLabel(String(label), what: what)) != nil
            }) else { throw failure("'\(text)' is not a valid \(what): the prefix must be a DNS subdomain") }
        }
        try checkLabel(String(name), what: what, allowDotsAndUnderscores: true)
    }
}
