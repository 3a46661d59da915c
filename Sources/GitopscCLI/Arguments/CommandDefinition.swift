/// What a command accepts, declared once as data: the argument parser, `--help`, the shell
/// completions and the man page all read it. Nothing is discovered by reflection at run time
/// (swift-argument-parser's reflection over the commands' properties was an eighth of the
/// instructions of `gitopsc build DIR`).
struct CommandDefinition: Sendable {
    let name: String
    /// One line, for `--help` and the parent's list of subcommands.
    let abstract: String
    /// Paragraphs after the abstract in `--help` (each line break starts a paragraph).
    let discussion: String
    let parameters: [Parameter]
    let subcommands: [CommandDefinition]
    /// Runs the command with its parsed arguments; nil for a command that only groups
    /// subcommands (it prints its help).
    let run: (@Sendable (ParsedArguments) throws -> Void)?

    init(
        name: String, abstract: String, discussion: String = "", parameters: [Parameter] = [],
        subcommands: [CommandDefinition] = [], run: (@Sendable (ParsedArguments) throws -> Void)? = nil
    ) {
        self.name = name
        self.abstract = abstract
        self.discussion = discussion
        self.parameters = parameters
        self.subcommands = subcommands
        self.run = run
    }

    func subcommand(named name: String) -> CommandDefinition? {
        subcommands.first { $0.name == name }
    }
}

/// One flag, option or positional argument of a command.
struct Parameter: Sendable {
    enum Kind: Sendable, Equatable {
        /// `--name`; a negatable flag also has `--no-name`.
        case flag(negatable: Bool)
        /// `--name VALUE` or `--name=VALUE`.
        case option
        /// A value by its place on the command line.
        case positional
    }

    let kind: Kind
    /// The long name without dashes, or a positional argument's name.
    let name: String
    let shortName: Character?
    /// What the value is, in `--help` (`<path>`).
    let valueName: String
    /// nil: accepted but not shown in `--help`, completions or the man page.
    let help: String?
    /// An option that may be given many times, or a positional argument that takes all the
    /// remaining values.
    let repeatable: Bool
    /// A positional argument that may be left out.
    let optional: Bool
    /// The only values accepted (empty: any); also offered by the completions.
    let choices: [String]
    /// The default, shown in `--help`.
    let defaultValue: String?
    /// Values are file or folder paths (the completions offer files).
    let isPath: Bool

    static func flag(_ name: String, negatable: Bool = false, help: String?) -> Parameter {
        Parameter(kind: .flag(negatable: negatable), name: name, shortName: nil, valueName: "", help: help, repeatable: false,
                  optional: true, choices: [], defaultValue: nil, isPath: false)
    }

    static func option(
        _ name: String, short: Character? = nil, value: String? = nil, help: String?, repeatable: Bool = false,
        choices: [String] = [], default defaultValue: String? = nil, isPath: Bool = false
    ) -> Parameter {
        Parameter(kind: .option, name: name, shortName: short, valueName: value ?? name, help: help, repeatable: repeatable,
                  optional: true, choices: choices, defaultValue: defaultValue, isPath: isPath)
    }

    /// A positional argument: required unless `optional`, all the remaining values when `repeatable`.
    static func argument(
        _ name: String, help: String?, optional: Bool = false, repeatable: Bool = false,
        default defaultValue: String? = nil, isPath: Bool = false
    ) -> Parameter {
        Parameter(kind: .positional, name: name, shortName: nil, valueName: name, help: help, repeatable: repeatable,
                  optional: optional, choices: [], defaultValue: defaultValue, isPath: isPath)
    }

    /// The help with the accepted values and the default, as `--help` and the man page print it.
    var helpWithValues: String {
        var notes: [String] = []
        if !choices.isEmpty { notes.append("one of: " + choices.joined(separator: ", ")) }
        if let defaultValue { notes.append("default: \(defaultValue)") }
        return (help ?? "") + (notes.isEmpty ? "" : " (\(notes.joined(separator: "; ")))")
    }

    /// `--name`, or a positional argument's `<name>`.
    var displayName: String {
        kind == .positional ? "<\(valueName)>" : "--\(name)"
    }
}

/// A command line that does not fit its command's definition (exit status 2).
struct UsageError: Error, Equatable {
    let message: String
    init(_ message: String) { self.message = message }
}

/// The values a command line gave, by parameter name. Reading a name the command does not
/// declare is a programming error and stops the program.
struct ParsedArguments: Sendable {
    /// The command's names from the root, `gitopsc build`.
    let commandPath: [String]
    let parameters: [Parameter]
    /// Every value given, in order, by parameter name; a flag's values are "true" or "false".
    var values: [String: [String]]

    private func declared(_ name: String, _ expected: (Parameter.Kind) -> Bool) -> [String] {
        precondition(parameters.contains { $0.name == name && expected($0.kind) }, "'\(name)' is not a parameter of \(commandPath.joined(separator: " "))")
        return values[name] ?? []
    }

    /// Whether the flag was given (its `--no-` form, or nothing: false).
    func flag(_ name: String) -> Bool {
        negatableFlag(name) ?? false
    }

    /// true for `--name`, false for `--no-name`, nil when neither was given (the last wins).
    func negatableFlag(_ name: String) -> Bool? {
        declared(name) { if case .flag = $0 { true } else { false } }.last.map { $0 == "true" }
    }

    /// An option's value, nil when it was not given.
    func option(_ name: String) -> String? {
        declared(name) { $0 == .option }.last
    }

    /// Every value of a repeatable option, in order.
    func options(_ name: String) -> [String] {
        declared(name) { $0 == .option }
    }

    /// A positional argument's value (its default when left out).
    func argument(_ name: String) -> String? {
        declared(name) { $0 == .positional }.first
    }

    /// The values of a repeatable positional argument.
    func arguments(_ name: String) -> [String] {
        declared(name) { $0 == .positional }
    }

    /// An option whose value is one of `Value`'s raw values (the parser checked `choices`).
    func option<Value: RawRepresentable<String>>(_ name: String, as type: Value.Type) -> Value? {
        option(name).map { Value(rawValue: $0)! }
    }
}
