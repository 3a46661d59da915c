import FoundationEssentials

/// Turns diagnostics into text for one audience: a person at a terminal, a program reading
/// JSON, or GitHub Actions annotations.
public protocol DiagnosticReporter {
    func report(_ diagnostics: [Diagnostic]) -> String
}

public enum ReporterKind: String, CaseIterable, Sendable {
    case human
    case json
    case github

    public func reporter(colour: Bool) -> any DiagnosticReporter {
        switch self {
        case .human: return HumanReporter(colour: colour)
        case .json: return JSONReporter()
        case .github: return GitHubReporter()
        }
    }
}

/// `file:line:column: error: message`, the chain indented below; red/yellow only when asked
/// (the caller decides from isatty and NO_COLOR).
public struct HumanReporter: DiagnosticReporter {
    public var colour: Bool

    public init(colour: Bool) {
        self.colour = colour
    }

    public func report(_ diagnostics: [Diagnostic]) -> String {
        diagnostics.map { diagnostic in
            guard colour else { return diagnostic.description + "\n" }
            let code: String
            switch diagnostic.severity {
            case .error: code = "\u{1B}[1;31m"
            case .warning: code = "\u{1B}[1;33m"
            case .note: code = "\u{1B}[1;36m"
            }
            let word = "\(diagnostic.severity.rawValue):"
            return diagnostic.description.replacing(word, with: code + word + "\u{1B}[0m") + "\n"
        }.joined()
    }
}

/// One JSON array of objects: severity, code, message, file, line, column, chain.
public struct JSONReporter: DiagnosticReporter {
    public init() {}

    public func report(_ diagnostics: [Diagnostic]) -> String {
        let objects: [JSONValue] = diagnostics.map { diagnostic in
            var members: [(String, JSONValue)] = [
                ("severity", .string(diagnostic.severity.rawValue)),
                ("code", .string(diagnostic.code)),
                ("message", .string(diagnostic.message)),
            ]
            if let location = diagnostic.location {
                members += [
                    ("file", .string(location.file)),
                    ("line", .integer(location.line)),
                    ("column", .integer(location.column)),
                ]
            }
            members.append(("chain", .array(diagnostic.chain.map(JSONValue.string))))
            return .object(members)
        }
        return JSONValue.array(objects).rendered() + "\n"
    }
}

/// GitHub Actions workflow commands, which show as annotations on the pull request.
public struct GitHubReporter: DiagnosticReporter {
    public init() {}

    public func report(_ diagnostics: [Diagnostic]) -> String {
        diagnostics.map { diagnostic in
            var properties: [String] = []
            if let location = diagnostic.location {
                properties.append("file=\(location.file)")
                if location.line > 0 {
                    properties.append("line=\(location.line)")
                    properties.append("col=\(location.column)")
                }
            }
            properties.append("title=\(diagnostic.code)")
            var message = diagnostic.message
            for link in diagnostic.chain { message += "\n  in \(link)" }
            let escaped = message.replacing("%", with: "%25")
                .replacing("\r", with: "%0D").replacing("\n", with: "%0A")
            return "::\(diagnostic.severity.rawValue) \(properties.joined(separator: ","))::\(escaped)\n"
        }.joined()
    }
}
