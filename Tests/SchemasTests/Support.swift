import Compiler
import Diagnostics
import FileSources
import Foundation
import ProcessRunner
@testable import Schemas
import Testing
import YAML

/// `../shared/crds`: the real CRDs and validate.py, present on the development machine.
let crdFolder = Oracles.shared.appendingPathComponent("crds")
let crdsPresent = FileManager.default.fileExists(atPath: crdFolder.appendingPathComponent("validate.py").path)
/// Enabled when the CRDs are here, or when CI requires every oracle (the test then fails
/// on `requireCRDs()` rather than skipping).
let crdsOrRequired = crdsPresent || Oracles.required

func requireCRDs() throws {
    try #require(crdsPresent, "../shared/crds (the real CRDs and validate.py) is required but absent")
}

/// A copy of examples/konflux-pipeline-service building on the corpus snapshot (see KonfluxExample).
let konfluxExample = (try? KonfluxExample.copy("konflux-schemas")) ?? KonfluxExample.source

/// The CRDs of ../shared/crds, read once for the whole test run.
let sharedSchemas: SchemaSet? = try? SchemaSet.load([SchemaSet.Source(
    path: crdFolder.path, reference: nil, resolver: PathResolver(files: LocalFiles(), displayBase: crdFolder.path))])

/// A compiled example and its schema report.
func compileWithSchemas(root: URL, extra: [String], allowUnknownFields: Bool = false) throws -> (RenderedTree, SchemaReport) {
    let compiler = try Compiler(root: root.path, displayBase: root.path)
    let schemas = try #require(try compiler.loadSchemas(extra: extra, currentDirectory: root.path))
    let tree = try compiler.compile(schemas: schemas, allowUnknownFields: allowUnknownFields)
    return (tree, try RenderedChecks.validate(tree, against: schemas, allowUnknownFields: allowUnknownFields))
}

/// Runs validate.py on a stream of objects; the paths it reports per document index, in
/// gitopsc's path syntax (a missing required field at the field's own path).
func oraclePaths(_ objects: [Node], allowUnknownFields: Bool = false) throws -> [Int: Set<String>] {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("gitopsc-oracle-\(UUID().uuidString).yaml")
    try YAMLEmitter.emitStream(objects).write(to: file, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: file) }
    var arguments = [crdFolder.appendingPathComponent("validate.py").path]
    if allowUnknownFields { arguments.append("--allow-unknown-fields") }
    let result = try runProcess("/usr/bin/env", ["python3"] + arguments + [file.path])
    try #require(result.status == 0 || result.status == 1, "validate.py failed: \(result.output)")
    var found: [Int: Set<String>] = [:]
    let prefix = file.path + ":"
    for line in result.stdout.split(separator: "\n") where line.hasPrefix(prefix) {
        // FILE:DOC: Kind/name: $PATH: message
        let rest = line.dropFirst(prefix.count)
        guard let colon = rest.firstIndex(of: ":"), let document = Int(rest[..<colon]) else { continue }
        let afterDocument = rest[rest.index(colon, offsetBy: 2)...]
        guard let dollar = afterDocument.range(of: ": $") else { continue }
        let tail = afterDocument[dollar.upperBound...]
        guard let end = tail.range(of: ": ") else { continue }
        var path = String(tail[..<end.lowerBound])
        let message = tail[end.upperBound...]
        if path.hasPrefix(".") { path.removeFirst() }
        if message.hasPrefix("missing required field '") {
            let field = message.dropFirst("missing required field '".count).prefix { $0 != "'" }
            path = PathStep.format(pathSteps(path) + [.key(String(field))])
        }
        found[document, default: []].insert(path)
    }
    return found
}

/// Parses the paths validate.py prints (`a.b[0]['c.d']`) into steps.
func pathSteps(_ text: String) -> [PathStep] {
    var steps: [PathStep] = []
    var rest = Substring(text)
    while !rest.isEmpty {
        if rest.hasPrefix(".") { rest = rest.dropFirst() }
        if rest.hasPrefix("['") {
            let body = rest.dropFirst(2)
            let end = body.range(of: "']")!.lowerBound
            steps.append(.key(String(body[..<end])))
            rest = body[body.index(end, offsetBy: 2)...]
        } else if rest.hasPrefix("[") {
            let end = rest.firstIndex(of: "]")!
            steps.append(.index(Int(rest[rest.index(after: rest.startIndex)..<end])!))
            rest = rest[rest.index(after: end)...]
        } else {
            let end = rest.firstIndex { $0 == "." || $0 == "[" } ?? rest.endIndex
            steps.append(.key(String(rest[..<end])))
            rest = rest[end...]
        }
    }
    return steps
}

/// The bundled sources (environments, templates, gitopsc.yaml) in a new temporary folder,
/// with `edit` applied to one environment file: a variant that leaves the golden output alone.
func bundledCopy(editing environment: String, _ edit: (String) -> String) throws -> URL {
    let copy = FileManager.default.temporaryDirectory.appendingPathComponent("gitopsc-bundled-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: copy, withIntermediateDirectories: true)
    for name in ["environments", "templates", "gitopsc.yaml"] {
        try FileManager.default.copyItem(at: Oracles.repository.appendingPathComponent(name), to: copy.appendingPathComponent(name))
    }
    let file = copy.appendingPathComponent("environments/\(environment).yaml")
    try edit(try String(contentsOf: file, encoding: .utf8)).write(to: file, atomically: true, encoding: .utf8)
    return copy
}
