import Diagnostics
import FileSources
import FoundationEssentials
import YAML

public enum EnvironmentLoader {
    /// All environments below `root`/environments, sorted by name; every problem of every file reported together.
    ///
    /// Abstract environments are included (with `isAbstract` set), so that `explain` and
    /// `diff` can name them. Paths in marks and messages are relative to `displayBase`
    /// when below it.
    /// Files are read from `files`: the working tree by default, or a snapshot of a revision.
    public static func load(root: String, displayBase: String, files: any FileSource = LocalFiles()) throws(DiagnosticList) -> [Environment] {
        let folder = standardized(root + "/environments")
        guard files.kind(of: folder) == .folder else {
            throw DiagnosticList([Diagnostic(
                code: "environment.no-environments", message: "no environments folder",
                location: SourceLocation(file: displayPath(folder, base: displayBase), line: 0, column: 0))])
        }
        // An environment file may be a link, but only to a file inside the source root.
        let resolver = PathResolver(files: files, roots: [root], displayBase: displayBase)
        var loading = Loading()
        let found = discover(folder, in: files)
        for relative in found.folderLinks {
            let path = folder + "/" + relative
            loading.diagnostics.append(Diagnostic(
                code: "environment.folder-link",
                message: "'\(displayPath(path, base: displayBase))' is a symbolic link to a folder; links to folders in environments/ are not followed (one can loop or leave the source root): make it a folder",
                location: SourceLocation(file: displayPath(path, base: displayBase), line: 0, column: 0)))
        }
        // A fleet has thousands of files: each is checked (a link must stay in the root), read
        // and parsed side by side with the others, then taken in name order.
        let environments = found.environments
        let outcomes = concurrentMap(environments.count) { index -> (display: String, outcome: FileOutcome) in
            let (name, path) = environments[index]
            let display = displayPath(path, base: displayBase)
            guard !path.hasSuffix(".yml") else {
                return (display, .refused(Diagnostic(
                    code: "environment.file-extension",
                    message: "environment files end in .yaml: rename '\(display)' to '\(display.dropLast(".yml".count)).yaml'",
                    location: SourceLocation(file: display, line: 0, column: 0))))
            }
            do throws(Diagnostic) {
                try resolver.check(path, at: SourceLocation(file: display, line: 0, column: 0))
            } catch {
                return (display, .refused(error))
            }
            let parsed = Loading.parse(files.contents(of: path), display: display)
            return (display, .read(parsed, validName: EnvironmentSchema.environmentName.matches(name)))
        }
        for ((name, _), (display, outcome)) in zip(environments, outcomes) {
            switch outcome {
            case .refused(let problem): loading.diagnostics.append(problem)
            case .read(let parsed, let validName): loading.read(name: name, display: display, parsed: parsed, validName: validName)
            }
        }
        return try loading.resolve()
    }

    /// What became of one environment file: refused before reading (a `.yml` name, a link
    /// leaving the root), or read, parsed or not, and whether its name is valid.
    private enum FileOutcome: Sendable {
        case refused(Diagnostic)
        case read(Result<Node, Diagnostic>, validName: Bool)
    }

    /// `(name, path)` of every `.yaml` (and, to refuse them, `.yml`) file below `folder`,
    /// sorted by name, and the links to folders, which are not followed. Hidden files and
    /// folders (editor and VCS leftovers) are skipped.
    static func discover(_ folder: String, in files: any FileSource) -> (environments: [(String, String)], folderLinks: [String]) {
        let visible = { (relative: String) in
            !relative.parts(separatedBy: UInt8(ascii: "/")).contains { $0.utf8.first == UInt8(ascii: ".") }
        }
        let walk = files.walk(folder)
        let environments = walk.files.filter { visible($0) && ($0.hasSuffix(".yaml") || $0.hasSuffix(".yml")) }.map { relative in
            (String(relative[..<relative.lastIndex(of: ".")!]), folder + "/" + relative)
        }.sorted { $0.0 < $1.0 }
        return (environments, walk.folderLinks.filter(visible))
    }
}

/// One run of the loader: files read once, then chains, validation and merging.
private struct Loading {
    struct SourceFile {
        var name: String
        var display: String
        /// nil when the file could not be read or parsed.
        var node: Node?
        var parent: String? {
            node?["extends"]?.type == .string ? node?["extends"]?.text : nil
        }
    }

    var files: [String: SourceFile] = [:]
    var order: [String] = []
    var diagnostics: [Diagnostic] = []
    /// Files whose structure cannot be trusted (unreadable, not YAML, a value of the wrong
    /// type, a broken `extends`); environments built on them are not checked further, so
    /// that one mistake is reported once.
    var faulty: Set<String> = []
    var reportedOverrides: Set<SourceLocation> = []

