/// The man page (section 1, man(7) macros) of the root command, with every subcommand at any
/// depth in a subsection of COMMANDS, from the command definitions. Hidden parameters are left
/// out; the order is the definitions'.
enum ManualPage {
    /// `date` is printed as given (`2026-11-30`, `November 30, 2026`).
    static func page(root: CommandDefinition, date: String) -> String {
        var page = ".TH \(argument(root.name.uppercased())) 1 \(argument(date)) \(argument(root.name)) \"General Commands Manual\"\n"
        // Option names are not hyphenated at line ends, where they could not be pasted.
        page += ".nh\n.ad l\n"
        page += ".SH NAME\n" + line("\(root.name) - \(root.abstract)")
        page += ".SH SYNOPSIS\n" + usage([root])
        if !root.discussion.isEmpty {
            page += ".SH DESCRIPTION\n" + discussion(root.discussion)
        }
        page += ".SH OPTIONS\n" + parameterList(root)
        page += ".TP\n\\fB\\-h\\fR, \\fB\\-\\-help\\fR\n" + line("Show help information (of any command).")
        let subcommands = descendants([root])
        if !subcommands.isEmpty { page += ".SH COMMANDS\n" }
        for path in subcommands {
            let command = path.last!
            page += ".SS \(argument(path.map(\.name).joined(separator: " ")))\n"
            page += line(command.abstract)
            if !command.discussion.isEmpty { page += ".PP\n" + discussion(command.discussion) }
            page += ".PP\n\\fBUsage:\\fR\n" + usage(path)
            page += parameterList(command)
        }
        return page
    }

    /// Every subcommand as its path from the root, depth first in definition order.
    private static func descendants(_ path: [CommandDefinition]) -> [[CommandDefinition]] {
        path.last!.subcommands.flatMap { [path + [$0]] + descendants(path + [$0]) }
    }

    /// As in `--help`: each line of `text` starts a line of output and is filled, except lines
    /// aligned in columns (two spaces in a row), kept as written.
    private static func discussion(_ text: String) -> String {
        var roff = ""
        var inColumns = false
        for paragraph in text.split(separator: "\n") {
            let aligned = paragraph.contains("  ")
            if aligned != inColumns {
                roff += aligned ? ".nf\n" : ".fi\n"
                inColumns = aligned
            } else if !roff.isEmpty && !aligned {
                roff += ".br\n"
            }
            roff += aligned ? protected(escaped(String(paragraph))) + "\n" : line(String(paragraph))
        }
        return roff + (inColumns ? ".fi\n" : "")
    }

    /// The usage line of `--help`, breaking only between its words.
    private static func usage(_ path: [CommandDefinition]) -> String {
        lines(HelpText.usageWords(path).map { escaped($0).replacing(" ", with: "\\ ") })
    }

    /// A tagged paragraph per visible parameter: positional arguments, then flags and options.
    private static func parameterList(_ command: CommandDefinition) -> String {
        let visible = command.parameters.filter { $0.help != nil }
        return (visible.filter { $0.kind == .positional } + visible.filter { $0.kind != .positional }).map { parameter in
            ".TP\n" + tag(parameter) + "\n" + line(parameter.helpWithValues)
        }.joined()
    }

    /// The spellings in bold (`-o, --output-dir`; `--progress, --no-progress`), the value in italics.
    private static func tag(_ parameter: Parameter) -> String {
        let value = "\\fI\(escaped(parameter.valueName))\\fR"
        switch parameter.kind {
        case .flag(let negatable):
            let long = "\\fB\\-\\-\(escaped(parameter.name))\\fR"
            return negatable ? "\(long), \\fB\\-\\-no\\-\(escaped(parameter.name))\\fR" : long
        case .option:
            let long = "\\fB\\-\\-\(escaped(parameter.name))\\fR \(value)" + (parameter.repeatable ? " ..." : "")
            return parameter.shortName.map { "\\fB\\-\(escaped(String($0)))\\fR, \(long)" } ?? long
        case .positional:
            return value + (parameter.repeatable ? " ..." : "")
        }
    }

    /// `text` as text lines, to be filled.
    private static func line(_ text: String) -> String {
        lines(escaped(text).split(whereSeparator: { $0 == " " || $0.isNewline }))
    }

    /// Escaped words in lines of at most 80 columns where they can break (man page linters
    /// ask for it).
    private static func lines(_ words: [some StringProtocol]) -> String {
        HelpText.wrapped(words, indent: 0).split(separator: "\n").map { protected(String($0)) + "\n" }.joined()
    }

    /// `\&` keeps a text line that starts with `.` from being read as a request (a `'` is
    /// already escaped).
    private static func protected(_ line: String) -> String {
        (line.first == "." ? "\\&" : "") + line
    }

    /// `"text"`, one argument of a request, its hyphens left as they are (mandoc reads the
    /// date of `.TH`).
    private static func argument(_ text: String) -> String {
        "\"" + text.replacing("\\", with: "\\e").replacing("\"", with: "\\(dq") + "\""
    }

    /// Backslashes printed, hyphens as minus signs (so options can be searched and pasted), and
    /// quotes kept straight rather than typeset curly.
    private static func escaped(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "\\": escaped += "\\e"
            case "-": escaped += "\\-"
            case "'": escaped += "\\(aq"
            case "`": escaped += "\\(ga"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
