import FileSources
import Foundation
import Testing

/// Files gitopsc writes get the permissions the user's umask gives, replace the old file in
/// one rename (no temporary left behind), and `create` never replaces a file.
@Suite struct LocalWritesTests {
    let scratch: String

    init() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("gitopsc-writes-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
    }

    func permissions(_ path: String) throws -> Int {
        try (FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as! NSNumber).intValue
    }

    @Test func replaceWritesWholeFilesWithTheUmasksPermissionsAndLeavesNothingElse() throws {
        let previous = umask(0o027)
        defer { umask(previous) }
        let folder = scratch + "/a/b/c"
        try LocalWrites.makeFolders(folder)
        try LocalWrites.makeFolders(folder)
        let path = folder + "/file.yaml"
        try LocalWrites.replace(path, with: "first\n")
        try LocalWrites.replace(path, with: String(repeating: "second\n", count: 100_000))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == String(repeating: "second\n", count: 100_000))
        #expect(try permissions(path) == 0o640)
        #expect(try permissions(folder) == 0o750)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["file.yaml"])
    }

    @Test func createNeverReplacesAFile() throws {
        let path = scratch + "/kept.txt"
        try "mine".write(toFile: path, atomically: false, encoding: .utf8)
        #expect(throws: SystemError.self) { try LocalWrites.create(path, with: "theirs") }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "mine")
    }

    @Test func failuresSayWhyInTheSystemsWords() throws {
        try "a file".write(toFile: scratch + "/plain", atomically: false, encoding: .utf8)
        do {
            try LocalWrites.makeFolders(scratch + "/plain/below")
            Issue.record("a folder was made below a file")
        } catch {
            #expect(error.description == "Not a directory")
        }
        do {
            try LocalWrites.replace(scratch + "/missing/file", with: "")
            Issue.record("a file was written into a missing folder")
        } catch {
            #expect(error.description == "No such file or directory")
        }
    }
}
