import Compiler
import Foundation

// Scale benchmark of `gitopsc compile` and `gitopsc check`: generates a source tree with N
// production clusters (base -> production -> 3 rings -> clusters, the repository's
// templates) and times the compile, the write of the output, and a check against that
// output. Each N runs in a fresh process so that the peak memory is its own. Finally it
// times the `gitopsc check` executable on the repository's bundled environments.
// Usage: compile-benchmark [N ...]        (default 100 1000 2000)

let arguments = Array(CommandLine.arguments.dropFirst())
let repository = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)

func now() -> Double { Date().timeIntervalSince1970 }

func peakMemoryMB() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}

/// A source tree with `count` clusters spread over three rings.
func generateSources(clusters count: Int, in root: URL) throws {
    let manager = FileManager.default
    try manager.createDirectory(at: root.appendingPathComponent("environments/production"), withIntermediateDirectories: true)
    for name in ["gitopsc.yaml", "environments/base.yaml", "environments/production.yaml"] {
        try manager.copyItem(at: repository.appendingPathComponent(name), to: root.appendingPathComponent(name))
    }
    try manager.copyItem(at: repository.appendingPathComponent("templates"), to: root.appendingPathComponent("templates"))
    for ring in 1...3 {
        try "extends: production\nabstract: true\nvalues:\n  ring: ring-\(ring)\n"
            .write(to: root.appendingPathComponent("environments/production/ring-\(ring).yaml"), atomically: true, encoding: .utf8)
    }
    for index in 0..<count {
        let name = String(format: "cluster-%05d", index)
        let text = """
            extends: production/ring-\(index % 3 + 1)
            cluster:
              name: \(name)
              server: https://api.\(name).example.com:6443
            values:
              results:
                apiReplicas: \(index % 5 + 1)

            """
        try text.write(to: root.appendingPathComponent("environments/production/\(name).yaml"), atomically: true, encoding: .utf8)
    }
}

func measure(clusters: Int) throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("gitopsc-bench-\(clusters)-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: root) }
    try generateSources(clusters: clusters, in: root)
    let start = now()
    let compiler = try Compiler(root: root.path, displayBase: root.path)
    let tree = try compiler.compileFiles()
    let compiled = now()
    _ = try OutputWriter.write(tree, to: root.appendingPathComponent("out").path)
    let written = now()
    // What `gitopsc check` does: compile again, read the committed output, compare.
    let fresh = try Compiler(root: root.path, displayBase: root.path).compile()
    let committed = Staleness.committedFiles(in: root.appendingPathComponent("out").path, layout: fresh.layout)
    guard try !Staleness.compare(expected: fresh.output, committed: committed, manifestFile: "out").isStale else { fatalError("the output should be fresh") }
    let checked = now()
    print(String(
        format: "%5d clusters: compile %.2f s (%.2f ms/cluster), write %.2f s, check %.2f s, %d files, peak memory %.0f MB",
        clusters, compiled - start, (compiled - start) * 1000 / Double(clusters), written - compiled, checked - written,
        tree.files.count, peakMemoryMB()))
}

if arguments.first == "--single", arguments.count == 2, let count = Int(arguments[1]) {
    try measure(clusters: count)
    exit(0)
}
func runProcess(_ executable: URL, _ arguments: [String], quiet: Bool = false) throws {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.currentDirectoryURL = repository
    if quiet { process.standardOutput = FileHandle.nullDevice }
    try process.run()
    process.waitUntilExit()
}

let counts = arguments.isEmpty ? [100, 1000, 2000] : arguments.compactMap(Int.init)
for count in counts {
    try runProcess(URL(fileURLWithPath: CommandLine.arguments[0]), ["--single", String(count)])
}

// `gitopsc check` on the bundled environments, warm, as a pre-commit hook runs it.
let gitopsc = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("gitopsc")
if FileManager.default.isExecutableFile(atPath: gitopsc.path) {
    try runProcess(gitopsc, ["compile"], quiet: true)
    var times: [Double] = []
    for _ in 0..<20 {
        let start = now()
        try runProcess(gitopsc, ["check"], quiet: true)
        times.append(now() - start)
    }
    times.sort()
    print(String(format: "gitopsc check, bundled environments: median %.0f ms, best %.0f ms (20 runs, whole process)", times[10] * 1000, times[0] * 1000))
}
