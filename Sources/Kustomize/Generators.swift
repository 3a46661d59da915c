import Diagnostics
import YAML

/// kustomize v5.5.0's `configMapGenerator` and `secretGenerator`, its content hash, and the
/// `merge` / `replace` behaviors against an existing object.
///
/// What kustomize does, and so what these do:
/// - key/value pairs come from `envs` (then the deprecated `env`), then `literals`, then
///   `files`; a key may appear once per generator;
/// - keys are not validated (kustomize accepts `a b` or `..`);
/// - a bare `KEY` line of an env file gives an empty value: the process environment is
///   never read, so a build stays hermetic;
/// - file content that is not UTF-8 goes to a ConfigMap's `binaryData`, base64-encoded;
///   Secret values are always base64-encoded;
/// - the entry's `options` take precedence over the kustomization's `generatorOptions` for
///   a label or annotation both set; either one can disable the hash or set `immutable`.
public enum Generators {
    static let code = "kustomize.generator"

    /// Builds the object for one `configMapGenerator` entry (`entry` is the list item from
    /// kustomization.yaml; `options` is the kustomization's `generatorOptions` node, if any).
    /// `readFile` returns the bytes of a path relative to the kustomization folder (it
    /// enforces the load restrictor and throws a Diagnostic itself).
    public static func configMap(
        _ entry: Node, options: Node?, readFile: (String) throws(Diagnostic) -> [UInt8]
    ) throws(Diagnostic) -> Resource {
        try generate(.configMap, entry, options: options, readFile: readFile)
    }

    /// Builds the object for one `secretGenerator` entry; see `configMap`.
    public static func secret(
        _ entry: Node, options: Node?, readFile: (String) throws(Diagnostic) -> [UInt8]
    ) throws(Diagnostic) -> Resource {
        try generate(.secret, entry, options: options, readFile: readFile)
    }

    /// `configMap` for a reader that returns text. A file that is not UTF-8 cannot reach
    /// `binaryData` through a String: prefer the byte reader.
    public static func configMap(
        _ entry: Node, options: Node?, readFile: (String) throws(Diagnostic) -> String
    ) throws(Diagnostic) -> Resource {
        try configMap(entry, options: options) { path throws(Diagnostic) in Array(try readFile(path).utf8) }
    }

    /// `secret` for a reader that returns text; see the text form of `configMap`.
    public static func secret(
        _ entry: Node, options: Node?, readFile: (String) throws(Diagnostic) -> String
    ) throws(Diagnostic) -> Resource {
        try secret(entry, options: options) { path throws(Diagnostic) in Array(try readFile(path).utf8) }
    }

    /// kustomize's content hash suffix (10 characters) of a ConfigMap or Secret object.
    ///
    /// kustomize encodes some fields as JSON with sorted keys (ConfigMap: kind, name, data,
    /// and binaryData when it is a mapping; Secret: kind, type, name, data, and stringData
    /// when it is a mapping; a missing field is an empty string), takes the SHA-256 of that
    /// text, and keeps the first 10 hex digits with `0 1 3 a e` spelled `g h k m t`.
    ///
    /// The name is always empty in that JSON: kustomize looks it up as the single key
    /// `metadata/name`, which no object has, so objects with the same content get the same
    /// suffix whatever their names. For other kinds kustomize hashes its internal node
    /// structure (line numbers included), which cannot be reproduced; they get the hash of
    /// their whole JSON form instead.
    public static func hashSuffix(of node: Node) -> String {
        var fields: [(String, JSONField)]
        switch node["kind"]?.text {
        case "ConfigMap":
            fields = [("kind", .text("ConfigMap")), ("name", field(node, nameField)), ("data", field(node, ["data"]))]
            if node["binaryData"]?.isMapping == true { fields.append(("binaryData", field(node, ["binaryData"]))) }
        case "Secret":
            fields = [
                ("kind", .text("Secret")), ("type", field(node, ["type"])),
                ("name", field(node, nameField)), ("data", field(node, ["data"])),
            ]
            if node["stringData"]?.isMapping == true { fields.append(("stringData", field(node, ["stringData"]))) }
        default:
            fields = []
        }
        var json = ""
        if fields.isEmpty {
            GoJSON.encode(node, into: &json)
        } else {
            json = "{"
            for (index, (key, value)) in fields.sorted(by: { GoJSON.less($0.0, $1.0) }).enumerated() {
                if index > 0 { json += "," }
                GoJSON.encodeString(key, into: &json)
                json += ":"
                switch value {
                case .text(let text): GoJSON.encodeString(text, into: &json)
                case .node(let node): GoJSON.encode(node, into: &json)
                case .null: json += "null"
                }
            }
            json += "}"
        }
        let substitutions: [Character: Character] = ["0": "g", "1": "h", "3": "k", "a": "m", "e": "t"]
        return String(SHA256.hex(Array(json.utf8)).prefix(10).map { substitutions[$0] ?? $0 })
    }

