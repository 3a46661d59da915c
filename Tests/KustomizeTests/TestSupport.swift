import Foundation
import ProcessRunner
import Testing

/// `kubectl` on PATH (kustomize v5.5.0 on this machine), the oracle the engine is compared with.
enum Kubectl {
    static let path: String? = {
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let candidate = "\(folder)/kubectl"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }()

    static let skipMessage: Comment = "kubectl is not on PATH: skipping the comparison with kubectl kustomize"

    /// Runs `kubectl kustomize` on a folder.
    static func kustomize(_ folder: String) throws -> (status: Int32, output: String, error: String) {
        let result = try runProcess(path!, ["kustomize", folder])
        return (result.status, result.stdout, result.stderr)
    }
}

/// A temporary folder of files, removed when the last reference to it goes.
final class TemporaryTree {
    let root: URL

    /// `files` maps relative paths to their bytes.
    init(_ files: [String: [UInt8]]) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("gitopsc-test-\(UUID().uuidString)")
        for (path, bytes) in files {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(bytes).write(to: url)
        }
    }

    /// `files` maps relative paths to their text.
    convenience init(_ files: [String: String]) throws {
        try self.init(files.mapValues { Array($0.utf8) })
    }

    /// Makes `relative` a symbolic link to `target` (written as given: relative to the link's folder, or absolute).
    func link(_ relative: String, to target: String) throws {
        let url = root.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: url.path, withDestinationPath: target)
    }

    func path(_ relative: String = "") -> String {
        relative.isEmpty ? root.path : root.appendingPathComponent(relative).path
    }

    deinit {
        try? FileManager.default.removeItem(at: root)
    }
}

/// The shared seeded generator (in ProcessRunner, the one module all test targets share).
