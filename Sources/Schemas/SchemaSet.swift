import Diagnostics
import FileSources
import FoundationEssentials
import YAML

/// The schemas a run validates objects against, by API group, version and kind: the
/// `CustomResourceDefinition`s and Kubernetes OpenAPI v3 documents of the files and
/// folders named in `gitopsc.yaml` (`schemas:`) or on the command line.
///
/// Every file is read when the set is loaded, but parsed only when an object needs a kind
/// it may define: when its text has the kind as the value of a `kind` key and the group
/// as the value of a `group` key (`SchemaFile.mayDefine`), as every CRD and OpenAPI
/// definition of that kind has. A folder of vendored CRDs thus costs only what the
/// rendered kinds need. Each file is parsed at most once per run, and a version's schema
/// decoded once, then shared.
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
        var file: String
        /// Resolves `$ref`s of OpenAPI documents; nil for CRDs.
        var document: OpenAPIDocument?
    }

    private let files: [SchemaFile]
    private let parsed = Memo<[Definition]>(coalescing: true)
    /// Group/kind -> its definition (nil: none), once looked up.
    private let lookups = Memo<Definition?>(coalescing: true)
    private let decoded = Memo<StructuralSchema>(coalescing: true)

    private init(files: [SchemaFile]) {
        self.files = files
    }

    /// Reads every file of `sources`: a missing path, an empty folder, a file outside the
    /// allowed roots or one that cannot be read is an error here.
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
        var files: [SchemaFile] = []
        for (path, reference, resolver) in paths {
            do throws(Diagnostic) {
                try resolver.check(path, at: reference)
                let display = resolver.display(path)
                guard let bytes = resolver.files.contents(of: path) else {
                    throw Diagnostic.error("schemas.unreadable", "cannot read schema file '\(display)'", at: reference)
                }
                files.append(SchemaFile(path: path, display: display, bytes: bytes))
            } catch {
                problems.append(error)
            }
        }
        if !problems.isEmpty { throw DiagnosticList(problems) }
        return SchemaSet(files: files)
    }

    /// Parses, ahead of validation, every file that may define the kinds of `objects`, and
    /// reports what is wrong with them (a syntax error, no schema in a file, one kind in
    /// two files) as input errors.
    public func prepare(for objects: [Node]) throws(DiagnosticList) {
        var kinds: Set<[String]> = []
        for object in objects {
            guard let apiVersion = object["apiVersion"]?.text, let kind = object["kind"]?.text else { continue }
            kinds.insert([Self.split(apiVersion).group, kind])
        }
        let wanted = kinds.sorted { $0.lexicographicallyPrecedes($1) }
        let results = concurrentMap(wanted.count) { index -> [Diagnostic] in
            do throws(DiagnosticList) {
                _ = try self.definition(group: wanted[index][0], kind: wanted[index][1])
                return []
            } catch {
                return error.diagnostics
            }
        }
        var problems: [Diagnostic] = []
        for diagnostic in results.joined() where !problems.contains(diagnostic) { problems.append(diagnostic) }
        if !problems.isEmpty { throw DiagnosticList(problems) }
    }

    /// The definition of a group and kind, parsing the files that may hold it.
    private func definition(group: String, kind: String) throws(DiagnosticList) -> Definition? {
        var problems: [Diagnostic] = []
        var found: Definition?
        for file in files where file.mayDefine(group: group, kind: kind) {
            let definitions: [Definition]
            do throws(Diagnostic) {
                definitions = try parsed.value(for: file.path) { () throws(Diagnostic) in try file.definitions() }
            } catch {
                problems.append(error)
                continue
            }
            for definition in definitions where definition.group == group && definition.kind == kind {
                if let other = found {
                    problems.append(Diagnostic.error(
                        "schemas.duplicate",
                        "\(kind) of group '\(group.isEmpty ? "core" : group)' is defined by both '\(other.file)' and '\(definition.file)'; name only one",
                        at: SourceLocation(file: definition.file, line: 1, column: 1)))
                } else {
                    found = definition
                }
            }
        }
        if !problems.isEmpty { throw DiagnosticList(problems) }
        return found
    }

    private func lookup(group: String, kind: String) throws(Diagnostic) -> Definition? {
        try lookups.value(for: group + "/" + kind) { () throws(Diagnostic) in
            do throws(DiagnosticList) {
                return try definition(group: group, kind: kind)
            } catch {
                throw error.diagnostics[0]
            }
        }
    }

    static func split(_ apiVersion: String) -> (group: String, version: String) {
        guard let slash = apiVersion.lastIndex(of: "/") else { return ("", apiVersion) }
        return (String(apiVersion[..<slash]), String(apiVersion[apiVersion.index(after: slash)...]))
    }

    /// The kinds a document defines: a CRD, or the definitions of an OpenAPI v3 document
    /// that name their group, version and kind.
    static func kinds(definedBy document: Node, file: String) throws(Diagnostic) -> [Definition] {
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
                        ?? Definition(group: group, kind: kind, versions: [:], file: file, document: openAPI)
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
        return Definition(group: group, kind: kind, versions: versions, file: file, document: nil)
    }

    // MARK: Validation

    /// What validating one object found.
    public enum Verdict: Sendable {
        /// No schema names the object's group and kind.
        case noSchema
        case checked([SchemaProblem])
    }

    /// Validates an object (defaults applied first, as the API server does). A schema file
    /// that `prepare(for:)` did not see and that turns out broken is a problem of the object.
    public func validate(_ object: Node) -> Verdict {
        guard let apiVersion = object["apiVersion"]?.text, let kind = object["kind"]?.text else { return .noSchema }
        let (group, version) = Self.split(apiVersion)
        let found: Definition?
        do {
            found = try lookup(group: group, kind: kind)
        } catch {
            return .checked([SchemaProblem(path: [], message: error.message, location: error.location, isUnknownField: false)])
        }
        guard let definition = found else { return .noSchema }
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
        guard let definition = try? lookup(group: group, kind: kind), let entry = definition.versions[version] else { return nil }
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
