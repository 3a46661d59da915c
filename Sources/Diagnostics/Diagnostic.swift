/// A position in a source file, 1-based like compilers and editors print it.
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { "\(file):\(line):\(column)" }
}

public enum Severity: String, Sendable, Codable {
    case error
    case warning
    case note
}

/// The one error model of gitopsc: every failure a user can cause is reported as a
/// `Diagnostic`, so that all front ends (terminal, JSON, CI annotations) print the same facts.
public struct Diagnostic: Error, Hashable, Sendable, CustomStringConvertible {
    public var severity: Severity
    /// A stable, machine-readable category such as `yaml.syntax` or `kustomize.missing-resource`.
    public var code: String
    public var message: String
    /// The file the problem is in, when it is in one; the line/column are 0 when unknown.
    public var location: SourceLocation?
    /// The chain of files (kustomizations, environments) that led to the failing one, outermost first.
    public var chain: [String]

    public init(
        _ severity: Severity = .error,
        code: String,
        message: String,
        location: SourceLocation? = nil,
        chain: [String] = []
    ) {
        self.severity = severity
        self.code = code
        self.message = message
        self.location = location
        self.chain = chain
    }

    public static func error(
        _ code: String, _ message: String, at location: SourceLocation? = nil
    ) -> Diagnostic {
        Diagnostic(code: code, message: message, location: location)
    }

    /// `file:line:column: error: message`, with the chain on following lines.
    public var description: String {
        var text = ""
        if let location {
            text += location.line > 0 ? "\(location): " : "\(location.file): "
        }
        text += "\(severity.rawValue): \(message)"
        for link in chain {
            text += "\n  in \(link)"
        }
        return text
    }

    /// The same diagnostic with one more outer link in its chain.
    public func within(_ link: String) -> Diagnostic {
        var copy = self
        if copy.chain.first != link {
            copy.chain.insert(link, at: 0)
        }
        return copy
    }
}

/// Several diagnostics reported together, so that a run reports all problems, not just the first.
public struct DiagnosticList: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]

    public init(_ diagnostics: [Diagnostic]) {
        self.diagnostics = diagnostics
    }

    public var description: String {
        diagnostics.map(\.description).joined(separator: "\n")
    }
}
