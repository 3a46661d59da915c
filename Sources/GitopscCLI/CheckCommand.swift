import ArgumentParser
import Compiler
import Diagnostics
import Diff
import FileSources
import Foundation
import GitStore

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Compile in memory, validate, and compare with the committed rendered output (a pre-commit gate).",
        discussion: """
            Compares with the output folder (--output-dir, default the `output` of gitopsc.yaml) \
            or, with --branch, with that branch of the repository (--repo, default the source \
            repository), read with libgit2. Exit status: 0 fresh and valid, 1 stale or invalid, \
            2 input error.
            """
    )

    @Option(name: .customLong("root"), help: "The source folder holding environments/, templates/ and gitopsc.yaml.")
    var root: String = "."

    @Option(name: .customLong("output-dir"), help: "The committed output folder to compare with.")
    var outputDirectory: String?

    @Option(name: .customLong("branch"), help: "Compare with this branch instead of an output folder.")
    var branch: String?

    @Option(name: .customLong("repo"), help: "The repository holding --branch (default: the source repository).")
    var repository: String?

    @OptionGroup var diagnostics: DiagnosticOptions

    func run() throws {
        let root = URL(fileURLWithPath: self.root).standardizedFileURL.path
        let (tree, committed) = try diagnostics.reportingInputErrors { () throws -> (RenderedTree, [String: String]) in
            let compiler = try Compiler(root: root)
            let tree = try compiler.compile()
            return (tree, try committedFiles(folder: tree.folder, settings: compiler.settings, root: root))
        }
        let problems = RenderedChecks.validate(tree)
        if !problems.isEmpty {
            diagnostics.print(problems)
            throw ExitStatus.failed
        }
        let stale = Staleness.staleEnvironments(expected: tree, committed: committed)
        guard stale.isEmpty else {
            let target = branch.map { "branch '\($0)'" } ?? "'\(outputDirectory ?? "the output folder of gitopsc.yaml")'"
            var message = "rendered output in \(target) is stale for \(stale.count) environment\(stale.count == 1 ? "" : "s"):\n"
            message += stale.map { "  \($0)\n" }.joined()
            message += shortDiff(committed: committed, expected: tree)
            message += branch == nil ? "run `gitopsc compile` and commit the result\n" : "run `gitopsc publish`\n"
            FileHandle.standardError.write(Data(message.utf8))
            throw ExitStatus.failed
        }
        print("rendered output is up to date (\(tree.environments.count) environments)")
    }

    /// The first lines of the semantic diff from the committed output to the expected one.
    private func shortDiff(committed: [String: String], expected: RenderedTree, lines limit: Int = 30) -> String {
        guard let difference = try? TreeDiffer.diff(old: committed, new: expected.files, folder: expected.folder), !difference.isEmpty else {
            return ""
        }
        let lines = DiffRenderer.render(difference, as: .text(colour: false)).split(separator: "\n", omittingEmptySubsequences: false)
        var text = lines.prefix(limit).joined(separator: "\n") + "\n"
        if lines.count > limit { text += "... (\(lines.count - limit) more lines: see `gitopsc diff`)\n" }
        return text
    }

    private func committedFiles(folder: String, settings: ProjectSettings, root: String) throws -> [String: String] {
        guard let branch else {
            let output = outputDirectory.map { URL(fileURLWithPath: $0).standardizedFileURL.path } ?? root + "/" + settings.output
            return Staleness.committedFiles(in: output, folder: folder)
        }
        let repository = try GitRepository(path: self.repository ?? root, searchParents: self.repository == nil)
        guard let tip = try repository.tip(of: branch) else { return [:] }
        return try repository.files(atCommit: tip, under: folder).mapValues { String(decoding: $0, as: UTF8.self) }
    }
}
