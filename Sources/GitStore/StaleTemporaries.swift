import CLibGit2
import Diagnostics
import FileSources

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension GitRepository {
    /// How old a temporary pack must be before a publish takes it for a leftover. A publish holds
    /// its temporary for the seconds it takes to write one pack; an hour leaves a wide margin
    /// for a concurrent publish on a slow disk.
    static let staleTemporaryAge: time_t = 3600

    /// Removes temporary packs that a killed publish left in `objects/pack`.
    ///
    /// libgit2's indexer writes the pack to `objects/pack/pack_git2_<random>` (16 hex digits in
    /// libgit2 1.5, six `mkstemp` characters in others) and renames it to `pack-<id>.pack` when it
    /// is complete. Only regular files with exactly that name, in that folder, last modified
    /// more than `staleTemporaryAge` ago, are removed; a failure to remove one is ignored (the next
    /// publish tries again). Returns the names removed.
    @discardableResult
    func removeStaleTemporaryPacks(now: time_t = time(nil)) -> [String] {
        var path = git_buf()
        defer { git_buf_dispose(&path) }
        guard git_repository_item_path(&path, handle, GIT_REPOSITORY_ITEM_OBJECTS) == 0, let objects = path.ptr else {
            return []
        }
        let folder = String(cString: objects).withTrailingSlash + "pack/"
        var removed: [String] = []
        for name in LocalFiles().children(of: folder) ?? [] {
            guard Self.isTemporaryPackName(name) else { continue }
            var status = stat()
            guard lstat(folder + name, &status) == 0, status.st_mode & S_IFMT == S_IFREG,
                  now - modificationTime(status) > Self.staleTemporaryAge else { continue }
            if unlink(folder + name) == 0 { removed.append(name) }
        }
        return removed
    }

    /// `pack_git2_` and 6 to 32 ASCII letters and digits: the names libgit2 gives temporary packs.
    static func isTemporaryPackName(_ name: String) -> Bool {
        let prefix = "pack_git2_"
        guard name.hasPrefix(prefix) else { return false }
        let random = name.utf8.dropFirst(prefix.utf8.count)
        return (6...32).contains(random.count) && random.allSatisfy { byte in
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
        }
    }
}

private func modificationTime(_ status: stat) -> time_t {
    #if canImport(Darwin)
    status.st_mtimespec.tv_sec
    #else
    status.st_mtim.tv_sec
    #endif
}

private extension String {
    var withTrailingSlash: String { hasSuffix("/") ? self : self + "/" }
}
