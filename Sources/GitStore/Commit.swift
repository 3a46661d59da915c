import CLibGit2
import Diagnostics

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public enum CommitOutcome: Sendable, Equatable {
    /// A new commit `id` is the branch's tip; `parent` is `nil` when the branch was created.
    case committed(id: String, parent: String?)
    /// The tree equals the tip's tree: nothing was written.
    case unchanged(tip: String)
}

extension GitRepository {
    /// Commits a tree to `branch` and moves the branch with a compare-and-swap.
    ///
    /// The new tree is the tip's tree with every path of `ownedPaths` removed and every file of
    /// `files` written (path -> bytes, mode 100644); all other paths of the branch stay untouched.
    /// A missing branch is created with a root commit. When the tree equals the tip's tree nothing is
    /// written and the outcome is `.unchanged`.
    ///
    /// The objects are built in memory and written as one pack before the branch moves, so an
    /// interrupted run leaves the branch where it was (at worst with an unreferenced pack, or a
    /// temporary pack that the next commit removes: see `removeStaleTemporaryPacks`). When the
    /// branch moved or its ref is locked meanwhile, the tree is rebuilt on the new tip and the update
    /// retried, up to `maxAttempts` times with a randomized exponential backoff.
    ///
    /// Refused when the branch is checked out in a working tree: libgit2 would move the branch
    /// without updating that working tree and index.
    public func commit(
        branch: String,
        files: [String: [UInt8]],
        ownedPaths: Set<String>,
        message: String,
        author: Signature,
        committer: Signature,
        maxAttempts: Int = 30
    ) throws(Diagnostic) -> CommitOutcome {
        try commit(
            branch: branch, files: files, ownedPathsAt: { _ in ownedPaths }, message: message,
            author: author, committer: committer, maxAttempts: maxAttempts)
    }

    /// `commit` with the owned paths read from each tip it builds on (e.g. from the ownership
    /// manifest in the branch), so that a retry after another publisher moved the branch
    /// prunes what that publisher owned, not what the first tip listed.
    public func commit(
        branch: String,
        files: [String: [UInt8]],
        ownedPathsAt ownedPaths: (_ tip: String?) throws(Diagnostic) -> Set<String>,
        message: String,
        author: Signature,
        committer: Signature,
        maxAttempts: Int = 30
    ) throws(Diagnostic) -> CommitOutcome {
        let reference = try Self.reference(of: branch)
        if try isCheckedOut(branch) {
            throw Diagnostic.error(
                "git.branch-checked-out",
                "branch '\(branch)' is checked out in \(workingDirectory ?? gitDirectory): publish to another branch or to a bare repository"
            )
        }
        removeStaleTemporaryPacks()
        var newFiles: [([String], [UInt8])] = []
        for (path, bytes) in files {
            newFiles.append((try Self.components(of: path), bytes))
        }
        let message = message.hasSuffix("\n") ? message : message + "\n"
        let writer = try PackWriter(repository: handle)
        let attempts = max(1, maxAttempts)
        for attempt in 1...attempts {
            let tip = try Self.tip(of: reference, in: handle)
            let tree = try writer.tree(base: tip, removing: try ownedPaths(tip?.hex), adding: newFiles)
            if let tip, tree.unchangedFromBase {
                writer.discard()
                return .unchanged(tip: tip.hex)
            }
            let id = try writer.commit(tree: tree.id, parent: tip, message: message, author: author, committer: committer)
            try writer.flush()
            beforeReferenceUpdate?(attempt)

            let result = LibGit2.compareAndSwap(reference, in: handle, to: id, expected: tip, log: "gitopsc: publish")
            if result == 0 { return .committed(id: id.hex, parent: tip?.hex) }

            let lostRace = result == GIT_EMODIFIED.rawValue || result == GIT_EEXISTS.rawValue
            let locked = result == GIT_ELOCKED.rawValue
            guard lostRace || locked else {
                throw LibGit2.failure("git.ref-update-failed", "cannot move \(reference)")
            }
            if attempt == attempts {
                if locked {
                    throw LibGit2.failure(
                        "git.ref-locked",
                        "\(reference) stayed locked by another process through \(attempts) attempts (a stale \(reference).lock file?)"
                    )
                }
                throw LibGit2.failure("git.ref-contended", "\(reference) kept moving under \(attempts) attempts to update it")
            }
            Self.backOff(attempt: attempt)
        }
        preconditionFailure("the loop returns or throws on its last attempt")
    }

