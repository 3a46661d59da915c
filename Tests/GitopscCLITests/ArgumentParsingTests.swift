@testable import GitopscCLI
import Diff
import FoundationEssentials
import ProcessRunner
import Testing

/// The command-line parser on a small definition of its own, and every real command's definition.
@Suite struct ArgumentParsingTests {
    static let tool = CommandDefinition(
        name: "tool", abstract: "A tool.",
        subcommands: [
            CommandDefinition(
                name: "make", abstract: "Make things.",
                parameters: [
                    .argument("first", help: "The first."),
                    .argument("rest", help: "The others.", optional: true, repeatable: true),
                    .option("output-dir", help: "Where.", isPath: true),
                    .option("format", short: "f", help: "How.", choices: ["plain", "fancy"], default: "plain"),
                    .option("include", help: "Also.", repeatable: true),
                    .flag("force", help: "Overwrite."),
                    .flag("progress", negatable: true, help: "Show progress."),
                    .option("secret", help: nil),
                ],
                run: { _ in }
            ),
            CommandDefinition(name: "group", abstract: "Only subcommands.", subcommands: [
                CommandDefinition(name: "leaf", abstract: "A leaf.", run: { _ in }),
            ]),
        ]
    )

    func parsed(_ arguments: [String]) throws -> ParsedArguments {
        guard case .run(_, let parsed) = try Self.tool.parse(arguments) else {
            throw UsageError("not a run: \(arguments)")
        }
        return parsed
    }

    func usageError(_ arguments: [String]) -> String? {
        do {
            _ = try Self.tool.parse(arguments)
            return nil
        } catch {
            return error.error.message
        }
    }

    @Test func valuesInEverySpelling() throws {
        let values = try parsed(["make", "a", "--output-dir", "out", "b", "--format=fancy", "--include", "x", "--include=y=z", "--force", "c"])
        #expect(values.argument("first") == "a")
        #expect(values.arguments("rest") == ["b", "c"])
        #expect(values.option("output-dir") == "out")
        #expect(values.option("format") == "fancy")
        #expect(values.options("include") == ["x", "y=z"])
        #expect(values.flag("force"))
        #expect(values.negatableFlag("progress") == nil)
        #expect(try parsed(["make", "a", "-f", "fancy"]).option("format") == "fancy")
        #expect(try parsed(["make", "a", "-ffancy"]).option("format") == "fancy")
    }

    @Test func defaultsAndNegation() throws {
        let values = try parsed(["make", "a", "--no-progress"])
        #expect(values.option("format") == "plain")
        #expect(values.option("output-dir") == nil)
        #expect(values.arguments("rest").isEmpty)
        #expect(!values.flag("force"))
        #expect(values.negatableFlag("progress") == false)
        #expect(try parsed(["make", "a", "--no-progress", "--progress"]).negatableFlag("progress") == true)
    }

    @Test func afterTheMarkerEverythingIsAnArgument() throws {
        let values = try parsed(["make", "--", "-a", "--force", "--help"])
        #expect(values.argument("first") == "-a")
        #expect(values.arguments("rest") == ["--force", "--help"])
        #expect(!values.flag("force"))
        // A value that starts with '-' is given attached.
        #expect(try parsed(["make", "a", "--output-dir=-out"]).option("output-dir") == "-out")
    }

    @Test func nothingIsGuessed() {
        let cases: [([String], String)] = [
            (["make", "a", "--outptu-dir", "x"], "unknown option '--outptu-dir'; did you mean '--output-dir'?"),
            (["make", "a", "--output-dir"], "--output-dir needs a value (one that starts with '-' is given as --output-dir=VALUE)"),
            (["make", "a", "--output-dir", "--force"], "--output-dir needs a value (one that starts with '-' is given as --output-dir=VALUE)"),
            (["make", "a", "--output-dir", "x", "--output-dir", "y"], "--output-dir is given twice ('x' and 'y')"),
            (["make", "a", "--format", "fancey"], "--format: 'fancey' is not one of plain, fancy; did you mean 'fancy'?"),
            (["make", "a", "--force=yes"], "--force takes no value"),
            (["make"], "missing <first>"),
            (["mkae"], "unknown command 'mkae'; did you mean 'make'?"),
            (["zzzzzzzz"], "unknown command 'zzzzzzzz' (one of make, group)"),
            (["group", "leaf", "extra"], "unexpected argument 'extra'"),
            (["group", "--bogus"], "unknown option '--bogus'"),
            (["help", "nope"], "unknown command 'nope' (one of make, group)"),
            (["make", "a", "--no-force"], "unknown option '--no-force'; did you mean '--force'?"),
            (["make", "a", "--output-dir="], "--output-dir needs a value, not an empty one"),
            (["make", "a", "--output-dir", ""], "--output-dir needs a value, not an empty one"),
            (["make", ""], "an empty argument"),
            (["make", "a", "--", ""], "an empty argument"),
        ]
        for (arguments, message) in cases {
            #expect(usageError(arguments) == message, "\(arguments)")
        }
        // A hidden option is accepted, and never suggested.
        #expect(usageError(["make", "a", "--secret", "s"]) == nil)
        #expect(usageError(["make", "a", "--secre"]) == "unknown option '--secre'")
    }

