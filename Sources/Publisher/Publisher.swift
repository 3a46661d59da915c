import Compiler
import Diagnostics
import FileSources
import FoundationEssentials
import GitStore

/// What `gitopsc publish` does: compile the sources (the working tree or a revision) and
/// commit the rendered tree into the target repository's branch with provenance.
public struct PublishRequest: Sendable {
    /// The source folder (holding gitopsc.yaml, environments/, templates/).
    public var root: String
    /// The repository to commit into: a local path, bare or not.
    public var repository: String
    /// The branch; default: `repository.branch` of gitopsc.yaml.
    public var branch: String?
    /// Compile this revision of the source repository instead of the working tree.
    public var revision: String?
    public var environments: [String] = []
    public var allowDirty = false
    public var adopt = false
    public var authorName: String?
    public var authorEmail: String?
    public var committerName: String?
    public var committerEmail: String?
    /// Push the branch to this remote (a path or URL) after committing.
    public var push: String?
    /// Told how many environments are rendered, for a progress display.
    public var progress: Compiler.Progress?
    /// Where the push's credentials, CA bundle and known hosts come from.
    public var access = RemoteAccess()

    public init(root: String, repository: String) {
        self.root = root
        self.repository = repository
    }
}

public struct PublishResult: Sendable {
    public var branch: String
    public var outcome: CommitOutcome
    public var changedEnvironments: [String]
    public var sourceCommit: String?
    /// What the remote did with each reference, when pushing.
    public var pushStatuses: [ReferenceStatus] = []
    /// What the push does differently from git (a credential in the URL, TLS settings ignored).
    public var warnings: [Diagnostic] = []
}

public enum Publisher {
    /// How often a lost compare-and-swap is retried (with randomized backoff) before giving
    /// up: enough for several CI pipelines publishing at once.
    static let maxCommitAttempts = 40

    /// Where the sources come from, and how the commit message names them.
    struct Source {
        var files: any FileSource
        var commit: String?
        var dirty: Bool
        var repository: String?
    }

    /// How often a push rejected as non-fast-forward is retried after fetching the remote's
    /// tip and rebuilding the commit on it.
    static let maxPushAttempts = 10

    public static func publish(_ request: PublishRequest, displayBase: String) throws(DiagnosticList) -> PublishResult {
        do {
            let source = try loadSource(request)
            let compiler = try Compiler(root: request.root, displayBase: displayBase, files: source.files)
            let tree = try compiler.compileFiles(request.environments, progress: request.progress)
            let branch = request.branch ?? compiler.settings.branch
            let target = try GitRepository(path: request.repository)
            guard let remote = request.push else {
                return try commit(tree, source: source, to: target, branch: branch, request: request)
            }
            // The local branch mirrors the remote's: build on the remote's tip, and when another
            // pipeline pushed first, fetch its tip and rebuild (the output is a pure function of
            // the sources, so rebuilding is always correct).
            let warnings = try target.remoteWarnings(remote, access: request.access)
            do {
                var result = try push(tree, source: source, to: target, branch: branch, remote: remote, request: request)
                result.warnings = warnings
                return result
            } catch {
                throw DiagnosticList(warnings + [error])
            }
        } catch let error as DiagnosticList {
            throw redacted(error, remote: request.push)
        } catch let error as Diagnostic {
            throw redacted(DiagnosticList([error]), remote: request.push)
        } catch {
            throw DiagnosticList([Diagnostic.error("publish.internal", "\(error)")])
        }
    }

    /// Problems with a push URL's credentials removed from their messages: CI logs show them.
    static func redacted(_ list: DiagnosticList, remote: String?) -> DiagnosticList {
        guard let remote, case let clean = RemoteURL.redacted(remote), clean != remote else { return list }
        return DiagnosticList(list.diagnostics.map { diagnostic in
            var copy = diagnostic
            copy.message = copy.message.replacing(remote, with: clean)
            return copy
        })
    }

