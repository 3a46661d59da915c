import Diagnostics
import Environments
import FileSources
import FoundationEssentials
import Schemas
import YAML

/// What validating a rendered tree against schemas found.
public struct SchemaReport: Sendable {
    /// Errors, and warnings for unknown fields when they are allowed.
    public var problems: [Diagnostic]
    /// Objects that had a schema and were validated.
    public var validated: Int
    /// Objects whose group and kind no schema names, by `apiVersion kind`.
    public var withoutSchema: [String: Int]

    public var hasErrors: Bool { problems.contains { $0.severity == .error } }

    /// `validated 120 objects against schemas; 14 objects had no schema (v1 Namespace x13, ...)`
    public var summary: String {
        var text = "validated \(counted(validated, "object")) against schemas"
        let missing = withoutSchema.values.reduce(0, +)
        if missing > 0 {
            text += "; \(counted(missing, "object")) had no schema ("
            text += withoutSchema.keys.sorted().map { "\($0) x\(withoutSchema[$0]!)" }.joined(separator: ", ") + ")"
        }
        let failed = Set(problems.filter { $0.severity == .error }.map(\.message.objectPrefix)).count
        if failed > 0 { text += "; \(counted(failed, "object")) failed" }
        return text
    }
}

extension String {
    /// The `environment ..., component ..., Kind 'name'` start of a schema problem's message.
    fileprivate var objectPrefix: Substring { self[..<(firstRange(of: ": ")?.lowerBound ?? endIndex)] }
}

extension Compiler {
    /// The schemas named in gitopsc.yaml (paths under the root or `ROOT:PATH`, like a
    /// component's resources) and on the command line (`extra`, as given: the user named
    /// them, so they may be anywhere). nil when there are none.
    public func loadSchemas(extra: [String] = [], currentDirectory: String = FileManager.default.currentDirectoryPath) throws(DiagnosticList) -> SchemaSet? {
        var problems: [Diagnostic] = []
        var sources: [SchemaSet.Source] = []
        for node in settings.schemas {
            do throws(Diagnostic) {
                let location = try paths.locate(node, defaultBase: paths.root)
                sources.append(SchemaSet.Source(path: location.path, reference: location.reference, resolver: paths.resolver))
            } catch {
                problems.append(error)
            }
        }
        if !problems.isEmpty { throw DiagnosticList(problems) }
        // Read from the working tree even when the sources are a revision's snapshot.
        let anywhere = PathResolver(files: LocalFiles(), displayBase: displayBase)
        sources += extra.map { path in
            SchemaSet.Source(path: standardized(path.hasPrefix("/") ? path : currentDirectory + "/" + path), reference: nil, resolver: anywhere)
        }
        return sources.isEmpty ? nil : try SchemaSet.load(sources)
    }

    /// Typos in the environments' `tektonConfig` sections, found before rendering: each
    /// field the TektonConfig CRD among `schemas` does not know, at its line in the spec,
    /// with the nearest known field. Once per position (environments share their layers).
    static func tektonConfigTypos(in environments: [Environment], schemas: SchemaSet) throws(DiagnosticList) -> [Diagnostic] {
        try schemas.prepare(for: [.mapping([
            ("apiVersion", .string("operator.tekton.dev/\(TektonConfigSchema.version)")), ("kind", .string("TektonConfig")),
        ])])
        guard let spec = schemas.schema(group: "operator.tekton.dev", version: TektonConfigSchema.version, kind: "TektonConfig")?.field("spec") else {
            return []
        }
        var seen: Set<SourceLocation> = []
        var problems: [Diagnostic] = []
        for environment in environments {
            guard let section = environment.spec["tektonConfig"], section.isMapping else { continue }
            for problem in SchemaSet.problems(in: section, against: spec) where problem.isUnknownField {
                guard let location = problem.location, seen.insert(location).inserted else { continue }
                var diagnostic = Diagnostic.error(
                    "schemas.unknown-field", "tektonConfig.\(PathStep.format(problem.path)): \(problem.message) (TektonConfig CRD)", at: location)
                diagnostic.chain = environment.chainFiles
                problems.append(diagnostic)
            }
        }
        return problems
    }
}

/// The TektonConfig version gitopsc renders (`TektonConfigManifest`).
enum TektonConfigSchema {
    static let version = "v1alpha1"
}

extension RenderedChecks {
    /// An object to validate, what messages call its origin, and where to point when
    /// neither its values nor the object have a source position.
    struct SchemaSubject {
        var object: Node
        var origin: String
        var fallback: SourceLocation?
    }

    /// Validates every object of the tree (components' objects, their Applications, the
    /// root Application) against `schemas`. Each problem names the environment, component,
    /// object and path, at the source position of the value when the compiler kept one (the
    /// template, patch or spec line), else at the object's or the component's.
    /// Schema files that may define the tree's kinds are parsed first: a broken one is an
    /// input error.
    public static func validate(_ tree: RenderedTree, against schemas: SchemaSet, allowUnknownFields: Bool) throws(DiagnosticList) -> SchemaReport {
        var subjects: [SchemaSubject] = []
        for environment in tree.environments {
            let file = SourceLocation(file: environment.file, line: 0, column: 0)
            for component in environment.components {
                let origin = "environment '\(environment.name)', component '\(component.name)'"
                for object in component.objects + [component.application] {
                    subjects.append(SchemaSubject(object: object, origin: origin, fallback: component.declaration ?? file))
                }
            }
            subjects.append(SchemaSubject(object: environment.root, origin: "environment '\(environment.name)', root Application", fallback: file))
        }
        return try validate(subjects, against: schemas, allowUnknownFields: allowUnknownFields)
    }

    /// Validates the objects of kustomization builds (`gitopsc build --schemas`), each
    /// named with the folder it was built from.
    public static func validate(objects: [(folder: String, object: Node)], against schemas: SchemaSet, allowUnknownFields: Bool) throws(DiagnosticList) -> SchemaReport {
        try validate(
            objects.map { SchemaSubject(object: $0.object, origin: "folder '\($0.folder)'", fallback: SourceLocation(file: $0.folder, line: 0, column: 0)) },
            against: schemas, allowUnknownFields: allowUnknownFields)
    }

    static func validate(_ subjects: [SchemaSubject], against schemas: SchemaSet, allowUnknownFields: Bool) throws(DiagnosticList) -> SchemaReport {
        let objects = subjects.map(\.object)
        try schemas.prepare(for: objects)
        let verdicts = concurrentMap(objects.count) { index in schemas.validate(objects[index]) }
        var report = SchemaReport(problems: [], validated: 0, withoutSchema: [:])
        for (subject, verdict) in zip(subjects, verdicts) {
            let object = subject.object
            guard case .checked(let problems) = verdict else {
                report.withoutSchema["\(object["apiVersion"]?.text ?? "?") \(object["kind"]?.text ?? "?")", default: 0] += 1
                continue
            }
            report.validated += 1
            let name = "\(subject.origin), \(object["kind"]?.text ?? "?") '\(object[path: ["metadata", "name"]]?.text ?? "")'"
            for problem in problems {
                var diagnostic = Diagnostic.error(
                    problem.isUnknownField ? "schemas.unknown-field" : "schemas.invalid-value",
                    "\(name): \(problem.pathText): \(problem.message)",
                    at: problem.location ?? object.mark.location ?? subject.fallback)
                if problem.isUnknownField && allowUnknownFields { diagnostic.severity = .warning }
                report.problems.append(diagnostic)
            }
        }
        return report
    }
}
