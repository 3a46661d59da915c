import CLibGit2
import Diagnostics

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Process-wide libgit2 set-up and the small conversions every file of this module needs.
enum LibGit2 {
    /// `git_libgit2_init` once per process; a `static let` initializer runs exactly once, even across threads.
    static let initialized: Void = { _ = git_libgit2_init() }()

    /// The message libgit2 recorded for the last failing call on this thread.
    static func lastMessage() -> String {
        guard let error = git_error_last(), let message = error.pointee.message else { return "unknown libgit2 error" }
        return String(cString: message)
    }

    /// A `git.*` diagnostic that carries libgit2's own explanation after ours.
    static func failure(_ code: String, _ what: String) -> Diagnostic {
        Diagnostic.error(code, "\(what): \(lastMessage())")
    }

    static func check(_ result: Int32, _ code: String, _ what: @autoclosure () -> String) throws(Diagnostic) {
        if result < 0 { throw failure(code, what()) }
    }

    /// Points `reference` at `id` only if it still points at `expected` (`nil`: only if it does not
    /// exist). Returns libgit2's result: `GIT_EMODIFIED`/`GIT_EEXISTS` when it moved meanwhile,
    /// `GIT_ELOCKED` when another process holds its lock.
    static func compareAndSwap(
        _ reference: String, in repository: OpaquePointer, to id: git_oid, expected: git_oid?, log message: String
    ) -> Int32 {
        var id = id
        var updated: OpaquePointer?
        defer { git_reference_free(updated) }
        if var expected {
            return git_reference_create_matching(&updated, repository, reference, &id, 1, &expected, message)
        }
        return git_reference_create_matching(&updated, repository, reference, &id, 0, nil, message)
    }
}

extension git_oid {
    var hex: String {
        var copy = self
        return String(cString: git_oid_tostr_s(&copy))
    }

    init(hex: String) throws(Diagnostic) {
        self.init()
        guard hex.count == 40, git_oid_fromstr(&self, hex) == 0 else {
            throw Diagnostic.error("git.invalid-object-id", "'\(hex)' is not a full object id")
        }
    }

    static func == (lhs: git_oid, rhs: git_oid) -> Bool {
        var (a, b) = (lhs, rhs)
        return git_oid_cmp(&a, &b) == 0
    }
}
