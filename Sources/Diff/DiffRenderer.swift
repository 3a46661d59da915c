import Diagnostics
import YAML

public enum DiffFormat: Sendable, Equatable {
    /// For a terminal; ANSI colours only when asked (the CLI decides from isatty and NO_COLOR).
    case text(colour: Bool)
    /// For a pull-request comment, at most `maxBytes` UTF-8 bytes.
    case markdown(maxBytes: Int)
    /// The shape documented in docs/diff-json.md.
    case json
}

public enum DiffRenderer {
    /// The summary line of a diff: `1 of 3 environments differs`, `2 of 2 environments differ`.
    static func summary(changed: Int, of total: Int) -> String {
        "\(changed) of \(counted(total, "environment")) \(changed == 1 ? "differs" : "differ")"
    }

    /// With `byCause`, changes are grouped by the source location that explains them
    /// rather than by environment.
    public static func render(_ diff: TreeDiff, as format: DiffFormat, byCause: Bool = false) -> String {
        switch format {
        case .text(let colour): TextRenderer.render(diff, colour: colour, byCause: byCause)
        case .markdown(let maxBytes): MarkdownRenderer.render(diff, maxBytes: maxBytes, byCause: byCause)
        case .json: JSONRenderer.render(diff, byCause: byCause)
        }
    }
}

/// One line of the human-readable body: a sign column (`+`, `-`, `~`, ` `) and its text;
/// `@` marks a line-diff hunk header, printed with a blank sign column.
struct BodyLine {
    var sign: Character
    var text: String

    var plain: String { "\(sign == "@" ? " " : sign) \(text)" }
}

/// The per-object lines shared by the text and markdown renderers.
enum Body {
    /// Inline values longer than this are cut: a whole added subtree on one line is not
    /// readable anyway, and the JSON output keeps every value.
    static let maximumValueLength = 200

    static func summary(_ environment: EnvironmentDiff) -> String {
        guard !environment.isEmpty else { return "no differences" }
        var text = "+\(environment.added.count) -\(environment.removed.count) ~\(environment.changed.count)"
        if !environment.renamed.isEmpty { text += ", \(environment.renamed.count) renamed" }
        return text
    }

    /// One block of lines per object with a difference: added, removed, renamed, changed.
    static func objectBlocks(_ environment: EnvironmentDiff) -> [[BodyLine]] {
        var blocks: [[BodyLine]] = []
        for key in environment.added {
            blocks.append([BodyLine(sign: "+", text: key.description)])
        }
        for key in environment.removed {
            blocks.append([BodyLine(sign: "-", text: key.description)])
        }
        for rename in environment.renamed {
            let header = BodyLine(sign: "~", text: "\(rename.from) renamed to \(rename.to.qualifiedName)")
            blocks.append([header] + rename.changes.flatMap { lines($0) })
        }
        for change in environment.changed {
            blocks.append([BodyLine(sign: "~", text: change.key.description)] + change.changes.flatMap { lines($0) })
        }
        return blocks
    }

    /// The risk summary printed first: one line per category, then one per object.
    static func riskLines(_ risks: [Risk]) -> [String] {
        guard !risks.isEmpty else { return [] }
        let byCategory = Dictionary(grouping: risks, by: \.category)
        let counts = byCategory.keys.sorted().map { "\(counted(byCategory[$0]!.count, "object")) with \($0.summary)" }
        var lines = ["risks: " + counts.joined(separator: ", ")]
        let width = byCategory.keys.map(\.rawValue.count).max() ?? 0
        for risk in risks {
            let padding = String(repeating: " ", count: width - risk.category.rawValue.count)
            let fields = risk.paths.isEmpty ? "" : " " + risk.paths.joined(separator: ", ")
            lines.append("  \(risk.category.rawValue)\(padding)  \(risk.environment): \(risk.object)\(fields)")
        }
        return lines
    }