    /// `behavior: merge`: the generated object's data merged over an existing object of the same id.
    ///
    /// As kustomize: the result is the generated object with the existing object's name and
    /// namespace, labels and annotations of both (the generated one's win), `data` and
    /// `binaryData` of both (the generated one's win, all values as strings); other fields
    /// of the existing object are dropped. It keeps the existing object's bookkeeping, and
    /// gets a hash suffix only when both objects would.
    public static func merge(_ generated: Resource, into existing: Resource) -> Resource {
        var result = replace(existing, with: generated)
        for field in ["data", "binaryData"] {
            var merged = dataValues(existing.node[field])
            for (key, value) in dataValues(generated.node[field]) { merged[key] = value }
            result.node[field] = merged.isEmpty ? nil : stringMapping(merged)
        }
        return result
    }

    /// `behavior: replace`: the generated object takes the place of an existing object of the
    /// same id, keeping its name, namespace and bookkeeping, and the labels and annotations
    /// of both (the generated one's win), as kustomize does.
    public static func replace(_ existing: Resource, with generated: Resource) -> Resource {
        var result = existing
        var node = generated.node
        for field in ["labels", "annotations"] {
            var merged = dataValues(existing.node[path: ["metadata", field]])
            for (key, value) in dataValues(generated.node[path: ["metadata", field]]) { merged[key] = value }
            if merged.isEmpty {
                node["metadata"]?[field] = nil
            } else {
                node.set(["metadata", field], to: stringMapping(merged))
            }
        }
        node.set(["metadata", "name"], to: .string(existing.name))
        let namespace = existing.namespace
        if namespace.isEmpty {
            node["metadata"]?["namespace"] = nil
        } else {
            node.set(["metadata", "namespace"], to: .string(namespace))
        }
        result.node = node
        result.needsHashSuffix = existing.needsHashSuffix && generated.needsHashSuffix
        return result
    }

    // MARK: Entries

    enum Kind {
        case configMap, secret

        var kindName: String { self == .configMap ? "ConfigMap" : "Secret" }
        var listName: String { self == .configMap ? "configMapGenerator" : "secretGenerator" }
        var fields: Set<String> {
            let common: Set<String> = ["name", "namespace", "behavior", "literals", "files", "envs", "env", "options"]
            return self == .configMap ? common : common.union(["type"])
        }
    }

    static let optionFields: Set<String> = ["labels", "annotations", "disableNameSuffixHash", "immutable"]

    /// `generatorOptions`, or an entry's `options`.
    struct Options {
        var labels: [String: String] = [:]
        var annotations: [String: String] = [:]
        var disableNameSuffixHash = false
        var immutable = false