    /// A file's spec, or why it has none: it could not be read (`bytes` is nil) or parsed.
    static func parse(_ bytes: [UInt8]?, display: String) -> Result<Node, Diagnostic> {
        guard let bytes else {
            return .failure(Diagnostic(
                code: "environment.unreadable", message: "cannot read the file", location: SourceLocation(file: display, line: 1, column: 1)))
        }
        do {
            let node = try YAMLParser.parseDocument(try YAMLParser.text(utf8: bytes, file: display), file: display)
            // An empty file is an empty spec, not a type error.
            return .success(node.isNull ? Node(.mapping([]), mark: node.mark) : node)
        } catch {
            return .failure(error)
        }
    }

    mutating func read(name: String, display: String, parsed: Result<Node, Diagnostic>, validName: Bool) {
        order.append(name)
        var file = SourceFile(name: name, display: display)
        defer { files[name] = file }
        if !validName {
            diagnostics.append(Diagnostic(code: "environment.invalid-name",
                                  message: "'\(name)' is not \(EnvironmentSchema.environmentName.expectation)",
                                  location: SourceLocation(file: display, line: 1, column: 1)))
        }
        switch parsed {
        case .success(let node): file.node = node
        case .failure(let problem): fail(name, problem)
        }
    }

    private mutating func fail(_ name: String, _ diagnostic: Diagnostic) {
        faulty.insert(name)
        diagnostics.append(diagnostic)
    }

    /// Names from the root layer to `name`, and whether the chain reached a root without
    /// meeting a missing parent or a cycle.
    func chain(of name: String) -> (names: [String], complete: Bool) {
        var names = [name]
        var current = name
        while let parent = files[current]?.parent {
            guard files[parent] != nil, !names.contains(parent) else { return (names.reversed(), false) }
            names.append(parent)
            current = parent
        }
        return (names.reversed(), true)
    }

    func chainFiles(_ names: [String]) -> [String] {
        names.compactMap { files[$0]?.display }
    }

    mutating func resolve() throws(DiagnosticList) -> [Environment] {
        checkExtends()
        let chains = Dictionary(uniqueKeysWithValues: order.map { ($0, chain(of: $0)) })
        // Each file is checked against the schema on its own, so the files are checked side
        // by side; the findings are taken in name order.
        let nodes = order.map { files[$0]?.node }
        let chainsShown = order.map { chainFiles(chains[$0]!.names) }
        let schemaFindings = concurrentMap(order.count) { index -> [Diagnostic] in
            guard let node = nodes[index] else { return [] }
            var validator = SchemaValidator(chain: chainsShown[index])
            validator.validate(node, EnvironmentSchema.spec, path: "")
            return validator.diagnostics
        }
        for (name, findings) in zip(order, schemaFindings) {
            if findings.contains(where: { $0.code == "environment.wrong-type" }) {
                faulty.insert(name)
            }
            diagnostics += findings
        }
        // Parents first, so that each environment merges only its own layer over its
        // parent's result: a fleet of clusters below one parent merges that parent once.
        // Environments of one chain length depend on none of each other: they are merged
        // side by side.
        var built: [String: Environment] = [:]
        var byLength: [Int: [(name: String, layers: [EnvironmentLayer])]] = [:]
        for name in order {
            let (names, complete) = chains[name]!
            let layers = names.compactMap { layer in
                files[layer]?.node.map { EnvironmentLayer(name: layer, file: files[layer]!.display, node: $0) }
            }
            guard complete, layers.count == names.count else { continue }
            byLength[names.count, default: []].append((name, layers))
        }
        // Each environment is checked as it is built, unless it stands on a faulty file.
        let faulty = faulty
        var findings: [String: [Diagnostic]] = [:]
        for length in byLength.keys.sorted() {
            let level = byLength[length]!
            let parents = level.map { $0.layers.count > 1 ? built[$0.layers[$0.layers.count - 2].name] : nil }
            let environments = concurrentMap(level.count) { index in
                let environment = Self.build(name: level[index].name, layers: level[index].layers, parent: parents[index])
                return (environment, faulty.isDisjoint(with: environment.chain) ? Self.problems(of: environment) : [])
            }
            for (environment, problems) in environments {
                built[environment.name] = environment
                findings[environment.name] = problems
            }
        }
        var environments: [Environment] = []
        for name in order {
            guard let environment = built[name] else { continue }
            for problem in findings[name] ?? [] {
                // An unknown patch is reported once, though every environment below it sees it.
                guard problem.code != Self.unknownPatch || reportedOverrides.insert(problem.location!).inserted else { continue }
                diagnostics.append(problem)
            }
            environments.append(environment)
        }
        guard diagnostics.isEmpty else {
            let sorted = diagnostics.enumerated().sorted { a, b in
                let l = a.element.location, r = b.element.location
                let left = (l?.file ?? "", l?.line ?? 0, l?.column ?? 0), right = (r?.file ?? "", r?.line ?? 0, r?.column ?? 0)
                return left != right ? left < right : a.offset < b.offset
            }
            throw DiagnosticList(sorted.map(\.element))
        }
        return environments
    }

