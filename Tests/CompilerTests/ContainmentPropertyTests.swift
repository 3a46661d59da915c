import Compiler
import Diagnostics
import FileSources
import Foundation
import ProcessRunner
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The files of a `FileSource` whose contents or entries were read, for checking where.
final class RecordingFiles: FileSource, @unchecked Sendable {
    let base: any FileSource
    private let lock = NSLock()
    private var recorded: [String] = []

    init(_ base: any FileSource) {
        self.base = base
    }

    var reads: [String] {
        lock.lock()
        defer { lock.unlock() }
        return recorded
    }

    private func record(_ path: String) {
        lock.lock()
        recorded.append(path)
        lock.unlock()
    }

    func contents(of path: String) -> [UInt8]? {
        let bytes = base.contents(of: path)
        if bytes != nil { record(path) }
        return bytes
    }

    func children(of folder: String) -> [String]? {
        let names = base.children(of: folder)
        if names != nil { record(folder) }
        return names
    }

    func kind(of path: String) -> FileKind? { base.kind(of: path) }
    func resolvingSymlinks(_ path: String) -> String? { base.resolvingSymlinks(path) }
    func isSymbolicLink(_ path: String) -> Bool { base.isSymbolicLink(path) }
}

/// Property: whatever links a source tree holds (to files and folders inside the source
/// root, inside a template root, in a forbidden folder beside them, looping), a compile
/// reads nothing outside the source root and the template root, links resolved by the
/// operating system (realpath), whether it succeeds or fails.
@Suite struct ContainmentPropertyTests {
    static func configMap(_ name: String) -> String {
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: \(name)\n  namespace: web\n"
    }

    static func realPath(_ path: String) -> String? {
        guard let real = realpath(path, nil) else { return nil }
        defer { free(real) }
        return String(cString: real)
    }

    @Test func noReadEscapesTheRoots() throws {
        let seed = UInt64(ProcessInfo.processInfo.environment["GITOPSC_SEED"] ?? "") ?? 7_919
        print("noReadEscapesTheRoots seed: \(seed) (set GITOPSC_SEED to replay)")
        var random = SeededRandom(seed: seed)
        var outcomes: [Bool] = []
        for round in 0..<40 {
            let tree = try SourceTree([:])
            let base = tree.root
            let files = Self.randomTree(&random)
            for (path, text) in files.files { try tree.write(path, text) }
            for (path, target) in files.links {
                let url = base.appendingPathComponent(path)
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try? FileManager.default.createSymbolicLink(atPath: url.path, withDestinationPath: target)
            }
            let source = base.appendingPathComponent("src").path
            let recording = RecordingFiles(LocalFiles())
            do {
                _ = try Compiler(root: source, displayBase: source, files: recording).compile()
                outcomes.append(true)
            } catch {
                outcomes.append(false)
            }
            let allowed = [Self.realPath(source)!, Self.realPath(base.appendingPathComponent("upstream").path)!]
            for read in recording.reads {
                let real = Self.realPath(read) ?? read
                #expect(allowed.contains { real == $0 || real.hasPrefix($0 + "/") },
                        "seed \(seed) round \(round): read '\(read)' (\(real)) outside the roots; links \(files.links)")
            }
        }
        // The generator must make both kinds of tree, or the property says little.
        #expect(outcomes.contains(true) && outcomes.contains(false), "seed \(seed): outcomes \(outcomes)")
    }

    /// `src/` (environments, templates: plain and kustomization folders), `upstream/` (a
    /// template root) and `secret/` (neither), with links placed at random in the first two.
    static func randomTree(_ random: inout SeededRandom) -> (files: [String: String], links: [(String, String)]) {
        var files: [String: String] = [
            "src/gitopsc.yaml": "templateRoots:\n  up: ../upstream\n",
            "src/templates/plain/a.yaml": configMap("plain-a"),
            "src/templates/kust/kustomization.yaml": "resources:\n- b.yaml\n",
            "src/templates/kust/b.yaml": configMap("kust-b"),
            "src/shared/c.yaml": configMap("shared-c"),
            "upstream/web/d.yaml": configMap("up-d"),
            "upstream/kust/kustomization.yaml": "resources:\n- e.yaml\n",
            "upstream/kust/e.yaml": configMap("up-e"),
            "secret/s.yaml": configMap("secret"),
            "secret/kustomization.yaml": "resources:\n- s.yaml\n",
        ]
        // Link targets, relative to the tree's top folder: files and folders in each area, and loops.
        let targets = [
            "src/shared/c.yaml", "src/templates/kust", "src/shared", "upstream/web/d.yaml", "upstream/kust",
            "secret/s.yaml", "secret", "secret/kustomization.yaml", "src", "upstream", ".", "loop-self",
        ]
        let folders = ["src/templates/plain", "src/templates/kust", "upstream/web", "upstream/kust", "src/environments"]
        var links: [(String, String)] = []
        var kustomizationEntries: [String] = ["b.yaml"]
        for index in 0..<Int.random(in: 1...4, using: &random) {
            let folder = folders.randomElement(using: &random)!
            let target = targets.randomElement(using: &random)!
            let name = target.hasSuffix(".yaml") ? "link\(index).yaml" : "link\(index)"
            let depth = folder.split(separator: "/").count
            let relativeTarget = target == "loop-self" ? name : String(repeating: "../", count: depth) + target
            links.append(("\(folder)/\(name)", relativeTarget))
            if folder == "src/templates/kust" { kustomizationEntries.append(name) }
        }
        // Sometimes the kustomization file itself is a link.
        if Int.random(in: 0..<5, using: &random) == 0 {
            files["src/templates/kust/kustomization.yaml"] = nil
            links.append(("src/templates/kust/kustomization.yaml", Bool.random(using: &random) ? "../../../secret/kustomization.yaml" : "../../shared/k.yaml"))
            files["src/shared/k.yaml"] = "resources:\n- b.yaml\n"
        } else {
            files["src/templates/kust/kustomization.yaml"] = "resources:\n" + kustomizationEntries.map { "- \($0)\n" }.joined()
        }
        let templates = ["plain", "kust", "up:web", "up:kust"].filter { _ in Bool.random(using: &random) }
        var environment = "cluster: {name: east, server: https://east.example.com}\ncomponents:\n"
        for (index, template) in templates.enumerated() {
            environment += "  c\(index):\n    namespace: web\n    template: \(template)\n"
        }
        if templates.isEmpty { environment += "  c0:\n    template: plain\n" }
        environment += Bool.random(using: &random) ? "    resources: [shared/c.yaml]\n" : ""
        files["src/environments/east.yaml"] = environment
        return (files, links)
    }
}