        init(_ node: Node?, context: String) throws(Diagnostic) {
            guard let node, !node.isNull else { return }
            try checkFields(node, allowed: optionFields, context: context)
            labels = try stringMap(node["labels"], field: "labels")
            annotations = try stringMap(node["annotations"], field: "annotations")
            disableNameSuffixHash = try bool(node["disableNameSuffixHash"], field: "disableNameSuffixHash")
            immutable = try bool(node["immutable"], field: "immutable")
        }

        /// kustomize's `MergeGlobalOptionsIntoLocal`: the entry's keys win.
        mutating func adding(_ global: Options) {
            labels.merge(global.labels) { local, _ in local }
            annotations.merge(global.annotations) { local, _ in local }
            disableNameSuffixHash = disableNameSuffixHash || global.disableNameSuffixHash
            immutable = immutable || global.immutable
        }
    }

    private static func generate(
        _ kind: Kind, _ entry: Node, options global: Node?, readFile: (String) throws(Diagnostic) -> [UInt8]
    ) throws(Diagnostic) -> Resource {
        try checkFields(entry, allowed: kind.fields, context: "\(kind.listName) entry")
        var options = try Options(entry["options"], context: "'options' of a \(kind.listName) entry")
        options.adding(try Options(global, context: "generatorOptions"))
        let name = try string(entry["name"], field: "name") ?? ""
        guard !name.isEmpty else {
            // kustomize says "configmap" for both kinds.
            throw Diagnostic.error(code, "a configmap must have a name", at: entry.mark.location)
        }
        let namespace = try string(entry["namespace"], field: "namespace") ?? ""
        let behavior = try string(entry["behavior"], field: "behavior") ?? ""
        let secretType = try string(entry["type"], field: "type") ?? ""

        var envFiles = try stringList(entry["envs"], field: "envs")
        if let env = entry["env"], let path = try string(env, field: "env"), !path.isEmpty {
            envFiles.append((path, env))
        }
        var pairs: [(key: String, value: [UInt8], node: Node)] = []
        for (path, node) in envFiles {
            for (key, value) in try envFilePairs(try readFile(path), file: path, at: node) {
                pairs.append((key, value, node))
            }
        }
        for (literal, node) in try stringList(entry["literals"], field: "literals") {
            let (key, value) = try parseLiteral(literal, at: node)
            pairs.append((key, value, node))
        }
        for (source, node) in try stringList(entry["files"], field: "files") {
            let (key, path) = try parseFileSource(source, at: node)
            pairs.append((key, try readFile(path), node))
        }
        var data: [String: [UInt8]] = [:]
        for pair in pairs {
            guard data.updateValue(pair.value, forKey: pair.key) == nil else {
                throw Diagnostic.error(code, "configmap \(name) illegally repeats the key `\(pair.key)`", at: pair.node.mark.location)
            }
        }

        var metadata: [(String, Node)] = [("name", .string(name))]
        if !namespace.isEmpty { metadata.append(("namespace", .string(namespace))) }
        if !options.labels.isEmpty { metadata.append(("labels", stringMapping(options.labels))) }
        if !options.annotations.isEmpty { metadata.append(("annotations", stringMapping(options.annotations))) }
        var node = Node.mapping([("apiVersion", .string("v1")), ("kind", .string(kind.kindName)), ("metadata", .mapping(metadata))], mark: entry.mark)
        switch kind {
        case .configMap:
            var text: [String: String] = [:], binary: [String: String] = [:]
            for (key, bytes) in data {
                if let string = String(validating: bytes, as: UTF8.self) {
                    text[key] = string
                } else {
                    binary[key] = wrappedBase64(bytes)
                }
            }
            if !text.isEmpty { node["data"] = stringMapping(text) }
            if !binary.isEmpty { node["binaryData"] = stringMapping(binary) }
        case .secret:
            node["type"] = .string(secretType.isEmpty ? "Opaque" : secretType)
            node["data"] = stringMapping(data.mapValues(wrappedBase64))
        }
        if options.immutable { node["immutable"] = .scalar("true") }

        var resource = Resource(node: node)
        resource.needsHashSuffix = !options.disableNameSuffixHash
        // kustomize treats any other word as unspecified, which behaves as create.
        resource.behavior = GeneratorBehavior(rawValue: behavior) ?? .create
        return resource
    }

