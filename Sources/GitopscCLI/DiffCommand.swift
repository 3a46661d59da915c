import Compiler
import Diagnostics
import Diff
import FileSources
import FoundationEssentials
import GitStore
import Publisher

struct DiffCommand {
    static let definition = CommandDefinition(
        name: "diff",
        abstract: "Semantic, resource-level diff between two environments or two revisions.",
        discussion: """
            gitopsc diff staging/stone-stg-rh01 production/east-1      two environments of the working tree
            gitopsc diff --from main [ENV...]                          a revision vs the working tree
            gitopsc diff --from v1 --to v2 [ENV...]                    two revisions
            Risks of the sync (deletions, rollouts, operator upgrades, CRD, RBAC, namespace,
            Secret and sync-wave changes) are listed first.
            Exit status: 0 equal, 1 different, 2 error (like diff); with --fail-on, 1 only
            when one of the named risks is found.
            """,
        parameters: [
            .argument("environments", help: "Two environments, or with --from the environments to compare (default all).", optional: true, repeatable: true),
            .option("from", value: "revision", help: "The old revision of the sources."),
            .option("to", value: "revision", help: "The new revision (default: the working tree)."),
            rootOption(),
            .option("output", value: "format", help: "How the diff is printed.", choices: ["text", "markdown", "json"], default: "text"),
            .option("ignore", value: "pattern", help: "Hide differences at paths matching this pattern (* one segment, ** any); repeatable.", repeatable: true),
            .option("max-bytes", value: "bytes", help: "Size cap of the markdown output.", default: "60000"),
            .flag("ignore-identity", help: "Comparing two environments: treat values that differ only by the environment or cluster name as equal."),
            .flag("by-cause", help: "Group changes by the spec or template line that explains them."),
            // The categories written out: joining RiskCategory's names here cost every start a
            // protocol conformance lookup (a third of a millisecond); ArgumentParsingTests checks
            // that the list names each category.
            .option("fail-on", value: "risks",
                    help: "Exit with status 1 only when one of these risks is found (comma-separated: deletes, rollout, operator-upgrade, crd, rbac, namespace, secret, sync-wave).")
        ] + DiagnosticOptions.parameters,
        run: { try DiffCommand($0).run() }
    )

    let environments: [String]
    let from: String?
    let to: String?
    let root: String
    let output: String
    let ignore: [String]
    let maxBytes: Int
    let ignoreIdentity: Bool
    let byCause: Bool
    let failOn: [RiskCategory]?
    let diagnostics: DiagnosticOptions

    init(_ arguments: ParsedArguments) throws(UsageError) {
        environments = arguments.arguments("environments")
        from = arguments.option("from")
        to = arguments.option("to")
        root = arguments.option("root")!
        output = arguments.option("output")!
        ignore = arguments.options("ignore")
        let maxBytes = arguments.option("max-bytes")!
        guard let bytes = Int(maxBytes), bytes > 0 else {
            throw UsageError("--max-bytes: '\(maxBytes)' is not a positive whole number")
        }
        self.maxBytes = bytes
        ignoreIdentity = arguments.flag("ignore-identity")
        byCause = arguments.flag("by-cause")
        if let risks = arguments.option("fail-on") {
            failOn = try Self.riskCategories(risks)
        } else {
            failOn = nil
        }
        diagnostics = DiagnosticOptions(arguments)
        if from == nil && environments.count != 2 {
            throw UsageError("give two environments, or --from REV (and optionally --to REV)")
        }
        if to != nil && from == nil {
            throw UsageError("--to needs --from")
        }
        if ignoreIdentity && from != nil {
            throw UsageError("--ignore-identity applies to two environments compared with each other, not to --from")
        }
    }

    /// `--fail-on deletes,operator-upgrade`: every name must be a category.
    static func riskCategories(_ text: String) throws(UsageError) -> [RiskCategory] {
        try text.split(separator: ",", omittingEmptySubsequences: false).map { part throws(UsageError) in
            let name = String(part)
            guard let category = RiskCategory(rawValue: name) else {
                let names = RiskCategory.allCases.map(\.rawValue)
                let hint = closestMatch(to: name, in: names).map { "; did you mean '\($0)'?" } ?? " (one of \(names.joined(separator: ", ")))"
                throw UsageError("--fail-on: unknown risk '\(name)'\(hint)")
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
