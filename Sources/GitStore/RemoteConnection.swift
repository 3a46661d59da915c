import CLibGit2
import Diagnostics
import FoundationEssentials

/// One connected libgit2 remote and the state its callbacks share: which credentials were
/// offered, what each reference's push did, and why a callback refused. libgit2 calls the
/// callbacks with this object as their payload; a refusal is kept here as a `Diagnostic` and
/// thrown once libgit2 returns, so that the user reads gitopsc's reason, not libgit2's.
final class RemoteConnection {
    let remote: OpaquePointer
    let url: RemoteURL
    let access: RemoteAccess
    let config: [String: [String]]
    /// What TLS certificates are verified against, for messages.
    let trust: String

    var statuses: [ReferenceStatus] = []
    private var offeredHTTP: RemoteAccess.HTTPCredential?
    private var pendingSSH: [RemoteAccess.SSHIdentity]?
    private var offeredSSH: [RemoteAccess.SSHIdentity] = []
    private var notFoundSSH: [String] = []
    private var refusal: Diagnostic?
    private var certificateRefused = false

    init(remote: OpaquePointer, url: RemoteURL, access: RemoteAccess, config: [String: [String]], trust: String) {
        self.remote = remote
        self.url = url
        self.access = access
        self.config = config
        self.trust = trust
    }

    deinit {
        git_remote_free(remote)
    }

    /// The callbacks of the connection and of every push and fetch on it, all with this object
    /// as payload (libgit2 keeps the connect-time ones for the transport, and takes the push's
    /// for reference statuses).
    var callbacks: git_remote_callbacks {
        var callbacks = git_remote_callbacks()
        git_remote_init_callbacks(&callbacks, UInt32(GIT_REMOTE_CALLBACKS_VERSION))
        callbacks.payload = Unmanaged.passUnretained(self).toOpaque()
        callbacks.credentials = { out, _, usernameFromURL, allowed, payload in
            let connection = Unmanaged<RemoteConnection>.fromOpaque(payload!).takeUnretainedValue()
            return connection.credential(out!, username: usernameFromURL.map { String(cString: $0) }, allowed: allowed)
        }
        callbacks.certificate_check = { certificate, valid, _, payload in
            let connection = Unmanaged<RemoteConnection>.fromOpaque(payload!).takeUnretainedValue()
            return connection.check(certificate!, valid: valid != 0)
        }
        callbacks.push_update_reference = { name, status, payload in
            let connection = Unmanaged<RemoteConnection>.fromOpaque(payload!).takeUnretainedValue()
            let reference = name.map { String(cString: $0) } ?? ""
            connection.statuses.append(ReferenceStatus(reference: reference, result: ReferenceStatus.Result(remoteStatus: status.map { String(cString: $0) })))
            return 0
        }
        return callbacks
    }

    /// The error of a failed libgit2 call on this connection: a callback's refusal when there
    /// was one, a refused certificate with its host and libgit2's reason, else libgit2's message.
    func failure(_ code: String, _ what: String) -> Diagnostic {
        if let refusal { return refusal }
        if certificateRefused {
            return Diagnostic.error(
                "remote.certificate-refused",
                "refusing the TLS certificate of \(url.hostAndPort) (\(url.display)), verified against \(trust): \(LibGit2.lastMessage())")
        }
        return LibGit2.failure(code, what)
    }

    // MARK: - Credentials

    private func credential(_ out: UnsafeMutablePointer<UnsafeMutablePointer<git_credential>?>, username: String?, allowed: UInt32) -> Int32 {
        do {
            return url.transport == .ssh
                ? try sshCredential(out, username: username, allowed: allowed)
                : try httpCredential(out, allowed: allowed)
        } catch {
            refusal = error
            return GIT_EUSER.rawValue
        }
    }

    /// One credential per connection: asked a second time, libgit2 says the server refused it.
    private func httpCredential(_ out: UnsafeMutablePointer<UnsafeMutablePointer<git_credential>?>, allowed: UInt32) throws(Diagnostic) -> Int32 {
        if let offered = offeredHTTP {
            throw Diagnostic.error(
                "remote.credential-refused",
                "the remote \(url.display) refused the credential from \(offered.source): check that the password or token is current and may push to this repository")
        }
        guard allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT.rawValue != 0 else {
            throw Diagnostic.error("remote.unsupported-authentication", "the remote \(url.display) asks for an authentication gitopsc does not offer (it sends a user name and a password or token)")
        }
        guard url.transport == .https else {
            throw Diagnostic.error("remote.insecure-http", "the remote \(url.display) asks for a credential over plain http, where anyone on the way can read it: use its https:// URL")
        }
        let (credential, tried) = try access.httpCredential(for: url, config: config)
        guard let credential else {
            throw Diagnostic.error(
                "remote.credential-missing",
                "the remote \(url.display) asks for a user name and a password or token, and gitopsc found none; tried: \(tried.joined(separator: "; ")) (see docs/pushing.md)")
        }
        offeredHTTP = credential
        return git_credential_userpass_plaintext_new(out, credential.username, credential.secret)
    }

