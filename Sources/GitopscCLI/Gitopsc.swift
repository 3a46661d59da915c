import Compiler
import Diagnostics
import FileSources
import FoundationEssentials
import Glibc

/// The `gitopsc` command: subcommands only parse arguments and call the library.
public enum Gitopsc {
    static let definition: CommandDefinition = CommandDefinition(
        name: "gitopsc",
        abstract: "A GitOps manifest compiler: kustomize-compatible builds, environments, Argo CD and OpenShift Pipelines manifests.",
        parameters: [
            .flag("version", help: "Show the version."),
            // For scripts/release, which packs their output.
            .option("generate-completion-script", value: "shell", help: nil, choices: ShellCompletions.shells),
            .option("generate-manual", value: "date", help: nil),
        ],
        subcommands: [
            InitCommand.definition, BuildCommand.definition, CompileCommand.definition, PublishCommand.definition,
            CheckCommand.definition, DiffCommand.definition, ExplainCommand.definition, SchemaCommand.definition,
        ],
        run: { arguments in
            if arguments.flag("version") {
                StandardStream.output.write(gitopscVersionDescription + "\n")
            } else if let shell = arguments.option("generate-completion-script") {
                StandardStream.output.write(ShellCompletions.script(for: shell, root: definition))
            } else if let date = arguments.option("generate-manual") {
                StandardStream.output.write(ManualPage.page(root: definition, date: date))
            } else {
                StandardStream.output.write(HelpText.help([definition]))
            }
        }
    )

    public static func runMain(_ arguments: [String]? = nil) -> Never {
        runCommandLine(arguments ?? Array(CommandLine.arguments.dropFirst()), root: definition)
    }
}

/// `--root`, the source folder of the commands that read a project.
func rootOption(holding contents: String = "environments/, templates/ and gitopsc.yaml") -> Parameter {
    .option("root", value: "folder", help: "The source folder holding \(contents).", default: ".", isPath: true)
}

/// Parses a command line against `root` and runs the command it names, on a thread with a
/// worker's stack (which then does its share of the command's parallel work). Usage errors
/// print the usage line and exit with 2, help exits with 0.
func runCommandLine(_ arguments: [String], root: CommandDefinition) -> Never {
    let invocation: Invocation
    do {
        invocation = try root.parse(arguments)
    } catch {
        StandardStream.error.write(HelpText.usageError(error))
        Glibc.exit(ExitStatus.inputError.code)
    }
    switch invocation {
    case .help(let path):
        StandardStream.output.write(HelpText.help(path))
        Glibc.exit(0)
    case .run(let path, let arguments):
        runOnWorkerStack {
            do {
                try path.last!.run!(arguments)
                Glibc.exit(0)
            } catch let status as ExitStatus {
                Glibc.exit(status.code)
            } catch let error as UsageError {
                StandardStream.error.write(HelpText.usageError(CommandLineError(path: path, error: error)))
                Glibc.exit(ExitStatus.inputError.code)
            } catch {
                StandardStream.error.write("error: \(error)\n")
                Glibc.exit(ExitStatus.inputError.code)
            }
        }
        fatalError("a command ended without exiting")
    }
}

/// Keeps a value alive until the process ends, so that it is never freed. A rendered tree
/// and the compiler's caches are millions of small allocations: freeing them one by one on
/// the way out took a quarter of a second of a 10,000-cluster compile, and the operating
/// system reclaims the whole heap at exit at once (clang's `-disable-free` makes the same
/// trade). Only commands call it, on values they hold to their end.
func keepUntilExit(_ value: Any) {
    _ = Unmanaged.passRetained(KeptValue(value))
}

private final class KeptValue {
    let value: Any
    init(_ value: Any) { self.value = value }
}

/// How a command reports problems: `--diagnostics human|json|github`.
struct DiagnosticOptions {
    static let parameters: [Parameter] = [
        .option("diagnostics", value: "format", help: "How problems are printed (github: as GitHub Actions annotations).",
                choices: ReporterKind.allCases.map { $0.rawValue }, default: ReporterKind.human.rawValue),
    ]

    let format: ReporterKind

    init(_ arguments: ParsedArguments) {
        format = arguments.option("diagnostics", as: ReporterKind.self)!
    }

    /// Runs `body`; input errors are printed and end the command with exit status 2.
    func reportingInputErrors<Value>(_ body: () throws -> Value) throws -> Value {
        do {
            return try body()
        } catch let list as DiagnosticList {
            print(list.diagnostics)
        } catch let diagnostic as Diagnostic {
            print([diagnostic])
        }
        throw ExitStatus.inputError
    }

    /// Prints diagnostics to stderr; colour only on a terminal and without NO_COLOR.
    func print(_ diagnostics: [Diagnostic]) {
        let colour = StandardStream.error.isTerminal && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
        let reporter = format.reporter(colour: colour)
        StandardStream.error.write(reporter.report(diagnostics))
    }
}

/// The exit statuses of every gitopsc command besides 0; thrown to end a command with one.
struct ExitStatus: Error {
    let code: Int32
    static let failed = ExitStatus(code: 1)
    static let inputError = ExitStatus(code: 2)
}
