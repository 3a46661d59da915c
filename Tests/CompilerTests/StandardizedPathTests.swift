import FileSources
import Foundation
import ProcessRunner
import Testing

/// `standardized` returns a path that is already standard as it is; for generated absolute
/// paths it must give what the lexical rules give.
@Suite struct StandardizedPathTests {
    /// The rules: drop empty and `.` segments, `..` removes the segment before it.
    static func lexical(_ path: String) -> String {
        var segments: [Substring] = []
        for segment in path.split(separator: "/") {
            if segment == "." { continue }
            if segment == ".." {
                if !segments.isEmpty { segments.removeLast() }
                continue
            }
            segments.append(segment)
        }
        return "/" + segments.joined(separator: "/")
    }

    @Test func generatedPathsFollowTheLexicalRules() {
        let seed = SeededRandom.runSeed()
        var random = SeededRandom(seed: seed)
        let pieces = ["a", "b.c", ".", "..", "...", "", ".d", "e.."]
        for _ in 0..<10_000 {
            let path = "/" + (0..<Int.random(in: 0...6, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined(separator: "/")
            let result = standardized(path)
            #expect(result == Self.lexical(path), "'\(path)' (seed \(seed))")
            #expect(standardized(result) == result)
        }
    }

    /// `parentFolder` of a standardized path is what Foundation's URL gives (the lexical
    /// parent), and the path is the parent, a `/` and the last name.
    @Test func parentFolderIsTheLexicalParent() {
        let seed = SeededRandom.runSeed()
        var random = SeededRandom(seed: seed)
        let pieces = ["a", "b.c", "...", ".d", "e f", "é"]
        for _ in 0..<2_000 {
            let path = standardized("/" + (0..<Int.random(in: 1...6, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined(separator: "/"))
            let parent = parentFolder(of: path)
            #expect(parent == URL(fileURLWithPath: path).deletingLastPathComponent().path, "'\(path)' (seed \(seed))")
            #expect((parent == "/" ? "" : parent) + "/" + URL(fileURLWithPath: path).lastPathComponent == path, "'\(path)' (seed \(seed))")
        }
        #expect(parentFolder(of: "/") == "/" && parentFolder(of: "name") == "name")
    }
}
