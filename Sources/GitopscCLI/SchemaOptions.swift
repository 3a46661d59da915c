import Compiler
import FileSources
import FoundationEssentials
import Kustomize
import Schemas

/// Validation against CRDs and OpenAPI v3 documents: `--schemas` adds files or folders to
/// those of gitopsc.yaml; `--allow-unknown-fields` turns unknown fields into warnings.
struct SchemaOptions {
    static let parameters: [Parameter] = [
        .option("schemas", value: "path", help: "A file or folder of CustomResourceDefinitions or OpenAPI v3 documents to validate the rendered objects against (repeatable; added to `schemas` of gitopsc.yaml).",
                repeatable: true, isPath: true),
        .flag("allow-unknown-fields", help: "Report fields a schema does not declare as warnings, not errors (the API server would drop them)."),
    ]

    let paths: [String]
    let allowUnknownFields: Bool

    init(_ arguments: ParsedArguments) {
        paths = arguments.options("schemas")
        allowUnknownFields = arguments.flag("allow-unknown-fields")
    }
}

extension BuildCommand {
    /// With `--schemas`: validates the objects of every folder that builds (a folder that
    /// fails is reported by the build itself), prints the problems and a summary to stderr,
    /// and says whether any problem is an error. The objects are built once more for this
    /// (the build's own output path stays kustomize's, text only).
    func validateBuilds(with builder: KustomizeBuilder) throws -> Bool {
        guard !schemaOptions.paths.isEmpty else { return false }
        let current = FileManager.default.currentDirectoryPath
        let anywhere = PathResolver(files: LocalFiles(), displayBase: current)
        let sources = schemaOptions.paths.map { path in
            SchemaSet.Source(path: standardized(path.hasPrefix("/") ? path : current + "/" + path), reference: nil, resolver: anywhere)
        }
        let schemas = try diagnostics.reportingInputErrors { try SchemaSet.load(sources) }
        let folders = directories
        let built = concurrentMap(folders.count) { index in (try? builder.build(folders[index]))?.map(\.node) ?? [] }
        let report = try diagnostics.reportingInputErrors {
            try RenderedChecks.validate(
                objects: zip(folders, built).flatMap { folder, objects in objects.map { (folder, $0) } },
                against: schemas, allowUnknownFields: schemaOptions.allowUnknownFields)
        }
        if !report.problems.isEmpty { diagnostics.print(report.problems) }
        StandardStream.error.write(report.summary + "\n")
        return report.hasErrors
    }
}
