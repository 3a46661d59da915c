import Foundation
import ProcessRunner
import Testing

/// Hostile input through the real executable: each case writes a small project (big inputs
/// generated in code), runs the built `gitopsc` as a child process under a memory cap and a
/// timeout, and checks the exit status, the wording and position of each error, and that
/// nothing outside the output folder changed (nothing at all when the run fails). A crash or
/// a hang fails one case instead of the whole run.
@Suite(.enabled(if: gitopscBinary != nil, "the gitopsc executable is not built beside the tests: run `swift build --build-tests`"))
struct HostileInputTests {
    @Test(arguments: HostileInputTests.cases)
    func hostileInput(_ hostile: HostileCase) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gitopsc-hostile-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let project = folder.appendingPathComponent("project")
        let fileManager = FileManager.default
        for name in ["project", "outside", "upstream"] {
            try fileManager.createDirectory(at: folder.appendingPathComponent(name), withIntermediateDirectories: true)
        }
        try Data("sentinel\n".utf8).write(to: folder.appendingPathComponent("outside/sentinel.txt"))
        try Data(Self.outsideConfigMap.utf8).write(to: folder.appendingPathComponent("outside/cm.yaml"))
        for file in hostile.files {
            let url = project.appendingPathComponent(file.path).standardizedFileURL
            try fileManager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(file.bytes()).write(to: url)
        }
        for link in hostile.links {
            let url = project.appendingPathComponent(link.path)
            try fileManager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try fileManager.createSymbolicLink(atPath: url.path, withDestinationPath: link.target)
        }
        try hostile.setup?(project)
        let before = folderSnapshot(folder)

        let started = Date()
        let run = try gitopscConfined(hostile.arguments, in: project)
        let seconds = Date().timeIntervalSince(started)
        let report = "gitopsc \(hostile.arguments.joined(separator: " ")) -> \(run.status) in \(String(format: "%.2f", seconds)) s\nstderr: \(run.stderr.prefix(3000))"

        #expect(run.status != 124 && run.status < 128, "crashed, killed or timed out: \(report)")
        #expect(run.status == hostile.status, "\(report)")
        for error in hostile.errors {
            #expect(run.stderr.contains(error), "missing \(error.debugDescription)\n\(report)")
        }
        for text in hostile.output {
            #expect(run.stdout.contains(text), "missing on stdout \(text.debugDescription)\n\(report)\nstdout: \(run.stdout.prefix(2000))")
        }
        for text in hostile.absent + ["NSCocoaErrorDomain", "Fatal error", "internal error"] {
            #expect(!run.stderr.contains(text), "unexpected \(text.debugDescription)\n\(report)")
        }

        // Containment: a failed run changes nothing; a successful one only its output folder.
        let after = folderSnapshot(folder)
        let allowed = hostile.status == 0 ? hostile.writes.map { "project/" + $0 } : nil
        func relevant(_ snapshot: [String: String]) -> [String: String] {
            guard let allowed else { return snapshot }
            return snapshot.filter { $0.key != allowed && !$0.key.hasPrefix(allowed + "/") }
        }
        let changed = Set(relevant(before).keys).union(relevant(after).keys).filter { before[$0] != after[$0] }.sorted()
        #expect(changed.isEmpty, "changed outside the output folder: \(changed.prefix(10))\n\(report)")
        #expect(after["outside/sentinel.txt"] == before["outside/sentinel.txt"])
        for (path, exists) in hostile.outputFiles {
            #expect(fileManager.fileExists(atPath: project.appendingPathComponent(path).path) == exists, "\(path) \(exists ? "missing" : "written")\n\(report)")
        }
        for (path, bytes) in hostile.survivors {
            #expect(fileManager.contents(atPath: project.appendingPathComponent(path).path) == Data(bytes.utf8), "\(path) did not survive\n\(report)")
        }

        if let oracleFolder = hostile.kustomizeOracle {
            guard let kubectl = Oracles.executable("kubectl") else {
                #expect(!Oracles.required, "kubectl is required (GITOPSC_REQUIRE_ORACLES=1) but not on PATH")
                return
            }
            let oracle = try runProcess(kubectl, ["kustomize", oracleFolder], in: project)
            #expect(oracle.status == 0, "kubectl kustomize failed: \(oracle.stderr)")
            #expect(run.stdout == oracle.stdout, "differs from kubectl kustomize:\n\(run.stdout.prefix(2000))\n---\n\(oracle.stdout.prefix(2000))")
        }
    }

    static let outsideConfigMap = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: outside\ndata:\n  secret: \"yes\"\n"

    // MARK: The project the compile cases start from

    /// `prod/east` extends an abstract `base` that deploys the plain template `web`; the
    /// lines a case appends to `east.yaml` start at line 5.
    static let base = "abstract: true\ncomponents:\n  web: {namespace: web}\n"
    static let east = "extends: base\ncluster:\n  name: east\n  server: https://api.east.example.com:6443\n"
    static let service = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n  - port: 80\n"

    /// The project with `files` added or replacing its own.
    static func project(_ files: [HostileFile]) -> [HostileFile] {
        let replaced = Set(files.map(\.path))
        let standard: [HostileFile] = [
            .text("environments/base.yaml", base),
            .text("environments/prod/east.yaml", east),
            .text("templates/web/service.yaml", service),
        ]
        return standard.filter { !replaced.contains($0.path) } + files
    }

    /// A compile case over the standard project.
    static func compile(
        _ name: String, _ files: [HostileFile], links: [HostileLink] = [], setup: (@Sendable (URL) throws -> Void)? = nil,
        arguments: [String] = ["compile"], status: Int32 = 2, errors: [String] = [], output: [String] = [],
        absent: [String] = [], survivors: [String: String] = [:], outputFiles: [String: Bool] = [:]
    ) -> HostileCase {
        HostileCase(
            name: name, files: project(files), links: links, setup: setup, arguments: arguments, status: status,
            errors: errors, output: output, absent: absent, writes: "out", survivors: survivors, outputFiles: outputFiles)
    }

    /// `east.yaml` with `lines` appended (they start at line 5).
    static func east(_ lines: String) -> HostileFile {
        .text("environments/prod/east.yaml", east + lines)
    }

    /// A build case of the kustomization folder `app`.
    static func build(
        _ name: String, _ files: [HostileFile], links: [HostileLink] = [], status: Int32 = 2, errors: [String] = [],
        output: [String] = [], oracle: Bool = false
    ) -> HostileCase {
        HostileCase(
            name: name, files: files, links: links, arguments: ["build", "app"], status: status, errors: errors,
            output: output, kustomizeOracle: oracle ? "app" : nil)
    }

    static let kustomization = HostileFile.text("app/kustomization.yaml", "resources:\n- cm.yaml\n")
    static let depth = "collections nest deeper than 512 levels, the limit of YAMLParser.maximumNestingDepth"

    static let cases: [HostileCase] = nesting + aliases + sizes + syncWaves + links + byteOrderMarks + mergeKeys + encodings
        + secretsAndOutput + names + environments + placeholders + specSyntax + kustomizations + commands
}

