/// `--help` and the usage line of a command, from its definition.
enum HelpText {
    static let width = 80
    /// Where the help of each parameter starts.
    static let helpColumn = 26

    /// The full help of the last command of `path` (`gitopsc build`).
    static func help(_ path: [CommandDefinition]) -> String {
        let command = path.last!
        var text = wrapped(command.abstract.split(separator: " "), indent: 0, firstPrefix: "OVERVIEW: ") + "\n\n"
        if !command.discussion.isEmpty {
            for paragraph in command.discussion.split(separator: "\n") {
                // Lines aligned in columns (`diff`'s examples) are kept as written.
                text += (paragraph.contains("  ") ? String(paragraph) : wrapped(paragraph.split(separator: " "), indent: 0)) + "\n"
            }
            text += "\n"
        }
        text += wrapped(usageWords(path), indent: 7, firstPrefix: "USAGE: ") + "\n"
        let visible = command.parameters.filter { $0.help != nil }
        let positionals = visible.filter { $0.kind == .positional }
        if !positionals.isEmpty {
            text += "\nARGUMENTS:\n"
            for parameter in positionals { text += row(parameter.displayName, help: parameter.helpWithValues) }
        }
        text += "\nOPTIONS:\n"
        for parameter in visible where parameter.kind != .positional {
            text += row(optionSpelling(parameter), help: parameter.helpWithValues)
        }
        text += row("-h, --help", help: "Show help information.")
        if !command.subcommands.isEmpty {
            text += "\nSUBCOMMANDS:\n"
            for subcommand in command.subcommands { text += row(subcommand.name, help: subcommand.abstract) }
            text += "\n  See '\(path.map(\.name).joined(separator: " ")) help <subcommand>' for detailed help.\n"
        }
        return text
    }

    /// `gitopsc build <directories> ... [--output-dir <output-dir>]`, one word for each
    /// command name and parameter (lines break between them).
    static func usageWords(_ path: [CommandDefinition]) -> [String] {
        let command = path.last!
        var words = path.map(\.name)
        if !command.subcommands.isEmpty { words.append("<subcommand>") }
        for parameter in command.parameters where parameter.help != nil {
            var word: String
            switch parameter.kind {
            case .positional:
                word = parameter.displayName + (parameter.repeatable ? " ..." : "")
                if parameter.optional { word = "[\(word)]" }
            case .flag(let negatable):
                word = "[--\(negatable ? "[no-]" : "")\(parameter.name)]"
            case .option:
                word = "[--\(parameter.name) <\(parameter.valueName)>\(parameter.repeatable ? " ..." : "")]"
            }
            words.append(word)
        }
        return words
    }

    /// A usage error: the message, the usage line and where the help is.
    static func usageError(_ error: CommandLineError) -> String {
        let names = error.path.map(\.name).joined(separator: " ")
        return "error: \(error.error.message)\n" + wrapped(usageWords(error.path), indent: 7, firstPrefix: "Usage: ")
            + "\n  See '\(names) --help' for more information.\n"
    }

    private static func optionSpelling(_ parameter: Parameter) -> String {
        switch parameter.kind {
        case .flag(let negatable): return negatable ? "--\(parameter.name), --no-\(parameter.name)" : "--\(parameter.name)"
        case .option:
            let long = "--\(parameter.name) <\(parameter.valueName)>"
            return parameter.shortName.map { "-\($0), \(long)" } ?? long
        case .positional: return parameter.displayName
        }
    }

    /// `  name                    help`, the help wrapped at `helpColumn`; a long name puts
    /// the help on the next line.
    private static func row(_ name: String, help: String) -> String {
        let lead = "  " + name
        if lead.count + 2 <= helpColumn {
            return wrapped(help.split(separator: " "), indent: helpColumn, firstPrefix: lead + String(repeating: " ", count: helpColumn - lead.count)) + "\n"
        }
        return lead + "\n" + wrapped(help.split(separator: " "), indent: helpColumn) + "\n"
    }

    /// Words filled into lines of `width`, every line after the first indented by `indent`
    /// (the first starts with `firstPrefix`, or the indent).
    static func wrapped(_ words: [some StringProtocol], indent: Int, firstPrefix: String? = nil) -> String {
        let margin = String(repeating: " ", count: indent)
        var lines: [String] = []
        var line = firstPrefix ?? margin
        var lineHasWord = false
        for word in words {
            if lineHasWord && line.count + 1 + word.count > width {
                lines.append(line)
                line = margin
                lineHasWord = false
            }
            line += (lineHasWord ? " " : "") + word
            lineHasWord = true
        }
        lines.append(line)
        return lines.joined(separator: "\n")
    }
}
