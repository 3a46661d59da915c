// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "gitopsc",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "gitopsc", targets: ["gitopsc"]),
        .library(name: "Kustomize", targets: ["Kustomize"]),
    ],
    targets: [
        // System libraries, linked from the Debian packages (never vendored copies).
        .systemLibrary(
            name: "CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        // libgit2's headers only (Debian libgit2-dev, in the default include path): no pkgConfig,
        // whose `-lgit2` would link libgit2 into every process. CLibGit2Loader defines the
        // functions GitStore calls and loads libgit2 (Debian libgit2-1.5) on the first one.
        .systemLibrary(name: "CLibGit2"),
        // DWARF 4 like the Swift objects: valgrind 3.19 (callgrind) rejects the binary when
        // clang's default DWARF 5 is mixed in.
        .target(name: "CLibGit2Loader", cSettings: [.unsafeFlags(["-gdwarf-4"])]),
        .target(name: "Diagnostics"),
        // The source commit scripts/release embeds at build time (empty in a plain build).
        .target(name: "CBuildInfo"),
        .target(name: "Diff", dependencies: ["YAML", "Diagnostics"]),
        .target(name: "FileSources", dependencies: ["Diagnostics"]),
        .target(name: "YAML", dependencies: ["CYAML", "Diagnostics"]),
        .target(name: "Kustomize", dependencies: ["YAML", "Diagnostics", "FileSources"]),
        .target(name: "Environments", dependencies: ["YAML", "Diagnostics", "FileSources"]),
        .target(name: "Manifests", dependencies: ["YAML", "Diagnostics"]),
        .target(name: "Schemas", dependencies: ["YAML", "Diagnostics", "FileSources"]),
        .target(name: "Compiler", dependencies: ["CBuildInfo", "Environments", "Manifests", "Kustomize", "Schemas", "YAML", "Diagnostics", "FileSources"]),
        .target(name: "Publisher", dependencies: ["Compiler", "GitStore", "FileSources", "Diagnostics"]),
        .target(
            name: "GitopscCLI",
            dependencies: [
                "Kustomize", "Diagnostics", "YAML", "Environments", "Compiler", "Publisher", "GitStore", "FileSources", "Diff", "Schemas",
            ]
        ),
        .executableTarget(name: "gitopsc", dependencies: ["GitopscCLI"]),
        .target(name: "GitStore", dependencies: ["CLibGit2", "CLibGit2Loader", "Diagnostics", "FileSources"]),
        // Runs the external programs tests compare with; shared by the test targets.
        .target(name: "ProcessRunner", path: "Tests/ProcessRunner"),
        .testTarget(name: "GitStoreTests", dependencies: ["GitStore", "Diagnostics", "ProcessRunner"]),
        .target(name: "Conformance", dependencies: ["Kustomize", "YAML", "Diagnostics"]),
        .executableTarget(name: "conformance", dependencies: ["Conformance", "Kustomize"], path: "Sources/conformance-runner"),
        .executableTarget(name: "compile-benchmark", dependencies: ["Compiler"], path: "Sources/compile-benchmark"),
        .testTarget(name: "DiffTests", dependencies: ["Diff", "YAML", "Diagnostics", "ProcessRunner"]),
        .testTarget(name: "PublisherTests", dependencies: ["Publisher", "GitStore", "Diagnostics", "ProcessRunner"]),
        .executableTarget(name: "publish-benchmark", dependencies: ["GitStore"], path: "Sources/publish-benchmark"),
        .testTarget(name: "YAMLTests", dependencies: ["YAML", "ProcessRunner"]),
        .testTarget(name: "SchemasTests", dependencies: ["Schemas", "Compiler", "YAML", "Diagnostics", "FileSources", "ProcessRunner"]),
        .testTarget(name: "KustomizeTests", dependencies: ["Kustomize", "YAML", "Conformance", "Diagnostics", "FileSources", "ProcessRunner"]),
        .testTarget(name: "GitopscCLITests", dependencies: ["gitopsc", "GitopscCLI", "ProcessRunner"]),
        .testTarget(name: "EnvironmentsTests", dependencies: ["Environments", "YAML", "Diagnostics", "ProcessRunner"]),
        .testTarget(name: "ManifestsTests", dependencies: ["Manifests", "YAML", "Diagnostics", "ProcessRunner"]),
        // The code of the libFuzzer targets, and the replay of every input they crashed on.
        .target(
            name: "FuzzTargets",
            dependencies: ["YAML", "Kustomize", "Environments", "Manifests", "FileSources", "Diagnostics"],
            path: "Fuzz/Targets"
        ),
        .testTarget(name: "FuzzRegressionTests", dependencies: ["FuzzTargets"]),
        .testTarget(
            name: "CompilerTests",
            dependencies: ["Compiler", "Environments", "Manifests", "Kustomize", "YAML", "Diagnostics", "FileSources", "ProcessRunner"],
            exclude: ["Golden"]
        ),
    ]
)

// The libFuzzer executables exist only when GITOPSC_FUZZ=1 (scripts/fuzz sets it and builds them
// with -sanitize=fuzzer,address in .build-fuzz): linked normally they would have no main.
if Context.environment["GITOPSC_FUZZ"] == "1" {
    for name in ["yaml", "kustomize", "environments", "merge", "jsonpatch", "pattern"] {
        package.targets.append(.executableTarget(
            name: "fuzz-\(name)", dependencies: ["FuzzTargets"], path: "Fuzz/Mains/fuzz-\(name)"))
    }
}
