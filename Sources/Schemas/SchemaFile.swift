import Diagnostics
import YAML

/// One schema file, read but not yet parsed.
struct SchemaFile: Sendable {
    var path: String
    /// The path as messages print it.
    var display: String
    var bytes: [UInt8]
    /// The values of every `kind` and `group` key in the text (see `mayDefine`).
    private let kinds: Set<String>
    private let groups: Set<String>

    init(path: String, display: String, bytes: [UInt8]) {
        self.path = path
        self.display = display
        self.bytes = bytes
        kinds = Self.values(ofKey: "kind", in: bytes)
        groups = Self.values(ofKey: "group", in: bytes)
    }

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
    /// `x-kubernetes-group-version-kind`. The text may say more (a kind named in an
    /// example), never less, so a file this refuses cannot define the kind; one it accepts
    /// is parsed.
    func mayDefine(group: String, kind: String) -> Bool {
        kinds.contains(kind) && (group.isEmpty || groups.contains(group))
    }

    /// The name after each `key` (a whole word) and its colon, quotes and blanks aside: one
    /// pass over the text, however many kinds are looked up later.
    private static func values(ofKey key: String, in bytes: [UInt8]) -> Set<String> {
        let needle = Array(key.utf8)
        var found: Set<String> = []
        var index = 0
        let count = bytes.count
        func skipBlanks() {
            while index < count, [0x20, 0x09, 0x0A, 0x0D, 0x22, 0x27].contains(bytes[index]) { index += 1 }
        }
        while index + needle.count < count {
            guard bytes[index] == needle[0], bytes[index..<(index + needle.count)].elementsEqual(needle),
                  index == 0 || !isNameByte(bytes[index - 1]) else {
                index += 1
                continue
            }
            index += needle.count
            skipBlanks()
            guard index < count, bytes[index] == UInt8(ascii: ":") else { continue }
            index += 1
            skipBlanks()
            let start = index
            while index < count, isNameByte(bytes[index]) { index += 1 }
            if index > start { found.insert(String(decoding: bytes[start..<index], as: UTF8.self)) }
        }
        return found
    }

    /// Letters, digits, `_`, `-` and `.`: the bytes of a name.
    private static func isNameByte(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
    }
}