    /// Commits on the remote's tip and pushes; a push rejected as non-fast-forward fetches the
    /// new tip and rebuilds.
    static func push(_ tree: RenderedFiles, source: Source, to target: GitRepository, branch: String, remote: String, request: PublishRequest) throws(Diagnostic) -> PublishResult {
        _ = try target.fetch(remote: remote, branch: branch, access: request.access)
        for _ in 1...maxPushAttempts {
            var result = try commit(tree, source: source, to: target, branch: branch, request: request)
            result.pushStatuses = try target.push(remote: remote, branch: branch, access: request.access)
            if result.pushStatuses.contains(where: { $0.result == .nonFastForward }) {
                _ = try target.fetch(remote: remote, branch: branch, access: request.access)
                continue
            }
            if let refused = result.pushStatuses.first(where: { if case .rejected = $0.result { true } else { false } }) {
                throw Diagnostic.error("publish.push-rejected", "the remote '\(RemoteURL.redacted(remote))' refused the push: \(refused)")
            }
            return result
        }
        throw Diagnostic.error(
            "publish.push-rejected",
            "the remote '\(RemoteURL.redacted(remote))' kept moving: \(maxPushAttempts) pushes were rejected as non-fast-forward")
    }

    /// One commit of the rendered tree on the branch's current tip (or none when unchanged).
    static func commit(_ tree: RenderedFiles, source: Source, to target: GitRepository, branch: String, request: PublishRequest) throws(Diagnostic) -> PublishResult {
        let tip = try target.tip(of: branch)
        let changed = try changedEnvironments(tree, in: target, at: tip)
        let author = try target.signature(name: request.authorName, email: request.authorEmail, kind: .author)
        let committer = try target.signature(name: request.committerName, email: request.committerEmail, kind: .committer)
        let outcome = try target.commit(
            branch: branch,
            files: tree.files.mapValues { Array($0.utf8) },
            ownedPathsAt: { tip throws(Diagnostic) in try ownedPaths(in: target, at: tip, layout: tree.layout, adopt: request.adopt) },
            message: message(tree: tree, changed: changed, source: source),
            author: author,
            committer: committer,
            maxAttempts: maxCommitAttempts)
        return PublishResult(branch: branch, outcome: outcome, changedEnvironments: changed, sourceCommit: source.commit)
    }

    /// The working tree (refused when dirty unless allowed) or a revision read with libgit2.
    static func loadSource(_ request: PublishRequest) throws(Diagnostic) -> Source {
        let repository: GitRepository
        do {
            repository = try GitRepository(path: request.root, searchParents: true)
        } catch {
            guard request.revision == nil, request.allowDirty else {
                throw Diagnostic.error(
                    "publish.no-source-commit",
                    "the sources in '\(request.root)' are not in a git repository, so the commit cannot name its source; commit them, or pass --allow-dirty")
            }
            return Source(files: LocalFiles(), commit: nil, dirty: true, repository: nil)
        }
        if let revision = request.revision {
            return Source(
                files: try snapshot(of: revision, in: repository, root: request.root),
                commit: try repository.resolve(revision), dirty: false, repository: try provenance(of: repository))
        }
        let dirty = try repository.isDirty()
        if dirty && !request.allowDirty {
            throw Diagnostic.error(
                "publish.dirty-source",
                "the source working tree has uncommitted changes; commit them, publish a revision with --rev, or pass --allow-dirty (the commit is then marked dirty)")
        }
        return Source(files: LocalFiles(), commit: try repository.headCommit(), dirty: dirty, repository: try provenance(of: repository))
    }

    /// How the `Source-Repository:` trailer names the source repository: its `origin` URL
    /// without credentials (the commit is public wherever the branch is), or its path when it
    /// has no `origin`.
    static func provenance(of repository: GitRepository) throws(Diagnostic) -> String {
        guard let origin = try repository.remoteURL(named: "origin") else {
            return standardized(repository.workingDirectory ?? repository.gitDirectory)
        }
        return RemoteURL.redacted(origin)
    }