    @Test func helpWinsAnywhereBeforeTheMarker() throws {
        let cases: [([String], String)] = [
            (["make", "--help"], "make"), (["make", "--bogus", "-h"], "make"), (["help", "make"], "make"),
            (["group"], "group"), (["group", "--help"], "group"), (["help", "group", "leaf"], "leaf"), ([], "tool"),
        ]
        for (arguments, name) in cases {
            guard case .help(let path) = try Self.tool.parse(arguments) else {
                Issue.record("\(arguments) is not a help request")
                continue
            }
            #expect(path.map(\.name).last == name, "\(arguments)")
        }
    }

    /// Generated command lines: the options in any order and spelling, values with `=`, spaces
    /// and leading dashes (attached), come back exactly.
    @Test func generatedCommandLinesRoundTrip() throws {
        let seed = SeededRandom.runSeed()
        print("generatedCommandLinesRoundTrip seed: \(seed) (set GITOPSC_SEED to replay)")
        var random = SeededRandom(seed: seed)
        let alphabet = Array("ab=-_ ./:,x")
        func value() -> String {
            // Never empty: an empty value is a usage error (nothingIsGuessed).
            String((0..<Int.random(in: 1...6, using: &random)).map { _ in alphabet.randomElement(using: &random)! })
        }
        for round in 0..<500 {
            // Each item: its words, and the parameter it gives (nil: a positional argument).
            var items: [([String], String?, String)] = []
            func give(_ name: String, _ text: String) {
                let attached = text.hasPrefix("-") || Bool.random(using: &random)
                items.append((attached ? ["--\(name)=\(text)"] : ["--\(name)", text], name, text))
            }
            if Bool.random(using: &random) { give("output-dir", value()) }
            if Bool.random(using: &random) { give("format", ["plain", "fancy"].randomElement(using: &random)!) }
            for _ in 0..<Int.random(in: 0...3, using: &random) { give("include", value()) }
            if Bool.random(using: &random) { items.append((["--force"], "force", "true")) }
            // Positional arguments never start with '-' before the marker.
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let text = "p" + value()
                items.append(([text], nil, text))
            }
            items.shuffle(using: &random)
            let arguments = ["make"] + items.flatMap(\.0)
            let positionals = items.filter { $0.1 == nil }.map(\.2)
            let expected = Dictionary(grouping: items.filter { $0.1 != nil }, by: { $0.1! }).mapValues { $0.map(\.2) }
            let values = try parsed(arguments)
            #expect(values.argument("first") == positionals[0], "seed \(seed) round \(round): \(arguments)")
            #expect(values.arguments("rest") == Array(positionals.dropFirst()), "seed \(seed) round \(round): \(arguments)")
            #expect(values.option("output-dir") == expected["output-dir"]?.first, "seed \(seed) round \(round): \(arguments)")
            #expect(values.options("include") == expected["include"] ?? [], "seed \(seed) round \(round): \(arguments)")
            #expect(values.option("format") == expected["format"]?.first ?? "plain", "seed \(seed) round \(round): \(arguments)")
            #expect(values.flag("force") == (expected["force"] != nil), "seed \(seed) round \(round): \(arguments)")
        }
    }

    /// Generated command lines against the real definitions (words of every command, option and
    /// choice, `--`, `-`, `=` forms, other words): each is a run, a help request or a usage
    /// error, and a run's command reads its values without stopping the program (the readers'
    /// force-unwraps rest on the parser's defaults, choices and required arguments).
    @Test func generatedCommandLinesOfTheRealCommandsNeverStopTheProgram() {
        let seed = SeededRandom.runSeed()
        print("generatedCommandLinesOfTheRealCommandsNeverStopTheProgram seed: \(seed) (set GITOPSC_SEED to replay)")
        var random = SeededRandom(seed: seed)
        var outcomes: [String: Int] = [:]
        for root in [Gitopsc.definition, KustomizeCommand.definition] {
            var words: Set<String> = ["--", "-", "help", "-h", "x", "a/b", "", "=", "--=", "-o", "-ox", "3", "-3"]
            func collect(_ command: CommandDefinition) {
                for subcommand in command.subcommands {
                    words.insert(subcommand.name)
                    collect(subcommand)
                }
                for parameter in command.parameters where parameter.kind != .positional {
                    words.formUnion(["--\(parameter.name)", "--no-\(parameter.name)", "--\(parameter.name)=", "--\(parameter.name)=v"])
                    words.formUnion(parameter.choices + parameter.choices.map { "--\(parameter.name)=\($0)" })
                }
            }
            collect(root)
            let vocabulary = words.sorted()
            for _ in 0..<3_000 {
                // Mostly a real command path first, so that runs are common.
                var arguments: [String] = []
                var command = root
                while !command.subcommands.isEmpty && Int.random(in: 0..<5, using: &random) > 0 {
                    command = command.subcommands.randomElement(using: &random)!
                    arguments.append(command.name)
                }
                for _ in 0..<Int.random(in: 0...6, using: &random) {
                    arguments.append(vocabulary.randomElement(using: &random)!)
                }
                do {
                    switch try root.parse(arguments) {
                    case .help: outcomes["help", default: 0] += 1
                    case .run(let path, let parsed):
                        outcomes["run", default: 0] += 1
                        readValues(of: path.map(\.name).joined(separator: " "), parsed)
                    }
                } catch {
                    outcomes["usage error", default: 0] += 1
                    #expect(!HelpText.usageError(error).isEmpty)
                }
            }
        }
        print("outcomes: \(outcomes.sorted { $0.key < $1.key })")
        #expect(outcomes["run", default: 0] > 100 && outcomes["usage error", default: 0] > 100 && outcomes["help", default: 0] > 100, "seed \(seed): \(outcomes)")
    }

    /// The command's own reading of its values (its `init`), without running it.
    private func readValues(of command: String, _ parsed: ParsedArguments) {
        switch command {
        case "gitopsc build": _ = try? BuildCommand(parsed)
        case "gitopsc compile": _ = CompileCommand(parsed)
        case "gitopsc publish": _ = PublishCommand(parsed)
        case "gitopsc check": _ = CheckCommand(parsed)
        case "gitopsc diff": _ = try? DiffCommand(parsed)
        case "gitopsc explain": _ = ExplainCommand(parsed)
        case "gitopsc init": _ = InitCommand(parsed)
        case "kustomize build": _ = try? KustomizeBuild(parsed)
        default:
            // The edit commands, `schema`, `version` and the root read their values as they run;
            // the edit commands read --diagnostics.
            if parsed.parameters.contains(where: { $0.name == "diagnostics" }) { _ = DiagnosticOptions(parsed) }
        }
    }

    /// Every command gitopsc has: unique names, choices that the typed readers accept, a
    /// repeatable positional argument only last, and help that names every visible parameter
    /// within 80 columns (but for single words too long to break).
    @Test func everyRealCommandIsWellFormed() {
        func walk(_ path: [CommandDefinition]) {
            let command = path.last!
            let where_ = path.map(\.name).joined(separator: " ")
            let names = command.parameters.map(\.name)
            #expect(Set(names).count == names.count, "\(where_): \(names)")
            #expect(Set(command.subcommands.map(\.name)).count == command.subcommands.count, "\(where_)")
            let positionals = command.parameters.filter { $0.kind == .positional }
            #expect(positionals.dropLast().allSatisfy { !$0.repeatable && !$0.optional }, "\(where_)")
            #expect(command.run != nil || !command.subcommands.isEmpty, "\(where_)")
            let help = HelpText.help(path)
            for parameter in command.parameters where parameter.help != nil {
                #expect(help.contains(parameter.kind == .positional ? parameter.displayName : "--\(parameter.name)"), "\(where_): \(parameter.name)")
            }
            // The accepted values are shown, so `--help` says what the parser will take.
            for parameter in command.parameters where parameter.help != nil && !parameter.choices.isEmpty {
                let words = help.split(whereSeparator: \.isWhitespace).joined(separator: " ")
                #expect(words.contains("one of: " + parameter.choices.joined(separator: ", ")), "\(where_): \(parameter.name)")
            }
            for parameter in command.parameters where parameter.help == nil {
                #expect(!help.contains("--\(parameter.name) "), "\(where_): hidden \(parameter.name) is shown")
            }
            for line in help.split(separator: "\n") where line.count > HelpText.width {
                #expect(!line.trimmingCharacters(in: .whitespaces).contains(" ") || line.contains("   "), "\(where_): too wide: \(line)")
            }
            if let value = command.parameters.first(where: { $0.name == "diagnostics" })?.defaultValue {
                #expect(value == "human")
            }
            for subcommand in command.subcommands { walk(path + [subcommand]) }
        }
        walk([Gitopsc.definition])
        walk([KustomizeCommand.definition])
        #expect(KustomizeBuild.LoadRestrictor.allCases.map(\.rawValue) == KustomizeBuild.definition.parameters.first { $0.name == "load-restrictor" }?.choices)
        let failOn = DiffCommand.definition.parameters.first { $0.name == "fail-on" }?.help ?? ""
        #expect(failOn.hasSuffix("(comma-separated: \(RiskCategory.allCases.map(\.rawValue).joined(separator: ", ")))."), "\(failOn)")
    }
}

