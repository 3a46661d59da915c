import Foundation

/// What a program printed and how it ended.
public struct ProcessResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String

    /// Both streams, standard output first, for messages and `contains` checks.
    public var output: String { stdout + stderr }
}

/// Runs a program to its end: the oracles and tools the tests compare with (`git`,
/// `kubectl`, `python3`, the built `gitopsc`). Both pipes are read at the same time, so a
/// child that writes much to one of them cannot block on the other. With a `timeout`, a program
/// still running after that many seconds is killed, and its standard error says so.
public func runProcess(
    _ executable: String, _ arguments: [String], in folder: URL? = nil,
    environment: [String: String] = [:], input: String? = nil, timeout: Double? = nil
) throws -> ProcessResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let folder { process.currentDirectoryURL = folder }
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let stdout = Pipe(), stderr = Pipe(), stdin = Pipe()
    process.standardOutput = stdout
    process.standardError = stderr
    process.standardInput = stdin
    try process.run()
    if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
    try stdin.fileHandleForWriting.close()
    let watchdog = timeout.map { seconds in
        let stop = DispatchWorkItem { [process] in if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds, execute: stop)
        return stop
    }
    let errors = BackgroundRead(stderr.fileHandleForReading)
    let output = stdout.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    watchdog?.cancel()
    let killed = process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL && timeout != nil
    return ProcessResult(
        status: process.terminationStatus,
        stdout: String(decoding: output, as: UTF8.self),
        stderr: String(decoding: errors.wait(), as: UTF8.self) + (killed ? "\n[killed after \(timeout!) seconds]\n" : ""))
}

/// Reads a pipe to its end on another thread.
private final class BackgroundRead: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    func wait() -> Data {
        done.wait()
        return data
    }
}
