import ArgumentParser
import Diagnostics
import Environments
import FileSources
import Compiler
import FoundationEssentials

struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Show the value of a spec field for an environment and every layer that set it.",
        discussion: """
            PATH is dotted: operator.channel, tektonConfig.pipeline.enable-api-fields, \
            components.tekton-results.namespace. With --resolved, the value is shown with its \
            ${...} placeholders resolved for the environment: what the cluster actually gets. \
            Exit status: 0 shown, 2 input error.
            """
    )

    @Argument(help: "The environment, e.g. production/east-1.")
    var environment: String

    @Argument(help: "The dotted spec path.")
    var path: String

    @Option(name: .customLong("root"), help: "The source folder holding environments/.")
    var root: String = "."

    @Flag(name: .customLong("resolved"), help: "Resolve the value's placeholders for the environment (the value the cluster gets).")
    var resolved = false

    @OptionGroup var diagnostics: DiagnosticOptions

    func run() throws {
        let root = standardized(self.root)
        try diagnostics.reportingInputErrors {
            let environments = try EnvironmentLoader.load(root: root, displayBase: FileManager.default.currentDirectoryPath)
            let explained = try Explain.explain(environment, path: path, in: environments)
            print(resolved ? try Explain.resolving(explained, in: environments) : explained)
        }
    }
}

struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the JSON Schema of environment specs (shipped as schema/environment.schema.json)."
    )

    func run() {
        print(EnvironmentSchema.jsonSchemaText(), terminator: "")
    }
}
