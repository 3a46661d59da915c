import CLibGit2
import Diagnostics

/// A git repository opened with libgit2: read commits and trees without a checkout, inspect the
/// working tree, and publish trees as commits (see `commit`) or to remotes (see `push`).
///
/// One instance wraps one `git_repository*`, which libgit2 does not allow to share between threads:
/// use one instance per thread. Several instances, threads or processes on the same repository are
/// safe; branch updates are compare-and-swap.
public final class GitRepository {
    let handle: OpaquePointer
    /// The repository's git directory (`.../.git/` or the bare repository itself).
    public let gitDirectory: String
    /// The working tree, `nil` for a bare repository.
    public let workingDirectory: String?

    /// Called in `commit` after the new objects are written and before the branch moves, with the
    /// attempt number: lets tests move the branch behind the committer's back.
    var beforeReferenceUpdate: ((Int) -> Void)?

    /// Opens the repository at `path` (a working tree, its `.git` folder, or a bare repository).
    /// With `searchParents`, a folder inside a working tree opens that tree's repository, as `git`
    /// does; without it, `path` itself must be the repository, so that a target path that is not a
    /// repository is never mistaken for an enclosing one.
    public init(path: String, searchParents: Bool = false) throws(Diagnostic) {
        LibGit2.initialized
        var repository: OpaquePointer?
        let flags = searchParents ? 0 : GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue
        let result = git_repository_open_ext(&repository, path, flags, nil)
        guard result == 0, let repository else {
            if result == GIT_ENOTFOUND.rawValue {
                throw Diagnostic.error("git.not-a-repository", "'\(path)' is not a git repository")
            }
            throw LibGit2.failure("git.not-a-repository", "cannot open the git repository '\(path)'")
        }
        handle = repository
        gitDirectory = String(cString: git_repository_path(repository))
        workingDirectory = git_repository_workdir(repository).map { String(cString: $0) }
    }

    deinit {
        git_repository_free(handle)
    }

    public var isBare: Bool { git_repository_is_bare(handle) != 0 }

    // MARK: - Reading

    /// The commit id `branch` points at, `nil` when the branch does not exist.
    public func tip(of branch: String) throws(Diagnostic) -> String? {
        try Self.tip(of: Self.reference(of: branch), in: handle)?.hex
    }

    /// Every file of the tree of `commit` (an object id or any revision), or only those under
    /// `folder`: repository-relative path -> bytes. Submodule entries are skipped.
    public func files(atCommit commit: String, under folder: String? = nil) throws(Diagnostic) -> [String: [UInt8]] {
        let tree = try rootTree(of: commit)
        defer { git_tree_free(tree) }
        var files: [String: [UInt8]] = [:]
        guard let folder = folder.map(Self.trimmedFolder), !folder.isEmpty else {
            try collect(tree, prefix: "", into: &files)
            return files
        }
        var entry: OpaquePointer?
        let result = git_tree_entry_bypath(&entry, tree, folder)
        if result == GIT_ENOTFOUND.rawValue { return [:] }
        try LibGit2.check(result, "git.unreadable-object", "cannot read '\(folder)' in \(commit)")
        defer { git_tree_entry_free(entry) }
        guard git_tree_entry_type(entry) == GIT_OBJECT_TREE else { return [:] }
        let subtree = try lookupTree(git_tree_entry_id(entry).pointee)
        defer { git_tree_free(subtree) }
        try collect(subtree, prefix: folder + "/", into: &files)
        return files
    }

    /// The bytes of the file at `path` in `commit`, `nil` when there is no file there.
    public func file(_ path: String, atCommit commit: String) throws(Diagnostic) -> [UInt8]? {
        let tree = try rootTree(of: commit)
        defer { git_tree_free(tree) }
        var entry: OpaquePointer?
        let result = git_tree_entry_bypath(&entry, tree, path)
        if result == GIT_ENOTFOUND.rawValue { return nil }
        try LibGit2.check(result, "git.unreadable-object", "cannot read '\(path)' in \(commit)")
        defer { git_tree_entry_free(entry) }
        guard git_tree_entry_type(entry) == GIT_OBJECT_BLOB else { return nil }
        return try blobBytes(git_tree_entry_id(entry).pointee, path: path)
    }

    /// The commit a revision names (`HEAD`, a branch, a tag, a full or short id, `main~2`...).
    public func resolve(_ revision: String) throws(Diagnostic) -> String {
        var object: OpaquePointer?
        guard git_revparse_single(&object, handle, revision) == 0 else {
            throw LibGit2.failure("git.unknown-revision", "'\(revision)' is not a revision of this repository")
        }
        defer { git_object_free(object) }
        var commit: OpaquePointer?
        guard git_object_peel(&commit, object, GIT_OBJECT_COMMIT) == 0 else {
            throw LibGit2.failure("git.unknown-revision", "'\(revision)' does not name a commit")
        }
        defer { git_object_free(commit) }
        return git_object_id(commit).pointee.hex
    }

    /// The commit HEAD points at, `nil` on an unborn branch.
    public func headCommit() throws(Diagnostic) -> String? {
        var id = git_oid()
        let result = git_reference_name_to_id(&id, handle, "HEAD")
        if result == GIT_ENOTFOUND.rawValue || result == GIT_EUNBORNBRANCH.rawValue { return nil }
        try LibGit2.check(result, "git.unreadable-ref", "cannot read HEAD")
        return id.hex
    }