    /// Sleeps a random time in the upper half of 1 ms · 2^(attempt-1), capped at 100 ms, so that
    /// contenders spread out instead of colliding again. A low cap keeps a writer that lost several
    /// times from being overtaken by every fresh one.
    static func backOff(attempt: Int) {
        let ceiling = min(100_000, 1_000 << min(attempt - 1, 16))
        usleep(UInt32(Int.random(in: ceiling / 2...ceiling)))
    }

    /// The components of a relative path, refused when git could not store it or it escapes the tree.
    static func components(of path: String) throws(Diagnostic) -> [String] {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let valid = !parts.isEmpty && parts.allSatisfy { part in
            !part.isEmpty && part != "." && part != ".." && part.lowercased() != ".git" && !part.utf8.contains(0)
        }
        guard valid else {
            throw Diagnostic.error("git.invalid-path", "'\(path)' cannot be stored in a git tree")
        }
        return parts
    }
}

/// Builds the new objects in an in-memory object database (libgit2's mempack) and writes them to
/// the repository as one pack.
///
/// The in-memory database is the only backend of its own object database: writing through the
/// repository's would first look every new object up on disk (rescanning the pack folder on each
/// miss), which dominated the time for thousands of files. Instead, objects the tip already has are
/// recognized by id (hashed, compared with the tip's entries) and never written again.
///
/// The pack holds exactly the objects written. `git_mempack_dump` is not used: it packs the whole
/// tree of each commit (all files again on every publish), walking objects it does not hold.
final class PackWriter {
    private let repository: OpaquePointer
    private let database: OpaquePointer
    private let memory: OpaquePointer
    private let memoryRepository: OpaquePointer
    private let backend: OpaquePointer
    /// The objects in the in-memory database, in the order written.
    private var written: [git_oid] = []

    init(repository: OpaquePointer) throws(Diagnostic) {
        var database: OpaquePointer?
        var memory: OpaquePointer?
        var backend: OpaquePointer?
        var memoryRepository: OpaquePointer?
        guard git_repository_odb(&database, repository) == 0, git_odb_new(&memory) == 0, git_mempack_new(&backend) == 0,
              git_odb_add_backend(memory, backend, 999) == 0, git_repository_wrap_odb(&memoryRepository, memory) == 0
        else {
            let failure = LibGit2.failure("git.write-failed", "cannot set up an in-memory object database")
            git_odb_free(database)
            git_odb_free(memory)
            throw failure
        }
        self.repository = repository
        self.database = database!
        self.memory = memory!
        self.memoryRepository = memoryRepository!
        self.backend = backend!
    }

    deinit {
        git_repository_free(memoryRepository)
        git_odb_free(memory)
        git_odb_free(database)
    }

    /// Drops the objects built so far.
    func discard() {
        _ = git_mempack_reset(backend)
        written.removeAll()
    }

    /// Writes every object built since the last flush as one pack file (and its index) next to the
    /// repository's other packs, then empties the in-memory database.
    func flush() throws(Diagnostic) {
        defer { discard() }
        var builder: OpaquePointer?
        try LibGit2.check(git_packbuilder_new(&builder, memoryRepository), "git.write-failed", "cannot pack the new objects")
        defer { git_packbuilder_free(builder) }
        // One delta-search thread per core; newest first (commit, trees, blobs), as packs prefer.
        git_packbuilder_set_threads(builder, 0)
        for var id in written.reversed() {
            try LibGit2.check(git_packbuilder_insert(builder, &id, nil), "git.write-failed", "cannot pack the new objects")
        }
        var pack = git_buf()
        defer { git_buf_dispose(&pack) }
        try LibGit2.check(git_packbuilder_write_buf(&pack, builder), "git.write-failed", "cannot pack the new objects")
        var writer: UnsafeMutablePointer<git_odb_writepack>?
        try LibGit2.check(git_odb_write_pack(&writer, database, nil, nil), "git.write-failed", "cannot write a pack")
        guard let writer else { throw LibGit2.failure("git.write-failed", "cannot write a pack") }
        defer { writer.pointee.free(writer) }
        var progress = git_indexer_progress()
        try LibGit2.check(writer.pointee.append(writer, pack.ptr, pack.size, &progress), "git.write-failed", "cannot write a pack")
        try LibGit2.check(writer.pointee.commit(writer, &progress), "git.write-failed", "cannot write a pack")
    }

