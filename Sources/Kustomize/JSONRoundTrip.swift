import Diagnostics
import YAML

/// What kustomize's trips through JSON do to values. kustomize writes every object it outputs
/// through `encoding/json` (and every object a JSON 6902 patch changes, before and after the
/// patch), so a value JSON cannot hold fails the build, a YAML timestamp becomes Go's
/// RFC 3339 text, a folded block scalar goes through go-yaml's writer (`GoFolding`), and
/// numbers, booleans and nulls come back in their canonical spelling.
enum JSONRoundTrip {
    /// An object as kustomize writes it out: timestamps as strings, and an error for `.inf`
    /// and `.nan`. Returns nil when nothing changes (the common case, without a copy).
    static func output(_ node: Node) throws(Diagnostic) -> Node? {
        try rewritten(node, canonical: false, folding: true)
    }

    /// An object as a JSON 6902 patch sees it: the output rules, and every scalar in the
    /// spelling JSON gives it (`0777` is `511`, `1.50` is `1.5`, `True` is `true`).
    static func beforePatch(_ node: Node) throws(Diagnostic) -> Node {
        try rewritten(node, canonical: true, folding: true) ?? node
    }

    /// An object a JSON 6902 patch changed, read back from JSON: the values the patch brought
    /// in JSON's spelling too (its block scalars were never written by go-yaml).
    static func afterPatch(_ node: Node) throws(Diagnostic) -> Node {
        try rewritten(node, canonical: true, folding: false) ?? node
    }

    private static func rewritten(_ node: Node, canonical: Bool, folding: Bool) throws(Diagnostic) -> Node? {
        try node.rewritingScalars { scalar, mark throws(Diagnostic) in try self.scalar(scalar, canonical: canonical, folding: folding, at: mark) }
    }

    private static func scalar(_ scalar: Scalar, canonical: Bool, folding: Bool, at mark: Mark) throws(Diagnostic) -> Scalar? {
        // The output pass meets every scalar of every object. Untagged quoted and literal
        // strings, and plain scalars that cannot be a number or a timestamp (these start with
        // a digit, '.', '-' or '+'), come out of JSON as they went in: pass over them before
        // resolving their type.
        if !canonical, scalar.tag == nil {
            switch scalar.style {
            case .singleQuoted, .doubleQuoted, .literal:
                return nil
            case .plain:
                guard let first = scalar.value.utf8.first,
                      first == UInt8(ascii: ".") || first == UInt8(ascii: "-") || first == UInt8(ascii: "+")
                      || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else { return nil }
            case .folded:
                break
            }
        }
        let type = scalar.type
        let untagged = scalar.tag == nil || scalar.tag == UntypedScalar.tag
        if !untagged, scalar.style == .plain, [.int, .float, .bool, .null].contains(type) {
            // A value whose text is not of its tag's type (a replacement wrote it): go-yaml's
            // decoding error, which ends kustomize's build.
            let read = ScalarType.resolvePlain(scalar.value)
            guard read == type || (type == .float && read == .int) else {
                throw Diagnostic.error(
                    "kustomize.replacement",
                    "cannot decode \(read.shortTag) `\(scalar.value)` as a \(type.shortTag): a replacement wrote this text into a field of that type",
                    at: mark.location)
            }
        }
        switch type {
        case .float:
            guard let value = ScalarType.parseFloat(scalar.value) else { return nil }
            guard value.isFinite else {
                throw Diagnostic.error(
                    "kustomize.json",
                    "'\(scalar.value)' is \(value.isNaN ? "NaN" : "an infinite number"), which JSON cannot hold (kustomize fails with \"json: unsupported value\"); quote it to keep it a string",
                    at: mark.location)
            }
            guard canonical else { return nil }
            let text = GoJSON.float(value)
            return text == scalar.value && scalar.style == .plain && scalar.tag == nil ? nil : Scalar(text)
        case .string:
            if scalar.style == .folded {
                return Scalar(folding ? GoFolding.roundTrip(scalar.value) : scalar.value, style: .doubleQuoted)
            }
            guard scalar.style == .plain, untagged else { return nil }
            if let text = GoTimestamp.rfc3339(scalar.value) { return Scalar(text, style: .doubleQuoted) }
            // A replacement's untyped text has its type once it went through JSON.
            return canonical && scalar.tag == UntypedScalar.tag ? Scalar(scalar.value) : nil
        case .int, .bool, .null:
            guard canonical else { return nil }
            let text = ScalarType.canonical(scalar.value, as: type)
            return text == scalar.value && scalar.style == .plain && scalar.tag == nil ? nil : Scalar(text)
        case .binary:
            return nil
        }
    }
}
