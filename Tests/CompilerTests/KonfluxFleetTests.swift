import Compiler
import Diagnostics
import FileSources
import Foundation
import ProcessRunner
import Testing

/// The 13 pipeline-service clusters of infra-deployments, written as gitopsc environments in
/// examples/konflux-pipeline-service, must render exactly the `deploy.yaml` files committed
/// in that repository (../shared/corpus).
@Suite struct KonfluxFleetTests {
    static let fleet = KonfluxExample.fleet
    static let hasFleet = KonfluxExample.isAvailable
    static let example: URL = (try? KonfluxExample.copy("konflux")) ?? KonfluxExample.source

    /// Every folder of the fleet with a rendered `deploy.yaml`: the clusters.
    static func clusters() throws -> [String] {
        let paths = FileManager.default.enumerator(atPath: fleet.path)?.compactMap { $0 as? String } ?? []
        return paths.filter { $0.hasSuffix("/deploy.yaml") }.map { String($0.dropLast("/deploy.yaml".count)) }.sorted()
    }

    @Test(.enabled(if: hasFleet, "../shared/corpus is absent: the Konflux fleet comparison is skipped"))
    func everyClusterRendersItsCommittedDeployYAML() throws {
        let clusters = try Self.clusters()
        #expect(clusters.count == 13)
        let tree = try Compiler(root: Self.example.path, displayBase: Self.example.path).compile()
        #expect(tree.environmentNames == clusters, "one concrete environment per cluster, named like its folder")
        var identical: [String] = []
        for cluster in clusters {
            let expected = try String(contentsOf: Self.fleet.appendingPathComponent("\(cluster)/deploy.yaml"), encoding: .utf8)
            let rendered = tree.files["clusters/\(cluster)/pipeline-service/manifest.yaml"]
            #expect(rendered == expected, "\(cluster): rendered pipeline-service differs from its deploy.yaml")
            if rendered == expected { identical.append(cluster) }
        }
        #expect(identical.count == 13)
    }

    /// A revision's snapshot holds only the repository; a template root outside it is read
    /// from disk.
    @Test(.enabled(if: hasFleet, "../shared/corpus is absent: the Konflux fleet comparison is skipped"))
    func aSnapshotReadsTemplateRootsOutsideItFromDisk() throws {
        let disk = LocalFiles()
        var files: [String: [UInt8]] = [:]
        for relative in disk.files(below: Self.example.path) where !relative.hasPrefix("out/") {
            files[relative] = disk.contents(of: Self.example.path + "/" + relative)
        }
        let local = try Compiler(root: Self.example.path, displayBase: Self.example.path).compile()
        let snapshot = SnapshotFiles(root: Self.example.path, files: files, outside: disk)
        let fromSnapshot = try Compiler(root: Self.example.path, displayBase: Self.example.path, files: snapshot).compile()
        #expect(fromSnapshot.files == local.files)

        let sealed = SnapshotFiles(root: Self.example.path, files: files)
        #expect(throws: DiagnosticList.self) {
            _ = try Compiler(root: Self.example.path, displayBase: Self.example.path, files: sealed).compile()
        }
    }

    @Test(.enabled(if: hasFleet && hasCRDValidator, "../shared is absent: validating the fleet's Applications is skipped"))
    func generatedApplicationsMatchTheArgoCDSchema() throws {
        let tree = try Compiler(root: Self.example.path, displayBase: Self.example.path).compile()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gitopsc-fleet-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        var written = 0
        for (path, text) in tree.files where path.hasSuffix("/root.yaml") || path.contains("/apps/") {
            let url = folder.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
            written += 1
        }
        #expect(written == 26)
        let (status, text) = try validateCRDs(at: folder.path)
        #expect(status == 0, "\(text)")
        #expect(text.contains("26 passed, 0 failed"), "\(text)")
    }
}
