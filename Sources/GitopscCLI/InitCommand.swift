import Compiler
import Diagnostics
import FileSources
import FoundationEssentials

struct InitCommand {
    static let definition = CommandDefinition(
        name: "init",
        abstract: "Scaffold a gitopsc project that compiles as it is.",
        discussion: """
            Writes gitopsc.yaml, environments (base; staging with one cluster; production with \
            one ring of two clusters), one template component (templates/web), \
            .pre-commit-config.yaml, .gitignore and schema/environment.schema.json (the editor \
            schema the environment files name). Never overwrites a file: when any exists, \
            nothing is written. Exit status: 0 written, 2 a file exists or cannot be written.
            """,
        parameters: [
            .argument("folder", help: "The project folder (created when missing).", optional: true, default: ".", isPath: true),
        ] + DiagnosticOptions.parameters,
        run: { try InitCommand($0).run() }
    )

    let folder: String
    let diagnostics: DiagnosticOptions

    init(_ arguments: ParsedArguments) {
        folder = arguments.argument("folder")!
        diagnostics = DiagnosticOptions(arguments)
    }

    func run() throws {
        let root = standardized(folder)
        try diagnostics.reportingInputErrors {
            let written = try Scaffold.write(to: root, displayBase: FileManager.default.currentDirectoryPath)
            print("wrote \(counted(written.count, "file")) into \(displayPath(root, base: FileManager.default.currentDirectoryPath)):")
            for path in written { print("  \(path)") }
            print("next: gitopsc compile (writes out/), then git init && pre-commit install")
        }
    }
}
