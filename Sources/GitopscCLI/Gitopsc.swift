import ArgumentParser
import Compiler
import Diagnostics
import FileSources
import FoundationEssentials
import Glibc

/// The `gitopsc` command: subcommands only parse arguments and call the library.
public struct Gitopsc: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "gitopsc",
        abstract: "A GitOps manifest compiler: kustomize-compatible builds, environments, Argo CD and OpenShift Pipelines manifests.",
        version: gitopscVersionDescription,
        subcommands: [InitCommand.self, BuildCommand.self, CompileCommand.self, PublishCommand.self, CheckCommand.self, DiffCommand.self, ExplainCommand.self, SchemaCommand.self]
    )

    public init() {}

    /// Runs the command; usage errors exit with 2 (gitopsc's contract) rather than
    /// ArgumentParser's 64.
    public static func runMain(_ arguments: [String]? = nil) -> Never {
        // Answered before ArgumentParser builds the command tree, which reflects over every
        // command's options and costs more than the rest of the start-up together.
        if (arguments ?? Array(CommandLine.arguments.dropFirst())) == ["--version"] {
            StandardStream.output.write(gitopscVersionDescription + "\n")
            Glibc.exit(0)
        }
        runWithGitopscExitCodes(arguments)
    }
}

extension ParsableCommand {
    /// Parses and runs a root command, on a thread with a worker's stack (which then does its
    /// share of the command's parallel work); usage errors exit with 2.
    static func runWithGitopscExitCodes(_ arguments: [String]?) -> Never {
        runOnWorkerStack { run(arguments) }
        fatalError("a command ended without exiting")
    }

    private static func run(_ arguments: [String]?) -> Never {
        do {
            let arguments = arguments ?? Array(CommandLine.arguments.dropFirst())
            var command = try parsedBySubcommand(arguments) ?? parseAsRoot(arguments)
            try command.run()
            Glibc.exit(0)
        } catch {
            let code = exitCode(for: error)
            guard code == .validationFailure else { exit(withError: error) }
            StandardStream.error.write(fullMessage(for: error) + "\n")
            Glibc.exit(ExitStatus.inputError.rawValue)
        }
    }

    /// `NAME ARGUMENTS...` parsed by the subcommand NAME alone, or nil. Parsing from the root
    /// walks the whole command tree first, 1.6 million more instructions at every start.
    /// Anything but a plain run of that one command (help, an unknown option, a failed
    /// validation) returns nil, and the root's parse gives the answer and the message with
    /// the whole command path.
    private static func parsedBySubcommand(_ arguments: [String]) -> (any ParsableCommand)? {
        guard let name = arguments.first,
              let subcommand = configuration.subcommands.first(where: { $0.configuration.commandName == name }),
              let parsed = try? subcommand.parseAsRoot(Array(arguments.dropFirst())),
              type(of: parsed) == subcommand
        else { return nil }
        return parsed
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
struct DiagnosticOptions: ParsableArguments {
    @Option(name: .customLong("diagnostics"), help: "How problems are printed: human, json or github (annotations).")
    var format: ReporterKind = .human

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

extension ReporterKind: ExpressibleByArgument {}

/// Exit codes of every gitopsc command.
enum ExitStatus {
    static let success = ExitCode(0)
    static let failed = ExitCode(1)
    static let inputError = ExitCode(2)
}
