import ArgumentParser
import Compiler
import Diagnostics
import FileSources
import FoundationEssentials

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Scaffold a gitopsc project that compiles as it is.",
        discussion: """
            Writes gitopsc.yaml, environments (base; staging with one cluster; production with \
            one ring of two clusters), one template component (templates/web), \
            .pre-commit-config.yaml, .gitignore and schema/environment.schema.json (the editor \
            schema the environment files name). Never overwrites a file: when any exists, \
            nothing is written. Exit status: 0 written, 2 a file exists or cannot be written.
            """
    )

    @Argument(help: "The project folder (created when missing; default: the current folder).")
    var folder: String = "."

    @OptionGroup var diagnostics: DiagnosticOptions

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
