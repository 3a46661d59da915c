import Compiler
import Diagnostics
import FileSources
import FoundationEssentials
import Kustomize
import YAML

/// gitopsc run under the name `kustomize` (a link, or Argo CD's `kustomize.path.<version>`
/// pointing at it): exactly the command lines Argo CD's repo-server runs.
public enum KustomizeCommand {
    static let definition = CommandDefinition(
        name: "kustomize",
        abstract: "gitopsc as a drop-in kustomize (v5.5.0 semantics) for Argo CD: build, version and edit.",
        subcommands: [KustomizeBuild.definition, versionDefinition, KustomizeEdit.definition]
    )

    /// The kustomize release whose behaviour gitopsc reproduces, reported by `version`
    /// (Argo CD reads it to decide which command lines it may use).
    static let kustomizeVersion = "v5.5.0"

    /// `kustomize version [--short]`.
    static let versionDefinition = CommandDefinition(
        name: "version",
        abstract: "Print the kustomize version whose behaviour this build reproduces.",
        parameters: [.flag("short", help: "Accepted for older callers; the output is the same.")],
        run: { _ in print(kustomizeVersion) }
    )

    /// Whether the program was started under a kustomize name: `kustomize`, or a name
    /// beginning with it (`kustomize-v5`, `kustomize_5_5`). Every start asks: the last name
    /// is cut from the bytes (a `URL` cost a fifth of `gitopsc --version`).
    public static func isInvoked(as argument0: String) -> Bool {
        argument0.utf8.split(separator: UInt8(ascii: "/")).last?.starts(with: "kustomize".utf8) ?? false
    }

    public static func runMain(_ arguments: [String]? = nil) -> Never {
        runCommandLine(arguments ?? Array(CommandLine.arguments.dropFirst()), root: definition)
    }
}

/// `kustomize build [DIR] [flags]`.
struct KustomizeBuild {
    enum LoadRestrictor: String, CaseIterable {
        case rootOnly = "LoadRestrictionsRootOnly"
        case none = "LoadRestrictionsNone"
    }

    static let definition = CommandDefinition(
        name: "build",
        abstract: "Build a kustomization folder (default: the current folder) to stdout, as kustomize build does.",
        parameters: [
            .argument("directory", help: "The kustomization folder.", optional: true, default: ".", isPath: true),
            .option("load-restrictor", value: "restriction",
                    help: "Whether files must be below the kustomization.",
                    choices: LoadRestrictor.allCases.map { $0.rawValue }, default: LoadRestrictor.rootOnly.rawValue),
            // `none` is refused below, with the reason.
            .option("reorder", value: "order", help: "kustomize's output order (only legacy is supported).", choices: ["legacy", "none"], default: "legacy"),
            .flag("enable-helm", help: nil),
            .flag("enable-alpha-plugins", help: nil),
            .flag("enable-exec", help: nil),
            .flag("enable-managedby-label", help: "Label every object app.kubernetes.io/managed-by: kustomize-v5.5.0."),
            .option("helm-command", help: nil),
            .option("helm-kube-version", help: nil),
            .option("helm-api-versions", help: nil, repeatable: true),
            .option("output", short: "o", help: nil),
        ] + DiagnosticOptions.parameters,
        run: { try KustomizeBuild($0).run() }
    )

    let directory: String
    let loadRestrictor: LoadRestrictor
    let enableManagedByLabel: Bool
    let diagnostics: DiagnosticOptions

    /// Refuses the kustomize options gitopsc does not support, each with the reason.
    init(_ arguments: ParsedArguments) throws(UsageError) {
        let helm = "Helm charts are not supported: gitopsc never runs programs or fetches charts"
        if arguments.flag("enable-helm") { throw UsageError("--enable-helm: \(helm)") }
        if arguments.option("helm-command") != nil || arguments.option("helm-kube-version") != nil || !arguments.options("helm-api-versions").isEmpty {
            throw UsageError("--helm-*: \(helm)")
        }
        if arguments.flag("enable-alpha-plugins") {
            throw UsageError("--enable-alpha-plugins: exec, container and KRM function plugins are not supported: gitopsc never runs programs")
        }
        if arguments.flag("enable-exec") { throw UsageError("--enable-exec: exec plugins are not supported: gitopsc never runs programs") }
        if arguments.option("reorder") == "none" { throw UsageError("--reorder none: not supported; use the kustomization's sortOptions") }
        if arguments.option("output") != nil { throw UsageError("--output: not supported; the build goes to stdout") }
        directory = arguments.argument("directory")!
        loadRestrictor = arguments.option("load-restrictor", as: LoadRestrictor.self)!
        enableManagedByLabel = arguments.flag("enable-managedby-label")
        diagnostics = DiagnosticOptions(arguments)
    }

