import Diagnostics

/// One step of a field path: a mapping key, a list index, or a list item named by its
/// merge key (`containers[name=manager]`).
enum PathSegment: Hashable {
    case key(String)
    case index(Int)
    case item(field: String, value: String)

    static func format(_ path: [PathSegment]) -> String {
        var text = ""
        for segment in path {
            switch segment {
            case .key(let key):
                if isBare(key) {
                    if !text.isEmpty { text += "." }
                    text += key
                } else {
                    text += "[" + quoted(key) + "]"
                }
            case .index(let index):
                text += "[\(index)]"
            case .item(let field, let value):
                text += "[\(field)=\(isBare(value) ? value : quoted(value))]"
            }
        }
        return text
    }

    /// Keys such as `argocd.argoproj.io/sync-wave` are bracketed so that a path always
    /// splits back into the same segments.
    private static func isBare(_ text: String) -> Bool {
        !text.isEmpty && text != "*" && text != "**" && text.unicodeScalars.allSatisfy {
            ($0 >= "a" && $0 <= "z") || ($0 >= "A" && $0 <= "Z") || ($0 >= "0" && $0 <= "9") || $0 == "_" || $0 == "-"
        }
    }

    private static func quoted(_ text: String) -> String {
        "\"" + text.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"") + "\""
    }
}

/// An `ignore` pattern: a field path in the same syntax as the reported paths, where `*`
/// stands for one segment, `[*]` for any list item and `**` for any number of segments.
/// A pattern that matches a field also hides everything below it.
struct IgnorePattern {
    enum Step: Equatable {
        case exact(PathSegment)
        case anySegment
        case anyItem
        case anyDepth
    }

    enum Match {
        /// The path or one of its parents matches: hide it.
        case ignored
        /// The path is a parent of what the pattern could match: look inside before reporting.
        case below
        case none
    }

    let steps: [Step]

    init(_ pattern: String) throws(Diagnostic) {
        var steps: [Step] = []
        var scalars = Array(pattern.unicodeScalars)[...]
        var bare = ""
        func invalid(_ why: String) -> Diagnostic {
            .error("diff.invalid-ignore", "invalid ignore pattern '\(pattern)': \(why)")
        }
        func endBare() {
            switch bare {
            case "": break
            case "*": steps.append(.anySegment)
            case "**": steps.append(.anyDepth)
            default: steps.append(.exact(.key(bare)))
            }
            bare = ""
        }
        while let c = scalars.popFirst() {
            switch c {
            case ".":
                endBare()
            case "[":
                endBare()
                var inner = ""
                var inQuotes = false
                var closed = false
                while let d = scalars.popFirst() {
                    if inQuotes, d == "\\", let escaped = scalars.popFirst() {
                        inner.unicodeScalars.append("\\")
                        inner.unicodeScalars.append(escaped)
                        continue
                    }
                    if d == "\"" { inQuotes.toggle() }
                    if d == "]", !inQuotes {
                        closed = true
                        break
                    }
                    inner.unicodeScalars.append(d)
                }
                guard closed else { throw invalid("unclosed '['") }
                steps.append(try Self.bracketStep(inner, invalid: invalid))
            default:
                bare.unicodeScalars.append(c)
            }
        }
        endBare()
        guard !steps.isEmpty else { throw invalid("empty pattern") }
        self.steps = steps
    }

    private static func bracketStep(_ inner: String, invalid: (String) -> Diagnostic) throws(Diagnostic) -> Step {
        if inner == "*" { return .anyItem }
        if let index = Int(inner), index >= 0 { return .exact(.index(index)) }
        if inner.hasPrefix("\"") {
            guard let key = unquote(inner) else { throw invalid("bad quoted key \(inner)") }
            return .exact(.key(key))
        }
        guard let equals = inner.firstIndex(of: "=") else {
            throw invalid("'[\(inner)]' is neither an index, a quoted key, [*] nor [field=value]")
        }
        let field = String(inner[..<equals])
        var value = String(inner[inner.index(after: equals)...])
        if value.hasPrefix("\"") {
            guard let unquoted = unquote(value) else { throw invalid("bad quoted value \(value)") }
            value = unquoted
        }
        return .exact(.item(field: field, value: value))
    }

    private static func unquote(_ text: String) -> String? {
        guard text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") else { return nil }
        var result = ""
        var escaping = false
        for c in text.dropFirst().dropLast() {
            if escaping {
                result.append(c)
                escaping = false
            } else if c == "\\" {
                escaping = true
            } else {
                result.append(c)
            }
        }
        return escaping ? nil : result
    }

    func match(_ path: [PathSegment]) -> Match {
        match(step: 0, path: path[...])
    }

    private func match(step: Int, path: ArraySlice<PathSegment>) -> Match {
        if step == steps.count { return .ignored }
        guard let segment = path.first else {
            // A trailing `**` matches no segments at all.
            return steps[step...].allSatisfy { $0 == .anyDepth } ? .ignored : .below
        }
        switch steps[step] {
        case .anyDepth:
            let skip = match(step: step + 1, path: path)
            if case .ignored = skip { return .ignored }
            let consume = match(step: step, path: path.dropFirst())
            if case .ignored = consume { return .ignored }
            if case .below = skip { return .below }
            return consume
        case .anySegment:
            return match(step: step + 1, path: path.dropFirst())
        case .anyItem:
            switch segment {
            case .index, .item: return match(step: step + 1, path: path.dropFirst())
            case .key: return .none
            }
        case .exact(let expected):
            return expected == segment ? match(step: step + 1, path: path.dropFirst()) : .none
        }
    }
}

extension [IgnorePattern] {
    func match(_ path: [PathSegment]) -> IgnorePattern.Match {
        var result = IgnorePattern.Match.none
        for pattern in self {
            switch pattern.match(path) {
            case .ignored: return .ignored
            case .below: result = .below
            case .none: break
            }
        }
        return result
    }
}
