/// The completion scripts of `--generate-completion-script SHELL`, from the command definitions.
/// Each offers, at any depth of subcommands, the subcommand names, the current command's long
/// options (both spellings of a negatable flag, and `--help`), an option's choices as its
/// values, and files for a path argument and for an option without choices. Hidden parameters
/// are never offered. The scripts follow definition order, so the output is deterministic.
enum ShellCompletions {
    static let shells = ["bash", "zsh", "fish"]

    /// `shell` is one of `shells`.
    static func script(for shell: String, root: CommandDefinition) -> String {
        switch shell {
        case "bash": bash(root)
        case "zsh": zsh(root)
        case "fish": fish(root)
        default: preconditionFailure("no completion script for shell '\(shell)'")
        }
    }

    private static let helpAbstract = "Show help information."
    private static let helpCommandAbstract = "Show the help of a subcommand."

    // MARK: bash

    /// Walks the words before the cursor the way the parser reads them, with nothing but
    /// COMP_WORDS and COMP_CWORD, so bash-completion need not be installed. Words are offered
    /// by a loop, not `compgen -W`, which would expand `$` and backticks in them.
    private static func bash(_ root: CommandDefinition) -> String {
        let function = "_" + identifier(root.name)
        var descriptions = ""
        var optionValues = ""
        for path in commandPaths(root) {
            let command = path.last!
            let key = shellQuoted(names(path))
            let positionals = positionalsUpToRepeating(command)
            descriptions += """
                    \(key))
                        subcommands=(\(command.subcommands.map { shellQuoted($0.name) }.joined(separator: " ")))
                        options=(\((visibleLongOptions(command) + ["--help"]).map(shellQuoted).joined(separator: " ")))
                        value_options=(\(valueOptionSpellings(command).map(shellQuoted).joined(separator: " ")))
                        positional_kinds=(\(positionals.map { $0.help != nil && $0.isPath ? "path" : "word" }.joined(separator: " ")))
                        last_positional_repeats=\(positionals.last?.repeatable == true ? 1 : 0)
                        ;;

                """
            for option in command.parameters where option.kind == .option && !option.choices.isEmpty {
                let patterns = spellings(option).map { shellQuoted("\(names(path)) \($0)") }
                optionValues += "    \(patterns.joined(separator: "|"))) \(function)_add \(option.choices.map(shellQuoted).joined(separator: " ")) ;;\n"
            }
        }
        return """
            # bash completion for \(root.name): source this file, or install it as
            # share/bash-completion/completions/\(root.name). It needs no bash-completion functions.

            # Describes command $1 (its names from the root) to \(function): its subcommands, its options to
            # offer, the options that take a value (hidden and short ones too), and its positional arguments
            # (path or word each; the last may take all the remaining words).
            \(function)_command() {
                subcommands=() options=() value_options=() positional_kinds=() last_positional_repeats=0
                case $1 in
            \(descriptions)    esac
            }

            # Completes the value of option $2 of command $1: its choices, else files.
            \(function)_option_value() {
                case "$1 $2" in
            \(optionValues)    *) \(function)_add_files ;;
                esac
            }

            # Offers those of the words that start with $cur, quoted for the command line.
            \(function)_add() {
                local word
                for word; do
                    [[ $word == "$cur"* ]] && printf -v word %q "$word" && COMPREPLY+=("$word")
                done
                return 0
            }

            \(function)_add_files() {
                local file
                compopt -o filenames 2>/dev/null
                while IFS= read -r file; do
                    COMPREPLY+=("$file")
                done < <(compgen -f -- "$cur")
            }

            # Whether $1 is one of the other arguments.
            \(function)_contains() {
                local word=$1 item
                shift
                for item; do
                    [[ $item == "$word" ]] && return 0
                done
                return 1
            }

            \(function)() {
                local cur=${COMP_WORDS[COMP_CWORD]} command=\(shellQuoted(root.name)) word i kind value_option=
                local positionals=0 descending=1 helping=0 options_ended=0
                local subcommands options value_options positional_kinds last_positional_repeats
                COMPREPLY=()
                \(function)_command "$command"
                # As the parser reads them: subcommand names come first, and an option's value is the next
                # word, or the one after '=' ('=' is a word of its own in COMP_WORDS).
                for ((i = 1; i < COMP_CWORD; i++)); do
                    word=${COMP_WORDS[i]}
                    if ((descending)) && \(function)_contains "$word" "${subcommands[@]}"; then
                        command+=" $word"
                        \(function)_command "$command"
                    elif ((descending && ${#subcommands[@]})) && [[ $word == help ]]; then
                        helping=1 descending=0
                    elif ((!options_ended)) && [[ $word == -- ]]; then
                        options_ended=1 descending=0
                    elif ((!options_ended)) && [[ $word == -?* ]]; then
                        descending=0
                        \(function)_contains "$word" "${value_options[@]}" || continue
                        if [[ ${COMP_WORDS[i+1]} == = ]]; then
                            ((i += 1))
                            ((i == COMP_CWORD)) && cur=
                        fi
                        ((i + 1 >= COMP_CWORD)) && value_option=$word
                        ((i += 1))
                    else
                        descending=0
                        ((positionals += 1))
                    fi
                done
                if [[ -n $value_option ]]; then
                    \(function)_option_value "$command" "$value_option"
                elif ((helping)); then
                    ((positionals == 0)) && \(function)_add "${subcommands[@]}"
                elif ((!options_ended)) && [[ $cur == -* ]]; then
                    \(function)_add "${options[@]}"
                else
                    ((descending && ${#subcommands[@]})) && \(function)_add "${subcommands[@]}" help
                    kind=${positional_kinds[positionals]}
                    if ((last_positional_repeats && positionals >= ${#positional_kinds[@]})); then
                        kind=${positional_kinds[${#positional_kinds[@]} - 1]}
                    fi
                    [[ $kind == path ]] && \(function)_add_files
                fi
                return 0
            }

            complete -F \(function) \(shellQuoted(root.name))

            """
    }

