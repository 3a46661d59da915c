import Diagnostics
import FoundationEssentials
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
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
    /// `kind` key, and the group as the value of a `group` key (`""` for the core group), in YAML
    /// or JSON spelling (`kind: X`, `"kind": "X"`, `{kind: X, ...}`). A CRD says both in
    /// `spec.names.kind` and `spec.group`, an OpenAPI document in its
    /// `x-kubernetes-group-version-kind`. The text may say more (a kind named in an
    /// example), never less, so a file this refuses cannot define the kind; one it accepts
    /// is parsed.
    func mayDefine(group: String, kind: String) -> Bool {
        kinds.contains(kind) && groups.contains(group)
    }

    /// The name after each `key` (a whole word) and its colon, quotes and blanks aside; an
    /// empty quoted value (`group: ""`, the core group) counts as the empty name. One pass
    /// over the text (memchr to each first letter of the key), however many kinds are
    /// looked up later.
    private static func values(ofKey key: String, in bytes: [UInt8]) -> Set<String> {
        let needle = Array(key.utf8)
        var found: Set<String> = []
        bytes.withUnsafeBufferPointer { text in
            guard let base = text.baseAddress else { return }
            let count = text.count
            var index = 0
            func skipBlanks() -> Bool {
                var quoted = false
                while index < count, [0x20, 0x09, 0x0A, 0x0D, 0x22, 0x27].contains(text[index]) {
                    quoted = quoted || text[index] == 0x22 || text[index] == 0x27
                    index += 1
                }
                return quoted
            }
            while index + needle.count < count {
                guard let hit = memchr(base + index, Int32(needle[0]), count - index) else { return }
                index = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                guard index + needle.count < count, UnsafeBufferPointer(rebasing: text[index..<(index + needle.count)]).elementsEqual(needle),
                      index == 0 || !isNameByte(text[index - 1]) else {
                    index += 1
                    continue
                }
                index += needle.count
                _ = skipBlanks()
                guard index < count, text[index] == UInt8(ascii: ":") else { continue }
                index += 1
                let quoted = skipBlanks()
                let start = index
                while index < count, isNameByte(text[index]) { index += 1 }
                if index > start || quoted { found.insert(String(decoding: UnsafeBufferPointer(rebasing: text[start..<index]), as: UTF8.self)) }
            }
        }
        return found
    }

    /// Letters, digits, `_`, `-` and `.`: the bytes of a name.
    private static func isNameByte(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
    }
}