    /// The sources of a revision, mounted at the source folder, read without a checkout.
    /// Template roots outside the repository are not part of any revision: they are read
    /// from disk.
    public static func snapshot(of revision: String, in repository: GitRepository, root: String) throws(Diagnostic) -> SnapshotFiles {
        let commit = try repository.resolve(revision)
        let top = standardized(repository.workingDirectory ?? root)
        let folder = standardized(root)
        let relative = folder == top ? nil : folder.hasPrefix(top + "/") ? String(folder.dropFirst(top.count + 1)) : nil
        // Paths come back relative to the repository; the snapshot wants them relative to the folder.
        var files = try repository.files(atCommit: commit, under: relative)
        if let relative {
            files = Dictionary(uniqueKeysWithValues: files.map { (String($0.key.dropFirst(relative.count + 1)), $0.value) })
        }
        return SnapshotFiles(root: folder, files: files, outside: LocalFiles())
    }

    /// The paths of the branch that gitopsc may replace or delete: those of its ownership
    /// manifest (refused when it lists a path the layout does not write). A folder with
    /// content but no manifest is someone else's unless adopted.
    static func ownedPaths(in repository: GitRepository, at tip: String?, layout: RenderedLayout, adopt: Bool) throws(Diagnostic) -> Set<String> {
        guard let tip else { return [] }
        if let manifest = try committedManifest(in: repository, at: tip, layout: layout) {
            return Set(manifest.paths)
        }
        let existing = Array(try repository.files(atCommit: tip, under: layout.folder).keys)
        if existing.isEmpty { return [] }
        guard adopt else {
            throw Diagnostic.error(
                "publish.unowned-content",
                "folder '\(layout.folder)' of the target branch has \(counted(existing.count, "file")) that gitopsc does not own (no \(layout.ownershipManifestPath)); pass --adopt to take them over")
        }
        return Set(existing)
    }

    private static func committedManifest(in repository: GitRepository, at tip: String, layout: RenderedLayout) throws(Diagnostic) -> OwnershipManifest? {
        try repository.file(layout.ownershipManifestPath, atCommit: tip).map { bytes throws(Diagnostic) in
            try OwnershipManifest.read(bytes, file: "\(tip.prefix(12)):\(layout.ownershipManifestPath)", layout: layout)
        }
    }

    /// Environments whose rendered files differ from the tip's, and environments removed.
    static func changedEnvironments(_ tree: RenderedFiles, in repository: GitRepository, at tip: String?) throws(Diagnostic) -> [String] {
        let layout = tree.layout
        let old = try tip.map { tip throws(Diagnostic) in try repository.files(atCommit: tip, under: layout.folder) } ?? [:]
        let previous = try tip.flatMap { tip throws(Diagnostic) in try committedManifest(in: repository, at: tip, layout: layout) }?.environments ?? []
        let names = Set(tree.environmentNames + previous)
        let oldFiles = layout.filesByEnvironment(old, environments: names)
        let newFiles = layout.filesByEnvironment(tree.files.mapValues { Array($0.utf8) }, environments: names)
        return names.sorted().filter { oldFiles[$0] != newFiles[$0] }
    }

    /// The commit message: a summary, the changed environments, and provenance trailers.
    static func message(tree: RenderedFiles, changed: [String], source: Source) -> String {
        var text = "gitopsc: render \(counted(tree.environmentNames.count, "environment"))"
        text += changed.isEmpty ? "\n" : " (\(changed.count) changed)\n\nChanged environments:\n" + changed.map { "- \($0)\n" }.joined()
        text += "\n"
        if let repository = source.repository { text += "Source-Repository: \(repository)\n" }
        text += "Source-Commit: \(source.commit ?? "none")\(source.dirty ? " (dirty)" : "")\n"
        text += "Gitopsc-Version: \(gitopscVersion)\n"
        return text
    }
}