    // MARK: zsh

    /// One function per command, each calling `_arguments`; a command with subcommands hands
    /// the words from its subcommand's name on to that subcommand's function (`-A "-*"`: the
    /// options there are the subcommand's, not its own).
    private static func zsh(_ root: CommandDefinition) -> String {
        let function = "_" + identifier(root.name)
        var script = "#compdef \(root.name)\n"
        for path in commandPaths(root) {
            let command = path.last!
            let name = "_" + path.map { identifier($0.name) }.joined(separator: "_")
            var specs = command.parameters.filter { $0.help != nil && $0.kind != .positional }.flatMap(zshSpecs)
            specs.append("--help[\(zshDescription(helpAbstract))]")
            if command.subcommands.isEmpty {
                // Hidden positional arguments keep their place, with nothing to offer.
                for positional in command.parameters where positional.kind == .positional {
                    let prefix = positional.repeatable ? "*:" : positional.optional ? "::" : ":"
                    let message = positional.help == nil ? " " : zshMessage(positional.valueName)
                    specs.append(prefix + message + (positional.help != nil && positional.isPath ? ":_files" : ": "))
                }
                script += "\n\(name)() {\n    _arguments -S \\\n        \(specs.map(shellQuoted).joined(separator: " \\\n        "))\n}\n"
                continue
            }
            specs += [": :->subcommand", "*:: :->subcommand_arguments"]
            let entries = command.subcommands.map { shellQuoted(zshMessage($0.name) + ":" + oneLine($0.abstract)) }
            let cases = command.subcommands.map { "        \(shellQuoted($0.name))) \(name)_\(identifier($0.name)) ;;\n" }.joined()
            let label = shellQuoted("\(names(path)) subcommand")
            script += """

                \(name)() {
                    local curcontext=$curcontext state line
                    local -a subcommands
                    subcommands=(
                        \(entries.joined(separator: "\n        "))
                    )
                    _arguments -C -S -A "-*" \\
                        \(specs.map(shellQuoted).joined(separator: " \\\n        "))
                    case $state in
                    subcommand)
                        subcommands+=(\(shellQuoted("help:" + helpCommandAbstract)))
                        _describe -t subcommands \(label) subcommands
                        ;;
                    subcommand_arguments)
                        case $words[1] in
                \(cases)        help) _describe -t subcommands \(label) subcommands ;;
                        esac
                        ;;
                    esac
                }

                """
        }
        // Autoloaded from fpath the file is the function itself; sourced, it registers it.
        script += """

            if [[ $funcstack[1] == \(function) ]]; then
                \(function) "$@"
            else
                compdef \(function) \(shellQuoted(root.name))
            fi

            """
        return script
    }

