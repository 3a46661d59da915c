import Diagnostics
import FileSources
import FoundationEssentials
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the credentials and the trust of remote operations come from: the environment, the
/// command's options and git config, in the order docs/pushing.md documents. gitopsc never runs
/// another program for a credential (no credential helpers, no ssh binary), and never sends one
/// over an unverified or unencrypted connection.
public struct RemoteAccess: Sendable {
    /// The variables gitopsc reads credentials from.
    public enum Variable {
        public static let username = "GITOPSC_GIT_USERNAME"
        public static let password = "GITOPSC_GIT_PASSWORD"
        public static let token = "GITOPSC_GIT_TOKEN"
        public static let sshKey = "GITOPSC_SSH_KEY"
        public static let knownHosts = "GITOPSC_SSH_KNOWN_HOSTS"
    }

    /// The user name sent with a token given alone: what GitHub expects of app and Actions
    /// tokens, and accepts with personal access tokens.
    public static let tokenUsername = "x-access-token"

    public var environment: [String: String]
    /// `--ssh-key`: the private key file to authenticate with, the only one tried.
    public var sshKey: String?
    /// `--known-hosts`: known_hosts files checked besides the default ones.
    public var knownHostsFiles: [String]

    public init(environment: [String: String] = ProcessInfo.processInfo.environment, sshKey: String? = nil, knownHostsFiles: [String] = []) {
        self.environment = environment
        self.sshKey = sshKey
        self.knownHostsFiles = knownHostsFiles
    }

    /// `HOME`, else the password database's home of the user.
    var home: String {
        if let home = variable("HOME") { return home }
        guard let entry = getpwuid(getuid()), let directory = entry.pointee.pw_dir else { return "/" }
        return String(cString: directory)
    }

