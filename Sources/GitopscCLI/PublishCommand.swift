import ArgumentParser
import Compiler
import Diagnostics
import FileSources
import FoundationEssentials
import GitStore
import Publisher

struct PublishCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish",
        abstract: "Compile and commit the rendered tree into the gitops repository's branch (libgit2).",
        discussion: """
            One commit whose parent is the branch's tip, written as one pack; the branch moves \
            with a compare-and-swap, retried on a lost race. No commit when nothing changed. Only \
            paths gitopsc owns (its manifest in the branch) are replaced or deleted. The commit \
            message names the changed environments and carries Source-Repository, Source-Commit \
            and Gitopsc-Version trailers. Author and committer: the flags, else GIT_AUTHOR_* / \
            GIT_COMMITTER_*, else git config.
            Pushing over HTTPS takes a credential from the URL, GITOPSC_GIT_TOKEN or \
            GITOPSC_GIT_USERNAME + GITOPSC_GIT_PASSWORD, or ~/.git-credentials (credential.helper \
            store); TLS certificates are always verified (GIT_SSL_CAINFO, http.sslCAInfo or \
            SSL_CERT_FILE name a CA bundle). Over SSH: --ssh-key or GITOPSC_SSH_KEY, else the agent \
            and ~/.ssh/id_*; host keys must be in known_hosts. See docs/pushing.md.
            Exit status: 0 published or nothing to do, 2 input or repository error.
            """
    )

    @Argument(help: "Environments to publish (default: every concrete environment).")
    var environments: [String] = []

    @Option(name: .customLong("root"), help: "The source folder holding environments/, templates/ and gitopsc.yaml.")
    var root: String = "."

    @Option(name: .customLong("repo"), help: "The repository to commit into (a local path, bare or not; default: the source repository).")
    var repository: String?

    @Option(name: .customLong("branch"), help: "The branch to commit to (default: repository.branch of gitopsc.yaml).")
    var branch: String?

    @Option(name: .customLong("rev"), help: "Compile this revision of the source repository instead of the working tree.")
    var revision: String?

    @Flag(name: .customLong("allow-dirty"), help: "Publish a working tree with uncommitted changes (the commit says so).")
    var allowDirty = false

    @Flag(name: .customLong("adopt"), help: "Take over a branch folder that has content gitopsc does not own yet.")
    var adopt = false

    @Option(name: .customLong("push"), help: "Push the branch to this remote (a path, an https:// or ssh:// URL, or user@host:path) after committing.")
    var push: String?

    @Option(name: .customLong("ssh-key"), help: "The private key to push over SSH with, the only one offered (else GITOPSC_SSH_KEY, else the agent and ~/.ssh/id_*).")
    var sshKey: String?

    @Option(name: .customLong("known-hosts"), help: "A known_hosts file that SSH host keys are checked against, besides ~/.ssh/known_hosts (repeatable).")
    var knownHosts: [String] = []

    @Option(name: .customLong("author-name")) var authorName: String?
    @Option(name: .customLong("author-email")) var authorEmail: String?
    @Option(name: .customLong("committer-name")) var committerName: String?
    @Option(name: .customLong("committer-email")) var committerEmail: String?

    @OptionGroup var diagnostics: DiagnosticOptions
    @OptionGroup var progress: ProgressOptions

    func run() throws {
        let root = standardized(self.root)
        var request = PublishRequest(root: root, repository: repository.map { standardized($0) } ?? root)
        request.branch = branch
        request.revision = revision
        request.environments = environments
        request.allowDirty = allowDirty
        request.adopt = adopt
        request.authorName = authorName
        request.authorEmail = authorEmail
        request.committerName = committerName
        request.committerEmail = committerEmail
        request.push = push
        request.access = RemoteAccess(sshKey: sshKey, knownHostsFiles: knownHosts)
        let display = progress.display()
        request.progress = display?.report
        try diagnostics.reportingInputErrors {
            let result = try { () throws(DiagnosticList) in
                defer { display?.finish() }
                return try Publisher.publish(request, displayBase: FileManager.default.currentDirectoryPath)
            }()
            if !result.warnings.isEmpty { diagnostics.print(result.warnings) }
            switch result.outcome {
            case .committed(let id, let parent):
                if parent == nil {
                    print("created branch \(result.branch) (an orphan: it did not exist)")
                }
                let changed = result.changedEnvironments.isEmpty ? "" : " (\(result.changedEnvironments.joined(separator: ", ")))"
                print("committed \(id) on \(result.branch): \(counted(result.changedEnvironments.count, "environment")) changed\(changed)")
            case .unchanged(let tip):
                print("nothing changed: \(result.branch) stays at \(tip)")
            }
            for status in result.pushStatuses {
                print("push \(RemoteURL.redacted(push ?? "")): \(status)")
            }
        }
    }
}