    /// `_arguments` specs of a flag or option: `--name=[help]:value:action`.
    private static func zshSpecs(_ parameter: Parameter) -> [String] {
        let description = "[\(zshDescription(parameter.help ?? ""))]"
        switch parameter.kind {
        case .flag(negatable: false):
            return ["--\(parameter.name)\(description)"]
        case .flag(negatable: true):
            // The parser lets the last one win; offering the other after one is noise.
            return ["(--no-\(parameter.name))--\(parameter.name)\(description)", "(--\(parameter.name))--no-\(parameter.name)\(description)"]
        case .option:
            let values = parameter.choices.isEmpty ? "_files" : "(\(parameter.choices.map(zshWord).joined(separator: " ")))"
            let argument = ":\(zshMessage(parameter.valueName)):\(values)"
            guard let short = parameter.shortName else {
                return ["\(parameter.repeatable ? "*" : "")--\(parameter.name)=\(description)\(argument)"]
            }
            let exclusion = parameter.repeatable ? "*" : "(-\(short) --\(parameter.name))"
            return ["\(exclusion)-\(short)+\(description)\(argument)", "\(exclusion)--\(parameter.name)=\(description)\(argument)"]
        case .positional:
            return []
        }
    }

    /// Text inside an `_arguments` spec's brackets, where `\`, `[` and `]` are special.
    private static func zshDescription(_ text: String) -> String {
        escaping(oneLine(text), characters: "\\[]")
    }

    /// A spec's message, or a `_describe` name: `:` ends it.
    private static func zshMessage(_ text: String) -> String {
        escaping(oneLine(text), characters: "\\:")
    }

    /// A word of an `(a b c)` action, which zsh splits and unquotes as shell words.
    private static func zshWord(_ text: String) -> String {
        escaping(text) { !isPlain($0) }
    }

    private static func escaping(_ text: String, characters: String) -> String {
        escaping(text, where: characters.contains)
    }

