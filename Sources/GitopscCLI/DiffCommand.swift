import ArgumentParser
import Compiler
import Diagnostics
import Diff
import FileSources
import FoundationEssentials
import GitStore
import Publisher

struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Semantic, resource-level diff between two environments or two revisions.",
        discussion: """
            gitopsc diff staging/stone-stg-rh01 production/east-1      two environments of the working tree
            gitopsc diff --from main [ENV...]                          a revision vs the working tree
            gitopsc diff --from v1 --to v2 [ENV...]                    two revisions
            Risks of the sync (deletions, rollouts, operator upgrades, CRD, RBAC, namespace,
            Secret and sync-wave changes) are listed first.
            Exit status: 0 equal, 1 different, 2 error (like diff); with --fail-on, 1 only
            when one of the named risks is found.
            """
    )

    @Argument(help: "Two environments, or with --from the environments to compare (default all).")
    var environments: [String] = []

    @Option(name: .customLong("from"), help: "The old revision of the sources.")
    var from: String?

    @Option(name: .customLong("to"), help: "The new revision (default: the working tree).")
    var to: String?

    @Option(name: .customLong("root"), help: "The source folder holding environments/, templates/ and gitopsc.yaml.")
    var root: String = "."

    @Option(name: .customLong("output"), help: "text, markdown or json.")
    var output: String = "text"

    @Option(name: .customLong("ignore"), help: "Hide differences at paths matching this pattern (* one segment, ** any); repeatable.")
    var ignore: [String] = []

    @Option(name: .customLong("max-bytes"), help: "Size cap of the markdown output.")
    var maxBytes: Int = 60_000

    @Flag(name: .customLong("ignore-identity"), help: "Comparing two environments: treat values that differ only by the environment or cluster name as equal.")
    var ignoreIdentity = false

    @Flag(name: .customLong("by-cause"), help: "Group changes by the spec or template line that explains them.")
    var byCause = false

    @Option(
        name: .customLong("fail-on"),
        help: "Exit with status 1 only when one of these risks is found (comma-separated: \(RiskCategory.allCases.map(\.rawValue).joined(separator: ", "))).",
        transform: DiffCommand.riskCategories)
    var failOn: [RiskCategory]?

    @OptionGroup var diagnostics: DiagnosticOptions

    func validate() throws {
        guard ["text", "markdown", "json"].contains(output) else {
            throw ValidationError("--output must be text, markdown or json")
        }
        if from == nil && environments.count != 2 {
            throw ValidationError("give two environments, or --from REV (and optionally --to REV)")
        }
        if to != nil && from == nil {
            throw ValidationError("--to needs --from")
        }
        if ignoreIdentity && from != nil {
            throw ValidationError("--ignore-identity applies to two environments compared with each other, not to --from")
        }
    }

    /// `--fail-on deletes,operator-upgrade`: every name must be a category.
    static func riskCategories(_ text: String) throws -> [RiskCategory] {
        try text.split(separator: ",", omittingEmptySubsequences: false).map { part in
            let name = String(part)
            guard let category = RiskCategory(rawValue: name) else {
                let names = RiskCategory.allCases.map(\.rawValue)
                let hint = closestMatch(to: name, in: names).map { "; did you mean '\($0)'?" } ?? " (one of \(names.joined(separator: ", ")))"
                throw ValidationError("--fail-on: unknown risk '\(name)'\(hint)")
            }
            return category
        }
    }

    func run() throws {
        let root = standardized(self.root)
        let difference = try diagnostics.reportingInputErrors { () throws -> TreeDiff in
            if let from {
                let old = try compile(root: root, revision: from, environments: environments)
                let new = try compile(root: root, revision: to, environments: environments)
                return try TreeDiffer.diff(old: old.objectsByEnvironment, new: new.objectsByEnvironment, ignore: ignore)
            }
            let tree = try compile(root: root, revision: nil, environments: environments)
            let objects = tree.objectsByEnvironment
            func identity(_ name: String) -> EnvironmentIdentity {
                let names = tree.environments.first { $0.name == name }?.identityNames ?? []
                return EnvironmentIdentity(names.map { EnvironmentIdentity.Name(placeholder: $0.placeholder, value: $0.value) })
            }
            return try TreeDiffer.diffEnvironments(
                (environments[0], objects[environments[0]] ?? []), (environments[1], objects[environments[1]] ?? []), ignore: ignore,
                identities: (identity(environments[0]), identity(environments[1])), ignoreIdentity: ignoreIdentity)
        }
        let format: DiffFormat
        switch output {
        case "markdown": format = .markdown(maxBytes: maxBytes)
        case "json": format = .json
        default:
            format = .text(colour: StandardStream.output.isTerminal && ProcessInfo.processInfo.environment["NO_COLOR"] == nil)
        }
        print(DiffRenderer.render(difference, as: format, byCause: byCause), terminator: "")
        if let failOn {
            if difference.risks.contains(where: { failOn.contains($0.category) }) { throw ExitStatus.failed }
        } else if !difference.isEmpty {
            throw ExitStatus.failed
        }
    }

    /// The rendered tree of the working tree or of a revision, in memory.
    private func compile(root: String, revision: String?, environments: [String]) throws -> RenderedTree {
        let files: any FileSource = try revision.map { revision throws(Diagnostic) in
            try Publisher.snapshot(of: revision, in: GitRepository(path: root, searchParents: true), root: root)
        } ?? LocalFiles()
        return try Compiler(root: root, files: files).compile(environments)
    }
}
