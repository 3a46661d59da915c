import CLibGit2
import Diagnostics
import Foundation

/// The author or committer of a commit.
public struct Signature: Sendable, Hashable {
    public enum Kind: String, Sendable {
        case author
        case committer
    }

    public var name: String
    public var email: String
    /// Seconds since 1970 and the zone offset in minutes; `nil` stamps the time of the commit.
    public var time: Int64?
    public var offsetMinutes: Int32

    public init(name: String, email: String, time: Int64? = nil, offsetMinutes: Int32 = 0) {
        self.name = name
        self.email = email
        self.time = time
        self.offsetMinutes = offsetMinutes
    }

    /// A libgit2 signature, to free with `git_signature_free`.
    func gitSignature() throws(Diagnostic) -> UnsafeMutablePointer<git_signature> {
        var signature: UnsafeMutablePointer<git_signature>?
        let result = if let time {
            git_signature_new(&signature, name, email, git_time_t(time), offsetMinutes)
        } else {
            git_signature_now(&signature, name, email)
        }
        guard result == 0, let signature else {
            throw LibGit2.failure("git.invalid-signature", "'\(name) <\(email)>' is not a valid signature")
        }
        return signature
    }
}

extension GitRepository {
    /// The author or committer, each field taken from the first of: the given value (a flag),
    /// `GIT_AUTHOR_NAME`/`GIT_AUTHOR_EMAIL` (or `GIT_COMMITTER_*`) in `environment`, and
    /// `user.name`/`user.email` in git config (repository, then global, then system). Empty values
    /// count as absent, as they do for git.
    public func signature(
        name: String? = nil,
        email: String? = nil,
        kind: Signature.Kind,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(Diagnostic) -> Signature {
        let prefix = "GIT_\(kind.rawValue.uppercased())_"
        let config = try configValues(["user.name", "user.email"])
        func first(_ candidates: String?...) -> String? {
            candidates.lazy.compactMap { $0 }.first { !$0.isEmpty }
        }
        guard let resolvedName = first(name, environment[prefix + "NAME"], config["user.name"]?.last),
              let resolvedEmail = first(email, environment[prefix + "EMAIL"], config["user.email"]?.last)
        else {
            throw Diagnostic.error(
                "git.\(kind.rawValue)-not-configured",
                "\(kind.rawValue) not configured: give a name and an email, set \(prefix)NAME and \(prefix)EMAIL, or set user.name and user.email in git config"
            )
        }
        let signature = Signature(name: resolvedName, email: resolvedEmail)
        // Refuse values libgit2 would refuse at commit time (angle brackets, only spaces...) now.
        git_signature_free(try signature.gitSignature())
        return signature
    }

    /// Every value of each of `keys` in git config (repository, then global, then system: the
    /// last value is the one that applies), keys without a value left out.
    func configValues(_ keys: [String]) throws(Diagnostic) -> [String: [String]] {
        var config: OpaquePointer?
        try LibGit2.check(git_repository_config_snapshot(&config, handle), "git.config", "cannot read git config")
        defer { git_config_free(config) }
        var values: [String: [String]] = [:]
        for key in keys {
            var iterator: OpaquePointer?
            guard git_config_multivar_iterator_new(&iterator, config, key, nil) == 0 else { continue }
            defer { git_config_iterator_free(iterator) }
            var entry: UnsafeMutablePointer<git_config_entry>?
            while git_config_next(&entry, iterator) == 0, let value = entry?.pointee.value {
                values[key, default: []].append(String(cString: value))
            }
        }
        return values
    }
}
