import CLibGit2
import CLibGit2Loader
import Diagnostics

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a remote did with one reference of a push.
public struct ReferenceStatus: Sendable, Equatable, CustomStringConvertible {
    public enum Result: Sendable, Equatable {
        case updated
        /// The remote already had this commit there; nothing was sent.
        case upToDate
        /// The remote's branch has commits the pushed one does not contain: fetch, rebuild, retry.
        case nonFastForward
        case rejected(String)
    }

    public var reference: String
    public var result: Result

    public init(reference: String, result: Result) {
        self.reference = reference
        self.result = result
    }

    public var description: String {
        switch result {
        case .updated: "\(reference): updated"
        case .upToDate: "\(reference): up to date"
        case .nonFastForward: "\(reference): rejected (non-fast-forward)"
        case .rejected(let reason): "\(reference): rejected (\(reason))"
        }
    }
}

extension GitRepository {
    /// Pushes `branch` to the same branch of `remote` (a repository path or URL), without force,
    /// authenticating and verifying the server as `access` says. A remote branch that is not an
    /// ancestor is reported as `.nonFastForward`, not thrown: the caller fetches, rebuilds and
    /// retries; so is a lost race inside the server (another push took the ref's lock or moved it).
    public func push(remote url: String, branch: String, access: RemoteAccess = RemoteAccess()) throws(Diagnostic) -> [ReferenceStatus] {
        let reference = try Self.reference(of: branch)
        guard let local = try Self.tip(of: reference, in: handle) else {
            throw Diagnostic.error("git.unknown-branch", "there is no branch '\(branch)' to push")
        }
        let connection = try connect(url, direction: GIT_DIRECTION_PUSH, access: access)
        if let advertised = try Self.advertised(reference, by: connection.remote), advertised == local {
            return [ReferenceStatus(reference: reference, result: .upToDate)]
        }
        var options = git_push_options()
        git_push_options_init(&options, UInt32(GIT_PUSH_OPTIONS_VERSION))
        options.callbacks = connection.callbacks
        // The callbacks reach the connection through an unretained pointer: keep it alive.
        let result = withExtendedLifetime(connection) {
            withStringArray(["\(reference):\(reference)"]) { git_remote_push(connection.remote, $0, &options) }
        }
        // libgit2 itself refuses before sending when it can see the update is not a fast-forward.
        if result == GIT_ENONFASTFORWARD.rawValue {
            return [ReferenceStatus(reference: reference, result: .nonFastForward)]
        }
        if result < 0 { throw connection.failure("git.push-failed", "cannot push \(reference) to '\(connection.url.display)'") }
        return connection.statuses.isEmpty ? [ReferenceStatus(reference: reference, result: .updated)] : connection.statuses
    }

    /// Fetches `branch` of `remote` and sets the local branch to it, returning that commit (`nil`
    /// when the remote has no such branch; the local branch is then left alone). Credentials and
    /// verification as for `push`.
    ///
    /// The local branch is meant to mirror the remote (publish commits there, then pushes): its
    /// commits that the remote lacks are dropped, as the caller rebuilds them on the remote's tip.
    /// The update is a compare-and-swap against the tip read before fetching, and refused when the
    /// branch is checked out.
    public func fetch(remote url: String, branch: String, access: RemoteAccess = RemoteAccess()) throws(Diagnostic) -> String? {
        let reference = try Self.reference(of: branch)
        if try isCheckedOut(branch) {
            throw Diagnostic.error("git.branch-checked-out", "branch '\(branch)' is checked out in \(workingDirectory ?? gitDirectory): cannot fetch into it")
        }
        let local = try Self.tip(of: reference, in: handle)
        let connection = try connect(url, direction: GIT_DIRECTION_FETCH, access: access)
        guard let fetched = try Self.advertised(reference, by: connection.remote) else { return nil }
        if let local, local == fetched { return fetched.hex }

        var options = git_fetch_options()
        git_fetch_options_init(&options, UInt32(GIT_FETCH_OPTIONS_VERSION))
        options.callbacks = connection.callbacks
        let downloaded = withExtendedLifetime(connection) {
            withStringArray([reference]) { git_remote_download(connection.remote, $0, &options) }
        }
        if downloaded < 0 { throw connection.failure("git.fetch-failed", "cannot fetch \(reference) from '\(connection.url.display)'") }

        let result = LibGit2.compareAndSwap(reference, in: handle, to: fetched, expected: local, log: "gitopsc: fetch from \(connection.url.display)")
        if result == GIT_EMODIFIED.rawValue || result == GIT_EEXISTS.rawValue || result == GIT_ELOCKED.rawValue {
            throw LibGit2.failure("git.ref-contended", "\(reference) moved or is locked while fetching it")
        }
        try LibGit2.check(result, "git.ref-update-failed", "cannot move \(reference)")
        return fetched.hex
    }

    /// What gitopsc will not do the way git would for this remote (a credential in the URL, TLS
    /// verification turned off in git config), to print before pushing.
    public func remoteWarnings(_ url: String, access: RemoteAccess = RemoteAccess()) throws(Diagnostic) -> [Diagnostic] {
        let remote = try RemoteURL(url)
        guard remote.transport != .local else { return [] }
        return access.warnings(for: remote, config: try configValues(RemoteAccess.configKeys))
    }

    private func connect(_ url: String, direction: git_direction, access: RemoteAccess) throws(Diagnostic) -> RemoteConnection {
        let remoteURL = try RemoteURL(url)
        let config = remoteURL.transport == .local ? [:] : try configValues(RemoteAccess.configKeys)
        let trust = remoteURL.transport == .https ? try access.certificateAuthorities(config: config) : nil
        if let trust, gitopsc_set_ssl_cert_file(trust.file) < 0 {
            throw LibGit2.failure("remote.ca-bundle-invalid", "cannot load the CA bundle '\(trust.file)' named by \(trust.source)")
        }
        var remote: OpaquePointer?
        guard git_remote_create_anonymous(&remote, handle, remoteURL.connectable) == 0, let remote else {
            throw LibGit2.failure("git.remote-unreachable", "'\(remoteURL.display)' is not a remote git can reach")
        }
        let connection = RemoteConnection(remote: remote, url: remoteURL, access: access, config: config, trust: trust.map { "the CA bundle \($0.file) (\($0.source))" } ?? "the system CA store")
        var callbacks = connection.callbacks
        guard withExtendedLifetime(connection, { git_remote_connect(remote, direction, &callbacks, nil, nil) }) == 0 else {
            throw connection.failure("git.remote-unreachable", "cannot reach the remote '\(remoteURL.display)'")
        }
        return connection
    }

    /// The commit the connected remote advertises for `reference`, `nil` when it has no such ref.
    private static func advertised(_ reference: String, by remote: OpaquePointer) throws(Diagnostic) -> git_oid? {
        var heads: UnsafeMutablePointer<UnsafePointer<git_remote_head>?>?
        var count = 0
        try LibGit2.check(git_remote_ls(&heads, &count, remote), "git.remote-unreachable", "cannot list the remote's references")
        for index in 0..<count {
            guard let head = heads?[index]?.pointee else { continue }
            if String(cString: head.name) == reference { return head.oid }
        }
        return nil
    }

    private func withStringArray<T>(_ strings: [String], _ body: (UnsafePointer<git_strarray>) -> T) -> T {
        var pointers = strings.map { strdup($0) }
        defer { pointers.forEach { free($0) } }
        return pointers.withUnsafeMutableBufferPointer { buffer in
            var array = git_strarray(strings: buffer.baseAddress, count: buffer.count)
            return body(&array)
        }
    }
}
