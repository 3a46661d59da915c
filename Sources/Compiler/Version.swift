import CBuildInfo

/// The version gitopsc reports and writes into rendered trees' ownership manifests.
public let gitopscVersion = "0.1.0"

/// The commit gitopsc was built from, embedded by scripts/release; nil for a plain `swift build`.
public let gitopscSourceCommit: String? = {
    let commit = String(cString: gitopsc_source_commit())
    return commit.isEmpty ? nil : commit
}()

/// What `gitopsc --version` prints: the version and the source commit.
public var gitopscVersionDescription: String {
    "gitopsc \(gitopscVersion) (\(gitopscSourceCommit.map { "commit \($0)" } ?? "source commit unknown: not a release build"))"
}
