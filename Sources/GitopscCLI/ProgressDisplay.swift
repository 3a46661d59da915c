import Compiler
import FileSources
import FoundationEssentials

/// `--progress` / `--no-progress`: environments rendered of the total, on stderr.
struct ProgressOptions {
    static let parameters: [Parameter] = [
        .flag("progress", negatable: true,
              help: "Show environments done / total on stderr (default: on a terminal for runs over one second, and not when CI is set)."),
    ]

    let progress: Bool?

    init(_ arguments: ParsedArguments) {
        progress = arguments.negatableFlag("progress")
    }

    /// The display to report to, nil when progress is off: by default only on a terminal and
    /// never in CI logs (CI set), so that pipes and logs stay clean.
    func display() -> ProgressDisplay? {
        let terminal = StandardStream.error.isTerminal
        let inCI = !(ProcessInfo.processInfo.environment["CI"] ?? "").isEmpty
        guard progress ?? (terminal && !inCI) else { return nil }
        // Asked for, it shows from the start; by default only runs long enough to wait on.
        return ProgressDisplay(terminal: terminal, delay: progress == true ? 0 : ProgressDisplay.defaultDelay)
    }
}

/// Shows progress once a run has taken `delay`: on a terminal one line rewritten in place
/// (and erased at the end), elsewhere (when asked) a line per second and one at the end.
final class ProgressDisplay: Sendable {
    /// By default, runs faster than this show nothing.
    static let defaultDelay: TimeInterval = 1
    let terminal: Bool
    let delay: TimeInterval
    private let state = Locked((start: Date(), lastShown: Date.distantPast, shown: false, done: 0))

    init(terminal: Bool, delay: TimeInterval) {
        self.terminal = terminal
        self.delay = delay
    }

    var report: Compiler.Progress {
        { [self] done, total in update(done: done, total: total) }
    }

    private func update(done: Int, total: Int) {
        state.withValue { state in
            // Reports come from several threads; show only forward steps.
            guard done > state.done else { return }
            state.done = done
            let now = Date()
            guard now.timeIntervalSince(state.start) >= delay else { return }
            let interval: TimeInterval = terminal ? 0.1 : 1
            guard done == total || now.timeIntervalSince(state.lastShown) >= interval else { return }
            state.lastShown = now
            state.shown = true
            let line = "rendering environments: \(done)/\(total)"
            StandardStream.error.write(terminal ? "\r\u{1B}[K" + line : line + "\n")
        }
    }

    /// Erases the line on a terminal, before the command prints its result.
    func finish() {
        state.withValue { state in
            if terminal && state.shown { StandardStream.error.write("\r\u{1B}[K") }
        }
    }
}