    /// Writes the commit object. Serialized here rather than by `git_commit_create`, which wants
    /// the tree and parent as objects of one repository, while they live in two databases.
    func commit(tree: git_oid, parent: git_oid?, message: String, author: Signature, committer: Signature) throws(Diagnostic) -> git_oid {
        var text = "tree \(tree.hex)\n"
        if let parent { text += "parent \(parent.hex)\n" }
        text += "author \(try author.header())\ncommitter \(try committer.header())\n\n\(message)"
        return try store(Array(text.utf8), GIT_OBJECT_COMMIT, what: "the commit")
    }

    private func store(_ bytes: [UInt8], _ type: git_object_t, what: @autoclosure () -> String) throws(Diagnostic) -> git_oid {
        var id = git_oid()
        let result = bytes.withUnsafeBytes { git_odb_write(&id, memory, $0.baseAddress, $0.count, type) }
        try LibGit2.check(result, "git.write-failed", "cannot write \(what())")
        written.append(id)
        return id
    }

    private static func hash(_ bytes: [UInt8], _ type: git_object_t) throws(Diagnostic) -> git_oid {
        var id = git_oid()
        let result = bytes.withUnsafeBytes { git_odb_hash(&id, $0.baseAddress, $0.count, type) }
        try LibGit2.check(result, "git.write-failed", "cannot hash an object")
        return id
    }

    // MARK: Trees

    /// A folder being edited: entries not opened stay as the ids of their existing objects.
    private final class Folder {
        enum Entry {
            case object(git_oid, git_filemode_t)
            case folder(Folder)
        }
        var entries: [String: Entry] = [:]
        /// The existing tree this folder was read from.
        let original: git_oid?
        /// Whether an entry of this folder itself was added, replaced or removed.
        var changed = false

        init(original: git_oid? = nil) {
            self.original = original
        }
    }

    /// Builds `base`'s tree minus `removing` plus `adding`; only the folders on those paths are read.
    func tree(base: git_oid?, removing: Set<String>, adding: [(path: [String], bytes: [UInt8])]) throws(Diagnostic) -> (id: git_oid, unchangedFromBase: Bool) {
        var root = Folder()
        if var base {
            var commit: OpaquePointer?
            try LibGit2.check(git_commit_lookup(&commit, repository, &base), "git.unreadable-object", "cannot read commit \(base.hex)")
            let tree = git_commit_tree_id(commit).pointee
            git_commit_free(commit)
            root = try open(tree)
        }
        // Owned files that come back are overwritten in place rather than removed, so that those
        // unchanged leave their folders unchanged (and not written again).
        let added = Set(adding.map { $0.path.joined(separator: "/") })
        for path in removing.subtracting(added) {
            try remove(path.split(separator: "/").map(String.init)[...], from: root)
        }
        for (parts, bytes) in adding {
            let id = try Self.hash(bytes, GIT_OBJECT_BLOB)
            if try add(id, at: parts[...], in: root, folderPath: "") {
                _ = try store(bytes, GIT_OBJECT_BLOB, what: "'\(parts.joined(separator: "/"))'")
            }
        }
        let id = try write(root, isRoot: true)!
        return (id, root.original.map { $0 == id } ?? false)
    }

    private func open(_ tree: git_oid) throws(Diagnostic) -> Folder {
        var id = tree
        var object: OpaquePointer?
        try LibGit2.check(git_tree_lookup(&object, repository, &id), "git.unreadable-object", "cannot read tree \(id.hex)")
        defer { git_tree_free(object) }
        let folder = Folder(original: tree)
        for index in 0..<git_tree_entrycount(object) {
            let entry = git_tree_entry_byindex(object, index)
            folder.entries[String(cString: git_tree_entry_name(entry))] =
                .object(git_tree_entry_id(entry).pointee, git_tree_entry_filemode(entry))
        }
        return folder
    }

    /// The subfolder `name`, opened from its tree when needed; `nil` when absent or a file.
    private func subfolder(_ name: String, of folder: Folder) throws(Diagnostic) -> Folder? {
        switch folder.entries[name] {
        case .folder(let subfolder):
            return subfolder
        case .object(let id, let mode) where mode == GIT_FILEMODE_TREE:
            let subfolder = try open(id)
            folder.entries[name] = .folder(subfolder)
            return subfolder
        case .object, nil:
            return nil
        }
    }

    /// Removes the file at `parts`; folders are left alone, as an owned path never stands for a
    /// whole folder.
    private func remove(_ parts: ArraySlice<String>, from folder: Folder) throws(Diagnostic) {
        guard let name = parts.first else { return }
        if parts.count == 1 {
            if case .object(_, let mode) = folder.entries[name], mode != GIT_FILEMODE_TREE {
                folder.entries[name] = nil
                folder.changed = true
            }
            return
        }
        guard let subfolder = try subfolder(name, of: folder) else { return }
        try remove(parts.dropFirst(), from: subfolder)
    }

