import CLibGit2
import Diagnostics
import FoundationEssentials

/// The author or committer of a commit.
public struct Signature: Sendable, Hashable {
    public enum Kind: String, Sendable {
        case author
        case committer
    }

    public var name: String
    public var email: String
    /// Seconds since 1970 and the zone offset in minutes; `nil` stamps the time of the commit.
    public var time: Int64?
    public var offsetMinutes: Int32

    public init(name: String, email: String, time: Int64? = nil, offsetMinutes: Int32 = 0) {
        self.name = name
        self.email = email
        self.time = time
        self.offsetMinutes = offsetMinutes
    }

    /// A libgit2 signature, to free with `git_signature_free`.
    func gitSignature() throws(Diagnostic) -> UnsafeMutablePointer<git_signature> {
        var signature: UnsafeMutablePointer<git_signature>?
        let result = if let time {
            git_signature_new(&signature, name, email, git_time_t(time), offsetMinutes)
        } else {
            git_signature_now(&signature, name, email)
        }
        guard result == 0, let signature else {
            throw LibGit2.failure("git.invalid-signature", "'\(name) <\(email)>' is not a valid signature")
        }
        return signature
    }
}

extension GitRepository {
    /// The author or committer, each field taken from the first of: the given value (a flag),
    /// `GIT_AUTHOR_NAME`/`GIT_AUTHOR_EMAIL` (or `GIT_COMMITTER_*`) in `environment`, and
    /// `user.name`/`user.email` in git config (repository, then global, then system). Empty values
    /// count as absent, as they do for git. The time is `GIT_AUTHOR_DATE` (`GIT_COMMITTER_DATE`),
    /// else `SOURCE_DATE_EPOCH`, else the time of the commit: with a fixed time, two runs over
    /// the same sources make the same commit id.
    public func signature(
        name: String? = nil,
        email: String? = nil,
        kind: Signature.Kind,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(Diagnostic) -> Signature {
        let prefix = "GIT_\(kind.rawValue.uppercased())_"
        let config = try configValues(["user.name", "user.email"])
        func first(_ candidates: String?...) -> String? {
            candidates.lazy.compactMap { $0 }.first { !$0.isEmpty }
        }
        guard let resolvedName = first(name, environment[prefix + "NAME"], config["user.name"]?.last),
              let resolvedEmail = first(email, environment[prefix + "EMAIL"], config["user.email"]?.last)
        else {
            throw Diagnostic.error(
                "git.\(kind.rawValue)-not-configured",
                "\(kind.rawValue) not configured: give a name and an email, set \(prefix)NAME and \(prefix)EMAIL, or set user.name and user.email in git config"
            )
        }
        var signature = Signature(name: resolvedName, email: resolvedEmail)
        if let date = first(environment[prefix + "DATE"]) {
            (signature.time, signature.offsetMinutes) = try GitDate.parse(date, variable: prefix + "DATE")
        } else if let epoch = first(environment["SOURCE_DATE_EPOCH"]) {
            guard let seconds = Int64(epoch), seconds >= 0 else {
                throw Diagnostic.error("git.invalid-date", "SOURCE_DATE_EPOCH must be a number of seconds since 1970, not '\(epoch)'")
            }
            signature.time = seconds
        }
        // Refuse values libgit2 would refuse at commit time (angle brackets, only spaces...) now.
        git_signature_free(try signature.gitSignature())
        return signature
    }

    /// Every value of each of `keys` in git config (repository, then global, then system: the
    /// last value is the one that applies), keys without a value left out.
    func configValues(_ keys: [String]) throws(Diagnostic) -> [String: [String]] {
        var config: OpaquePointer?
        try LibGit2.check(git_repository_config_snapshot(&config, handle), "git.config", "cannot read git config")
        defer { git_config_free(config) }
        var values: [String: [String]] = [:]
        for key in keys {
            var iterator: OpaquePointer?
            guard git_config_multivar_iterator_new(&iterator, config, key, nil) == 0 else { continue }
            defer { git_config_iterator_free(iterator) }
            var entry: UnsafeMutablePointer<git_config_entry>?
            while git_config_next(&entry, iterator) == 0, let value = entry?.pointee.value {
                values[key, default: []].append(String(cString: value))
            }
        }
        return values
    }
}

/// The date formats git reads from `GIT_AUTHOR_DATE` / `GIT_COMMITTER_DATE`: git's own
/// `1112911993 +0200` (or `@1112911993`, offset optional), ISO 8601
/// `2005-04-07T22:13:13+02:00` (`T` or a space; `Z`, `+0200` or `+02:00`; no zone is UTC)
/// and RFC 2822 `Thu, 07 Apr 2005 22:13:13 +0200`. Anything else is an error, never the
/// time of the run.
enum GitDate {
    static func parse(_ text: String, variable: String) throws(Diagnostic) -> (seconds: Int64, offsetMinutes: Int32) {
        let trimmed = text.trimmed()
        if let parsed = epoch(trimmed) ?? iso8601(trimmed) ?? rfc2822(trimmed) { return parsed }
        throw Diagnostic.error(
            "git.invalid-date",
            "\(variable) '\(text)' is not a date git reads: use '@SECONDS +HHMM', ISO 8601 (2005-04-07T22:13:13+02:00) or RFC 2822")
    }

