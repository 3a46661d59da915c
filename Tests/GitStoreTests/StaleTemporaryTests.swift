import Foundation
import Testing
@testable import GitStore

/// A publish killed with `kill -9` while libgit2's indexer writes its pack leaves
/// `objects/pack/pack_git2_<random>` behind; the next publish removes such files once they are
/// old enough that no running publish can still own them, and nothing else.
@Suite struct StaleTemporaryTests {
    @Test func nextPublishRemovesOnlyItsOwnStaleTemporaries() throws {
        let target = try TestRepository()
        let objects = target.gitDirectory + "/objects"
        let pack = objects + "/pack"
        let twoHoursAgo = Date(timeIntervalSinceNow: -7200)
        func plant(_ path: String, modified: Date = twoHoursAgo) throws {
            try Data("PACK\0\0\0\u{2}".utf8).write(to: URL(fileURLWithPath: path))
            try FileManager.default.setAttributes([.modificationDate: modified], ofItemAtPath: path)
        }
        try plant(pack + "/pack_git2_2ff4148713a4fb34")          // libgit2 1.5's name: removed
        try plant(pack + "/pack_git2_Ab3dE9")                    // mkstemp's name (other versions): removed
        try plant(pack + "/pack_git2_0123456789abcdef.keep")     // not the pattern
        try plant(pack + "/tmp_pack_Q1w2E3")                     // git's own temporary: not ours
        try plant(pack + "/pack_git2_")                          // no random part
        try plant(objects + "/pack_git2_5a5a5a5a5a5a5a5a")       // outside objects/pack
        try plant(pack + "/pack_git2_1111222233334444", modified: Date(timeIntervalSinceNow: -60)) // may be in use
        try FileManager.default.createSymbolicLink(atPath: pack + "/pack_git2_6b6b6b6b6b6b6b6b", withDestinationPath: objects + "/pack_git2_5a5a5a5a5a5a5a5a")
        try FileManager.default.setAttributes([.modificationDate: twoHoursAgo], ofItemAtPath: pack + "/pack_git2_6b6b6b6b6b6b6b6b")

        let repository = try target.open()
        _ = try repository.commit(
            branch: "main", files: ["a.yaml": bytes("a: 1\n")], ownedPaths: [], message: "m", author: publisher, committer: publisher)

        let left = try FileManager.default.contentsOfDirectory(atPath: pack).filter { !$0.hasPrefix("pack-") }.sorted()
        #expect(left == [
            "pack_git2_", "pack_git2_0123456789abcdef.keep", "pack_git2_1111222233334444", "pack_git2_6b6b6b6b6b6b6b6b",
            "tmp_pack_Q1w2E3",
        ])
        #expect(FileManager.default.fileExists(atPath: objects + "/pack_git2_5a5a5a5a5a5a5a5a"))
        #expect(try target.packs().count == 1)
    }

    @Test func theNamePatternIsLibgit2sOwn() {
        #expect(GitRepository.isTemporaryPackName("pack_git2_2ff4148713a4fb34"))
        #expect(GitRepository.isTemporaryPackName("pack_git2_XyZ019"))
        #expect(!GitRepository.isTemporaryPackName("pack_git2_abc"))
        #expect(!GitRepository.isTemporaryPackName("pack_git2_abcdef/"))
        #expect(!GitRepository.isTemporaryPackName("pack-2ff4148713a4fb342ff4148713a4fb342ff41487.pack"))
        #expect(!GitRepository.isTemporaryPackName("pack_git2_abcdef.idx"))
    }
}
