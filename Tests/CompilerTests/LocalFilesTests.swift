import FileSources
import Foundation
import ProcessRunner
import Testing

@Suite struct LocalFilesTests {
    /// `contents` and `children` read with POSIX calls; Foundation's FileManager, which
    /// they replaced, is the independent reader they must agree with: files of seeded sizes
    /// (empty, one byte, around the 4 KiB the read grows by, a few hundred KiB), names with
    /// dots, spaces and non-ASCII letters, a folder, a missing path and a link. A pipe and a
    /// device are refused.
    @Test func agreesWithFileManager() throws {
        let seed = SeededRandom.runSeed()
        var random = SeededRandom(seed: seed)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gitopsc-localfiles-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let sizes = [0, 1, 4095, 4096, 4097] + (0..<6).map { _ in Int.random(in: 0...300_000, using: &random) }
        let names = [".hidden", "a b.yaml", "é.yml", "z", "kustomization.yaml", "..x"] + sizes.indices.map { "file-\($0)" }
        for (index, name) in names.enumerated() {
            let size = sizes[index % sizes.count]
            let bytes = (0..<size).map { _ in UInt8.random(in: 0...255, using: &random) }
            try Data(bytes).write(to: folder.appendingPathComponent(name))
        }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("sub"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("link").path, withDestinationPath: names[1])
        let files = LocalFiles()
        for name in names + ["link"] {
            let path = folder.appendingPathComponent(name).path
            #expect(files.contents(of: path) == FileManager.default.contents(atPath: path).map(Array.init), "seed \(seed) (GITOPSC_SEED=\(seed) to replay): \(name)")
        }
        #expect(files.contents(of: folder.appendingPathComponent("sub").path) == nil)
        #expect(files.contents(of: folder.appendingPathComponent("missing").path) == nil)
        #expect(files.children(of: folder.path) == (try FileManager.default.contentsOfDirectory(atPath: folder.path)).sorted())
        #expect(files.children(of: folder.appendingPathComponent("sub").path) == [])
        #expect(files.children(of: folder.appendingPathComponent(names[0]).path) == nil)
        #expect(files.children(of: folder.appendingPathComponent("missing").path) == nil)
        // A pipe without a writer and an endless device are refused, not waited on or read.
        let pipe = folder.appendingPathComponent("pipe").path
        #expect(mkfifo(pipe, 0o644) == 0)
        #expect(files.contents(of: pipe) == nil)
        #expect(files.contents(of: "/dev/zero") == nil)
        // A file the kernel reports no size for is read to its end.
        #expect(files.contents(of: "/proc/self/status").map { String(decoding: $0, as: UTF8.self).contains("Name:") } == true)
    }
}
