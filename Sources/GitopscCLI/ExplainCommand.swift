import Diagnostics
import Environments
import FileSources
import Compiler
import FoundationEssentials

struct ExplainCommand {
    static let definition = CommandDefinition(
        name: "explain",
        abstract: "Show the value of a spec field for an environment and every layer that set it.",
        discussion: """
            PATH is dotted: operator.channel, tektonConfig.pipeline.enable-api-fields, \
            components.tekton-results.namespace. With --resolved, the value is shown with its \
            ${...} placeholders resolved for the environment: what the cluster actually gets. \
            Exit status: 0 shown, 2 input error.
            """,
        parameters: [
            .argument("environment", help: "The environment, e.g. production/east-1."),
            .argument("path", help: "The dotted spec path."),
            rootOption(holding: "environments/"),
            .flag("resolved", help: "Resolve the value's placeholders for the environment (the value the cluster gets)."),
        ] + DiagnosticOptions.parameters,
        run: { try ExplainCommand($0).run() }
    )

    let environment: String
    let path: String
    let root: String
    let resolved: Bool
    let diagnostics: DiagnosticOptions

    init(_ arguments: ParsedArguments) {
        environment = arguments.argument("environment")!
        path = arguments.argument("path")!
        root = arguments.option("root")!
        resolved = arguments.flag("resolved")
        diagnostics = DiagnosticOptions(arguments)
    }

    func run() throws {
        let root = standardized(self.root)
        try diagnostics.reportingInputErrors {
            let environments = try EnvironmentLoader.load(root: root, displayBase: FileManager.default.currentDirectoryPath)
            let explained = try Explain.explain(environment, path: path, in: environments)
            print(resolved ? try Explain.resolving(explained, in: environments) : explained)
        }
    }
}

enum SchemaCommand {
    static let definition = CommandDefinition(
        name: "schema",
        abstract: "Print the JSON Schema of environment specs (shipped as schema/environment.schema.json).",
        run: { _ in print(EnvironmentSchema.jsonSchemaText(), terminator: "") }
    )
}