/// The bash completion script of the real commands, run by bash: what it offers after the
/// words typed so far.
@Suite struct ShellCompletionTests {
    func offered(_ words: [String]) throws -> [String] {
        let script = ShellCompletions.script(for: "bash", root: Gitopsc.definition)
        let quoted = words.map { "'" + $0.replacing("'", with: "'\\''") + "'" }.joined(separator: " ")
        let program = script + "\nCOMP_WORDS=(\(quoted)); COMP_CWORD=\(words.count - 1); _gitopsc; printf '%s\\n' \"${COMPREPLY[@]}\"\n"
        let run = try runProcess("/bin/bash", ["--norc", "--noprofile"], input: program)
        #expect(run.status == 0, "\(run.output)")
        return run.stdout.split(separator: "\n").map(String.init)
    }

    @Test func offersWhatTheParserAccepts() throws {
        #expect(try offered(["gitopsc", "bu"]) == ["build"])
        #expect(try offered(["gitopsc", ""]).starts(with: ["init", "build", "compile", "publish", "check", "diff", "explain", "schema"]))
        #expect(try offered(["gitopsc", "diff", "--ou"]) == ["--output"])
        #expect(try offered(["gitopsc", "diff", "--output", ""]) == ["text", "markdown", "json"])
        #expect(try offered(["gitopsc", "check", "--diagnostics", "g"]) == ["github"])
        #expect(try offered(["gitopsc", "compile", "--pro"]) == ["--progress"])
        #expect(try offered(["gitopsc", "compile", "--no-pro"]) == ["--no-progress"])
        // Hidden options are accepted but never offered.
        #expect(try offered(["gitopsc", "--gen"]).isEmpty)
        #expect(try offered(["gitopsc", "build", "--help", "--sch"]) == ["--schemas"])
    }
}