    /// The local user name: the SSH login when the URL names none, as ssh does.
    var localUser: String {
        if let entry = getpwuid(getuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return variable("USER") ?? "git"
    }

    /// A variable's value; empty counts as unset, as it does for git.
    func variable(_ name: String) -> String? {
        environment[name].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The git config values remote operations read (repository, global, system), every value
    /// of each key in order.
    static let configKeys = ["credential.helper", "http.sslCAInfo", "http.sslVerify"]

    // MARK: - HTTPS

    /// A user name and a password or token for an HTTPS remote, and where it came from (a
    /// variable name, a file and line: never the secret).
    struct HTTPCredential: Equatable {
        var username: String
        var secret: String
        var source: String
    }

    /// The first credential of: the remote URL's user info, the `GITOPSC_GIT_*` variables, git's
    /// credential store file (when `credential.helper` is `store`). `tried` describes each
    /// source that had none, for the message when nothing is found.
    func httpCredential(for remote: RemoteURL, config: [String: [String]]) throws(Diagnostic) -> (credential: HTTPCredential?, tried: [String]) {
        var tried: [String] = []
        if let password = remote.password, let username = remote.username {
            return (HTTPCredential(username: username, secret: password, source: "the user info of the remote URL"), tried)
        }
        tried.append(remote.username == nil ? "the remote URL (no user info)" : "the remote URL (a user name, no password)")

        let password = variable(Variable.password), token = variable(Variable.token)
        if password != nil && token != nil {
            throw Diagnostic.error("remote.credential-ambiguous", "both \(Variable.password) and \(Variable.token) are set: set one")
        }
        if let secret = password ?? token {
            let name = password != nil ? Variable.password : Variable.token
            guard let username = variable(Variable.username) ?? remote.username ?? (token != nil ? Self.tokenUsername : nil) else {
                throw Diagnostic.error("remote.credential-incomplete", "\(Variable.password) is set but no user name: set \(Variable.username) (or use \(Variable.token) for a token)")
            }
            return (HTTPCredential(username: username, secret: secret, source: name), tried)
        }
        tried.append(variable(Variable.username) == nil
            ? "\(Variable.token) and \(Variable.password) (not set)"
            : "\(Variable.username) (set, but neither \(Variable.token) nor \(Variable.password))")

        let helpers = Self.effectiveHelpers(config["credential.helper"] ?? [])
        let files = helpers.compactMap { storeFiles(of: $0) }.flatMap { $0 }
        let others = helpers.filter { storeFiles(of: $0) == nil }
        if helpers.isEmpty {
            tried.append("git's credential store (credential.helper is not set; ~/.git-credentials is read when it is 'store')")
        }
        for helper in others {
            tried.append("credential.helper '\(helper.split(separator: " ").first ?? "")' (gitopsc runs no credential helper; only 'store' files are read)")
        }
        for file in files {
            guard let data = LocalFiles().contents(of: file) else {
                tried.append("\(file) (does not exist)")
                continue
            }
            if let entry = Self.storeEntry(in: String(decoding: data, as: UTF8.self), for: remote) {
                return (HTTPCredential(username: entry.username, secret: entry.password, source: "\(file) line \(entry.line)"), tried)
            }
            tried.append("\(file) (no entry for \(remote.transport == .http ? "http" : "https")://\(remote.hostAndPort))")
        }
        return (nil, tried)
    }

    /// `credential.helper` values as git applies them: an empty value clears the list before it.
    static func effectiveHelpers(_ values: [String]) -> [String] {
        var helpers: [String] = []
        for value in values {
            let trimmed = value.trimmed()
            if trimmed.isEmpty { helpers.removeAll() } else { helpers.append(trimmed) }
        }
        return helpers
    }

    /// The files the `store` helper reads (`store --file=PATH`, else ~/.git-credentials and
    /// $XDG_CONFIG_HOME/git/credentials), `nil` for any other helper.
    func storeFiles(of helper: String) -> [String]? {
        var words = helper.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard words.first == "store" else { return nil }
        words.removeFirst()
        var file: String?
        while let word = words.first {
            words.removeFirst()
            if word.hasPrefix("--file=") {
                file = String(word.dropFirst("--file=".count))
            } else if word == "--file", let next = words.first {
                words.removeFirst()
                file = next
            }
        }
        if let file {
            return [file.hasPrefix("~/") ? home + file.dropFirst() : file]
        }
        let xdg = variable("XDG_CONFIG_HOME") ?? home + "/.config"
        return [home + "/.git-credentials", xdg + "/git/credentials"]
    }

    /// The first line of a git credential store file (`https://user:password@host[:port]`, one
    /// URL a line, percent-encoded) for the remote's protocol, host and port, and its user name
    /// when the remote URL names one. Lines that are not such URLs are skipped, as git skips them.
    static func storeEntry(in text: String, for remote: RemoteURL) -> (line: Int, username: String, password: String)? {
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmed()
            guard !trimmed.isEmpty, let entry = try? RemoteURL(trimmed),
                  let username = entry.username, let password = entry.password,
                  entry.transport == remote.transport,
                  entry.host.lowercased() == remote.host.lowercased(),
                  entry.effectivePort == remote.effectivePort,
                  remote.username == nil || remote.username == username
            else { continue }
            return (index + 1, username, password)
        }
        return nil
    }

    /// The CA bundle that replaces the system store: `GIT_SSL_CAINFO`, else `http.sslCAInfo`,
    /// else `SSL_CERT_FILE`; `nil` keeps the system store. A named file that does not exist is
    /// an error, not a fall-back to the system store.
    func certificateAuthorities(config: [String: [String]]) throws(Diagnostic) -> (file: String, source: String)? {
        let candidates: [(String?, String)] = [
            (variable("GIT_SSL_CAINFO"), "GIT_SSL_CAINFO"),
            (config["http.sslCAInfo"]?.last.flatMap { $0.isEmpty ? nil : $0 }, "http.sslCAInfo"),
            (variable("SSL_CERT_FILE"), "SSL_CERT_FILE"),
        ]
        guard let (value, source) = candidates.first(where: { $0.0 != nil }), var file = value else { return nil }
        if file.hasPrefix("~/") { file = home + file.dropFirst() }
        var isFolder = false
        guard FileManager.default.fileExists(atPath: file, isDirectory: &isFolder), !isFolder else {
            throw Diagnostic.error("remote.ca-bundle-missing", "\(source) names the CA bundle '\(file)', which is not a file")
        }
        return (file, source)
    }

    /// What the user might expect gitopsc to honour and it does not, said before connecting:
    /// a credential in the URL, and every way git knows to turn TLS verification off.
    func warnings(for remote: RemoteURL, config: [String: [String]]) -> [Diagnostic] {
        var warnings: [Diagnostic] = []
        if remote.password != nil {
            warnings.append(Diagnostic(.warning, code: "remote.credential-in-url", message: "the remote URL \(remote.display) carries a password or token in its user info: it ends up in shell history, process listings and CI logs; prefer \(Variable.token) or ~/.git-credentials"))
        }
        if let verify = config["http.sslVerify"]?.last, ["false", "no", "off", "0"].contains(verify.lowercased()) {
            warnings.append(Diagnostic(.warning, code: "remote.tls-verify-ignored", message: "git config sets http.sslVerify=\(verify): ignored, gitopsc always verifies TLS certificates"))
        }
        if variable("GIT_SSL_NO_VERIFY") != nil {
            warnings.append(Diagnostic(.warning, code: "remote.tls-verify-ignored", message: "GIT_SSL_NO_VERIFY is set: ignored, gitopsc always verifies TLS certificates"))
        }
        return warnings
    }

    // MARK: - SSH

    /// One way to prove who we are to an SSH server.
    enum SSHIdentity: Equatable, CustomStringConvertible {
        case agent
        case keyFile(path: String, source: String)

        var description: String {
            switch self {
            case .agent: "the ssh-agent at SSH_AUTH_SOCK"
            case .keyFile(let path, let source): source == path ? path : "\(path) (\(source))"
            }
        }
    }

    /// The identities to offer, in order: only the named key (`--ssh-key`, else
    /// `GITOPSC_SSH_KEY`) when there is one; else the agent, then ~/.ssh/id_ed25519, id_ecdsa
    /// and id_rsa, those that exist.
    func sshIdentities() throws(Diagnostic) -> (identities: [SSHIdentity], tried: [String]) {
        let named: (String, String)? = sshKey.map { ($0, "--ssh-key") } ?? variable(Variable.sshKey).map { ($0, Variable.sshKey) }
        if let (path, source) = named {
            guard FileManager.default.isReadableFile(atPath: path) else {
                throw Diagnostic.error("remote.ssh-key-missing", "the SSH key '\(path)' named by \(source) does not exist or cannot be read")
            }
            return ([.keyFile(path: path, source: source)], [])
        }
        var identities: [SSHIdentity] = []
        var tried: [String] = []
        if variable("SSH_AUTH_SOCK") != nil { identities.append(.agent) } else { tried.append("an ssh-agent (SSH_AUTH_SOCK is not set)") }
        for name in ["id_ed25519", "id_ecdsa", "id_rsa"] {
            let path = "\(home)/.ssh/\(name)"
            if FileManager.default.isReadableFile(atPath: path) {
                identities.append(.keyFile(path: path, source: path))
            } else {
                tried.append("\(path) (does not exist)")
            }
        }
        return (identities, tried)
    }

    /// The known_hosts files: those named (`--known-hosts`, `GITOPSC_SSH_KNOWN_HOSTS`), which
    /// must exist, then ~/.ssh/known_hosts and /etc/ssh/ssh_known_hosts when they do.
    func knownHosts() throws(Diagnostic) -> KnownHosts {
        let named = knownHostsFiles + (variable(Variable.knownHosts).map { [$0] } ?? [])
        return try KnownHosts.load(required: named, optional: ["\(home)/.ssh/known_hosts", "/etc/ssh/ssh_known_hosts"])
    }
}
