import Compiler
import Diagnostics
import FileSources
import FoundationEssentials
import GitStore
import Publisher

struct PublishCommand {
    static let definition = CommandDefinition(
        name: "publish",
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
            """,
        parameters: [
            .argument("environments", help: "Environments to publish (default: every concrete environment).", optional: true, repeatable: true),
            rootOption(),
            .option("repo", help: "The repository to commit into (a local path, bare or not; default: the source repository).", isPath: true),
            .option("branch", help: "The branch to commit to (default: repository.branch of gitopsc.yaml)."),
            .option("rev", help: "Compile this revision of the source repository instead of the working tree."),
            .flag("allow-dirty", help: "Publish a working tree with uncommitted changes (the commit says so)."),
            .flag("adopt", help: "Take over a branch folder that has content gitopsc does not own yet."),
            .option("push", value: "remote", help: "Push the branch to this remote (a path, an https:// or ssh:// URL, or user@host:path) after committing."),
            .option("ssh-key", value: "path", help: "The private key to push over SSH with, the only one offered (else GITOPSC_SSH_KEY, else the agent and ~/.ssh/id_*).", isPath: true),
            .option("known-hosts", value: "path", help: "A known_hosts file that SSH host keys are checked against, besides ~/.ssh/known_hosts (repeatable).",
                    repeatable: true, isPath: true),
            .option("author-name", value: "name", help: "The commit's author (else GIT_AUTHOR_NAME, else git config user.name)."),
            .option("author-email", value: "email", help: "The author's email (else GIT_AUTHOR_EMAIL, else git config user.email)."),
            .option("committer-name", value: "name", help: "The commit's committer (else GIT_COMMITTER_NAME, else git config user.name)."),
            .option("committer-email", value: "email", help: "The committer's email (else GIT_COMMITTER_EMAIL, else git config user.email)."),
        ] + DiagnosticOptions.parameters + ProgressOptions.parameters,
        run: { try PublishCommand($0).run() }
    )

    let environments: [String]
    let root: String
    let repository: String?
    let branch: String?
    let revision: String?
    let allowDirty: Bool
    let adopt: Bool
    let push: String?
    let sshKey: String?
    let knownHosts: [String]
    let authorName: String?
    let authorEmail: String?
    let committerName: String?
    let committerEmail: String?
    let diagnostics: DiagnosticOptions
    let progress: ProgressOptions

    init(_ arguments: ParsedArguments) {
        environments = arguments.arguments("environments")
        root = arguments.option("root")!
        repository = arguments.option("repo")
        branch = arguments.option("branch")
        revision = arguments.option("rev")
        allowDirty = arguments.flag("allow-dirty")
        adopt = arguments.flag("adopt")
        push = arguments.option("push")
        sshKey = arguments.option("ssh-key")
        knownHosts = arguments.options("known-hosts")
        authorName = arguments.option("author-name")
        authorEmail = arguments.option("author-email")
        committerName = arguments.option("committer-name")
        committerEmail = arguments.option("committer-email")
        diagnostics = DiagnosticOptions(arguments)
        progress = ProgressOptions(arguments)
    }

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
