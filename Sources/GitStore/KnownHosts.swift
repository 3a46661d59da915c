import Diagnostics
import FileSources
import FoundationEssentials

/// OpenSSH's known_hosts files, read to decide whether an SSH server's host key is the one the
/// user trusts. libgit2 1.5 checks no host key itself (it hands the key to a callback and goes on
/// when the callback does not object), so this is the only thing standing between a push and a
/// man in the middle: anything but an exact match is refused.
struct KnownHosts {
    /// One line of a known_hosts file that names hosts and a key.
    struct Entry: Equatable {
        enum Marker: Equatable {
            case revoked
            case certificateAuthority
        }

        var file: String
        var line: Int
        var marker: Marker?
        /// The host field: comma-separated patterns, or one `|1|salt|hash` hashed name.
        var hosts: String
        var keyType: String
        var key: [UInt8]

        var location: SourceLocation { SourceLocation(file: file, line: line, column: 1) }

        /// Whether this line is about `name` (`host`, or `[host]:port` for a port other than 22).
        func names(_ name: String) -> Bool {
            if hosts.hasPrefix("|1|") {
                let parts = hosts.split(separator: "|", omittingEmptySubsequences: false)
                guard parts.count == 4,
                      let salt = Data(base64Encoded: String(parts[2])), let hash = Data(base64Encoded: String(parts[3]))
                else { return false }
                return HMACSHA1.authenticationCode(key: Array(salt), message: Array(name.utf8)) == Array(hash)
            }
            var matched = false
            for pattern in hosts.split(separator: ",") {
                if pattern.hasPrefix("!") {
                    if Self.wildcard(pattern.dropFirst().lowercased(), matches: name) { return false }
                } else if Self.wildcard(pattern.lowercased(), matches: name) {
                    matched = true
                }
            }
            return matched
        }

        /// OpenSSH's host patterns: `*` any run of characters, `?` one character.
        private static func wildcard(_ pattern: String, matches name: String) -> Bool {
            let pattern = Array(pattern), name = Array(name)
            var (p, n) = (0, 0)
            var backtrack: (pattern: Int, name: Int)?
            while n < name.count {
                if p < pattern.count, pattern[p] == "?" || pattern[p] == name[n] {
                    p += 1; n += 1
                } else if p < pattern.count, pattern[p] == "*" {
                    backtrack = (p, n)
                    p += 1
                } else if let star = backtrack {
                    backtrack = (star.pattern, star.name + 1)
                    (p, n) = (star.pattern + 1, star.name + 1)
                } else {
                    return false
                }
            }
            while p < pattern.count, pattern[p] == "*" { p += 1 }
            return p == pattern.count
        }
    }

    /// What the files say about a presented host key.
    enum Verdict: Equatable {
        case trusted(Entry)
        /// No line names the host.
        case unknown
        /// Lines name the host with keys of the presented type, and none is the presented key.
        case changed(Entry)
        /// Lines name the host only with keys of other types.
        case otherTypes([Entry])
        case revoked(Entry)
    }

    var entries: [Entry] = []
    /// The files read (or looked for), for messages.
    var files: [String] = []

    /// Reads `required` files (named by the user: a missing one is an error) and `optional` ones
    /// (the default locations).
    static func load(required: [String], optional: [String]) throws(Diagnostic) -> KnownHosts {
        var knownHosts = KnownHosts()
        for (path, mustExist) in required.map({ ($0, true) }) + optional.map({ ($0, false) }) {
            knownHosts.files.append(path)
            guard let data = LocalFiles().contents(of: path) else {
                if mustExist {
                    throw Diagnostic.error("remote.known-hosts-missing", "the known_hosts file '\(path)' does not exist or cannot be read")
                }
                continue
            }
            knownHosts.entries += parse(String(decoding: data, as: UTF8.self), file: path)
        }
        return knownHosts
    }

    /// The lines of a known_hosts file that name hosts and a key; comments, blank lines and lines
    /// that do not parse are skipped, as ssh skips them.
    static func parse(_ text: String, file: String) -> [Entry] {
        var entries: [Entry] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard let first = fields.first, !first.hasPrefix("#") else { continue }
            var marker: Entry.Marker?
            if first.hasPrefix("@") {
                switch first {
                case "@revoked": marker = .revoked
                case "@cert-authority": marker = .certificateAuthority
                default: continue
                }
                fields.removeFirst()
            }
            guard fields.count >= 3, let key = Data(base64Encoded: fields[2]) else { continue }
            entries.append(Entry(file: file, line: index + 1, marker: marker, hosts: fields[0], keyType: fields[1], key: Array(key)))
        }
        return entries
    }

    /// The name known_hosts files use for a host: `host` on port 22, `[host]:port` elsewhere.
    static func lookupName(host: String, port: Int) -> String {
        port == 22 ? host.lowercased() : "[\(host.lowercased())]:\(port)"
    }

    /// Compares a presented key (its wire-format blob) with the lines naming the host. A revoked
    /// key is refused even when another line trusts it, as ssh does. Certificate authorities are
    /// not consulted: libgit2 1.5 presents plain host keys only.
    func verdict(host: String, port: Int, key: [UInt8]) -> Verdict {
        let name = Self.lookupName(host: host, port: port)
        let naming = entries.filter { $0.names(name) }
        if let revoked = naming.first(where: { $0.marker == .revoked && $0.key == key }) {
            return .revoked(revoked)
        }
        let plain = naming.filter { $0.marker == nil }
        if let trusted = plain.first(where: { $0.key == key }) {
            return .trusted(trusted)
        }
        let type = Self.keyType(of: key)
        if let changed = plain.first(where: { $0.keyType == type }) {
            return .changed(changed)
        }
        return plain.isEmpty ? .unknown : .otherTypes(plain)
    }

    /// The algorithm name a key blob starts with (`ssh-ed25519`, `ecdsa-sha2-nistp256`, ...).
    static func keyType(of key: [UInt8]) -> String {
        guard key.count >= 4 else { return "unknown" }
        let length = key.prefix(4).reduce(0) { $0 << 8 | Int($1) }
        guard length > 0, key.count >= 4 + length else { return "unknown" }
        return String(decoding: key[4..<(4 + length)], as: UTF8.self)
    }

    /// A key's fingerprint as `ssh-keygen -l` and ssh print it: `SHA256:` and unpadded base64.
    static func fingerprint(sha256: [UInt8]) -> String {
        "SHA256:" + Data(sha256).base64EncodedString().replacing("=", with: "")
    }
}
