import Diagnostics
import FileSources
import Foundation
import YAML

/// The schemas a run validates objects against, by API group, version and kind: the
/// `CustomResourceDefinition`s and Kubernetes OpenAPI v3 documents of the files and
/// folders named in `gitopsc.yaml` (`schemas:`) or on the command line. Each file is read
/// and parsed once per run; a version's schema is decoded the first time an object of
/// that version is validated, and then shared.
public final class SchemaSet: Sendable {
    /// A file or folder to read schemas from. A folder contributes its `.yaml`, `.yml` and
    /// `.json` files, not those of its subfolders (vendored CRD folders keep older
    /// versions in subfolders).
    public struct Source: Sendable {
        public var path: String
        /// Where the path is named (gitopsc.yaml, the command line), for errors about it.
        public var reference: SourceLocation?
        /// Refuses files outside the allowed roots (a link in a folder of CRDs that leads
        /// elsewhere), and reads them.
        public var resolver: PathResolver

        public init(path: String, reference: SourceLocation?, resolver: PathResolver) {
            self.path = path
            self.reference = reference
            self.resolver = resolver
        }
    }

    /// One kind's schema source: a CRD (versions by name) or an OpenAPI document's definition.
    struct Definition: Sendable {
        var group: String
        var kind: String
        /// Version name -> its schema node and whether it is served.
        var versions: [String: (schema: Node?, served: Bool)]
        /// `Cluster` or `Namespaced`.
        var clusterScoped: Bool
        var file: String
        /// Resolves `$ref`s of OpenAPI documents; nil for CRDs.
        var document: OpenAPIDocument?
    }

    private let definitions: [String: Definition]
    private let decoded = Memo<StructuralSchema>(coalescing: true)
    /// How many schema files were read, for the summary.
    public let fileCount: Int

    private init(definitions: [String: Definition], fileCount: Int) {
        self.definitions = definitions
        self.fileCount = fileCount
    }

    public var kindCount: Int { definitions.count }

    /// Reads every file of `sources` (concurrently, each once).
    public static func load(_ sources: [Source]) throws(DiagnosticList) -> SchemaSet {
        var paths: [(path: String, reference: SourceLocation?, resolver: PathResolver)] = []
        var problems: [Diagnostic] = []
        for source in sources {
            let resolver = source.resolver
            let files = resolver.files
            switch files.kind(of: source.path) {
            case .folder:
                let names = (files.children(of: source.path) ?? []).filter { name in
                    [".yaml", ".yml", ".json"].contains { name.hasSuffix($0) } && files.kind(of: source.path + "/" + name) == .file
                }
                if names.isEmpty {
                    problems.append(Diagnostic.error(
                        "schemas.empty-folder", "schema folder '\(resolver.display(source.path))' holds no .yaml, .yml or .json file",
                        at: source.reference))
                }
                paths += names.map { (source.path + "/" + $0, source.reference, resolver) }
            case .file:
                paths.append((source.path, source.reference, resolver))
            case nil:
                problems.append(Diagnostic.error(
                    "schemas.missing", "schema file or folder '\(resolver.display(source.path))' not found", at: source.reference))
            }
        }
        if !problems.isEmpty { throw DiagnosticList(problems) }
        let files = paths
        let parsed = concurrentMap(files.count) { index -> Result<[Definition], Diagnostic> in
            let (path, reference, resolver) = files[index]
            do throws(Diagnostic) {
                try resolver.check(path, at: reference)
                let display = resolver.display(path)
                guard let bytes = resolver.files.contents(of: path) else {
                    throw Diagnostic.error("schemas.unreadable", "cannot read schema file '\(display)'", at: reference)
                }
                let documents = try YAMLParser.parseStream(try YAMLParser.text(utf8: bytes, file: display), file: display)
                var found: [Definition] = []
                for document in documents { found += try kinds(definedBy: document, file: display) }
                if found.isEmpty {
                    throw Diagnostic.error(
                        "schemas.no-schema",
                        "'\(display)' holds no CustomResourceDefinition and no OpenAPI v3 document with x-kubernetes-group-version-kind",
                        at: SourceLocation(file: display, line: 1, column: 1))
                }
                return .success(found)
            } catch {
                return .failure(error)
            }
        }
        var definitions: [String: Definition] = [:]
        for result in parsed {
            switch result {
            case .failure(let problem): problems.append(problem)
            case .success(let found):
                for definition in found {
                    let key = definition.group + "/" + definition.kind
                    if let other = definitions[key], other.file != definition.file {
                        problems.append(Diagnostic.error(
                            "schemas.duplicate",
                            "\(definition.kind) of group '\(definition.group.isEmpty ? "core" : definition.group)' is defined by both '\(other.file)' and '\(definition.file)'; name only one",
                            at: SourceLocation(file: definition.file, line: 1, column: 1)))
                    } else if var merged = definitions[key] {
                        merged.versions.merge(definition.versions) { first, _ in first }
                        definitions[key] = merged
                    } else {
                        definitions[key] = definition
                    }
                }
            }
        }
        if !problems.isEmpty { throw DiagnosticList(problems) }
        return SchemaSet(definitions: definitions, fileCount: paths.count)
    }