    // MARK: Sources

    /// `KEY=VALUE`: the value may contain `=`; one pair of matching quotes around it is removed.
    static func parseLiteral(_ source: String, at node: Node) throws(Diagnostic) -> (String, [UInt8]) {
        guard let (key, rest) = splitAtEquals(source), !key.isEmpty else {
            throw Diagnostic.error(code, "invalid literal source \(source), expected key=value", at: node.mark.location)
        }
        var value = Array(rest.utf8)
        if value.count >= 2, value.first == value.last, value.first == UInt8(ascii: "\"") || value.first == UInt8(ascii: "'") {
            value = Array(value.dropFirst().dropLast())
        }
        return (key, value)
    }

    /// `path` (the key is the file name) or `key=path`.
    static func parseFileSource(_ source: String, at node: Node) throws(Diagnostic) -> (key: String, path: String) {
        guard let (key, path) = splitAtEquals(source) else {
            return (goPathBase(source), source)
        }
        let message: String
        if key.isEmpty {
            message = "missing key name for file path \"\(path)\" in source \"\(source)\""
        } else if path.isEmpty {
            message = "missing file path for key name \"\(key)\" in source \"\(source)\""
        } else if path.unicodeScalars.contains("=") {
            message = "source \"\(source)\" key name or file path contains '='"
        } else {
            return (key, path)
        }
        throw Diagnostic.error(code, message, at: node.mark.location)
    }

    /// Splits at the first `=` as Go does on bytes (a Character view would miss an `=`
    /// followed by a combining mark).
    static func splitAtEquals(_ text: String) -> (String, String)? {
        let scalars = text.unicodeScalars
        guard let equals = scalars.firstIndex(of: "=") else { return nil }
        return (String(scalars[..<equals]), String(scalars[scalars.index(after: equals)...]))
    }

    /// Go's `path.Base`: the last element, trailing slashes ignored.
    static func goPathBase(_ path: String) -> String {
        if path.isEmpty { return "." }
        var text = Substring.UnicodeScalarView(path.unicodeScalars)
        while text.last == "/" { text = text.dropLast() }
        if text.isEmpty { return "/" }
        if let slash = text.lastIndex(of: "/") { text = text[text.index(after: slash)...] }
        return String(text)
    }

    /// The pairs of a dotenv file as kustomize reads it: lines split like Go's
    /// `bufio.ScanLines` (a final `\r` dropped), a byte order mark removed from the first
    /// line, leading white space trimmed, blank lines and `#` comments skipped, `KEY=VALUE`
    /// split at the first `=`, and a bare `KEY` given an empty value.
    static func envFilePairs(_ content: [UInt8], file: String, at node: Node) throws(Diagnostic) -> [(String, [UInt8])] {
        var lines = content.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        if content.last == UInt8(ascii: "\n") { lines.removeLast() }
        var pairs: [(String, [UInt8])] = []
        for (number, rawLine) in lines.enumerated() {
            var line = rawLine
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            guard let text = String(validating: line, as: UTF8.self) else {
                throw Diagnostic.error(code, "env file \(file): line \(number + 1) is not valid UTF-8", at: node.mark.location)
            }
            var scalars = Substring.UnicodeScalarView(text.unicodeScalars)
            if number == 0, scalars.first == "\u{FEFF}" { scalars = scalars.dropFirst() }
            scalars = scalars.drop(while: \.properties.isWhitespace)
            guard let first = scalars.first, first != "#" else { continue }
            let body = String(scalars)
            let (key, value) = splitAtEquals(body) ?? (body, "")
            if !key.isEmpty { pairs.append((key, Array(value.utf8))) }
        }
        return pairs
    }

