import Compiler
import Diagnostics
import Diff
import FileSources
import FoundationEssentials
import GitStore
import Schemas
import YAML

struct CheckCommand {
    static let definition = CommandDefinition(
        name: "check",
        abstract: "Compile in memory, validate, and compare with the committed rendered output (a pre-commit gate).",
        discussion: """
            Compares with the output folder (--output-dir, default the `output` of gitopsc.yaml) \
            or, with --branch, with that branch of the repository (--repo, default the source \
            repository), read with libgit2. With schemas (gitopsc.yaml `schemas`, or --schemas), \
            every rendered object is also validated against those CRDs and OpenAPI documents \
            (docs/schemas.md). Exit status: 0 fresh and valid, 1 stale or invalid, 2 input error.
            """,
        parameters: [
            rootOption(),
            .option("output-dir", help: "The committed output folder to compare with.", isPath: true),
            .option("branch", help: "Compare with this branch instead of an output folder."),
            .option("repo", help: "The repository holding --branch (default: the source repository).", isPath: true),
        ] + SchemaOptions.parameters + DiagnosticOptions.parameters,
        run: { try CheckCommand($0).run() }
    )

    let root: String
    let outputDirectory: String?
    let branch: String?
    let repository: String?
    let schemaOptions: SchemaOptions
    let diagnostics: DiagnosticOptions

    init(_ arguments: ParsedArguments) {
        root = arguments.option("root")!
        outputDirectory = arguments.option("output-dir")
        branch = arguments.option("branch")
        repository = arguments.option("repo")
        schemaOptions = SchemaOptions(arguments)
        diagnostics = DiagnosticOptions(arguments)
    }

    func run() throws {
        let root = standardized(self.root)
        let target = branch.map { "branch '\($0)'" } ?? "'\(outputDirectory ?? "the output folder of gitopsc.yaml")'"
        let (tree, report, committed, staleness) = try diagnostics.reportingInputErrors {
            () throws -> (RenderedTree, SchemaReport?, [String: String], Staleness) in
            let compiler = try Compiler(root: root)
            keepUntilExit(compiler)
            let schemas = try compiler.loadSchemas(extra: schemaOptions.paths)
            let tree = try compiler.compile(schemas: schemas, allowUnknownFields: schemaOptions.allowUnknownFields)
            keepUntilExit(tree)
            let report = try schemas.map { schemas throws(DiagnosticList) in
                try RenderedChecks.validate(tree, against: schemas, allowUnknownFields: schemaOptions.allowUnknownFields)
            }
            let (committed, manifestFile) = try committedFiles(layout: tree.layout, settings: compiler.settings, root: root)
            return (tree, report, committed, try Staleness.compare(expected: tree.output, committed: committed, manifestFile: manifestFile))
        }
        var problems = RenderedChecks.validate(tree)
        problems += report?.problems ?? []
        if !problems.isEmpty { diagnostics.print(problems) }
        if let report { print(report.summary) }
        if problems.contains(where: { $0.severity == .error }) {
            throw ExitStatus.failed
        }
        guard !staleness.isStale else {
            let remedy = branch == nil ? "run `gitopsc compile` and commit the result" : "run `gitopsc publish`"
            guard diagnostics.format == .human else {
                var stale = staleness.environments.map { name in
                    Diagnostic.error("check.stale", "rendered output of environment '\(name)' in \(target) is stale; \(remedy)")
                }
                if staleness.environments.isEmpty {
                    stale.append(Diagnostic.error("check.stale-manifest", "the ownership manifest in \(target) is stale; \(remedy)"))
                }
                diagnostics.print(stale)
                throw ExitStatus.failed
            }
            var message = staleness.environments.isEmpty
                ? "the ownership manifest in \(target) is stale (every environment's files are up to date):\n"
                : "rendered output in \(target) is stale for \(counted(staleness.environments.count, "environment")):\n"
            message += staleness.environments.map { "  \($0)\n" }.joined()
            message += shortDiff(committed: committed, expected: tree, stale: staleness.environments)
            message += remedy + "\n"
            StandardStream.error.write(message)
            throw ExitStatus.failed
        }
        print("rendered output is up to date (\(counted(tree.environments.count, "environment")))")
    }

    /// The first lines of the semantic diff from the committed output to the expected one,
    /// over the stale environments: committed files grouped by the layout and parsed, the
    /// expected side straight from the rendered model.
    private func shortDiff(committed: [String: String], expected: RenderedTree, stale: [String], lines limit: Int = 30) -> String {
        let names = Set(stale)
        let model = expected.objectsByEnvironment.filter { names.contains($0.key) }
        let files = expected.layout.filesByEnvironment(committed, environments: names)
        var old: [String: [Node]] = [:]
        for (name, environmentFiles) in files {
            guard let objects = try? TreeDiffer.objects(parsing: environmentFiles) else { return "" }
            old[name] = objects
        }
        guard let difference = try? TreeDiffer.diff(old: old, new: model), !difference.isEmpty else {
            return ""
        }
        let lines = DiffRenderer.render(difference, as: .text(colour: false)).split(separator: "\n", omittingEmptySubsequences: false)
        var text = lines.prefix(limit).joined(separator: "\n") + "\n"
        if lines.count > limit { text += "... (\(lines.count - limit) more lines: see `gitopsc diff`)\n" }
        return text
    }

    /// The committed files, and how messages name their ownership manifest. A branch that does
    /// not exist is an input error, not stale output: most likely a typo.
    private func committedFiles(layout: RenderedLayout, settings: ProjectSettings, root: String) throws -> ([String: String], String) {
        guard let branch else {
            let output = outputDirectory.map { standardized($0) } ?? root + "/" + settings.output
            return (Staleness.committedFiles(in: output, layout: layout), output + "/" + layout.ownershipManifestPath)
        }
        let repository = try GitRepository(path: self.repository ?? root, searchParents: self.repository == nil)
        guard let tip = try repository.tip(of: branch) else {
            throw Diagnostic.error("check.unknown-branch", "branch '\(branch)' does not exist in '\(repository.workingDirectory ?? repository.gitDirectory)'; publish it first with `gitopsc publish`")
        }
        let files = try repository.files(atCommit: tip, under: layout.folder)
        return (files.mapValues { String(decoding: $0, as: UTF8.self) }, "\(branch):\(layout.ownershipManifestPath)")
    }
}