    /// The kinds a document defines: a CRD, or the definitions of an OpenAPI v3 document
    /// that name their group, version and kind.
    private static func kinds(definedBy document: Node, file: String) throws(Diagnostic) -> [Definition] {
        if document["kind"]?.text == "CustomResourceDefinition",
           document["apiVersion"]?.text?.hasPrefix("apiextensions.k8s.io/") == true {
            return [try crd(document, file: file)]
        }
        if document["openapi"] != nil, let schemas = document[path: ["components", "schemas"]] {
            let openAPI = OpenAPIDocument(schemas: schemas, file: file)
            var found: [String: Definition] = [:]
            for entry in schemas.entries ?? [] {
                for gvk in entry.value["x-kubernetes-group-version-kind"]?.items ?? [] {
                    guard let kind = gvk["kind"]?.text, let version = gvk["version"]?.text else { continue }
                    let group = gvk["group"]?.text ?? ""
                    var definition = found[group + "/" + kind]
                        ?? Definition(group: group, kind: kind, versions: [:], clusterScoped: false, file: file, document: openAPI)
                    definition.versions[version] = (Node.string("#/components/schemas/" + entry.name), true)
                    found[group + "/" + kind] = definition
                }
            }
            return found.keys.sorted().compactMap { found[$0] }
        }
        return []
    }

    private static func crd(_ document: Node, file: String) throws(Diagnostic) -> Definition {
        guard let spec = document["spec"], let group = spec["group"]?.text, let kind = spec[path: ["names", "kind"]]?.text else {
            throw Diagnostic.error("schemas.invalid", "a CustomResourceDefinition needs spec.group and spec.names.kind", at: document.mark.location)
        }
        // apiextensions v1beta1 CRDs keep one schema for every version.
        let common = spec[path: ["validation", "openAPIV3Schema"]]
        var versions: [String: (Node?, Bool)] = [:]
        for version in spec["versions"]?.items ?? [] {
            guard let name = version["name"]?.text else { continue }
            versions[name] = (version[path: ["schema", "openAPIV3Schema"]] ?? common, version["served"]?.boolValue ?? true)
        }
        if versions.isEmpty, let name = spec["version"]?.text { versions[name] = (common, true) }
        return Definition(group: group, kind: kind, versions: versions, clusterScoped: spec["scope"]?.text == "Cluster", file: file, document: nil)
    }

    // MARK: Validation

    /// What validating one object found.
    public enum Verdict: Sendable {
        /// No schema names the object's group and kind.
        case noSchema
        case checked([SchemaProblem])
    }

