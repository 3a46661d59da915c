import Diagnostics
import Foundation
import ProcessRunner
import Testing
@testable import GitStore

/// A temporary folder, removed when the value goes away.
final class TemporaryFolder {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "gitstore-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    func sub(_ name: String) -> String { path + "/" + name }
}

struct GitFailure: Error, CustomStringConvertible {
    var description: String
}

/// Runs the real `git` CLI, which is what checks what libgit2 wrote; throws on a non-zero exit.
@discardableResult
func git(_ arguments: String..., in directory: String? = nil, input: String? = nil) throws -> String {
    let (status, output, errors) = try runGit(arguments, in: directory, input: input)
    guard status == 0 else {
        throw GitFailure(description: "git \(arguments.joined(separator: " ")) exited \(status): \(errors)")
    }
    return output
}

func runGit(_ arguments: [String], in directory: String? = nil, input: String? = nil) throws -> (Int32, String, String) {
    let result = try runProcess("/usr/bin/git", (directory.map { ["-C", $0] } ?? []) + arguments, environment: [
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Cli Author", "GIT_AUTHOR_EMAIL": "cli@example.com",
        "GIT_COMMITTER_NAME": "Cli Author", "GIT_COMMITTER_EMAIL": "cli@example.com",
    ], input: input)
    return (result.status, result.stdout, result.stderr)
}

func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

let publisher = Signature(name: "Gitopsc Bot", email: "bot@example.com", time: 1_700_000_000, offsetMinutes: 60)
let reviewer = Signature(name: "Commit Ter", email: "committer@example.com", time: 1_700_000_100, offsetMinutes: -120)

/// A fresh `git init` repository (bare unless told otherwise) in its own temporary folder.
final class TestRepository {
    let folder: TemporaryFolder
    let path: String

    init(bare: Bool = true) throws {
        folder = try TemporaryFolder()
        path = folder.sub(bare ? "repo.git" : "repo")
        // The free function: this type's own `git` would run inside the repository.
        let (status, _, errors) = try runGit(["init", "--quiet", "-b", "main"] + (bare ? ["--bare"] : []) + [path])
        guard status == 0 else { throw GitFailure(description: "git init: \(errors)") }
    }

    var gitDirectory: String {
        FileManager.default.fileExists(atPath: path + "/.git") ? path + "/.git" : path
    }

    func open() throws -> GitRepository { try GitRepository(path: path) }

    /// `git` with `--git-dir` set to this repository.
    @discardableResult
    func git(_ arguments: String...) throws -> String {
        let (status, output, errors) = try runGit(["--git-dir", gitDirectory] + arguments)
        guard status == 0 else {
            throw GitFailure(description: "git \(arguments.joined(separator: " ")) exited \(status): \(errors)")
        }
        return output
    }

    func fsck() throws {
        let (status, output, errors) = try runGit(["--git-dir", gitDirectory, "fsck", "--strict", "--no-dangling"])
        #expect(status == 0, "git fsck --strict: \(output)\(errors)")
        #expect(!(output + errors).contains("error"), "git fsck --strict: \(output)\(errors)")
    }

    /// Every file under objects/ and refs/ and packed-refs, to check that nothing was written.
    func snapshot() throws -> [String] {
        var files: [String] = []
        for folder in ["objects", "refs"] {
            let root = gitDirectory + "/" + folder
            for case let file as String in FileManager.default.enumerator(atPath: root)! {
                var isFolder: ObjCBool = false
                if FileManager.default.fileExists(atPath: root + "/" + file, isDirectory: &isFolder), !isFolder.boolValue {
                    files.append(folder + "/" + file)
                }
            }
        }
        if let packed = try? String(contentsOfFile: gitDirectory + "/packed-refs", encoding: .utf8) {
            files.append("packed-refs:" + packed)
        }
        return files.sorted()
    }

    func packs() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: gitDirectory + "/objects/pack").filter { $0.hasSuffix(".pack") }
    }

    func looseObjectCount() throws -> Int {
        let counts = try git("count-objects", "-v")
        let line = counts.split(separator: "\n").first { $0.hasPrefix("count: ") }!
        return Int(line.dropFirst("count: ".count))!
    }
}

/// The `code` of the `Diagnostic` that `body` throws, `nil` when it throws none.
func diagnosticCode(_ body: () throws -> Void) -> String? {
    do {
        try body()
        return nil
    } catch let diagnostic as Diagnostic {
        return diagnostic.code
    } catch {
        return "not a diagnostic: \(error)"
    }
}
