import Compiler
import Diagnostics
import Foundation
import Testing

/// Writes and deletes stay inside the output folder whatever the previous run's manifest
/// says and whatever links sit in the output folder.
@Suite struct OutputContainmentTests {
    let sources: SourceTree
    let scratch: URL
    var output: String { scratch.appendingPathComponent("out").path }

    init() throws {
        sources = try SourceTree(minimalSources)
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("gitopsc-writer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    func writeError(_ tree: RenderedTree) -> Diagnostic? {
        do {
            _ = try OutputWriter.write(tree.output, to: output)
            return nil
        } catch {
            return error
        }
    }

    @Test(arguments: ["clusters/../victim.txt", "/etc/victim.txt", "elsewhere/victim.txt", "clusters/prod/./x"])
    func aForgedManifestTouchesNothing(forged: String) throws {
        let tree = try sources.compile()
        _ = try OutputWriter.write(tree.output, to: output)
        let victim = scratch.appendingPathComponent("victim.txt")
        try "keep".write(to: victim, atomically: true, encoding: .utf8)
        let manifestPath = output + "/clusters/.gitopsc/manifest.json"
        let manifest = OwnershipManifest(paths: tree.files.keys.filter { !$0.hasSuffix("manifest.json") } + [forged], environments: ["prod/east"])
        try manifest.json.write(toFile: manifestPath, atomically: true, encoding: .utf8)
        let before = try String(contentsOfFile: manifestPath, encoding: .utf8)

        let error = try #require(writeError(tree))
        #expect(error.code == "output.forged-manifest")
        #expect(error.message.hasPrefix("the ownership manifest lists '\(forged)'"))
        #expect(error.location?.file == manifestPath)
        #expect(FileManager.default.fileExists(atPath: victim.path))
        #expect(try String(contentsOfFile: manifestPath, encoding: .utf8) == before)
    }

    @Test func aManifestThatIsNotJSONIsAnError() throws {
        let tree = try sources.compile()
        try FileManager.default.createDirectory(atPath: output + "/clusters/.gitopsc", withIntermediateDirectories: true)
        try "{not json".write(toFile: output + "/clusters/.gitopsc/manifest.json", atomically: true, encoding: .utf8)
        #expect(writeError(tree)?.code == "output.invalid-manifest")
        #expect(!FileManager.default.fileExists(atPath: output + "/clusters/prod"))
    }

    @Test func aSymlinkedEnvironmentFolderIsNotWrittenThrough() throws {
        let tree = try sources.compile()
        let elsewhere = scratch.appendingPathComponent("elsewhere")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: output + "/clusters/prod", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: output + "/clusters/prod/east", withDestinationPath: elsewhere.path)
        let error = try #require(writeError(tree))
        #expect(error.code == "output.symlink")
        #expect(error.message.hasPrefix("'\(output)/clusters/prod/east' is a symbolic link"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere.path).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: output + "/clusters/.gitopsc"))
    }

    @Test func anOutputFolderThatIsAFileIsAnError() throws {
        let tree = try sources.compile()
        try "x".write(toFile: output, atomically: true, encoding: .utf8)
        let error = try #require(writeError(tree))
        #expect(error.description == "error: output folder '\(output)' exists and is not a folder; nothing was written")
    }

    @Test(arguments: ["environments", "templates/web"])
    func anOutputFolderInsideTheSourcesIsRefused(folder: String) throws {
        let tree = try sources.compile()
        let output = sources.root.appendingPathComponent(folder).path
        do {
            _ = try OutputWriter.write(tree.output, to: output)
            Issue.record("the write succeeded")
        } catch {
            #expect(error.code == "output.overlaps-sources")
            #expect(error.message.hasSuffix("nothing was written"))
        }
        #expect(!FileManager.default.fileExists(atPath: output + "/clusters"))
    }
}
