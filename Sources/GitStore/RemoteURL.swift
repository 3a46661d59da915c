import CLibGit2
import Diagnostics

/// A remote as gitopsc reaches it, parsed once: which transport, which host, and who. It keeps the
/// user info of the URL apart, so that libgit2 (and every message) only ever sees the URL without
/// a password or token.
public struct RemoteURL: Sendable, Equatable {
    public enum Transport: Sendable, Equatable {
        /// A path or a `file://` URL: no network, no credentials.
        case local
        case https
        /// Plain HTTP: allowed without credentials only (they would travel in clear text).
        case http
        case ssh
    }

    public var transport: Transport
    /// The host as written (brackets of an IPv6 literal removed), empty for a local remote.
    public var host: String
    /// The explicit port, `nil` for the transport's default.
    public var port: Int?
    /// User info of the URL, percent-decoded.
    public var username: String?
    public var password: String?
    /// The URL libgit2 connects to: HTTP(S) without user info, SSH without a password.
    public var connectable: String
    /// The remote as messages name it: HTTP(S) without user info (a token may be the user name),
    /// SSH with the user name, which is not a secret.
    public var display: String

    /// The default port of the transport, for matching credentials and known hosts.
    public var effectivePort: Int? {
        switch transport {
        case .local: nil
        case .https: port ?? 443
        case .http: port ?? 80
        case .ssh: port ?? 22
        }
    }

    /// `host` or `host:port` as git's credential store spells it (only a non-default port).
    var hostAndPort: String {
        port.map { "\(bracketedHost):\($0)" } ?? bracketedHost
    }

    private var bracketedHost: String { host.contains(":") ? "[\(host)]" : host }

    /// Parses what `--push` names: a URL (`https://`, `http://`, `ssh://`, `git+ssh://`,
    /// `file://`), git's scp-like `[user@]host:path`, or a local path.
    public init(_ text: String) throws(Diagnostic) {
        if let separator = text.firstRange(of: "://") {
            let scheme = text[..<separator.lowerBound].lowercased()
            let transport: Transport
            switch scheme {
            case "file": self.init(local: text); return
            case "https": transport = .https
            case "http": transport = .http
            case "ssh", "git+ssh", "ssh+git": transport = .ssh
            default:
                throw Diagnostic.error("remote.unsupported-url", "'\(Self.withoutUserInfo(text))' uses the scheme '\(scheme)': gitopsc pushes over https://, ssh:// or to a local path")
            }
            let rest = text[separator.upperBound...]
            let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
            let authority = rest[..<authorityEnd]
            let path = rest[authorityEnd...]
            var hostPart = authority
            var username: String?, password: String?
            if let at = authority.lastIndex(of: "@") {
                let userInfo = authority[..<at]
                hostPart = authority[authority.index(after: at)...]
                if let colon = userInfo.firstIndex(of: ":") {
                    username = try Self.percentDecoded(userInfo[..<colon], in: text)
                    password = try Self.percentDecoded(userInfo[userInfo.index(after: colon)...], in: text)
                } else {
                    username = try Self.percentDecoded(userInfo, in: text)
                }
            }
            let (host, port) = try Self.hostAndPort(hostPart, in: text)
            // SSH keeps the user name (the login, not a secret); HTTP(S) drops all user info,
            // since a token may be given as the user name.
            let user = transport == .ssh ? username.map { Self.percentEncoded($0) + "@" } ?? "" : ""
            let connectable = "\(scheme)://\(user)\(hostPart)\(path)"
            self.init(transport: transport, host: host, port: port, username: username, password: password, connectable: connectable, display: connectable)
            return
        }
        // git's rule: a colon before the first slash makes it scp-like syntax, not a path.
        if let colon = text.firstIndex(of: ":"), colon != text.startIndex, !text[..<colon].contains("/") {
            let target = text[..<colon]
            let at = target.lastIndex(of: "@")
            var host = at.map { target[target.index(after: $0)...] } ?? target
            if host.hasPrefix("[") && host.hasSuffix("]") { host = host.dropFirst().dropLast() }
            self.init(transport: .ssh, host: String(host), port: nil, username: at.map { String(target[..<$0]) }, password: nil, connectable: text, display: text)
            return
        }
        self.init(local: text)
    }