    /// Puts blob `id` at `parts` (mode 100644), returning whether that blob must be written (it
    /// was not already there). Owned files are removed beforehand, so a file in the way is foreign.
    private func add(_ id: git_oid, at parts: ArraySlice<String>, in folder: Folder, folderPath: String) throws(Diagnostic) -> Bool {
        let name = parts.first!
        let path = folderPath.isEmpty ? name : folderPath + "/" + name
        if parts.count > 1 {
            if let subfolder = try subfolder(name, of: folder) {
                return try add(id, at: parts.dropFirst(), in: subfolder, folderPath: path)
            }
            if folder.entries[name] != nil {
                throw Diagnostic.error(
                    "git.path-conflict", "cannot write '\(path)/\(parts.dropFirst().joined(separator: "/"))': '\(path)', a file that gitopsc does not own, is in the way"
                )
            }
            let subfolder = Folder()
            folder.entries[name] = .folder(subfolder)
            folder.changed = true
            return try add(id, at: parts.dropFirst(), in: subfolder, folderPath: path)
        }
        switch folder.entries[name] {
        case .object(let existing, GIT_FILEMODE_BLOB) where existing == id:
            return false
        case .folder(let emptied) where emptied.entries.isEmpty:
            folder.entries[name] = .object(id, GIT_FILEMODE_BLOB)
            folder.changed = true
            return true
        case .object(_, GIT_FILEMODE_TREE), .folder:
            throw Diagnostic.error("git.path-conflict", "cannot write '\(path)': a folder that gitopsc does not own is in the way")
        default:
            folder.entries[name] = .object(id, GIT_FILEMODE_BLOB)
            folder.changed = true
            return true
        }
    }

    /// Writes the changed folders bottom-up in git's tree format. An emptied folder is dropped, as
    /// git has no empty folders; only the root may be empty.
    private func write(_ folder: Folder, isRoot: Bool = false) throws(Diagnostic) -> git_oid? {
        var entries: [(key: [UInt8], name: String, mode: git_filemode_t, id: git_oid)] = []
        entries.reserveCapacity(folder.entries.count)
        var changed = folder.changed
        for (name, entry) in folder.entries {
            switch entry {
            case .object(let id, let mode):
                entries.append((Self.sortKey(name, mode), name, mode, id))
            case .folder(let subfolder):
                let id = try write(subfolder)
                let unchanged = id.flatMap { id in subfolder.original.map { $0 == id } } ?? false
                if !unchanged { changed = true }
                guard let id else { continue }
                entries.append((Self.sortKey(name, GIT_FILEMODE_TREE), name, GIT_FILEMODE_TREE, id))
            }
        }
        if let original = folder.original, !changed { return original }
        if entries.isEmpty && !isRoot { return nil }
        entries.sort { $0.key.lexicographicallyPrecedes($1.key) }
        var bytes: [UInt8] = []
        for entry in entries {
            bytes += String(entry.mode.rawValue, radix: 8).utf8
            bytes.append(0x20)
            bytes += entry.name.utf8
            bytes.append(0)
            withUnsafeBytes(of: entry.id.id) { bytes += $0 }
        }
        let id = try Self.hash(bytes, GIT_OBJECT_TREE)
        if let original = folder.original, original == id { return id }
        return try store(bytes, GIT_OBJECT_TREE, what: "a tree")
    }

    /// Git orders tree entries by name, a folder's name as if it ended with a slash.
    private static func sortKey(_ name: String, _ mode: git_filemode_t) -> [UInt8] {
        mode == GIT_FILEMODE_TREE ? Array(name.utf8) + [0x2F] : Array(name.utf8)
    }
}

extension Signature {
    /// `Name <email> seconds +hhmm`, as in commit headers, after libgit2's checks and trimming.
    func header() throws(Diagnostic) -> String {
        let signature = try gitSignature()
        defer { git_signature_free(signature) }
        let when = signature.pointee.when
        let offset = abs(Int(when.offset))
        func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let zone = (when.offset < 0 ? "-" : "+") + twoDigits(offset / 60) + twoDigits(offset % 60)
        return "\(String(cString: signature.pointee.name)) <\(String(cString: signature.pointee.email))> \(when.time) \(zone)"
    }
}