    /// The identities in order, the next one each time the server refuses the previous one.
    private func sshCredential(_ out: UnsafeMutablePointer<UnsafeMutablePointer<git_credential>?>, username: String?, allowed: UInt32) throws(Diagnostic) -> Int32 {
        let user = username ?? url.username ?? access.localUser
        if allowed & GIT_CREDENTIAL_USERNAME.rawValue != 0 {
            return git_credential_username_new(out, user)
        }
        guard allowed & GIT_CREDENTIAL_SSH_KEY.rawValue != 0 else {
            throw Diagnostic.error("remote.unsupported-authentication", "the SSH server of \(url.display) does not accept public keys, the only authentication gitopsc offers")
        }
        if pendingSSH == nil {
            (pendingSSH, notFoundSSH) = try access.sshIdentities()
        }
        guard let identity = pendingSSH?.first else {
            let found = offeredSSH.map { "\($0) (refused)" } + notFoundSSH
            throw Diagnostic.error(
                offeredSSH.isEmpty ? "remote.credential-missing" : "remote.credential-refused",
                offeredSSH.isEmpty
                    ? "the SSH server of \(url.display) asks for a key as '\(user)', and gitopsc found none; tried: \(found.joined(separator: "; ")) (see docs/pushing.md)"
                    : "the SSH server of \(url.display) refused every key offered as '\(user)': \(found.joined(separator: "; "))")
        }
        pendingSSH?.removeFirst()
        offeredSSH.append(identity)
        switch identity {
        case .agent:
            return git_credential_ssh_key_from_agent(out, user)
        case .keyFile(let path, _):
            let publicKey = FileManager.default.fileExists(atPath: path + ".pub") ? path + ".pub" : nil
            return git_credential_ssh_key_new(out, user, publicKey, path, nil)
        }
    }

    // MARK: - Verification

    /// TLS: libgit2 has verified the chain and the host name; an invalid certificate is left to
    /// libgit2 to refuse (`GIT_PASSTHROUGH` keeps its reason). SSH: libgit2 1.5 verifies nothing,
    /// so the host key must match a known_hosts line, else the connection is refused.
    private func check(_ certificate: UnsafeMutablePointer<git_cert>, valid: Bool) -> Int32 {
        guard certificate.pointee.cert_type == GIT_CERT_HOSTKEY_LIBSSH2 else {
            if valid { return 0 }
            certificateRefused = true
            return GIT_PASSTHROUGH.rawValue
        }
        let hostKey = UnsafeRawPointer(certificate).assumingMemoryBound(to: git_cert_hostkey.self).pointee
        do {
            try verify(hostKey)
            return 0
        } catch {
            refusal = error
            return GIT_ECERTIFICATE.rawValue
        }
    }

    private func verify(_ hostKey: git_cert_hostkey) throws(Diagnostic) {
        let name = KnownHosts.lookupName(host: url.host, port: url.effectivePort ?? 22)
        guard hostKey.type.rawValue & GIT_CERT_SSH_RAW.rawValue != 0, let raw = hostKey.hostkey else {
            throw Diagnostic.error("remote.host-key-unverifiable", "libgit2 did not hand over the host key of \(name), so it cannot be checked against known_hosts: refusing to connect")
        }
        let key = [UInt8](UnsafeRawBufferPointer(start: raw, count: hostKey.hostkey_len))
        let type = KnownHosts.keyType(of: key)
        let sha256 = withUnsafeBytes(of: hostKey.hash_sha256) { [UInt8]($0) }
        let presented = "\(type) \(KnownHosts.fingerprint(sha256: sha256))"
        let knownHosts = try access.knownHosts()
        switch knownHosts.verdict(host: url.host, port: url.effectivePort ?? 22, key: key) {
        case .trusted:
            return
        case .unknown:
            let portOption = url.effectivePort == 22 ? "" : "-p \(url.effectivePort ?? 22) "
            throw Diagnostic.error(
                "remote.host-key-unknown",
                "the host key of \(name) is not known: the server presented \(presented), and no line of \(knownHosts.files.joined(separator: ", ")) names the host; if that is the server's key (compare it with the fingerprint its operator publishes), add it to ~/.ssh/known_hosts (`ssh-keyscan \(portOption)-t \(type) \(url.host)`) or name a known_hosts file with --known-hosts")
        case .changed(let entry):
            throw Diagnostic.error(
                "remote.host-key-changed",
                "the host key of \(name) has CHANGED: the server presented \(presented), and this line trusts another \(entry.keyType) key; someone may be intercepting the connection, or the key was replaced: refusing to connect",
                at: entry.location)
        case .otherTypes(let entries):
            let known = Set(entries.map(\.keyType)).sorted().joined(separator: ", ")
            throw Diagnostic.error(
                "remote.host-key-unknown",
                "the server \(name) presented \(presented), but known_hosts trusts only its \(known) key(s) (\(entries.map { "\($0.file):\($0.line)" }.joined(separator: ", "))); after verifying it, add its \(type) key",
                at: entries[0].location)
        case .revoked(let entry):
            throw Diagnostic.error("remote.host-key-revoked", "the host key of \(name), \(presented), is marked @revoked: refusing to connect", at: entry.location)
        }
    }
}

extension ReferenceStatus.Result {
    /// What a server's status line for one reference means (`nil`: updated).
    init(remoteStatus: String?) {
        switch remoteStatus {
        case nil:
            self = .updated
        // What git servers answer when the remote branch moved on, or another push holds or just
        // moved the ref inside the server (a lost race between the advertisement and the update).
        case let reason? where ["non-fast-forward", "fetch first", "failed to update ref", "failed to lock", "cannot lock ref"].contains(where: reason.contains):
            self = .nonFastForward
        case let reason?:
            self = .rejected(reason)
        }
    }
}
