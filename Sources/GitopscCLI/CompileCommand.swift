import Compiler
import Diagnostics
import FileSources
import FoundationEssentials
import GitStore
import Publisher
import Schemas

struct CompileCommand {
    static let definition = CommandDefinition(
        name: "compile",
        abstract: "Compile environment specs and templates into the rendered tree Argo CD reads.",
        discussion: """
            Reads environments/ and templates/ (and gitopsc.yaml) below --root and writes \
            <output>/<folder>/<environment>/... plus <folder>/.gitopsc/manifest.json. Only paths \
            gitopsc owns are replaced or deleted; nothing is written when any environment fails.
            With schemas (gitopsc.yaml `schemas`, or --schemas), every rendered object is \
            validated first, and nothing is written when one is invalid.
            Exit status: 0 compiled, 1 invalid against a schema, 2 input error.
            """,
        parameters: [
            .argument("environments", help: "Environments to compile (default: every concrete environment).", optional: true, repeatable: true),
            rootOption(),
            .option("output-dir", help: "Where to write the rendered tree (default: 'output' of gitopsc.yaml, else out).", isPath: true),
            .option("rev", help: "Compile this revision of the source repository (read with libgit2, no checkout)."),
        ] + SchemaOptions.parameters + DiagnosticOptions.parameters + ProgressOptions.parameters,
        run: { try CompileCommand($0).run() }
    )

    let environments: [String]
    let root: String
    let outputDirectory: String?
    let revision: String?
    let schemaOptions: SchemaOptions
    let diagnostics: DiagnosticOptions
    let progress: ProgressOptions

    init(_ arguments: ParsedArguments) {
        environments = arguments.arguments("environments")
        root = arguments.option("root")!
        outputDirectory = arguments.option("output-dir")
        revision = arguments.option("rev")
        schemaOptions = SchemaOptions(arguments)
        diagnostics = DiagnosticOptions(arguments)
        progress = ProgressOptions(arguments)
    }

    func run() throws {
        let root = standardized(self.root)
        try diagnostics.reportingInputErrors {
            let files: any FileSource = try revision.map { revision throws(Diagnostic) in
                try Publisher.snapshot(of: revision, in: GitRepository(path: root, searchParents: true), root: root)
            } ?? LocalFiles()
            let compiler = try Compiler(root: root, files: files)
            keepUntilExit(compiler)
            let schemas = try compiler.loadSchemas(extra: schemaOptions.paths)
            let display = progress.display()
            let rendered = try { () throws -> RenderedFiles in
                defer { display?.finish() }
                guard let schemas else {
                    // Nothing reads the objects once their files are emitted.
                    return try compiler.compileFiles(environments, progress: display?.report)
                }
                let tree = try compiler.compile(environments, schemas: schemas, allowUnknownFields: schemaOptions.allowUnknownFields, progress: display?.report)
                keepUntilExit(tree)
                let report = try RenderedChecks.validate(tree, against: schemas, allowUnknownFields: schemaOptions.allowUnknownFields)
                if !report.problems.isEmpty { diagnostics.print(report.problems) }
                print(report.summary)
                if report.hasErrors { throw ExitStatus.failed }
                return tree.output
            }()
            keepUntilExit(rendered)
            let output = outputDirectory ?? (root + "/" + compiler.settings.output)
            let summary = try OutputWriter.write(rendered, to: output)
            print("compiled \(counted(rendered.environmentNames.count, "environment")): \(counted(summary.written, "file")) written, \(summary.unchanged) unchanged, \(summary.deleted) deleted")
        }
    }
}
