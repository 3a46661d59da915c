import ArgumentParser
import Compiler
import Diagnostics
import FileSources
import FoundationEssentials
import Kustomize
import YAML

/// gitopsc run under the name `kustomize` (a link, or Argo CD's `kustomize.path.<version>`
/// pointing at it): exactly the command lines Argo CD's repo-server runs.
public struct KustomizeCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "kustomize",
        abstract: "gitopsc as a drop-in kustomize (v5.5.0 semantics) for Argo CD: build, version and edit.",
        subcommands: [KustomizeBuild.self, KustomizeVersion.self, KustomizeEdit.self]
    )

    /// The kustomize release whose behaviour gitopsc reproduces, reported by `version`
    /// (Argo CD reads it to decide which command lines it may use).
    static let kustomizeVersion = "v5.5.0"

    public init() {}

    /// Whether the program was started under a kustomize name: `kustomize`, or a name
    /// beginning with it (`kustomize-v5`, `kustomize_5_5`). Every start asks: the last name
    /// is cut from the bytes (a `URL` cost a fifth of `gitopsc --version`).
    public static func isInvoked(as argument0: String) -> Bool {
        argument0.utf8.split(separator: UInt8(ascii: "/")).last?.starts(with: "kustomize".utf8) ?? false
    }

    public static func runMain(_ arguments: [String]? = nil) -> Never {
        runWithGitopscExitCodes(arguments)
    }
}

/// `kustomize build [DIR] [flags]`.
struct KustomizeBuild: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Build a kustomization folder (default: the current folder) to stdout, as kustomize build does."
    )

    enum LoadRestrictor: String, ExpressibleByArgument {
        case rootOnly = "LoadRestrictionsRootOnly"
        case none = "LoadRestrictionsNone"
    }

    enum Reorder: String, ExpressibleByArgument {
        case legacy
        case none
    }

    @Argument(help: "The kustomization folder.")
    var directory: String = "."

    @Option(name: .customLong("load-restrictor"), help: "LoadRestrictionsRootOnly (default) or LoadRestrictionsNone: whether files must be below the kustomization.")
    var loadRestrictor: LoadRestrictor = .rootOnly

    @Option(name: .customLong("reorder"), help: "legacy (the default) only: kustomize's output order.")
    var reorder: Reorder = .legacy

    @Flag(name: .customLong("enable-helm"), help: .hidden) var enableHelm = false
    @Flag(name: .customLong("enable-alpha-plugins"), help: .hidden) var enableAlphaPlugins = false
    @Flag(name: .customLong("enable-exec"), help: .hidden) var enableExec = false
    @Flag(name: .customLong("enable-managedby-label"), help: "Label every object app.kubernetes.io/managed-by: kustomize-v5.5.0.")
    var enableManagedByLabel = false
    @Option(name: .customLong("helm-command"), help: .hidden) var helmCommand: String?
    @Option(name: .customLong("helm-kube-version"), help: .hidden) var helmKubeVersion: String?
    @Option(name: .customLong("helm-api-versions"), help: .hidden) var helmAPIVersions: [String] = []
    @Option(name: [.customShort("o"), .customLong("output")], help: .hidden) var output: String?

    @OptionGroup var diagnostics: DiagnosticOptions

    /// kustomize options gitopsc refuses, each with the reason.
    var refused: [String] {
        var reasons: [String] = []
        let helm = "Helm charts are not supported: gitopsc never runs programs or fetches charts"
        if enableHelm { reasons.append("--enable-helm: \(helm)") }
        if helmCommand != nil || helmKubeVersion != nil || !helmAPIVersions.isEmpty { reasons.append("--helm-*: \(helm)") }
        if enableAlphaPlugins { reasons.append("--enable-alpha-plugins: exec, container and KRM function plugins are not supported: gitopsc never runs programs") }
        if enableExec { reasons.append("--enable-exec: exec plugins are not supported: gitopsc never runs programs") }
        if reorder == .none { reasons.append("--reorder none: not supported; use the kustomization's sortOptions") }
        if output != nil { reasons.append("--output: not supported; the build goes to stdout") }
        return reasons
    }

    func validate() throws {
        if let reason = refused.first { throw ValidationError(reason) }
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

/// `kustomize version [--short]`.
struct KustomizeVersion: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version",
        abstract: "Print the kustomize version whose behaviour this build reproduces."
    )

    @Flag(name: .customLong("short"), help: "Accepted for older callers; the output is the same.")
    var short = false

    func run() throws {
        print(KustomizeCommand.kustomizeVersion)
    }
}

