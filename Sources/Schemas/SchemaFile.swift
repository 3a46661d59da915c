import Diagnostics
import YAML

/// One schema file, read but not yet parsed.
struct SchemaFile: Sendable {
    var path: String
    /// The path as messages print it.
    var display: String
    var bytes: [UInt8]

    /// The kinds the file defines; a file that defines none is an error (it was named as a
    /// schema file, so something is wrong with it).
    func definitions() throws(Diagnostic) -> [SchemaSet.Definition] {
        let documents = try YAMLParser.parseStream(try YAMLParser.text(utf8: bytes, file: display), file: display)
        var found: [SchemaSet.Definition] = []
        for document in documents { found += try SchemaSet.kinds(definedBy: document, file: display) }
        if found.isEmpty {
            throw Diagnostic.error(
                "schemas.no-schema",
                "'\(display)' holds no CustomResourceDefinition and no OpenAPI v3 document with x-kubernetes-group-version-kind",
                at: SourceLocation(file: display, line: 1, column: 1))
        }
        return found
    }

    /// Whether the file may define `kind` of `group`: it has the kind as the value of a
    /// `kind` key, and (for a named group) the group as the value of a `group` key, in YAML
    /// or JSON spelling (`kind: X`, `"kind": "X"`, `{kind: X, ...}`). A CRD says both in
    /// `spec.names.kind` and `spec.group`, an OpenAPI document in its
    /// `x-kubernetes-group-version-kind`. It may say more (the kind named in an example),
    /// never less, so a file this refuses cannot define the kind; one it accepts is parsed.
    func mayDefine(group: String, kind: String) -> Bool {
        hasValue(kind, ofKey: "kind") && (group.isEmpty || hasValue(group, ofKey: "group"))
    }

    private func hasValue(_ value: String, ofKey key: String) -> Bool {
        let needle = Array(value.utf8), keyBytes = Array(key.utf8)
        guard !needle.isEmpty, bytes.count >= needle.count else { return false }
        let first = needle[0]
        var index = 0
        let last = bytes.count - needle.count
        while index <= last {
            if bytes[index] == first, bytes[index..<(index + needle.count)].elementsEqual(needle),
               !Self.isNameByte(index + needle.count < bytes.count ? bytes[index + needle.count] : 0x20),
               follows(key: keyBytes, before: index) {
                return true
            }
            index += 1
        }
        return false
    }

    /// Whether `key` then `:` come right before `position`, quotes and blanks aside.
    private func follows(key: [UInt8], before position: Int) -> Bool {
        var index = position - 1
        func skipBlanks() {
            while index >= 0, [0x20, 0x09, 0x0A, 0x0D, 0x22, 0x27].contains(bytes[index]) { index -= 1 }
        }
        skipBlanks()
        guard index >= 0, bytes[index] == UInt8(ascii: ":") else { return false }
        index -= 1
        skipBlanks()
        let start = index - key.count + 1
        guard start >= 0, bytes[start...index].elementsEqual(key) else { return false }
        return start == 0 || !Self.isNameByte(bytes[start - 1])
    }

    /// Letters, digits, `_`, `-` and `.`: the bytes of a name; a match must end at another.
    private static func isNameByte(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
    }
}