    /// `text` with a backslash before each character that `special` picks.
    private static func escaping(_ text: String, where special: (Character) -> Bool) -> String {
        var escaped = ""
        for character in text {
            if special(character) { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }

    // MARK: fish

    /// `complete` lines guarded by a function that walks the subcommand names on the line.
    private static func fish(_ root: CommandDefinition) -> String {
        let prefix = "__" + identifier(root.name)
        let program = fishQuoted(root.name)
        var subcommandLists = ""
        var completions = "complete -c \(program) -f\ncomplete -c \(program) -l 'help' -d \(fishQuoted(helpAbstract))\n"
        for path in commandPaths(root) {
            let command = path.last!
            let at = "\(prefix)_at \(fishQuoted(names(path)))"
            if !command.subcommands.isEmpty {
                let listed = command.subcommands.map(\.name) + ["help"]
                subcommandLists += "        case \(fishQuoted(names(path)))\n            printf '%s\\n' \(listed.map(fishQuoted).joined(separator: " "))\n"
                for subcommand in command.subcommands {
                    let entry = "-a \(fishArguments([subcommand.name])) -d \(fishQuoted(oneLine(subcommand.abstract)))"
                    completions += "complete -c \(program) -n \(fishQuoted(at + " --next")) \(entry)\n"
                    completions += "complete -c \(program) -n \(fishQuoted("\(prefix)_at \(fishQuoted(names(path) + " help")) --next")) \(entry)\n"
                }
                completions += "complete -c \(program) -n \(fishQuoted(at + " --next")) -a \(fishArguments(["help"])) -d \(fishQuoted(helpCommandAbstract))\n"
            }
            for parameter in command.parameters where parameter.help != nil {
                let description = "-d \(fishQuoted(oneLine(parameter.help!)))"
                switch parameter.kind {
                case .flag(let negatable):
                    completions += "complete -c \(program) -n \(fishQuoted(at)) -l \(fishQuoted(parameter.name)) \(description)\n"
                    if negatable {
                        completions += "complete -c \(program) -n \(fishQuoted(at)) -l \(fishQuoted("no-" + parameter.name)) \(description)\n"
                    }
                case .option:
                    let short = parameter.shortName.map { "-s \(fishQuoted(String($0))) " } ?? ""
                    let values = parameter.choices.isEmpty ? "-r -F" : "-x -a \(fishArguments(parameter.choices))"
                    completions += "complete -c \(program) -n \(fishQuoted(at)) \(short)-l \(fishQuoted(parameter.name)) \(values) \(description)\n"
                case .positional:
                    // fish cannot tell which positional argument the cursor is at: files if any takes a path.
                    if parameter.isPath { completions += "complete -c \(program) -n \(fishQuoted(at)) -F\n" }
                }
            }
        }
        return """
            # fish completion for \(root.name): install as share/fish/vendor_completions.d/\(root.name).fish.

            # The subcommand names of command $argv[1] (its names from the root), and help.
            function \(prefix)_subcommands
                switch $argv[1]
            \(subcommandLists)    end
            end

            # Whether the words before the cursor are the names of command $argv[1] and then, with
            # --next, nothing else (where a subcommand name goes: the parser takes them first).
            function \(prefix)_at
                set -l command \(program)
                set -l words (commandline -opc)
                set -e words[1]
                while set -q words[1]; and contains -- $words[1] (\(prefix)_subcommands $command)
                    set command "$command $words[1]"
                    set -e words[1]
                end
                test "$command" = "$argv[1]"; and not begin; set -q argv[2]; and set -q words[1]; end
            end

            \(completions)
            """
    }

    /// A fish single-quoted string: only `\` and `'` are special inside.
    private static func fishQuoted(_ text: String) -> String {
        "'" + text.replacing("\\", with: "\\\\").replacing("'", with: "\\'") + "'"
    }

    /// The argument of `complete -a`, which fish splits and expands again when completing:
    /// each word quoted unless it is plain.
    private static func fishArguments(_ words: [String]) -> String {
        fishQuoted(words.map { !$0.isEmpty && $0.allSatisfy(isPlain) ? $0 : fishQuoted($0) }.joined(separator: " "))
    }

    // MARK: shared

    /// Every command as its path from the root, the root first, then depth first in definition order.
    private static func commandPaths(_ root: CommandDefinition) -> [[CommandDefinition]] {
        var paths: [[CommandDefinition]] = []
        func visit(_ path: [CommandDefinition]) {
            paths.append(path)
            for subcommand in path.last!.subcommands { visit(path + [subcommand]) }
        }
        visit([root])
        return paths
    }

    /// `gitopsc kustomize edit`.
    private static func names(_ path: [CommandDefinition]) -> String {
        path.map(\.name).joined(separator: " ")
    }

    private static func visibleLongOptions(_ command: CommandDefinition) -> [String] {
        command.parameters.filter { $0.help != nil }.flatMap { parameter -> [String] in
            switch parameter.kind {
            case .flag(let negatable): negatable ? ["--" + parameter.name, "--no-" + parameter.name] : ["--" + parameter.name]
            case .option: ["--" + parameter.name]
            case .positional: []
            }
        }
    }

    /// The spellings of every option, hidden ones too: the walk must skip their values.
    private static func valueOptionSpellings(_ command: CommandDefinition) -> [String] {
        command.parameters.filter { $0.kind == .option }.flatMap(spellings)
    }

    private static func spellings(_ option: Parameter) -> [String] {
        ["--" + option.name] + (option.shortName.map { ["-\($0)"] } ?? [])
    }

    /// The positional arguments up to the first repeatable one, which takes all the remaining words.
    private static func positionalsUpToRepeating(_ command: CommandDefinition) -> [Parameter] {
        var positionals: [Parameter] = []
        for parameter in command.parameters where parameter.kind == .positional {
            positionals.append(parameter)
            if parameter.repeatable { break }
        }
        return positionals
    }

    /// A name usable in a shell function's name.
    private static func identifier(_ name: String) -> String {
        String(name.map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" })
    }

    /// A character no shell treats specially anywhere in a word.
    private static func isPlain(_ character: Character) -> Bool {
        character.isLetter || character.isNumber || "-_./".contains(character)
    }

    /// Completion descriptions are one line.
    private static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }

    /// A single-quoted bash or zsh word: a quote inside closes the string, adds `\'` and reopens it.
    private static func shellQuoted(_ text: String) -> String {
        "'" + text.replacing("'", with: "'\\''") + "'"
    }
}
