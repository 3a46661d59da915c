import CLibGit2
import Diagnostics

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