    /// Standard base64, broken into lines of 70 characters each ending in a newline when it
    /// is 70 characters or longer (kyaml's `encodeBase64`).
    static func wrappedBase64(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var encoded: [UInt8] = []
        encoded.reserveCapacity((bytes.count + 2) / 3 * 4)
        for start in stride(from: 0, to: bytes.count, by: 3) {
            let chunk = bytes[start..<min(start + 3, bytes.count)]
            let b0 = chunk[start], b1 = chunk.count > 1 ? chunk[start + 1] : 0, b2 = chunk.count > 2 ? chunk[start + 2] : 0
            encoded.append(alphabet[Int(b0 >> 2)])
            encoded.append(alphabet[Int((b0 & 0x03) << 4 | b1 >> 4)])
            encoded.append(chunk.count > 1 ? alphabet[Int((b1 & 0x0f) << 2 | b2 >> 6)] : UInt8(ascii: "="))
            encoded.append(chunk.count > 2 ? alphabet[Int(b2 & 0x3f)] : UInt8(ascii: "="))
        }
        guard encoded.count >= 70 else { return String(decoding: encoded, as: UTF8.self) }
        var wrapped: [UInt8] = []
        for start in stride(from: 0, to: encoded.count, by: 70) {
            wrapped.append(contentsOf: encoded[start..<min(start + 70, encoded.count)])
            wrapped.append(UInt8(ascii: "\n"))
        }
        return String(decoding: wrapped, as: UTF8.self)
    }

    // MARK: Nodes

    /// A mapping of string values with sorted keys (the output sorts them anyway).
    private static func stringMapping(_ values: [String: String]) -> Node {
        .mapping(values.sorted { GoJSON.less($0.key, $1.key) }.map { ($0.key, .string($0.value)) })
    }

    /// kyaml's `GetDataMap`: each value's text (a null or a collection gives an empty string).
    private static func dataValues(_ node: Node?) -> [String: String] {
        var result: [String: String] = [:]
        for entry in node?.entries ?? [] {
            result[entry.name] = entry.value.isNull ? "" : entry.value.scalar?.value ?? ""
        }
        return result
    }

    private static func checkFields(_ node: Node, allowed: Set<String>, context: String) throws(Diagnostic) {
        guard let entries = node.entries else {
            throw Diagnostic.error(code, "\(context) must be a mapping, found \(JSONPatch.describeType(node))", at: node.mark.location)
        }
        for entry in entries where !allowed.contains(entry.name) {
            var message = "unknown field '\(entry.name)' in \(context)"
            if let suggestion = closestMatch(to: entry.name, in: allowed) {
                message += "; did you mean '\(suggestion)'?"
            }
            throw Diagnostic.error(code, message, at: entry.key.mark.location)
        }
    }

    /// A string field; null counts as unset (kustomize reads the kustomization with go-yaml
    /// v2, so a plain `yes` is a boolean, not a string).
    private static func string(_ node: Node?, field: String) throws(Diagnostic) -> String? {
        guard let node, !node.isNull else { return nil }
        guard let text = JSONPatch.yaml11String(node) else {
            throw Diagnostic.error(code, "'\(field)' must be a string, found \(JSONPatch.describeType(node))", at: node.mark.location)
        }
        return text
    }

    private static func stringList(_ node: Node?, field: String) throws(Diagnostic) -> [(String, Node)] {
        guard let node, !node.isNull else { return [] }
        guard let items = node.items else {
            throw Diagnostic.error(code, "'\(field)' must be a list of strings, found \(JSONPatch.describeType(node))", at: node.mark.location)
        }
        var result: [(String, Node)] = []
        for item in items {
            result.append((try string(item, field: field) ?? "", item))
        }
        return result
    }