// MARK: The cases

extension HostileInputTests {
    static let configMapHeader = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n"

    /// Nesting far past the limit, in every kind of file: an error at the first level past
    /// 512, found while parsing (no stack overflow, no quadratic time).
    static let nesting: [HostileCase] = [
        compile(
            "spec: block mapping 10,000 levels under values:",
            [.raw("environments/prod/east.yaml") { Array((east + "values:\n").utf8) + Hostile.blockMapping(levels: 10_000, indent: 2) }],
            errors: ["environments/prod/east.yaml:517:514: error: \(depth)"]),
        compile(
            "spec: flow sequence 20,000 levels",
            [east("values:\n  deep: " + Hostile.flowSequence(depth: 20_000) + "\n")],
            errors: ["environments/prod/east.yaml:6:519: error: \(depth)"]),
        compile(
            "spec: block sequence 100,000 levels",
            [east("values:\n  deep:\n  " + Hostile.blockSequence(depth: 100_000) + "\n")],
            errors: ["environments/prod/east.yaml:7:1023: error: \(depth)"]),
        compile(
            "template resource: block sequence 100,000 levels",
            [.text("templates/web/deep.yaml", configMapHeader + "  deep:\n  " + Hostile.blockSequence(depth: 100_000) + "\n")],
            errors: ["templates/web/deep.yaml:7:1023: error: \(depth)"]),
        build(
            "resource: flow sequence 20,000 levels",
            [kustomization, .text("app/cm.yaml", configMapHeader + "  deep: " + Hostile.flowSequence(depth: 20_000) + "\n")],
            errors: ["app/cm.yaml:6:519: error: \(depth)"]),
        build(
            "resource: block sequence 100,000 levels",
            [kustomization, .text("app/cm.yaml", configMapHeader + "  deep:\n  " + Hostile.blockSequence(depth: 100_000) + "\n")],
            errors: ["app/cm.yaml:7:1023: error: \(depth)"]),
        build(
            "resource: block mapping 10,000 levels",
            [kustomization, .raw("app/cm.yaml") { Array(configMapHeader.utf8) + Hostile.blockMapping(levels: 10_000, indent: 2) }],
            errors: ["app/cm.yaml:517:514: error: \(depth)"]),
        build(
            "kustomization: flow sequence 20,000 levels",
            [.text("app/kustomization.yaml", "resources:\n- cm.yaml\ncommonLabels:\n  a: " + Hostile.flowSequence(depth: 20_000) + "\n"),
             .text("app/cm.yaml", configMapHeader)],
            errors: ["app/kustomization.yaml:4:516: error: \(depth)"]),
        compile(
            "gitopsc.yaml: flow sequence 20,000 levels",
            [.text("gitopsc.yaml", "templateRoots: " + Hostile.flowSequence(depth: 20_000) + "\n")],
            errors: ["gitopsc.yaml:1:527: error: \(depth)"]),
        compile(
            "explain: spec nested 20,000 levels",
            [east("values:\n  deep: " + Hostile.flowSequence(depth: 20_000) + "\n")],
            arguments: ["explain", "prod/east", "values.deep"],
            errors: ["environments/prod/east.yaml:6:519: error: \(depth)"]),
        compile(
            "diff: one side nested 100,000 levels",
            [.text("environments/prod/west.yaml", east.replacingOccurrences(of: "east", with: "west") + "values:\n  deep:\n  " + Hostile.blockSequence(depth: 100_000) + "\n")],
            arguments: ["diff", "prod/east", "prod/west"],
            errors: ["environments/prod/west.yaml:7:1023: error: \(depth)"]),
    ]

