import Compiler
import Diagnostics
import FileSources
import FoundationEssentials
import Kustomize

struct BuildCommand {
    static let definition = CommandDefinition(
        name: "build",
        abstract: "Build kustomization folders; the output is identical to `kustomize build DIR`.",
        discussion: """
            With one folder and no --output-dir, the build is printed to stdout. With \
            --output-dir, every folder is built in one process and written to \
            OUT/<folder relative to --relative-to, with each / replaced by __>.yaml.
            With --schemas, every built object is also validated against those CRDs and OpenAPI \
            v3 documents (problems and a summary on stderr; the output is written all the same).
            Exit status: 0 all built (and valid), 1 some failed or are invalid (the others are still written), 2 usage or input error.
            """,
        parameters: [
            .argument("directories", help: "Kustomization folders.", repeatable: true, isPath: true),
            .option("output-dir", help: "Write each build to a file in this folder.", isPath: true),
            .option("relative-to", help: "Output file names are the folder paths relative to this folder (default: the current folder).", isPath: true),
        ] + SchemaOptions.parameters + DiagnosticOptions.parameters,
        run: { try BuildCommand($0).run() }
    )

    let directories: [String]
    let outputDirectory: String?
    let relativeTo: String?
    let schemaOptions: SchemaOptions
    let diagnostics: DiagnosticOptions

    init(_ arguments: ParsedArguments) throws(UsageError) {
        directories = arguments.arguments("directories")
        outputDirectory = arguments.option("output-dir")
        relativeTo = arguments.option("relative-to")
        schemaOptions = SchemaOptions(arguments)
        diagnostics = DiagnosticOptions(arguments)
        if directories.count > 1 && outputDirectory == nil {
            throw UsageError("several folders need --output-dir")
        }
        if relativeTo != nil && outputDirectory == nil {
            throw UsageError("--relative-to only applies with --output-dir")
        }
    }

    func run() throws {
        let builder = KustomizeBuilder()
        keepUntilExit(builder)
        defer { printWarnings(of: builder) }
        let invalid = try validateBuilds(with: builder)
        guard let outputDirectory else {
            let output = try diagnostics.reportingInputErrors { try builder.buildYAML(directories[0]) }
            StandardStream.output.write(output)
            if invalid { throw ExitStatus.failed }
            return
        }
        if LocalFiles().kind(of: outputDirectory) == .file {
            diagnostics.print([Diagnostic.error("output.not-a-folder", "output folder '\(outputDirectory)' exists and is not a folder; nothing was written")])
            throw ExitStatus.inputError
        }
        do throws(SystemError) {
            try LocalWrites.makeFolders(outputDirectory)
        } catch {
            diagnostics.print([Diagnostic.error("io.write", "cannot create output folder '\(outputDirectory)': \(error)")])
            throw ExitStatus.inputError
        }
        let base = standardized(relativeTo ?? FileManager.default.currentDirectoryPath)
        // Each output is written by the thread that built it.
        let failures = builder.buildAll(directories) { [directories] index, result -> Diagnostic? in
            switch result {
            case .success(let output):
                let name = OutputNaming.fileName(for: directories[index], relativeTo: base)
                do throws(SystemError) {
                    try LocalWrites.replace(outputDirectory + "/" + name, with: output)
                    return nil
                } catch {
                    return Diagnostic.error("io.write", "cannot write '\(name)': \(error)")
                }
            case .failure(let diagnostic):
                return diagnostic
            }
        }.compactMap { $0 }
        if !failures.isEmpty {
            diagnostics.print(failures)
            throw ExitStatus.failed
        }
        if invalid { throw ExitStatus.failed }
    }
}

extension BuildCommand {
    /// Warnings (repeated keys, unused vars) go to stderr whether the build succeeded or not.
    func printWarnings(of builder: KustomizeBuilder) {
        let warnings = builder.store.sortedWarnings
        if !warnings.isEmpty { diagnostics.print(warnings) }
    }
}

/// Output file names of a multi-folder build: the folder path relative to a base, with
/// every `/` replaced by `__` (the naming of infra-deployments' rendered outputs).
public enum OutputNaming {
    public static func fileName(for directory: String, relativeTo base: String) -> String {
        var path = standardized(directory)
        if path.hasPrefix(base + "/") {
            path = String(path.dropFirst(base.count + 1))
        }
        while path.hasSuffix("/") { path.removeLast() }
        return path.replacing("/", with: "__") + ".yaml"
    }
}
