import Diagnostics
import Environments
import FileSources
import Kustomize
import Manifests
import YAML

/// The code each libFuzzer target runs on one input, as plain functions: the fuzz executables
/// (`Fuzz/Mains`, built only by `scripts/fuzz`) call them through `@_cdecl` entry points, and
/// `FuzzRegressionTests` replays the inputs under `Fuzz/regressions/<target>/` through them.
///
/// An input the code rejects with a `Diagnostic` is a pass; only a crash (trap, sanitizer
/// report, timeout, memory limit) is a finding. The few checks that trap on purpose say why.
public enum FuzzTargets {
    /// The targets by name, as `scripts/fuzz` and the regression folders name them.
    public static let all: [(name: String, run: @Sendable ([UInt8]) -> Void)] = [
        ("yaml", yaml), ("kustomize", kustomize), ("environments", environments), ("merge", merge), ("jsonpatch", jsonPatch),
        ("pattern", pattern),
    ]

    /// Parses a YAML stream; what parses must emit, with the text libyaml gives each document,
    /// and the emitted text must parse again.
    public static func yaml(_ input: [UInt8]) {
        guard let documents = try? YAMLParser.parseStream(text(input), file: "fuzz.yaml") else { return }
        let emitted = YAMLEmitter.emitStream(documents)
        for document in documents {
            let text = YAMLEmitter.emit(document), libyaml = YAMLEmitter.emitThroughLibyaml(document)
            if text != libyaml { fatalError("emitted without libyaml:\n\(text)\nthrough libyaml:\n\(libyaml)") }
        }
        do {
            _ = try YAMLParser.parseStream(emitted, file: "emitted.yaml")
        } catch {
            fatalError("gitopsc emitted YAML it cannot parse (\(error)):\n\(emitted)")
        }
    }

    /// A folder of files (see `files(_:default:)`, the kustomization by default) built as a
    /// kustomization at `/fuzz`, and its output emitted.
    public static func kustomize(_ input: [UInt8]) {
        let store = SourceStore(displayBase: root, files: snapshot(input, default: "kustomization.yaml"))
        _ = try? KustomizeBuilder(store: store).buildYAML(root)
    }

    /// Environment files (`environments/base.yaml` by default) loaded and resolved, and the
    /// operator, TektonConfig and Argo CD Applications of every concrete environment rendered.
    public static func environments(_ input: [UInt8]) {
        let files = snapshot(input, default: "environments/base.yaml")
        guard let loaded = try? EnvironmentLoader.load(root: root, displayBase: root, files: files) else { return }
        for environment in loaded where !environment.isAbstract {
            let context = RenderContext(
                environment: environment.name, repositoryURL: "https://example.com/gitops.git", targetRevision: "main", folder: "out")
            let spec = environment.spec
            _ = try? spec["operator"].map { section throws(Diagnostic) in try OperatorManifests.render(section, context: context) }
            if let section = spec["tektonConfig"], let wave = try? OperatorManifests.syncWave(of: spec["operator"]) {
                _ = try? TektonConfigManifest.render(section, operatorSyncWave: wave, context: context)
            }
            guard let argocd = try? ArgoApplications.Settings(spec["argocd"]) else { return }
            for entry in spec["components"]?.entries ?? [] {
                guard let wave = try? ArgoApplications.syncWave(of: entry.name, settings: entry.value) else { continue }
                let component = ComponentApplicationInput(name: entry.name, namespace: "default", syncWave: wave, path: "out/c")
                _ = try? ArgoApplications.application(
                    for: component, settings: argocd, cluster: spec["cluster"] ?? .mapping([]), context: context)
            }
            _ = ArgoApplications.root(settings: argocd, context: context)
        }
    }

    /// Two YAML documents, a strategic merge patch and its target, merged both leniently
    /// (kustomize) and strictly (environment specs).
    public static func merge(_ input: [UInt8]) {
        guard let (patch, target) = twoDocuments(input) else { return }
        _ = try? StrategicMerge.apply(patch, to: target)
        _ = try? StrategicMerge.apply(patch, to: target, strict: true)
    }

    /// Two YAML documents, a JSON 6902 patch (a list of operations) and its target.
    public static func jsonPatch(_ input: [UInt8]) {
        guard let (patch, target) = twoDocuments(input),
              let operations = try? JSONPatch.operations(from: patch) else { return }
        _ = try? JSONPatch.apply(operations, to: target)
    }

    /// A regular expression (the first line) matched against a text (the rest), as patch
    /// targets and CRD patterns are: it compiles or not, and matches in linear time. Wrapped
    /// in a group it must answer the same, though a plain pattern takes the literal shortcut
    /// and the group the matcher's program.
    public static func pattern(_ input: [UInt8]) {
        let whole = text(input)
        let line = whole.firstIndex(of: "\n") ?? whole.endIndex
        let expression = String(whole[..<line])
        let subject = line == whole.endIndex ? "" : String(whole[whole.index(after: line)...])
        guard let pattern = Pattern(expression) else { return }
        let found = pattern.matches(subject)
        if let grouped = Pattern("(?:" + expression + ")"), grouped.matches(subject) != found {
            fatalError("'\(expression)' and '(?:\(expression))' disagree on \(subject.debugDescription)")
        }
    }

    // MARK: Input formats

    static let root = "/fuzz"

    static func text(_ input: [UInt8]) -> String {
        String(decoding: input, as: UTF8.self)
    }

    /// Several files in one input: a line `#@ path` starts the file at `path` (relative to the
    /// folder); text before the first such line is the file `default`.
    public static func files(_ input: [UInt8], default first: String) -> [String: [UInt8]] {
        var files: [String: [UInt8]] = [:]
        var path = first
        var lines: [Substring] = []
        func close() {
            if !lines.isEmpty || files[path] == nil { files[path] = Array(lines.joined(separator: "\n").utf8) }
            lines = []
        }
        for line in text(input).split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("#@ ") {
                close()
                path = String(line.dropFirst(3))
            } else {
                lines.append(line)
            }
        }
        close()
        // Only paths that stay inside the folder: the fuzzer must never reach the real disk.
        return files.filter { path, _ in
            !path.isEmpty && !path.hasPrefix("/") && !path.hasSuffix("/")
                && !path.split(separator: "/", omittingEmptySubsequences: false).contains { $0.isEmpty || $0 == "." || $0 == ".." }
        }
    }

    static func snapshot(_ input: [UInt8], default first: String) -> SnapshotFiles {
        SnapshotFiles(root: root, files: files(input, default: first))
    }

    static func twoDocuments(_ input: [UInt8]) -> (Node, Node)? {
        guard let documents = try? YAMLParser.parseStream(text(input), file: "fuzz.yaml"), documents.count == 2 else { return nil }
        return (documents[0], documents[1])
    }
}