    /// One block per cause: its location and the environments it changes, then each
    /// distinct change with the environments it appears in when those are fewer.
    static func causeBlocks(_ causes: [CauseGroup]) -> [[BodyLine]] {
        causes.map { group in
            let environments = group.environments
            let place = group.source?.description ?? "(no source line: gitopsc defaults and derived names)"
            var block = [BodyLine(sign: " ", text: "\(place) -> \(counted(environments.count, "environment")): \(environments.joined(separator: ", "))")]
            var header = ""
            for entry in group.entries {
                let only = entry.environments.count < environments.count ? " (only \(entry.environments.joined(separator: ", ")))" : ""
                switch entry.effect {
                case .objectAdded: block.append(BodyLine(sign: "+", text: "  \(entry.object)\(only)"))
                case .objectRemoved: block.append(BodyLine(sign: "-", text: "  \(entry.object)\(only)"))
                case .field(let change):
                    // One header for an object's changes in the same environments.
                    if header != "\(entry.object)\(only)" {
                        block.append(BodyLine(sign: " ", text: "  \(entry.object)\(only)"))
                    }
                    block += lines(change, sources: false)
                }
                header = entry.effect == .objectAdded || entry.effect == .objectRemoved ? "" : "\(entry.object)\(only)"
            }
            return block
        }
    }

    static func lines(_ change: FieldChange, sources: Bool = true) -> [BodyLine] {
        let indent = "    "
        let secret = change.secret ? " (secret, value not shown)" : ""
        let source = sources ? Self.source(change) : ""
        if let lineDiff = change.lineDiff {
            let sign: Character = change.kind == .added ? "+" : change.kind == .removed ? "-" : "~"
            var lines = [BodyLine(sign: sign, text: "\(indent)\(change.path): multi-line string\(source)")]
            for line in lineDiff {
                let first = line.first ?? " "
                let rest = first == "@" ? line : String(line.dropFirst())
                lines.append(BodyLine(sign: first, text: "\(indent)    \(rest)"))
            }
            return lines
        }
        switch change.kind {
        case .added:
            return [BodyLine(sign: "+", text: "\(indent)\(change.path): \(value(change.new))\(secret)\(source)")]
        case .removed:
            return [BodyLine(sign: "-", text: "\(indent)\(change.path): \(value(change.old))\(secret)\(source)")]
        case .changed:
            return [BodyLine(sign: "~", text: "\(indent)\(change.path): \(value(change.old)) -> \(value(change.new))\(secret)\(source)")]
        case .moved:
            let from = change.position?.old.map(String.init) ?? "?"
            let to = change.position?.new.map(String.init) ?? "?"
            return [BodyLine(sign: "~", text: "\(indent)\(change.path): moved from \(from) to \(to)\(source)")]
        }
    }

    /// `  # file:line:column` of the location that explains the change, when one does.
    private static func source(_ change: FieldChange) -> String {
        change.cause.map { "  # \($0)" } ?? ""
    }

    static func value(_ node: Node?) -> String {
        guard let node else { return "(none)" }
        let text = inline(node)
        guard text.count > maximumValueLength else { return text }
        return text.prefix(maximumValueLength) + "... (\(text.count - maximumValueLength) more characters)"
    }

    /// A one-line, flow-style rendering: `{a: 1, b: [x, "2"]}`; strings are quoted when they
    /// would otherwise read as another type or carry line breaks.
    static func inline(_ node: Node) -> String {
        switch node.content {
        case .scalar(let scalar):
            let type = scalar.type
            guard type == .string || type == .binary else { return ScalarType.canonical(scalar.value, as: type) }
            return needsQuotes(scalar.value) ? JSONValue.quoted(scalar.value) : scalar.value
        case .mapping(let entries):
            let sorted = entries.sorted { $0.name < $1.name }
            return "{" + sorted.map { "\($0.name): \(inline($0.value))" }.joined(separator: ", ") + "}"
        case .sequence(let items):
            return "[" + items.map(inline).joined(separator: ", ") + "]"
        }
    }

    private static func needsQuotes(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, let last = text.unicodeScalars.last else { return true }
        if ScalarType.resolvePlain(text) != .string { return true }
        if first == " " || last == " " || "\"'[{&*!|>%@`#".unicodeScalars.contains(first) { return true }
        return text.contains("\n") || text.contains("\t") || text.contains(", ") || text.contains(": ")
            || text.contains(" -> ") || text.contains("}") || text.contains("]")
    }
}