    private init(transport: Transport, host: String, port: Int?, username: String?, password: String?, connectable: String, display: String) {
        self.transport = transport
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.connectable = connectable
        self.display = display
    }

    private init(local text: String) {
        self.init(transport: .local, host: "", port: nil, username: nil, password: nil, connectable: text, display: text)
    }

    /// The URL for messages, also when it does not parse: user info removed.
    public static func redacted(_ text: String) -> String {
        (try? RemoteURL(text).display) ?? withoutUserInfo(text)
    }

    private static func withoutUserInfo(_ text: String) -> String {
        guard let separator = text.firstRange(of: "://") else { return text }
        let rest = text[separator.upperBound...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        guard let at = rest[..<authorityEnd].lastIndex(of: "@") else { return text }
        return String(text[..<separator.upperBound]) + rest[rest.index(after: at)...]
    }

    private static func hostAndPort(_ text: Substring, in url: String) throws(Diagnostic) -> (String, Int?) {
        var host = text
        var portText: Substring?
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            host = text[text.index(after: text.startIndex)..<close]
            let after = text[text.index(after: close)...]
            if after.hasPrefix(":") { portText = after.dropFirst() }
        } else if let colon = text.lastIndex(of: ":") {
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        guard !host.isEmpty else {
            throw Diagnostic.error("remote.invalid-url", "'\(withoutUserInfo(url))' names no host")
        }
        guard let portText, !portText.isEmpty else { return (String(host), nil) }
        guard let port = Int(portText), (1...65535).contains(port) else {
            throw Diagnostic.error("remote.invalid-url", "'\(withoutUserInfo(url))' has the port '\(portText)', which is not a number from 1 to 65535")
        }
        return (String(host), port)
    }

    /// `%XX` escapes of URL user info (and of git's credential store) decoded.
    static func percentDecoded(_ text: Substring, in url: String) throws(Diagnostic) -> String {
        var bytes: [UInt8] = []
        var index = text.utf8.startIndex
        let utf8 = text.utf8
        while index < utf8.endIndex {
            let byte = utf8[index]
            if byte == UInt8(ascii: "%") {
                let first = utf8.index(after: index)
                guard first < utf8.endIndex, utf8.index(after: first) < utf8.endIndex,
                      let high = hexValue(utf8[first]), let low = hexValue(utf8[utf8.index(after: first)])
                else {
                    throw Diagnostic.error("remote.invalid-url", "'\(withoutUserInfo(url))' has a '%' in its user info that is not a %XX escape")
                }
                bytes.append(high << 4 | low)
                index = utf8.index(first, offsetBy: 2)
            } else {
                bytes.append(byte)
                index = utf8.index(after: index)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private static func percentEncoded(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            let character = Character(Unicode.Scalar(byte))
            if byte < 0x80, character.isLetter || character.isNumber || "-._~".contains(character) {
                result.append(character)
            } else {
                result += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return result
    }
}

extension GitRepository {
    /// The URL of the remote `name` as configured (`git remote get-url`), nil when there is no
    /// such remote.
    public func remoteURL(named name: String) throws(Diagnostic) -> String? {
        var remote: OpaquePointer?
        let result = git_remote_lookup(&remote, handle, name)
        if result == GIT_ENOTFOUND.rawValue || result == GIT_EINVALIDSPEC.rawValue { return nil }
        try LibGit2.check(result, "git.remote", "cannot read remote '\(name)'")
        defer { git_remote_free(remote) }
        return git_remote_url(remote).map { String(cString: $0) }
    }
}