    /// Validates an object (defaults applied first, as the API server does).
    public func validate(_ object: Node) -> Verdict {
        guard let apiVersion = object["apiVersion"]?.text, let kind = object["kind"]?.text else { return .noSchema }
        let (group, version) = apiVersion.contains("/")
            ? (String(apiVersion[..<apiVersion.lastIndex(of: "/")!]), String(apiVersion[apiVersion.index(after: apiVersion.lastIndex(of: "/")!)...]))
            : ("", apiVersion)
        guard let definition = definitions[group + "/" + kind] else { return .noSchema }
        let mark = object["apiVersion"]?.mark.location ?? object.mark.location
        guard let entry = definition.versions[version] else {
            return .checked([SchemaProblem(
                path: [.key("apiVersion")],
                message: "version '\(version)' of \(kind) is not defined by \(definition.file) (it defines \(definition.versions.keys.sorted().joined(separator: ", ")))",
                location: mark, isUnknownField: false)])
        }
        guard entry.served else {
            return .checked([SchemaProblem(
                path: [.key("apiVersion")], message: "version '\(version)' of \(kind) is not served (\(definition.file))",
                location: mark, isUnknownField: false)])
        }
        let schema: StructuralSchema
        do {
            schema = try decodedSchema(definition, version: version, node: entry.schema)
        } catch {
            return .checked([SchemaProblem(
                path: [], message: "the schema of \(kind) \(version) cannot be read: \(error.message)", location: error.location, isUnknownField: false)])
        }
        return .checked(Validator.validate(object, against: schema).problems)
    }

    /// The problems of a value (a part of an object, such as a spec section) under a schema.
    public static func problems(in value: Node, against schema: StructuralSchema) -> [SchemaProblem] {
        Validator.validate(value, against: schema).problems
    }

    /// The schema of a kind's version, or nil when none is known or it cannot be read.
    public func schema(group: String, version: String, kind: String) -> StructuralSchema? {
        guard let definition = definitions[group + "/" + kind], let entry = definition.versions[version] else { return nil }
        return try? decodedSchema(definition, version: version, node: entry.schema)
    }

    /// A version's schema as the root of an object, decoded once per run.
    private func decodedSchema(_ definition: Definition, version: String, node: Node?) throws(Diagnostic) -> StructuralSchema {
        try decoded.value(for: definition.group + "/" + version + "/" + definition.kind) { () throws(Diagnostic) in
            guard let node else {
                // A version without a schema keeps whatever it is given.
                return StructuralSchema(type: .object, preservesUnknownFields: true).asObjectRoot()
            }
            if let document = definition.document { return (try document.resolve(node) ?? StructuralSchema()).asObjectRoot() }
            return try StructuralSchema.decode(node, file: definition.file).asObjectRoot()
        }
    }
}

/// The definitions of one Kubernetes OpenAPI v3 document (`/openapi/v3/apis/GROUP/VERSION`),
/// decoded on demand with their `$ref`s followed. A definition that refers to itself
/// (JSONSchemaProps) is free-form below the repetition.
final class OpenAPIDocument: Sendable {
    let schemas: Node
    let file: String
    private let cache = Locked<[String: StructuralSchema]>([:])

    init(schemas: Node, file: String) {
        self.schemas = schemas
        self.file = file
    }

    func resolve(_ reference: Node) throws(Diagnostic) -> StructuralSchema? {
        var visiting: Set<String> = []
        return try resolve(reference, visiting: &visiting)
    }

    private func resolve(_ reference: Node, visiting: inout Set<String>) throws(Diagnostic) -> StructuralSchema? {
        let prefix = "#/components/schemas/"
        guard let text = reference.text, text.hasPrefix(prefix) else {
            throw Diagnostic.error("schemas.invalid", "only references to #/components/schemas/ are followed, found '\(reference.text ?? "")'", at: reference.mark.location)
        }
        let name = String(text.dropFirst(prefix.count))
        if let known = cache.withValue({ $0[name] }) { return known }
        guard let node = schemas[name] else {
            throw Diagnostic.error("schemas.invalid", "reference '\(text)' names no schema of the document", at: reference.mark.location)
        }
        if visiting.contains(name) { return StructuralSchema(preservesUnknownFields: true) }
        visiting.insert(name)
        defer { visiting.remove(name) }
        var inner = visiting
        let decoded = try StructuralSchema.decode(node, file: file, openAPIDocument: true) { (next: Node) throws(Diagnostic) -> StructuralSchema? in
            try self.resolve(next, visiting: &inner)
        }
        cache.withValue { $0[name] = decoded }
        return decoded
    }
}
