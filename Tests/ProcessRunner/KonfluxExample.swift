import Foundation

/// examples/konflux-pipeline-service builds on infra-deployments, which its `fetch-upstream`
/// script brings into `upstream/`. Tests use the corpus's snapshot of that tree (the commit
/// the script pins) instead: a copy of the example whose template root names the snapshot by
/// its absolute path, outside the copy, as a revision's snapshot needs.
public enum KonfluxExample {
    public static let source = Oracles.repository.appendingPathComponent("examples/konflux-pipeline-service")
    public static let fleet = Oracles.shared.appendingPathComponent("corpus/infra-deployments/tree/components/pipeline-service")
    public static var isAvailable: Bool { FileManager.default.fileExists(atPath: fleet.path) }
    /// How the example's gitopsc.yaml names the fetched tree.
    static let fetchedRoot = "path: upstream/components/pipeline-service"

    /// A fresh copy (environments/ and gitopsc.yaml) in a temporary folder named after `label`.
    public static func copy(_ label: String) throws -> URL {
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("gitopsc-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: copy, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: source.appendingPathComponent("environments"), to: copy.appendingPathComponent("environments"))
        let settings = try String(contentsOf: source.appendingPathComponent("gitopsc.yaml"), encoding: .utf8)
        guard settings.contains(fetchedRoot) else {
            throw CocoaError(.fileReadCorruptFile, userInfo: [NSLocalizedDescriptionKey: "the example's gitopsc.yaml no longer says '\(fetchedRoot)'"])
        }
        try settings.replacingOccurrences(of: fetchedRoot, with: "path: \(fleet.path)")
            .write(to: copy.appendingPathComponent("gitopsc.yaml"), atomically: true, encoding: .utf8)
        return copy
    }
}
