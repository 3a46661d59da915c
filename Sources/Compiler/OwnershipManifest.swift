import Foundation

/// `<folder>/.gitopsc/manifest.json`: the paths gitopsc owns in the rendered tree, so that
/// a later run replaces and prunes exactly those and leaves everything else alone.
/// Deterministic: no timestamps, sorted keys and paths.
public struct OwnershipManifest: Codable, Sendable, Equatable {
    public var generator: String
    public var environments: [String]
    public var paths: [String]

    public init(paths: [String], environments: [String], generator: String = "gitopsc \(gitopscVersion)") {
        self.generator = generator
        self.environments = environments.sorted()
        self.paths = paths.sorted()
    }

    public static func path(in folder: String) -> String {
        "\(folder)/.gitopsc/manifest.json"
    }

    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(self)) ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    public static func decode(_ text: String) -> OwnershipManifest? {
        try? JSONDecoder().decode(OwnershipManifest.self, from: Data(text.utf8))
    }
}