    /// `@SECONDS [±HHMM]`, or `SECONDS ±HHMM` with more than eight digits (git reads shorter
    /// numbers as dates).
    private static func epoch(_ text: String) -> (Int64, Int32)? {
        let parts = text.split(separator: " ")
        guard (1...2).contains(parts.count) else { return nil }
        let hasAt = parts[0].hasPrefix("@")
        let digits = parts[0].dropFirst(hasAt ? 1 : 0)
        guard hasAt || digits.count > 8, !digits.isEmpty, digits.allSatisfy({ ("0"..."9").contains($0) }), let seconds = Int64(digits), seconds >= 0 else { return nil }
        if parts.count == 1 { return hasAt ? (seconds, 0) : nil }
        return offset(String(parts[1])).map { (seconds, $0) }
    }

    /// `±HHMM` or `±HH:MM` (or `Z`) as minutes east of UTC.
    private static func offset(_ text: String) -> Int32? {
        if text == "Z" { return 0 }
        guard let sign = text.first, sign == "+" || sign == "-" else { return nil }
        let digits = text.dropFirst().filter { $0 != ":" }
        guard digits.count == 4, digits.allSatisfy(\.isASCII), let hours = Int32(digits.prefix(2)), let minutes = Int32(digits.suffix(2)),
              hours < 24, minutes < 60 else { return nil }
        return (sign == "-" ? -1 : 1) * (hours * 60 + minutes)
    }

    private static func iso8601(_ text: String) -> (Int64, Int32)? {
        let pattern = #"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?\s?(Z|[+-]\d{2}:?\d{2})?$"#
        guard let match = text.wholeMatch(of: try! Regex(pattern)) else { return nil }
        let fields = (1...6).map { Int(match.output[$0].substring!)! }
        let zone = match.output[7].substring.map(String.init) ?? "Z"
        guard let minutes = offset(zone) else { return nil }
        return seconds(year: fields[0], month: fields[1], day: fields[2], hour: fields[3], minute: fields[4], second: fields[5], offsetMinutes: minutes)
    }

    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    private static func rfc2822(_ text: String) -> (Int64, Int32)? {
        let pattern = #"^(?:[A-Z][a-z]{2}, )?(\d{1,2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) ([+-]\d{4})$"#
        guard let match = text.wholeMatch(of: try! Regex(pattern)),
              let month = months.firstIndex(of: String(match.output[2].substring!)),
              let minutes = offset(String(match.output[7].substring!)) else { return nil }
        let number = { (index: Int) in Int(match.output[index].substring!)! }
        return seconds(year: number(3), month: month + 1, day: number(1), hour: number(4), minute: number(5), second: number(6), offsetMinutes: minutes)
    }

    /// Seconds since 1970 of a local time at `offsetMinutes` east of UTC; nil when a field is out of range.
    private static func seconds(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, offsetMinutes: Int32) -> (Int64, Int32)? {
        var components = DateComponents()
        (components.year, components.month, components.day) = (year, month, day)
        (components.hour, components.minute, components.second) = (hour, minute, second)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: Int(offsetMinutes) * 60)!
        guard (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61,
              components.isValidDate(in: calendar), let date = calendar.date(from: components) else { return nil }
        return (Int64(date.timeIntervalSince1970), offsetMinutes)
    }
}