/// `kustomize edit set|add ...` on the kustomization of the current folder.
struct KustomizeEdit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edit",
        abstract: "Edit the kustomization file of the current folder.",
        subcommands: [Set.self, Add.self]
    )

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

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set",
            abstract: "Set a value in the kustomization file.",
            subcommands: [Namespace.self, NamePrefix.self, NameSuffix.self, Image.self, Replicas.self, Label.self, Annotation.self]
        )

        struct Namespace: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "namespace", abstract: "Set the namespace.")
            @Argument var name: String
            @OptionGroup var diagnostics: DiagnosticOptions
            func run() throws { try KustomizeEdit.apply(.namespace(name), diagnostics: diagnostics) }
        }

        struct NamePrefix: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "nameprefix", abstract: "Set the name prefix.")
            @Argument var prefix: String
            @OptionGroup var diagnostics: DiagnosticOptions
            func run() throws { try KustomizeEdit.apply(.namePrefix(prefix), diagnostics: diagnostics) }
        }

        struct NameSuffix: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "namesuffix", abstract: "Set the name suffix.")
            @Argument var suffix: String
            @OptionGroup var diagnostics: DiagnosticOptions
            func run() throws { try KustomizeEdit.apply(.nameSuffix(suffix), diagnostics: diagnostics) }
        }

        struct Image: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "image", abstract: "Set images: NAME=NEWNAME:TAG, NAME=NEWNAME@DIGEST, NAME=NEWNAME, NAME:TAG or NAME@DIGEST.")
            @Argument var images: [String]
            @OptionGroup var diagnostics: DiagnosticOptions
            func run() throws { try KustomizeEdit.apply(.images(images), diagnostics: diagnostics) }
        }

        struct Replicas: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "replicas", abstract: "Set replica counts: NAME=COUNT.")
            @Argument var replicas: [String]
            @OptionGroup var diagnostics: DiagnosticOptions
            func run() throws { try KustomizeEdit.apply(.replicas(replicas), diagnostics: diagnostics) }
        }

        struct Label: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "label", abstract: "Set commonLabels: KEY:VALUE.")
            @Argument var labels: [String]
            @OptionGroup var diagnostics: DiagnosticOptions
            func run() throws {
                try KustomizeEdit.apply(.labels(labels, adding: false, force: true, withoutSelector: false, includeTemplates: false), diagnostics: diagnostics)
            }
        }

        struct Annotation: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "annotation", abstract: "Set commonAnnotations: KEY:VALUE.")
            @Argument var annotations: [String]
            @OptionGroup var diagnostics: DiagnosticOptions
            func run() throws { try KustomizeEdit.apply(.annotations(annotations, adding: false, force: true), diagnostics: diagnostics) }
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Add labels, annotations or components to the kustomization file.",
            subcommands: [Label.self, Annotation.self, Component.self]
        )

        struct Label: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "label", abstract: "Add commonLabels (or, --without-selector, a labels entry): KEY:VALUE.")
            @Argument var labels: [String]
            @Flag(name: .customLong("force"), help: "Overwrite labels that are already set.") var force = false
            @Flag(name: .customLong("without-selector"), help: "Add to a labels entry that leaves selectors alone.") var withoutSelector = false
            @Flag(name: .customLong("include-templates"), help: "With --without-selector: label pod templates too.") var includeTemplates = false
            @OptionGroup var diagnostics: DiagnosticOptions

            func validate() throws {
                if includeTemplates && !withoutSelector { throw ValidationError("--include-templates needs --without-selector") }
            }

            func run() throws {
                try KustomizeEdit.apply(
                    .labels(labels, adding: true, force: force, withoutSelector: withoutSelector, includeTemplates: includeTemplates),
                    diagnostics: diagnostics)
            }
        }

        struct Annotation: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "annotation", abstract: "Add commonAnnotations: KEY:VALUE.")
            @Argument var annotations: [String]
            @Flag(name: .customLong("force"), help: "Overwrite annotations that are already set.") var force = false
            @OptionGroup var diagnostics: DiagnosticOptions
            func run() throws { try KustomizeEdit.apply(.annotations(annotations, adding: true, force: force), diagnostics: diagnostics) }
        }

        struct Component: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "component", abstract: "Add component folders.")
            @Argument var paths: [String]
            @OptionGroup var diagnostics: DiagnosticOptions
            func run() throws { try KustomizeEdit.apply(.components(paths), diagnostics: diagnostics) }
        }
    }
}