    private static func stringMap(_ node: Node?, field: String) throws(Diagnostic) -> [String: String] {
        guard let node, !node.isNull else { return [:] }
        guard let entries = node.entries else {
            throw Diagnostic.error(code, "'\(field)' must be a mapping of strings, found \(JSONPatch.describeType(node))", at: node.mark.location)
        }
        var result: [String: String] = [:]
        for entry in entries {
            result[JSONPatch.yaml11Booleans(entry.key).scalar?.value ?? entry.name] = try string(entry.value, field: "\(field).\(entry.name)") ?? ""
        }
        return result
    }

    private static func bool(_ node: Node?, field: String) throws(Diagnostic) -> Bool {
        guard let node, !node.isNull else { return false }
        guard let flag = JSONPatch.yaml11Booleans(node).boolValue else {
            throw Diagnostic.error(code, "'\(field)' must be a bool, found \(JSONPatch.describeType(node))", at: node.mark.location)
        }
        return flag
    }

    /// kustomize's path for the name, looked up as one key (see `hashSuffix`).
    private static let nameField = ["metadata/name"]

    private static func field(_ node: Node, _ path: [String]) -> JSONField {
        guard let value = node[path: path], !value.isNull else { return .text("") }
        if let scalar = value.scalar { return .text(scalar.value) }
        // kustomize decodes a collection into a Go map: a sequence does not fit and is null.
        return value.isMapping ? .node(value) : .null
    }

    private enum JSONField {
        case text(String)
        case node(Node)
        case null
    }
}

