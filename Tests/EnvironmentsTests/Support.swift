import Diagnostics
import Environments
import Foundation
import Testing

/// A throwaway source root holding `environments/<name>.yaml` files.
struct SourceTree {
    let root: String
    var files: [String: String] = [:]

    init(_ environments: [String: String]) throws {
        root = FileManager.default.temporaryDirectory
            .appendingPathComponent("gitopsc-env-\(UUID().uuidString)").path
        for (name, text) in environments {
            let path = "\(root)/environments/\(name).yaml"
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            files["environments/\(name).yaml"] = text
        }
    }

    func load() throws(DiagnosticList) -> [Environment] {
        try EnvironmentLoader.load(root: root, displayBase: root)
    }

    /// The diagnostics of a load that must fail.
    func errors(sourceLocation: Testing.SourceLocation = #_sourceLocation) -> [Diagnostic] {
        do {
            let environments = try load()
            Issue.record("expected errors, loaded \(environments.map(\.name))", sourceLocation: sourceLocation)
            return []
        } catch {
            return error.diagnostics
        }
    }

    /// The 1-based line of the first line of `file` containing `needle`.
    func line(_ needle: String, in file: String) -> Int {
        let lines = files[file]!.split(separator: "\n", omittingEmptySubsequences: false)
        return lines.firstIndex { $0.contains(needle) }! + 1
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: root)
    }
}

extension Array where Element == Environment {
    subscript(name: String) -> Environment? {
        first { $0.name == name }
    }
}