    /// Whether the index or the working tree differs from HEAD, untracked files included (they
    /// would be compiled too) and ignored files excluded. Always false for a bare repository.
    public func isDirty() throws(Diagnostic) -> Bool {
        if isBare { return false }
        var options = git_status_options()
        git_status_options_init(&options, UInt32(GIT_STATUS_OPTIONS_VERSION))
        options.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR
        options.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED.rawValue
        var list: OpaquePointer?
        try LibGit2.check(git_status_list_new(&list, handle, &options), "git.status-failed", "cannot compare the working tree with HEAD")
        defer { git_status_list_free(list) }
        return git_status_list_entrycount(list) > 0
    }

    /// The branch HEAD points at in a non-bare repository (even before its first commit), `nil`
    /// for a bare repository or a detached HEAD.
    public func checkedOutBranch() -> String? {
        if isBare { return nil }
        var head: OpaquePointer?
        guard git_reference_lookup(&head, handle, "HEAD") == 0 else { return nil }
        defer { git_reference_free(head) }
        guard git_reference_type(head) == GIT_REFERENCE_SYMBOLIC,
              let target = git_reference_symbolic_target(head).map({ String(cString: $0) }),
              target.hasPrefix("refs/heads/")
        else { return nil }
        return String(target.dropFirst("refs/heads/".count))
    }

    // MARK: - Helpers shared with the writing side

    /// `refs/heads/<branch>`, refused unless git accepts it as a branch name.
    static func reference(of branch: String) throws(Diagnostic) -> String {
        let name = "refs/heads/" + branch
        var valid: Int32 = 0
        guard !branch.isEmpty, git_reference_name_is_valid(&valid, name) == 0, valid == 1 else {
            throw Diagnostic.error("git.invalid-branch", "'\(branch)' is not a valid branch name")
        }
        return name
    }

    static func tip(of reference: String, in repository: OpaquePointer) throws(Diagnostic) -> git_oid? {
        var id = git_oid()
        let result = git_reference_name_to_id(&id, repository, reference)
        if result == GIT_ENOTFOUND.rawValue { return nil }
        try LibGit2.check(result, "git.unreadable-ref", "cannot read \(reference)")
        return id
    }

    /// Whether `branch` is HEAD of this working tree or of one of its linked worktrees: moving it
    /// would leave that working tree and index out of step with their branch.
    func isCheckedOut(_ branch: String) throws(Diagnostic) -> Bool {
        if checkedOutBranch() == branch { return true }
        var reference: OpaquePointer?
        guard git_reference_lookup(&reference, handle, try Self.reference(of: branch)) == 0 else { return false }
        defer { git_reference_free(reference) }
        return git_branch_is_checked_out(reference) == 1
    }

    private static func trimmedFolder(_ folder: String) -> String {
        var folder = Substring(folder)
        while folder.hasSuffix("/") { folder = folder.dropLast() }
        while folder.hasPrefix("./") { folder = folder.dropFirst(2) }
        return folder == "." ? "" : String(folder)
    }

    private func rootTree(of revision: String) throws(Diagnostic) -> OpaquePointer {
        var id = try git_oid(hex: resolve(revision))
        var commit: OpaquePointer?
        try LibGit2.check(git_commit_lookup(&commit, handle, &id), "git.unreadable-object", "cannot read commit \(id.hex)")
        defer { git_commit_free(commit) }
        var tree: OpaquePointer?
        try LibGit2.check(git_commit_tree(&tree, commit), "git.unreadable-object", "cannot read the tree of commit \(id.hex)")
        return tree!
    }

    private func lookupTree(_ id: git_oid) throws(Diagnostic) -> OpaquePointer {
        var id = id
        var tree: OpaquePointer?
        try LibGit2.check(git_tree_lookup(&tree, handle, &id), "git.unreadable-object", "cannot read tree \(id.hex)")
        return tree!
    }

    private func blobBytes(_ id: git_oid, path: String) throws(Diagnostic) -> [UInt8] {
        var id = id
        var blob: OpaquePointer?
        try LibGit2.check(git_blob_lookup(&blob, handle, &id), "git.unreadable-object", "cannot read '\(path)' (blob \(id.hex))")
        defer { git_blob_free(blob) }
        let size = Int(git_blob_rawsize(blob))
        guard size > 0, let bytes = git_blob_rawcontent(blob) else { return [] }
        return Array(UnsafeRawBufferPointer(start: bytes, count: size))
    }

    private func collect(_ tree: OpaquePointer, prefix: String, into files: inout [String: [UInt8]]) throws(Diagnostic) {
        for index in 0..<git_tree_entrycount(tree) {
            let entry = git_tree_entry_byindex(tree, index)
            let path = prefix + String(cString: git_tree_entry_name(entry))
            let id = git_tree_entry_id(entry).pointee
            switch git_tree_entry_type(entry) {
            case GIT_OBJECT_BLOB:
                files[path] = try blobBytes(id, path: path)
            case GIT_OBJECT_TREE:
                let subtree = try lookupTree(id)
                defer { git_tree_free(subtree) }
                try collect(subtree, prefix: path + "/", into: &files)
            default:
                continue
            }
        }
    }
}