/// JSON text as Go's `encoding/json` writes it, which the hash depends on byte for byte.
enum GoJSON {
    /// Go sorts map keys by their bytes.
    static func less(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    static func encode(_ node: Node, into output: inout String) {
        switch node.content {
        case .mapping(let entries):
            output += "{"
            for (index, entry) in entries.sorted(by: { less($0.name, $1.name) }).enumerated() {
                if index > 0 { output += "," }
                encodeString(entry.name, into: &output)
                output += ":"
                encode(entry.value, into: &output)
            }
            output += "}"
        case .sequence(let items):
            output += "["
            for (index, item) in items.enumerated() {
                if index > 0 { output += "," }
                encode(item, into: &output)
            }
            output += "]"
        case .scalar(let scalar):
            switch scalar.type {
            case .null: output += "null"
            case .bool: output += scalar.value.lowercased()
            case .int:
                output += ScalarType.canonical(scalar.value, as: .int)
            case .float:
                output += ScalarType.parseFloat(scalar.value).map(float) ?? scalar.value
            case .string, .binary:
                encodeString(scalar.value, into: &output)
            }
        }
    }

    /// `json.MarshalIndent(v, "", "  ")`: one member or element a line; empty ones compact.
    static func encodeIndented(_ node: Node, into output: inout String, depth: Int = 0) {
        let inner = String(repeating: "  ", count: depth + 1)
        switch node.content {
        case .mapping(let entries) where !entries.isEmpty:
            output += "{\n"
            for (index, entry) in entries.sorted(by: { less($0.name, $1.name) }).enumerated() {
                if index > 0 { output += ",\n" }
                output += inner
                encodeString(entry.name, into: &output)
                output += ": "
                encodeIndented(entry.value, into: &output, depth: depth + 1)
            }
            output += "\n" + String(repeating: "  ", count: depth) + "}"
        case .sequence(let items) where !items.isEmpty:
            output += "[\n"
            for (index, item) in items.enumerated() {
                if index > 0 { output += ",\n" }
                output += inner
                encodeIndented(item, into: &output, depth: depth + 1)
            }
            output += "\n" + String(repeating: "  ", count: depth) + "]"
        default:
            encode(node, into: &output)
        }
    }

    /// Go escapes `"`, `\`, control characters, `<`, `>`, `&`, U+2028 and U+2029. Every
    /// generated object's hash encodes its data, so the text between escapes is copied in
    /// runs: each escaped character but U+2028 and U+2029 is one ASCII byte, and those two are
    /// the bytes E2 80 A8 and E2 80 A9.
    static func encodeString(_ text: String, into output: inout String) {
        output += "\""
        let bytes = text.utf8
        var run = bytes.startIndex
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            var escape: String?
            var length = 1
            switch byte {
            case UInt8(ascii: "\""): escape = "\\\""
            case UInt8(ascii: "\\"): escape = "\\\\"
            case UInt8(ascii: "\n"): escape = "\\n"
            case UInt8(ascii: "\r"): escape = "\\r"
            case UInt8(ascii: "\t"): escape = "\\t"
            case 0x08: escape = "\\b"
            case 0x0C: escape = "\\f"
            case UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "&"): escape = unicodeEscape(UInt32(byte))
            case 0x00..<0x20: escape = unicodeEscape(UInt32(byte))
            case 0xE2:
                let next = bytes.index(after: index)
                if next < bytes.endIndex, bytes[next] == 0x80, bytes.index(after: next) < bytes.endIndex {
                    let last = bytes[bytes.index(after: next)]
                    if last == 0xA8 || last == 0xA9 {
                        escape = unicodeEscape(last == 0xA8 ? 0x2028 : 0x2029)
                        length = 3
                    }
                }
            default: break
            }
            guard let escape else {
                index = bytes.index(after: index)
                continue
            }
            output += Substring(bytes[run..<index])
            output += escape
            index = bytes.index(index, offsetBy: length)
            run = index
        }
        output += Substring(bytes[run..<bytes.endIndex])
        output += "\""
    }

    private static func unicodeEscape(_ value: UInt32) -> String {
        let hex = String(value, radix: 16)
        return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
    }

    /// Go's float64 encoding: the shortest digits, in exponent form below 1e-6 or from 1e21.
    static func float(_ value: Double) -> String {
        shortest(value, exponentBelow: -6, exponentFrom: 21, minimumExponentDigits: 1)
    }

    /// Go's shortest float layouts: exponent form (`1e+06`, with at least
    /// `minimumExponentDigits` exponent digits) when the decimal exponent is below
    /// `exponentBelow` or from `exponentFrom`, plain digits otherwise (never, when nil).
    static func shortest(_ value: Double, exponentBelow: Int, exponentFrom: Int?, minimumExponentDigits: Int) -> String {
        if value == 0 { return value.sign == .minus ? "-0" : "0" }
        // Swift's description has the shortest round-trip digits too; only the layout differs.
        let (digits, exponent) = shortestDigits(abs(value))
        var text = value < 0 ? "-" : ""
        if let exponentFrom, exponent < exponentBelow || exponent >= exponentFrom {
            text += String(digits.prefix(1))
            if digits.count > 1 { text += "." + digits.dropFirst() }
            let power = String(abs(exponent))
            text += (exponent < 0 ? "e-" : "e+") + String(repeating: "0", count: max(0, minimumExponentDigits - power.count)) + power
        } else if exponent < 0 {
            text += "0." + String(repeating: "0", count: -exponent - 1) + digits
        } else if digits.count <= exponent + 1 {
            text += digits + String(repeating: "0", count: exponent + 1 - digits.count)
        } else {
            text += digits.prefix(exponent + 1) + "." + digits.dropFirst(exponent + 1)
        }
        return text
    }

    /// The significant digits of a positive double and the decimal exponent of the first.
    private static func shortestDigits(_ value: Double) -> (String, Int) {
        let description = "\(value)"
        let parts = description.split(separator: "e")
        var exponent = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
        let mantissa = parts[0].split(separator: ".", omittingEmptySubsequences: false)
        let integer = String(mantissa[0]), fraction = mantissa.count > 1 ? String(mantissa[1]) : ""
        var digits = Substring(integer + fraction)
        exponent += integer.count - 1
        while digits.first == "0", digits.count > 1 {
            digits = digits.dropFirst()
            exponent -= 1
        }
        while digits.last == "0", digits.count > 1 { digits = digits.dropLast() }
        return (String(digits), exponent)
    }
}