    /// Missing parents (with a did-you-mean) and cycles, each cycle reported once.
    mutating func checkExtends() {
        var reportedCycles: Set<[String]> = []
        for name in order {
            guard let file = files[name], let parent = file.parent, let mark = file.node?["extends"]?.mark else { continue }
            guard files[parent] != nil else {
                var message = "environment '\(name)' extends '\(parent)', which does not exist"
                if let suggestion = closestMatch(to: parent, in: order.filter { $0 != name }) {
                    message += "; did you mean '\(suggestion)'?"
                }
                fail(name, Diagnostic(code: "environment.missing-parent", message: message,
                                      location: mark.location, chain: [file.display]))
                continue
            }
            // Follow the parents; a cycle is reported by its smallest member, at its `extends`.
            var seen = [name]
            var current: String? = parent
            while let next = current, let nextFile = files[next], !seen.contains(next) {
                seen.append(next)
                current = nextFile.parent
            }
            guard let last = current, let start = seen.firstIndex(of: last) else { continue }
            let members = Array(seen[start...])
            guard members.min() == name, reportedCycles.insert(members.sorted()).inserted else { continue }
            for member in members { faulty.insert(member) }
            diagnostics.append(Diagnostic(
                code: "environment.extends-cycle",
                message: "extends cycle: \(chainFiles(members + [name]).joined(separator: " -> "))",
                location: mark.location, chain: chainFiles(members)))
        }
    }

    static let unknownPatch = "environment.unknown-patch"

    /// The checks of one merged environment: its unknown patches and, when concrete, its
    /// destination.
    static func problems(of environment: Environment) -> [Diagnostic] {
        var problems = unknownPatches(in: environment)
        if !environment.isAbstract, let problem = destinationProblem(of: environment) { problems.append(problem) }
        return problems
    }

    /// A named patch without `patch` or `path` changes an inherited patch of that name. One
    /// still without either after merging named no inherited patch: a typo that would
    /// otherwise change nothing.
    static func unknownPatches(in environment: Environment) -> [Diagnostic] {
        let lists = [environment.patches] + (environment.spec["components"]?.entries ?? []).map { $0.value["patches"]?.items ?? [] }
        return lists.joined().compactMap { patch in
            // An unnamed patch without either is reported by the schema check.
            guard patch["patch"] == nil, patch["path"] == nil, let name = patch["name"]?.text, let location = patch.mark.location else { return nil }
            return Diagnostic(
                code: unknownPatch,
                message: "patch '\(name)' has neither 'patch' nor 'path', and no layer before this one has a patch named '\(name)' to change",
                location: location, chain: environment.chainFiles)
        }
    }

    /// A concrete environment needs a destination: a cluster with exactly one of
    /// `server` and `argocdName`.
    static func destinationProblem(of environment: Environment) -> Diagnostic? {
        let cluster = environment.spec["cluster"]
        let server = cluster?["server"], argocdName = cluster?["argocdName"]
        let problem: (code: String, message: String, mark: Mark)?
        switch (cluster, server, argocdName) {
        case (nil, _, _):
            problem = ("environment.missing-cluster", "concrete environment '\(environment.name)' has no cluster; set cluster.server or cluster.argocdName, or mark it abstract: true",
                       Mark(file: environment.file, line: 1, column: 1))
        case (let cluster?, nil, nil):
            problem = ("environment.cluster-destination", "cluster of concrete environment '\(environment.name)' has neither server nor argocdName; set exactly one", cluster.mark)
        case (_, let server?, let argocdName?):
            let other = argocdName.mark.location.map { " (\($0))" } ?? ""
            problem = ("environment.cluster-destination", "cluster of concrete environment '\(environment.name)' sets both server and argocdName\(other); set exactly one, null deletes an inherited one", server.mark)
        default:
            problem = nil
        }
        return problem.map { Diagnostic(code: $0.code, message: $0.message, location: $0.mark.location, chain: environment.chainFiles) }
    }

    /// Merges the layers (root first) into one environment; with the `parent` built from
    /// all but the last layer, merges just the last one over it (the same result).
    static func build(name: String, layers: [EnvironmentLayer], parent: Environment? = nil) -> Environment {
        var spec = parent?.spec ?? Node(.mapping([]), mark: layers[0].node.mark)
        var patches: [Node] = parent?.patches ?? []
        for layer in parent == nil ? layers[...] : layers.suffix(1) {
            var body = layer.node
            body["extends"] = nil
            body["abstract"] = nil
            if let own = body["patches"] {
                // `patches: null` drops the inherited patches, as null deletes any key.
                patches = own.isNull ? [] : SpecMerge.accumulatedPatches(patches, own.items ?? [])
                body["patches"] = nil
            }
            spec = SpecMerge.merged(spec, body, path: []) ?? spec
        }
        let own = layers[layers.count - 1]
        let abstract = own.node["abstract"]?.boolValue ?? false
        var environment = Environment(
            name: name, file: own.file, chain: layers.map(\.name), chainFiles: layers.map(\.file),
            isAbstract: abstract, spec: spec, patches: patches)
        environment.layers = layers
        return environment
    }
}
