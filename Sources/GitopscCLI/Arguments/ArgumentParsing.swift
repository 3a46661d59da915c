import Diagnostics

/// What a command line asks for.
enum Invocation {
    /// Run the command (the last of the path) with these arguments.
    case run([CommandDefinition], ParsedArguments)
    /// Print the help of the command at the end of the path.
    case help([CommandDefinition])
}

/// A command line that does not fit, with the commands it got to (for the usage line).
struct CommandLineError: Error {
    let path: [CommandDefinition]
    let error: UsageError
}

extension CommandDefinition {
    /// Reads `arguments` (without the program name) against this root command and its
    /// subcommands. Nothing is guessed: an unknown option, a missing or repeated value, a value
    /// outside an option's choices or a surplus argument is an error, never ignored.
    func parse(_ arguments: [String]) throws(CommandLineError) -> Invocation {
        var path = [self]
        var rest = arguments[...]
        // Subcommand names first: `gitopsc kustomize edit set image`.
        while let command = path.last, !command.subcommands.isEmpty, let word = rest.first, !word.hasPrefix("-") {
            if let subcommand = command.subcommand(named: word) {
                path.append(subcommand)
                rest = rest.dropFirst()
            } else if word == "help" {
                // `gitopsc help build`: the help of the named command.
                for name in rest.dropFirst() {
                    guard let subcommand = path.last!.subcommand(named: name) else {
                        throw CommandLineError(path: path, error: Self.unknownCommand(name, in: path.last!))
                    }
                    path.append(subcommand)
                }
                return .help(path)
            } else if command.parameters.contains(where: { $0.kind == .positional }) {
                break
            } else {
                throw CommandLineError(path: path, error: Self.unknownCommand(word, in: command))
            }
        }
        let command = path.last!
        // Help wins over every other problem on the line: asking for help is never an error.
        if rest.prefix(while: { $0 != "--" }).contains(where: { $0 == "-h" || $0 == "--help" }) {
            return .help(path)
        }
        guard command.run != nil else {
            if let word = rest.first { throw CommandLineError(path: path, error: UsageError("unknown option '\(word)'")) }
            return .help(path)
        }
        do throws(UsageError) {
            return .run(path, try command.parseParameters(rest, commandPath: path.map(\.name)))
        } catch {
            throw CommandLineError(path: path, error: error)
        }
    }

    private static func unknownCommand(_ name: String, in command: CommandDefinition) -> UsageError {
        let names = command.subcommands.map(\.name)
        let hint = closestMatch(to: name, in: names).map { "; did you mean '\($0)'?" } ?? " (one of \(names.joined(separator: ", ")))"
        return UsageError("unknown command '\(name)'\(hint)")
    }

    /// This command's own flags, options and positional arguments.
    private func parseParameters(_ arguments: ArraySlice<String>, commandPath: [String]) throws(UsageError) -> ParsedArguments {
        var values: [String: [String]] = [:]
        var positionals: [String] = []
        var rest = arguments
        while let word = rest.popFirst() {
            if word == "--" {
                if rest.contains("") { throw UsageError("an empty argument") }
                positionals += rest
                break
            }
            guard word.hasPrefix("-") && word != "-" else {
                // An empty folder or environment name is a slip (an unset shell variable), not
                // a name: `build ""` would read the current folder.
                if word.isEmpty { throw UsageError("an empty argument") }
                positionals.append(word)
                continue
            }
            let (spelled, attached) = Self.split(word)
            guard let (parameter, negated) = parameter(spelled: spelled) else {
                throw UsageError("unknown option '\(spelled)'\(suggestion(for: spelled))")
            }
            if case .flag = parameter.kind {
                if attached != nil { throw UsageError("\(spelled) takes no value") }
                values[parameter.name, default: []].append(negated ? "false" : "true")
                continue
            }
            let value: String
            if let attached {
                value = attached
            } else if let next = rest.first, !(next.hasPrefix("-") && next != "-") {
                value = next
                rest = rest.dropFirst()
            } else {
                // `--output-dir --root x` would otherwise take `--root` as a folder name.
                throw UsageError("\(spelled) needs a value (one that starts with '-' is given as \(spelled)=VALUE)")
            }
            // `--output-dir=` (an unset variable) named the path "", and `build` wrote to
            // "/NAME.yaml": no option takes an empty value.
            if value.isEmpty { throw UsageError("\(spelled) needs a value, not an empty one") }
            if !parameter.choices.isEmpty && !parameter.choices.contains(value) {
                let hint = closestMatch(to: value, in: parameter.choices).map { "; did you mean '\($0)'?" } ?? ""
                throw UsageError("\(spelled): '\(value)' is not one of \(parameter.choices.joined(separator: ", "))\(hint)")
            }
            if !parameter.repeatable && values[parameter.name] != nil {
                throw UsageError("\(spelled) is given twice ('\(values[parameter.name]![0])' and '\(value)')")
            }
            values[parameter.name, default: []].append(value)
        }
        var remaining = positionals[...]
        for parameter in parameters where parameter.kind == .positional {
            let taken = parameter.repeatable ? remaining : remaining.prefix(1)
            remaining = remaining.dropFirst(taken.count)
            if taken.isEmpty && !parameter.optional {
                throw UsageError("missing \(parameter.displayName)")
            }
            if !taken.isEmpty { values[parameter.name] = Array(taken) }
        }
        if let surplus = remaining.first {
            throw UsageError("unexpected argument '\(surplus)'")
        }
        for parameter in parameters where values[parameter.name] == nil {
            if let value = parameter.defaultValue { values[parameter.name] = [value] }
        }
        return ParsedArguments(commandPath: commandPath, parameters: parameters, values: values)
    }

    /// `--name=value` into its name and value.
    private static func split(_ word: String) -> (String, String?) {
        guard word.hasPrefix("--"), let equals = word.firstIndex(of: "=") else {
            // `-ovalue`: a short option with its value attached.
            if !word.hasPrefix("--") && word.count > 2 {
                return (String(word.prefix(2)), String(word.dropFirst(2)))
            }
            return (word, nil)
        }
        return (String(word[..<equals]), String(word[word.index(after: equals)...]))
    }

    /// The flag or option spelled `--name`, `--no-name` (negated) or `-n`.
    private func parameter(spelled: String) -> (Parameter, negated: Bool)? {
        for parameter in parameters where parameter.kind != .positional {
            if spelled == "--" + parameter.name { return (parameter, false) }
            if parameter.kind == .flag(negatable: true) && spelled == "--no-" + parameter.name { return (parameter, true) }
            if let short = parameter.shortName, spelled == "-\(short)" { return (parameter, false) }
        }
        return nil
    }

    private func suggestion(for spelled: String) -> String {
        let names = parameters.filter { $0.kind != .positional && $0.help != nil }.map { "--" + $0.name } + ["--help"]
        return closestMatch(to: spelled, in: names).map { "; did you mean '\($0)'?" } ?? ""
    }
}