/// The usage errors README's "The command line" shows, from the real executable: nothing
/// written to stdout, the message and usage line on stderr, exit status 2.
@Suite(.enabled(if: gitopscBinary != nil, "the gitopsc executable is not built beside the tests: run `swift build --build-tests`"))
struct UsageErrorTests {
    @Test func typosAndMissingValuesStopTheRun() throws {
        let folder = try emptyFolder("usage")
        defer { try? FileManager.default.removeItem(at: folder) }
        let cases: [([String], String)] = [
            (["compile", "--outptu-dir", "x"], "error: unknown option '--outptu-dir'; did you mean '--output-dir'?\nUsage: gitopsc compile "),
            (["compile", "--output-dir", "--root", "x"], "error: --output-dir needs a value (one that starts with '-' is given as --output-dir=VALUE)\n"),
            (["check", "--root", "a", "--root", "b"], "error: --root is given twice ('a' and 'b')\n"),
            (["diff", "--output", "yaml", "a", "b"], "error: --output: 'yaml' is not one of text, markdown, json\n"),
            (["explain", "prod/east", "operator.channel", "extra"], "error: unexpected argument 'extra'\n"),
            (["complie"], "error: unknown command 'complie'; did you mean 'compile'?\n"),
            // An unset variable in a script: nothing may be written to "/NAME.yaml".
            (["build", "--output-dir=", "a"], "error: --output-dir needs a value, not an empty one\n"),
            (["build", ""], "error: an empty argument\n"),
        ]
        for (arguments, message) in cases {
            let run = try gitopsc(arguments, in: folder)
            #expect(run.status == 2 && run.stdout.isEmpty, "\(arguments): \(run.output)")
            #expect(run.stderr.hasPrefix(message), "\(arguments): \(run.stderr)")
            #expect(run.stderr.hasSuffix("for more information.\n"), "\(arguments): \(run.stderr)")
        }
        // Nothing was written for any of them.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }
}