    func run() throws {
        let builder = KustomizeBuilder(
            loadRestrictions: loadRestrictor == .none ? .none : .rootOnly,
            managedByLabelValue: "kustomize-\(KustomizeCommand.kustomizeVersion)", addsManagedByLabel: enableManagedByLabel)
        keepUntilExit(builder)
        defer {
            let warnings = builder.store.sortedWarnings
            if !warnings.isEmpty { diagnostics.print(warnings) }
        }
        let output = try diagnostics.reportingInputErrors { try builder.buildYAML(directory) }
        StandardStream.output.write(output)
    }
}

/// `kustomize edit set|add ...` on the kustomization of the current folder.
enum KustomizeEdit {
    static let definition = CommandDefinition(
        name: "edit",
        abstract: "Edit the kustomization file of the current folder.",
        subcommands: [
            CommandDefinition(
                name: "set",
                abstract: "Set a value in the kustomization file.",
                subcommands: [
                    command("namespace", "Set the namespace.", value: "name", help: "The namespace of every object.", repeatable: false) { values, _ in .namespace(values[0]) },
                    command("nameprefix", "Set the name prefix.", value: "prefix", help: "Put before every object's name.", repeatable: false) { values, _ in .namePrefix(values[0]) },
                    command("namesuffix", "Set the name suffix.", value: "suffix", help: "Put after every object's name.", repeatable: false) { values, _ in .nameSuffix(values[0]) },
                    command("image", "Set images: NAME=NEWNAME:TAG, NAME=NEWNAME@DIGEST, NAME=NEWNAME, NAME:TAG or NAME@DIGEST.", value: "images", help: "Image settings, one per argument.") { values, _ in
                        .images(values)
                    },
                    command("replicas", "Set replica counts: NAME=COUNT.", value: "replicas", help: "NAME=COUNT, one per argument.") { values, _ in .replicas(values) },
                    command("label", "Set commonLabels: KEY:VALUE.", value: "labels", help: "KEY:VALUE, one per argument.") { values, _ in
                        .labels(values, adding: false, force: true, withoutSelector: false, includeTemplates: false)
                    },
                    command("annotation", "Set commonAnnotations: KEY:VALUE.", value: "annotations", help: "KEY:VALUE, one per argument.") { values, _ in
                        .annotations(values, adding: false, force: true)
                    },
                ]
            ),
            CommandDefinition(
                name: "add",
                abstract: "Add labels, annotations or components to the kustomization file.",
                subcommands: [
                    command(
                        "label", "Add commonLabels (or, --without-selector, a labels entry): KEY:VALUE.", value: "labels", help: "KEY:VALUE, one per argument.",
                        flags: [
                            .flag("force", help: "Overwrite labels that are already set."),
                            .flag("without-selector", help: "Add to a labels entry that leaves selectors alone."),
                            .flag("include-templates", help: "With --without-selector: label pod templates too."),
                        ]
                    ) { values, arguments throws(UsageError) in
                        let withoutSelector = arguments.flag("without-selector"), includeTemplates = arguments.flag("include-templates")
                        if includeTemplates && !withoutSelector { throw UsageError("--include-templates needs --without-selector") }
                        return .labels(values, adding: true, force: arguments.flag("force"), withoutSelector: withoutSelector, includeTemplates: includeTemplates)
                    },
                    command("annotation", "Add commonAnnotations: KEY:VALUE.", value: "annotations", help: "KEY:VALUE, one per argument.",
                            flags: [.flag("force", help: "Overwrite annotations that are already set.")]) { values, arguments in
                        .annotations(values, adding: true, force: arguments.flag("force"))
                    },
                    command("component", "Add component folders.", value: "paths", help: "Component folders, relative to the kustomization.") { values, _ in .components(values) },
                ]
            ),
        ]
    )

    /// One edit command: its values (one, or one or more), its flags, and the edit they make.
    private static func command(
        _ name: String, _ abstract: String, value: String, help: String, repeatable: Bool = true, flags: [Parameter] = [],
        edit: @escaping @Sendable ([String], ParsedArguments) throws(UsageError) -> KustomizationEdit
    ) -> CommandDefinition {
        CommandDefinition(
            name: name, abstract: abstract,
            parameters: [.argument(value, help: help, repeatable: repeatable)] + flags + DiagnosticOptions.parameters,
            run: { arguments in
                try apply(edit(arguments.arguments(value), arguments), diagnostics: DiagnosticOptions(arguments))
            }
        )
    }

    /// Makes one edit to the current folder's kustomization file and writes it back.
    static func apply(_ edit: KustomizationEdit, diagnostics: DiagnosticOptions) throws {
        let builder = KustomizeBuilder()
        let file = try diagnostics.reportingInputErrors {
            try builder.kustomizationFile(in: standardized(FileManager.default.currentDirectoryPath))
        }
        let edited = try diagnostics.reportingInputErrors { try edit.applied(to: file.kustomization.node) }
        do throws(SystemError) {
            try LocalWrites.replace(file.path, with: YAMLEmitter.emit(edited))
        } catch {
            diagnostics.print([Diagnostic.error("io.write", "cannot write '\(file.kustomization.file)': \(error)")])
            throw ExitStatus.inputError
        }
    }
}