    /// Aliases that would expand a small file into gigabytes: an error at the alias that
    /// crosses the limit.
    static let aliases: [HostileCase] = [
        build(
            "resource: 2 MiB scalar aliased 1,000 times",
            [kustomization, .generated("app/cm.yaml") { Hostile.aliasByteBomb(prefix: configMapHeader, count: 1_000) }],
            errors: ["app/cm.yaml:18:5: error: aliases expand this input beyond"]),
        compile(
            "spec: 2 MiB scalar aliased 1,000 times",
            [.generated("environments/prod/east.yaml") { Hostile.aliasByteBomb(prefix: east + "values:\n", count: 1_000) }],
            errors: ["environments/prod/east.yaml:18:5: error: aliases expand this input beyond 21062630 bytes of scalars (10 times its size, at least 1048576: YAMLParser.aliasExpansionFactor)"]),
        compile(
            "spec: billion laughs",
            [.text("environments/prod/east.yaml", Hostile.billionLaughs(prefix: east + "values:\n", indent: "  "))],
            errors: ["environments/prod/east.yaml:11:47: error: aliases expand this input beyond 100000 nodes (10 times its size in bytes, at least 100000: YAMLParser.aliasExpansionFactor)"]),
        build(
            "resource: billion laughs",
            [kustomization, .text("app/cm.yaml", Hostile.billionLaughs(prefix: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\nlols:\n", indent: "  "))],
            errors: ["app/cm.yaml:11:47: error: aliases expand this input beyond 100000 nodes"]),
        build(
            "kustomization: billion laughs",
            [.text("app/kustomization.yaml", Hostile.billionLaughs(prefix: "resources:\n- cm.yaml\ncommonAnnotations:\n", indent: "  ")),
             .text("app/cm.yaml", configMapHeader)],
            errors: ["app/kustomization.yaml:9:47: error: aliases expand this input beyond 100000 nodes"]),
    ]

    /// Big but honest input is not an error, and is fast.
    static let sizes: [HostileCase] = [
        build(
            "resource: 50,000-item list builds",
            [kustomization,
             .generated("app/cm.yaml") {
                 "apiVersion: example.com/v1\nkind: Big\nmetadata:\n  name: big\nspec:\n  items:\n" + (0..<50_000).map { "  - item-\($0)\n" }.joined()
             }],
            status: 0, output: ["  - item-0\n", "  - item-49999\n"], oracle: true),
        build(
            "resource: 50,000-key mapping builds",
            [kustomization, .generated("app/cm.yaml") { configMapHeader + (0..<50_000).map { "  key-\($0): v\($0)\n" }.joined() }],
            // No kubectl comparison: kubectl kustomize takes over a minute on this input.
            status: 0, output: ["  key-0: v0\n", "  key-49999: v49999\n"]),
        compile(
            "spec: 50,000-item values list compiles",
            [.generated("environments/prod/east.yaml") { east + "values:\n  items:\n" + (0..<50_000).map { "  - item-\($0)\n" }.joined() },
             .text("templates/web/big.yaml", "apiVersion: example.com/v1\nkind: Big\nmetadata:\n  name: big\nspec:\n  items: ${values.items}\n")],
            status: 0, output: ["compiled 1 environment"]),
        compile(
            "spec: 50,000-key values mapping compiles",
            [.generated("environments/prod/east.yaml") { east + "values:\n  data:\n" + (0..<50_000).map { "    key-\($0): v\($0)\n" }.joined() },
             .text("templates/web/big.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata: ${values.data}\n")],
            status: 0, output: ["compiled 1 environment"]),
        build(
            "resource: 5,000 documents build",
            [kustomization,
             .generated("app/cm.yaml") { (0..<5_000).map { "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-\($0)\n" }.joined() }],
            status: 0, output: ["  name: cm-0\n", "  name: cm-4999\n"]),
        build(
            "resource: 100,001 documents",
            [kustomization, .generated("app/cm.yaml") { String(repeating: "--- {}\n", count: 100_001) }],
            errors: ["app/cm.yaml:100001:1: error: more than 100000 documents"]),
        build(
            "resource: 9 MiB scalar",
            [kustomization, .generated("app/cm.yaml") { configMapHeader + "  big: " + String(repeating: "a", count: 9 << 20) + "\n" }],
            errors: ["app/cm.yaml:6:8: error: a scalar of 9437184 bytes, more than the limit of 8388608 (YAMLParser.maximumScalarBytes)"]),
    ]

    static let waveRange = "must be an integer from -1000000000 to 1000000000"

    /// Sync waves are bounded (gitopsc derives waves one either side, and Argo CD reads an
    /// int32): anything else is an error at the value.
    static let syncWaves: [HostileCase] = [
        compile(
            "operator syncWave 2^63-1",
            [east("operator: {syncWave: 9223372036854775807}\n")],
            errors: ["environments/prod/east.yaml:5:22: error: operator.syncWave \(waveRange), found '9223372036854775807'"]),
        compile(
            "component syncWave 2^63-1",
            [east("components:\n  web: {syncWave: 9223372036854775807}\n")],
            errors: ["environments/prod/east.yaml:6:19: error: components.web.syncWave \(waveRange), found '9223372036854775807'"]),
        compile(
            "component syncWave past 2^64",
            [east("components:\n  web: {syncWave: 99999999999999999999999}\n")],
            errors: ["environments/prod/east.yaml:6:19: error: components.web.syncWave: expected an int, found a float"]),
        compile(
            "component syncWave -10^9-1",
            [east("components:\n  web: {syncWave: -1000000001}\n")],
            errors: ["environments/prod/east.yaml:6:19: error: components.web.syncWave \(waveRange), found '-1000000001'"]),
        compile(
            "component syncWave 10^9 compiles",
            [east("components:\n  web: {syncWave: 1000000000}\n")],
            status: 0, output: ["compiled 1 environment"]),
    ]
}

extension HostileInputTests {
    /// Symbolic links and paths that lead out of the source root, or in circles.
    static let links: [HostileCase] = [
        // A named pipe blocks whoever opens it until a writer comes: read, it would hang.
        HostileCase(
            name: "resource that is a named pipe", files: [kustomization],
            setup: { project in
                guard mkfifo(project.appendingPathComponent("app/cm.yaml").path, 0o644) == 0 else { throw CocoaError(.fileWriteUnknown) }
            },
            arguments: ["build", "app"], status: 2, errors: ["cm.yaml: error: cannot read file"]),
        compile(
            "plain template folder: link to a file outside",
            [], links: [HostileLink(path: "templates/web/cm.yaml", target: "../../../outside/cm.yaml")],
            errors: ["environments/base.yaml:3:8: error: security; file 'templates/web/cm.yaml' is not in or below '.' (it resolves to '", "/outside/cm.yaml'); to read folders outside the source root"]),
        compile(
            "named template root: link to a file outside",
            [.text("gitopsc.yaml", "templateRoots:\n  upstream: ../upstream\n"),
             .text("../upstream/web/service.yaml", service),
             east("components:\n  web: {template: 'upstream:web'}\n")],
            links: [HostileLink(path: "../upstream/web/cm.yaml", target: "../../outside/cm.yaml")],
            errors: ["environments/prod/east.yaml:6:19: error: security; file '", "/upstream/web/cm.yaml' is not in or below '.' or '",
                     "/outside/cm.yaml'); to read folders outside the source root, name them in gitopsc.yaml templateRoots and write ROOT:PATH"]),
        compile(
            "kustomization template: kustomization.yaml linked outside its folder",
            [.text("templates/other/kustomization.yaml", "resources:\n- service.yaml\n"),
             .text("templates/other/service.yaml", service)],
            links: [HostileLink(path: "templates/web/kustomization.yaml", target: "../other/kustomization.yaml")],
            errors: ["environments/base.yaml:3:8: error: security; file 'templates/web/kustomization.yaml' is not in or below 'templates/web' (it resolves to 'templates/other/kustomization.yaml')"]),
        build(
            "build: kustomization.yaml linked outside its folder",
            [.text("base/kustomization.yaml", "resources:\n- cm.yaml\n"), .text("base/cm.yaml", configMapHeader)],
            links: [HostileLink(path: "app/kustomization.yaml", target: "../base/kustomization.yaml")],
            errors: ["app/kustomization.yaml: error: security; file 'app/kustomization.yaml' is not in or below 'app' (it resolves to 'base/kustomization.yaml')"]),
        compile(
            "environments/: folder link loop",
            [], links: [HostileLink(path: "environments/loop", target: ".")],
            errors: ["environments/loop: error: 'environments/loop' is a symbolic link to a folder; links to folders in environments/ are not followed (one can loop or leave the source root): make it a folder"]),
        compile(
            "environments/: file link outside the source root",
            [], links: [HostileLink(path: "environments/prod/west.yaml", target: "../../../outside/cm.yaml")],
            errors: ["environments/prod/west.yaml: error: security; file 'environments/prod/west.yaml' is not in or below '.' (it resolves to '", "/outside/cm.yaml')"]),
        build(
            "build: folder link loop among resources",
            [.text("app/kustomization.yaml", "resources:\n- loop\n")],
            links: [HostileLink(path: "app/loop", target: ".")],
            errors: ["app/kustomization.yaml:2:3: error: cycle detected: candidate root 'app' contains visited root 'app'"]),
        build(
            "build: two links pointing at each other",
            [.text("app/kustomization.yaml", "resources:\n- a.yaml\n")],
            links: [HostileLink(path: "app/a.yaml", target: "b.yaml"), HostileLink(path: "app/b.yaml", target: "a.yaml")],
            errors: ["app/kustomization.yaml:2:3: error: 'app/a.yaml' is a loop of symbolic links (too many levels)"]),
        build(
            "build: resources: [/etc/passwd]",
            [.text("app/kustomization.yaml", "resources:\n- /etc/passwd\n")],
            errors: ["app/kustomization.yaml:2:3: error: security; file '/etc/passwd' is not in or below 'app'"]),
        build(
            "build: resources: [../../outside]",
            [.text("app/kustomization.yaml", "resources:\n- ../../outside\n")],
            errors: ["app/kustomization.yaml:2:3: error: no kustomization file (kustomization.yaml, kustomization.yml, Kustomization) in '", "/outside'"]),
        build(
            "build: resources: [../../outside/cm.yaml]",
            [.text("app/kustomization.yaml", "resources:\n- ../../outside/cm.yaml\n")],
            errors: ["app/kustomization.yaml:2:3: error: security; file '", "/outside/cm.yaml' is not in or below 'app'"]),
        compile(
            "spec: resources: [/etc/passwd]",
            [east("components:\n  web:\n    resources: [/etc/passwd]\n")],
            errors: ["environments/prod/east.yaml:7:17: error: security; file '/etc/passwd' is not in or below '.'; to read folders outside the source root, name them in gitopsc.yaml templateRoots and write ROOT:PATH"]),
        compile(
            "spec: resources: [../outside]",
            [east("components:\n  web:\n    resources: [../outside]\n")],
            errors: ["environments/prod/east.yaml:7:17: error: security; folder '", "/outside' is not in or below '.'; to read folders outside"]),
        compile(
            "spec: template: ../../outside",
            [east("components:\n  web: {template: ../../outside}\n")],
            errors: ["environments/prod/east.yaml:6:19: error: security; folder '", "/outside' is not in or below 'templates'; to read folders outside"]),
        compile(
            "spec: patch path outside the source root",
            [east("patches:\n- path: ../outside/cm.yaml\n")],
            errors: ["environments/prod/east.yaml:6:9: error: security; file '", "/outside/cm.yaml' is not in or below '.'; to read folders outside"]),
    ]

    /// A UTF-8 byte order mark is ignored, as kustomize does.
    static let byteOrderMarks: [HostileCase] = [
        build(
            "BOM at the start of a resource",
            [kustomization, .raw("app/cm.yaml") { Hostile.bom + Array((configMapHeader + "  k: v\n").utf8) }],
            status: 0, output: ["name: cm"], oracle: true),
        build(
            "BOM at the start of a kustomization",
            [.raw("app/kustomization.yaml") { Hostile.bom + Array("resources:\n- cm.yaml\nnamePrefix: p-\n".utf8) },
             .text("app/cm.yaml", configMapHeader + "  k: v\n")],
            status: 0, output: ["name: p-cm"], oracle: true),
        build(
            "BOM after a --- line",
            [kustomization, .raw("app/cm.yaml") { Array((configMapHeader + "  k: v\n---\n").utf8) + Hostile.bom + Array("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: two\n".utf8) }],
            status: 0, output: ["name: two"], oracle: true),
        compile(
            "BOM at the start of a spec",
            [.raw("environments/prod/east.yaml") { Hostile.bom + Array(east.utf8) }],
            status: 0, output: ["compiled 1 environment"], outputFiles: ["out/clusters/prod/east/web/manifest.yaml": true]),
        compile(
            "BOM at the start of gitopsc.yaml",
            [.raw("gitopsc.yaml") { Hostile.bom + Array("output: out\n".utf8) }],
            status: 0, output: ["compiled 1 environment"]),
    ]

    /// Merge keys are merged, as kustomize does; anything but a mapping there is an error.
    static let mergeKeys: [HostileCase] = [
        build(
            "merge key <<: *base in a resource",
            [kustomization,
             .text("app/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n  labels: &base {a: '1', b: '2'}\ndata:\n  <<: *base\n  b: '3'\n")],
            status: 0, output: ["data:\n  a: \"1\"\n  b: \"3\"\n"], oracle: true),
        build(
            "merge key <<: [*a, *b] in a resource",
            [kustomization,
             .text("app/cm.yaml", "x-a: &a {a: '1', b: '1'}\nx-b: &b {b: '2', c: '2'}\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  <<: [*a, *b]\n  c: '3'\n")],
            status: 0, output: ["  a: \"1\"\n  b: \"1\"\n  c: \"3\"\n"], oracle: true),
        compile(
            "merge key in spec values, explained",
            [east("values:\n  defaults: &d {replicas: 2, tier: web}\n  web:\n    <<: *d\n    replicas: 3\n")],
            arguments: ["explain", "prod/east", "values.web.tier"],
            status: 0, output: ["values.web.tier = web"]),
        build(
            "merge key of a scalar",
            [kustomization, .text("app/cm.yaml", configMapHeader + "  s: &s text\n  m:\n    <<: *s\n")],
            errors: ["app/cm.yaml:8:5: error: the merge key '<<' takes a mapping or a sequence of mappings, not a scalar"]),
    ]

    /// Bytes that are not UTF-8, and characters YAML forbids: an error at their position.
    static let encodings: [HostileCase] = [
        compile(
            "gitopsc.yaml: invalid UTF-8",
            [.raw("gitopsc.yaml") { Hostile.splice("output: out@\n", [0xFF]) }],
            errors: ["gitopsc.yaml:1:12: error: invalid UTF-8"]),
        compile(
            "spec: invalid UTF-8",
            [.raw("environments/prod/east.yaml") { Hostile.splice(east + "description: caf@\n", [0xC3, 0x28]) }],
            errors: ["environments/prod/east.yaml:5:17: error: invalid UTF-8"]),
        build(
            "resource: invalid UTF-8",
            [kustomization, .raw("app/cm.yaml") { Hostile.splice(configMapHeader + "  k: v@\n", [0xFF]) }],
            errors: ["app/cm.yaml:6:7: error: invalid UTF-8"]),
        compile(
            "template resource: invalid UTF-8",
            [.raw("templates/web/cm.yaml") { Hostile.splice(configMapHeader + "  k: v@\n", [0xFE]) }],
            errors: ["templates/web/cm.yaml:6:7: error: invalid UTF-8"]),
        build(
            "resource: truncated sequence at the end",
            [kustomization, .raw("app/cm.yaml") { Array((configMapHeader + "  k: v").utf8) + [0xE2, 0x82] }],
            errors: ["app/cm.yaml:6:7: error: invalid UTF-8"]),
        build(
            "resource: overlong encoding",
            [kustomization, .raw("app/cm.yaml") { Hostile.splice(configMapHeader + "  k: @\n", [0xC0, 0xAF]) }],
            errors: ["app/cm.yaml:6:6: error: invalid UTF-8"]),
        build(
            "resource: UTF-16 surrogate encoded in UTF-8",
            [kustomization, .raw("app/cm.yaml") { Hostile.splice(configMapHeader + "  k: @\n", [0xED, 0xA0, 0x80]) }],
            errors: ["app/cm.yaml:6:6: error: invalid UTF-8"]),
        build(
            "resource: NUL byte mid-file",
            [kustomization, .raw("app/cm.yaml") { Hostile.splice(configMapHeader + "  k: a@b\n", [0x00]) }],
            errors: ["app/cm.yaml:6:7: error: control character U+0000 is not allowed in YAML"]),
        build(
            "kustomization: NUL byte mid-file",
            [.raw("app/kustomization.yaml") { Hostile.splice("resources:\n- cm@.yaml\n", [0x00]) }, .text("app/cm.yaml", configMapHeader)],
            errors: ["app/kustomization.yaml:2:5: error: control character U+0000 is not allowed in YAML"]),
        compile(
            "spec: NUL byte mid-file",
            [.raw("environments/prod/east.yaml") { Hostile.splice(east + "description: a@b\n", [0x00]) }],
            errors: ["environments/prod/east.yaml:5:15: error: control character U+0000 is not allowed in YAML"]),
    ]
}

extension HostileInputTests {
    static func ownership(_ paths: [String]) -> HostileFile {
        .text("out/clusters/.gitopsc/manifest.json", """
            {"environments": ["prod/east"], "generator": "gitopsc 0.1.0", "paths": [\(paths.map { "\"\($0)\"" }.joined(separator: ", "))]}

            """)
    }

    static let plaintext = "has plaintext data; use a sealed or external secret, or set secrets.allowPlaintext"

    /// Plaintext Secrets, and output folders that are not what they seem.
    static let secretsAndOutput: [HostileCase] = [
        compile(
            "Secret whose data: is a plain string",
            [.text("templates/web/secret.yaml", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\ndata: aHVudGVyMg==\n")],
            errors: ["templates/web/secret.yaml:1:1: error: Secret 'creds' of component 'web' \(plaintext)"]),
        compile(
            "Secret with stringData",
            [.text("templates/web/secret.yaml", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\nstringData:\n  password: hunter2\n")],
            errors: ["templates/web/secret.yaml:1:1: error: Secret 'creds' of component 'web' \(plaintext)"]),
        compile(
            "Secret with data, allowed",
            [.text("templates/web/secret.yaml", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\ndata:\n  password: aHVudGVyMg==\n"),
             east("secrets: {allowPlaintext: true}\n")],
            status: 0, output: ["compiled 1 environment"]),
        compile(
            "output folder is a file",
            [.text("out", "not a folder\n")],
            errors: ["error: output folder 'out' exists and is not a folder; nothing was written"],
            survivors: ["out": "not a folder\n"]),
        compile(
            "forged ownership manifest: clusters/../victim.txt",
            [ownership(["clusters/../victim.txt"]), .text("out/victim.txt", "victim\n")],
            errors: ["out/clusters/.gitopsc/manifest.json: error: the ownership manifest lists 'clusters/../victim.txt', which is not a path gitopsc writes below 'clusters'; nothing was written or deleted"],
            survivors: ["out/victim.txt": "victim\n"], outputFiles: ["out/clusters/prod/east/root.yaml": false]),
        compile(
            "forged ownership manifest: a path outside the output folder",
            [ownership(["clusters/prod/east/root.yaml", "../../outside/sentinel.txt"])],
            errors: ["error: the ownership manifest lists '../../outside/sentinel.txt'"]),
        compile(
            "forged ownership manifest: an absolute path",
            [ownership(["/etc/hostname"])],
            errors: ["error: the ownership manifest lists '/etc/hostname'"]),
        compile(
            "ownership manifest that is not JSON",
            [.text("out/clusters/.gitopsc/manifest.json", "paths: [x]\n")],
            errors: ["out/clusters/.gitopsc/manifest.json: error: not a gitopsc ownership manifest"]),
        compile(
            "environment folder in the output is a symbolic link",
            [ownership(["clusters/prod/east/root.yaml"])],
            links: [HostileLink(path: "out/clusters/prod/east", target: "../../../../outside")],
            errors: ["error: 'out/clusters/prod/east' is a symbolic link; gitopsc writes and deletes only real files and folders below the output folder, so nothing was written"]),
        compile(
            "output's folder is a symbolic link",
            [], links: [HostileLink(path: "out/clusters", target: "../../outside")],
            errors: ["error: 'out/clusters' is a symbolic link; gitopsc writes and deletes only real files and folders below the output folder, so nothing was written"]),
    ]

    /// Names that would collide in the output layout or in Argo CD.
    static let names: [HostileCase] = [
        compile(
            "component named apps",
            [east("components:\n  apps: {namespace: x}\n")],
            errors: ["environments/prod/east.yaml:6:3: error: component name 'apps' is reserved"]),
        compile(
            "component named root.yaml",
            [east("components:\n  root.yaml: {namespace: x}\n")],
            errors: ["environments/prod/east.yaml:6:3: error: component name 'root.yaml' is reserved"]),
        compile(
            "component named tektonconfig",
            [east("components:\n  tektonconfig: {namespace: x}\n")],
            errors: ["environments/prod/east.yaml:6:3: error: component name 'tektonconfig' is reserved"]),
        compile(
            "component named ../../escape",
            [east("components:\n  ../../escape: {namespace: x}\n")],
            errors: ["environments/prod/east.yaml:6:3: error: components: '../../escape' is not a valid component name (lower-case letters, digits, '.', '_', '-', no '/' or '..')"]),
        compile(
            "Application names collide: production/prod-east and production-prod/east",
            [.text("environments/production/prod-east.yaml", east.replacingOccurrences(of: "east", with: "one")),
             .text("environments/production-prod/east.yaml", east.replacingOccurrences(of: "east", with: "two"))],
            errors: ["environments/base.yaml:3:3: error: Argo CD Application 'production-prod-east-web' in namespace 'openshift-gitops' of component 'web' of environment 'production/prod-east' (environments/production/prod-east.yaml) has the same name as that of component 'web' of environment 'production-prod/east' (environments/production-prod/east.yaml); rename an environment or component",
                     "environments/production/prod-east.yaml:1:1: error: Argo CD Application 'production-prod-east-root'"]),
        compile(
            "two environments on one cluster",
            [.text("environments/prod/west.yaml", east.replacingOccurrences(of: "name: east", with: "name: west"))],
            errors: ["environments/prod/west.yaml:3:3: error: environments 'prod/east' and 'prod/west' both deploy to cluster server 'https://api.east.example.com:6443' (environments/prod/east.yaml:3:3); environments that share a cluster on purpose set cluster.shared: true"]),
        compile(
            "two environments on one cluster, a trailing slash apart",
            [.text("environments/prod/west.yaml", east.replacingOccurrences(of: "name: east", with: "name: west").replacingOccurrences(of: "6443\n", with: "6443/\n"))],
            errors: ["environments/prod/west.yaml:3:3: error: environments 'prod/east' and 'prod/west' both deploy to cluster server 'https://api.east.example.com:6443' (environments/prod/east.yaml:3:3); environments that share a cluster on purpose set cluster.shared: true"]),
        compile(
            "concrete environment inside another's folder",
            [.text("environments/prod.yaml", east.replacingOccurrences(of: "east", with: "prod"))],
            errors: ["environments/prod/east.yaml:1:1: error: environment 'prod/east' would be rendered inside 'clusters/prod', the folder of concrete environment 'prod' (environments/prod.yaml); make 'prod' abstract or rename one of them"]),
    ]
}

extension HostileInputTests {
    /// Environment files and their inheritance.
    static let environments: [HostileCase] = [
        compile(
            "enabled: False is YAML's false",
            [east("components:\n  web: {enabled: False}\n  extra: {namespace: extra, template: web}\n")],
            status: 0, output: ["compiled 1 environment: 4 files written"],
            outputFiles: ["out/clusters/prod/east/extra/manifest.yaml": true, "out/clusters/prod/east/web/manifest.yaml": false,
                          "out/clusters/prod/east/apps/web.yaml": false]),
        compile(
            "enabled: 'false' is a string, not a bool",
            [east("components:\n  web: {enabled: 'false'}\n")],
            errors: ["environments/prod/east.yaml:6:18: error: components.web.enabled: expected a bool, found a string"]),
        compile(
            ".yml environment file",
            [.text("environments/prod/west.yml", east)],
            errors: ["environments/prod/west.yml: error: environment files end in .yaml: rename 'environments/prod/west.yml' to 'environments/prod/west.yaml'"]),
        compile(
            "extends cycle",
            [.text("environments/a.yaml", "extends: b\nabstract: true\n"), .text("environments/b.yaml", "extends: a\nabstract: true\n"),
             .text("environments/prod/east.yaml", "extends: a\n" + east.dropFirst("extends: base\n".count))],
            errors: ["environments/a.yaml:1:10: error: extends cycle: environments/a.yaml -> environments/b.yaml -> environments/a.yaml"]),
        compile(
            "extends itself",
            [.text("environments/prod/east.yaml", "extends: prod/east\n" + east.dropFirst("extends: base\n".count))],
            errors: ["environments/prod/east.yaml:1:10: error: extends cycle: environments/prod/east.yaml -> environments/prod/east.yaml"]),
        compile(
            "missing parent",
            [.text("environments/prod/east.yaml", "extends: bsae\n" + east.dropFirst("extends: base\n".count))],
            errors: ["environments/prod/east.yaml:1:10: error: environment 'prod/east' extends 'bsae', which does not exist; did you mean 'base'?"]),
        compile(
            "environment name with upper case and a space",
            [.text("environments/Prod East.yaml", east)],
            errors: ["environments/Prod East.yaml:1:1: error: 'Prod East' is not a valid environment name (lower-case letters, digits, '.', '_', '-', segments separated by '/', no '..')"]),
        compile(
            "empty spec file",
            [.text("environments/prod/east.yaml", "")],
            errors: ["environments/prod/east.yaml:1:1: error: concrete environment 'prod/east' has no cluster; set cluster.server or cluster.argocdName, or mark it abstract: true"]),
        compile(
            "spec that is a list",
            [.text("environments/prod/east.yaml", "- extends: base\n")],
            errors: ["environments/prod/east.yaml:1:1: error: the environment file: expected a mapping, found a sequence"]),
        compile(
            "compile ../../outside/sentinel",
            [], arguments: ["compile", "../../outside/sentinel"],
            errors: ["error: no environment named '../../outside/sentinel' in environments/"]),
    ]

    static let chain = (0..<70).map { "  v\($0): ${values.v\($0 + 1)}\n" }.joined() + "  v70: end\n"

    /// Placeholders that do not resolve, or resolve forever.
    static let placeholders: [HostileCase] = [
        compile(
            "two unresolved placeholders in one file: both reported",
            [.text("templates/web/cm.yaml", configMapHeader + "  a: ${values.missingOne}\n  b: x-${values.missingTwo}\n")],
            errors: ["templates/web/cm.yaml:6:6: error: unresolved placeholder ${values.missingOne} for environment 'prod/east'",
                     "templates/web/cm.yaml:7:6: error: unresolved placeholder ${values.missingTwo} for environment 'prod/east'"]),
        compile(
            "placeholder cycle",
            [east("values:\n  a: ${values.b}\n  b: ${values.a}\n"),
             .text("templates/web/cm.yaml", configMapHeader + "  a: ${values.a}\n")],
            errors: ["environments/prod/east.yaml:7:6: error: placeholders refer to each other: ${values.a} -> ${values.b} -> ${values.a}"]),
        compile(
            "placeholder refers to itself",
            [east("values:\n  a: x-${values.a}\n"), .text("templates/web/cm.yaml", configMapHeader + "  a: ${values.a}\n")],
            errors: ["environments/prod/east.yaml:6:6: error: placeholders refer to each other: ${values.a} -> ${values.a}"]),
        compile(
            "placeholder chain of 70",
            [east("values:\n" + chain), .text("templates/web/cm.yaml", configMapHeader + "  a: ${values.v0}\n")],
            errors: ["environments/prod/east.yaml:69:8: error: placeholder ${values.v64} is reached through more than 64 placeholders in a row (limit Placeholders.maxIndirection)"]),
        compile(
            "placeholder chain of 60 compiles",
            [east("values:\n" + (0..<60).map { "  v\($0): ${values.v\($0 + 1)}\n" }.joined() + "  v60: end\n"),
             .text("templates/web/cm.yaml", configMapHeader + "  a: ${values.v0}\n")],
            status: 0, output: ["compiled 1 environment"]),
        compile(
            "mapping interpolated into a string",
            [east("values:\n  map: {a: 1}\n"), .text("templates/web/cm.yaml", configMapHeader + "  a: x-${values.map}\n")],
            errors: ["templates/web/cm.yaml:6:6: error: placeholder ${values.map} is a mapping and cannot be part of a longer string"]),
        compile(
            "unresolved placeholder in a spec section",
            [east("operator: {channel: '${values.channel}'}\n")],
            errors: ["environments/prod/east.yaml:5:21: error: unresolved placeholder ${values.channel} for environment 'prod/east'"]),
        compile(
            "unterminated placeholder",
            [.text("templates/web/cm.yaml", configMapHeader + "  a: ${values.a\n")],
            errors: ["templates/web/cm.yaml:6:6: error: unterminated placeholder in '${values.a'"]),
    ]

    /// Spec files that are not quite YAML, or not quite specs.
    static let specSyntax: [HostileCase] = [
        compile(
            "unknown field, with a suggestion",
            [east("componets:\n  web: {}\n")],
            errors: ["environments/prod/east.yaml:5:1: error: unknown field 'componets'", "components"]),
        compile(
            "unknown nested field",
            [east("operator:\n  chanel: latest\n")],
            errors: ["environments/prod/east.yaml:6:3: error: unknown field 'chanel'", "channel"]),
        compile(
            "tab indentation in a spec",
            [east("values:\n\tx: 1\n")],
            errors: ["environments/prod/east.yaml:6:1: error: tab character where indentation is expected (YAML indents with spaces only)"]),
        build(
            "tab indentation in a resource",
            [kustomization, .text("app/cm.yaml", configMapHeader + "\tk: v\n")],
            errors: ["app/cm.yaml:6:1: error: tab character where indentation is expected (YAML indents with spaces only)"]),
        compile(
            "duplicate key in a spec",
            [east("values:\n  a: 1\n  a: 2\n")],
            errors: ["environments/prod/east.yaml:7:3: error: mapping key \"a\" already defined"]),
        build(
            "duplicate key in a resource",
            [kustomization, .text("app/cm.yaml", configMapHeader + "  a: '1'\n  a: '2'\n")],
            errors: ["app/cm.yaml:7:3: error: mapping key \"a\" already defined"]),
        compile(
            "two documents in a spec",
            [east("---\nvalues: {}\n")],
            errors: ["environments/prod/east.yaml:6:1: error: expected one YAML document, found 2"]),
        build(
            "empty resource file",
            [.text("app/kustomization.yaml", "resources:\n- cm.yaml\n- empty.yaml\n"), .text("app/cm.yaml", configMapHeader + "  k: v\n"), .text("app/empty.yaml", "")],
            status: 0, output: ["name: cm"], oracle: true),
        build(
            "empty kustomization file",
            [.text("app/kustomization.yaml", "")],
            errors: ["app/kustomization.yaml:1:1: error: a kustomization file must hold one YAML document, found 0"]),
    ]
}

extension HostileInputTests {
    static let deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: nginx\n"

    /// Kustomizations that ask for what gitopsc refuses, and patches that cannot apply.
    static let kustomizations: [HostileCase] = [
        build(
            "helmCharts",
            [.text("app/kustomization.yaml", "helmCharts:\n- name: redis\n  repo: https://charts.example.com\n")],
            errors: ["app/kustomization.yaml:1:1: error: field 'helmCharts': Helm charts are not supported: gitopsc never runs programs or fetches charts"]),
        build(
            "remote resource",
            [.text("app/kustomization.yaml", "resources:\n- https://github.com/example/repo//deploy?ref=v1\n")],
            errors: ["app/kustomization.yaml:2:3: error: remote resource 'https://github.com/example/repo//deploy?ref=v1' is not supported: gitopsc never fetches from the network"]),
        build(
            "remote component",
            [.text("app/kustomization.yaml", "components:\n- github.com/example/repo/component?ref=v1\n")],
            errors: ["app/kustomization.yaml:2:3: error: remote component 'github.com/example/repo/component?ref=v1' is not supported"]),
        build(
            "generator plugin",
            [.text("app/kustomization.yaml", "generators:\n- plugin.yaml\n"),
             .text("app/plugin.yaml", "apiVersion: example.com/v1\nkind: MyGenerator\nmetadata: {name: x}\n")],
            errors: ["app/plugin.yaml:2:7: error: generators: 'MyGenerator' (apiVersion 'example.com/v1') is not a builtin plugin; exec, container and KRM function plugins are not supported: gitopsc never runs programs"]),
        build(
            "JSON patch with an unknown op",
            [.text("app/kustomization.yaml", "resources:\n- deployment.yaml\npatches:\n- target: {kind: Deployment}\n  patch: '[{\"op\": \"frobnicate\", \"path\": \"/spec\"}]'\n"),
             .text("app/deployment.yaml", deployment)],
            errors: ["app/kustomization.yaml:5:10: error: Unexpected kind: frobnicate"]),
        build(
            "JSON patch without a path",
            [.text("app/kustomization.yaml", "resources:\n- deployment.yaml\npatches:\n- target: {kind: Deployment}\n  patch: |\n    - op: add\n      value: 1\n"),
             .text("app/deployment.yaml", deployment)],
            errors: ["app/kustomization.yaml:6:", "error: add operation failed to decode path: missing value"]),
        build(
            "JSON patch removing a missing path",
            [.text("app/kustomization.yaml", "resources:\n- deployment.yaml\npatches:\n- target: {kind: Deployment}\n  patch: |\n    - op: remove\n      path: /spec/nothing/here\n"),
             .text("app/deployment.yaml", deployment)],
            errors: ["app/kustomization.yaml:6:", "error: remove operation does not apply: doc is missing path: \"/spec/nothing/here\": missing value"]),
        build(
            "YAML syntax error inside an inline patch",
            [.text("app/kustomization.yaml", "resources:\n- deployment.yaml\npatches:\n- target: {kind: Deployment}\n  patch: |\n    - op: add\n      path: /spec/paused\n      value: {a: x\n"),
             .text("app/deployment.yaml", deployment)],
            errors: ["app/kustomization.yaml:9:1: error: while parsing a flow mapping: did not find expected ',' or '}'"]),
        compile(
            "YAML syntax error inside a quoted spec patch",
            [east("patches:\n- target: {kind: Service}\n  patch: '[{op: add, path: /spec, value: {a: x}]'\n")],
            errors: ["environments/prod/east.yaml:7:10: error: while parsing a flow mapping: did not find expected ',' or '}'"]),
        build(
            "patch whose target matches nothing",
            [.text("app/kustomization.yaml", "resources:\n- deployment.yaml\npatches:\n- target: {kind: StatefulSet}\n  patch: |\n    - op: replace\n      path: /spec/replicas\n      value: 3\n"),
             .text("app/deployment.yaml", deployment)],
            status: 0, output: ["kind: Deployment"], oracle: true),
        compile(
            "spec patch whose target matches nothing",
            [east("patches:\n- target: {kind: StatefulSet}\n  patch: |\n    - op: replace\n      path: /spec/replicas\n      value: 3\n")],
            errors: ["environments/prod/east.yaml:6:3: error: patch target matches no rendered object"]),
        compile(
            "spec JSON patch with an unknown op",
            [east("patches:\n- target: {kind: Service}\n  patch: '[{\"op\": \"frobnicate\", \"path\": \"/spec\"}]'\n")],
            errors: ["environments/prod/east.yaml:7:10: error: Unexpected kind: frobnicate"]),
    ]

    /// Commands given names and paths that do not exist, or that try to escape.
    static let commands: [HostileCase] = [
        compile(
            "check --branch typo",
            [], setup: { project in
                try git(["init", "-q"], in: project)
                try git(["commit", "-q", "--allow-empty", "-m", "sources"], in: project)
            },
            arguments: ["check", "--branch", "typo"],
            errors: ["error: branch 'typo' does not exist in "]),
        compile(
            "explain an unknown environment",
            [], arguments: ["explain", "prod/nowhere", "values.x"],
            errors: ["error: no environment named 'prod/nowhere'"]),
        compile(
            "explain a malformed path",
            [], arguments: ["explain", "prod/east", "values..x"],
            errors: ["error: 'values..x' is not a dotted path such as operator.channel"]),
        compile(
            "explain ../../outside/sentinel",
            [], arguments: ["explain", "../../outside/sentinel", "values"],
            errors: ["error: no environment named '../../outside/sentinel'"]),
        compile(
            "diff with an unknown environment",
            [], arguments: ["diff", "prod/east", "prod/nowhere"],
            errors: ["error: no environment named 'prod/nowhere' in environments/"]),
        build(
            "build a folder that does not exist",
            [], errors: ["error: no kustomization file"]),
        HostileCase(
            name: "build a file", files: [.text("app", "resources: []\n")], arguments: ["build", "app"], status: 2,
            errors: ["app: error: no kustomization file (kustomization.yaml, kustomization.yml, Kustomization) in 'app'"]),
        HostileCase(
            name: "build --output-dir that is a file",
            files: [kustomization, .text("app/cm.yaml", configMapHeader), .text("built", "a file\n")],
            arguments: ["build", "app", "--output-dir", "built"], status: 2,
            errors: ["error: output folder 'built' exists and is not a folder; nothing was written"], survivors: ["built": "a file\n"]),
    ]
}
