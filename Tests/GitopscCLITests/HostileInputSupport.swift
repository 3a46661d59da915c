import Foundation
import ProcessRunner
import Testing

/// One file of a hostile case. Its bytes are made when the case runs, so big inputs are
/// generated in code and never committed, and the table itself stays cheap to build.
struct HostileFile: Sendable {
    var path: String
    var bytes: @Sendable () -> [UInt8]

    static func text(_ path: String, _ text: String) -> HostileFile {
        HostileFile(path: path) { Array(text.utf8) }
    }

    static func generated(_ path: String, _ make: @escaping @Sendable () -> String) -> HostileFile {
        HostileFile(path: path) { Array(make().utf8) }
    }

    static func raw(_ path: String, _ make: @escaping @Sendable () -> [UInt8]) -> HostileFile {
        HostileFile(path: path, bytes: make)
    }
}

/// A symbolic link of a hostile case: `path` (relative to the project) points at `target`,
/// written as is.
struct HostileLink: Sendable {
    var path: String
    var target: String
}

/// A hostile input and what gitopsc must do with it. The case's folder holds `project/` (the
/// working folder, where `files` and `links` are relative to), `outside/` (a sentinel and
/// files that links and paths try to reach) and `upstream/` (a named template root).
struct HostileCase: Sendable, CustomTestStringConvertible {
    var name: String
    var files: [HostileFile]
    var links: [HostileLink] = []
    /// Runs in the project folder after the files are written and before the snapshot.
    var setup: (@Sendable (URL) throws -> Void)? = nil
    var arguments: [String]
    var status: Int32
    /// Substrings of standard error, each pinning a wording and, where one applies, the
    /// `file:line:column`. Every one must appear.
    var errors: [String] = []
    /// Substrings of standard output.
    var output: [String] = []
    /// Substrings that must not appear in standard error (a second report of one problem,
    /// an internal error text).
    var absent: [String] = []
    /// The only folder (relative to the project) a successful run may change; every other
    /// byte of the case's folder must stay as it was, and a failed run changes nothing.
    var writes: String? = nil
    /// A `build` whose standard output must equal `kubectl kustomize` of this folder.
    var kustomizeOracle: String? = nil
    /// Paths (relative to the project) that must exist after the run, with these bytes.
    var survivors: [String: String] = [:]
    /// Paths (relative to the project) that must exist (true) or not (false) after the run.
    var outputFiles: [String: Bool] = [:]

    var testDescription: String { name }
}

/// What the case's folder holds: each path with its kind, size and (for small files) bytes,
/// read without following links.
func folderSnapshot(_ root: URL) -> [String: String] {
    var snapshot: [String: String] = [:]
    func walk(_ relative: String) {
        let path = relative.isEmpty ? root.path : root.path + "/" + relative
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return }
        let type = attributes[.type] as? FileAttributeType
        switch type {
        case .typeSymbolicLink?:
            snapshot[relative] = "link -> " + ((try? FileManager.default.destinationOfSymbolicLink(atPath: path)) ?? "?")
        case .typeDirectory?:
            snapshot[relative] = "folder"
            for child in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] {
                walk(relative.isEmpty ? child : relative + "/" + child)
            }
        default:
            let size = (attributes[.size] as? NSNumber)?.intValue ?? -1
            let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            var entry = "file \(size) bytes, modified \(modified)"
            if size <= 4096, let data = FileManager.default.contents(atPath: path) {
                entry += ": " + String(decoding: data, as: UTF8.self)
            }
            snapshot[relative] = entry
        }
    }
    walk("")
    return snapshot
}

/// The limits every hostile run gets (1 GB of address space, 20 s): a crash or a runaway
/// allocation ends the child, not the test run, and a hang ends at the timeout.
let hostileMemoryLimitKiB = 1_000_000
let hostileTimeoutSeconds = 20

/// Runs the built gitopsc in `folder` under the memory cap and the timeout.
func gitopscConfined(_ arguments: [String], in folder: URL) throws -> ProcessResult {
    try runProcess(
        "/bin/bash",
        ["-c", "ulimit -v \(hostileMemoryLimitKiB); exec timeout -k 5 \(hostileTimeoutSeconds) \"$@\"", "_", gitopscBinary!.path] + arguments,
        in: folder, environment: ["NO_COLOR": "1"])
}

/// Runs `git` with a fixed identity in `folder`; a failure throws.
func git(_ arguments: [String], in folder: URL) throws {
    let result = try runProcess(
        "/usr/bin/env", ["git", "-c", "user.name=Hostile", "-c", "user.email=hostile@example.com"] + arguments, in: folder)
    if result.status != 0 {
        throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "git \(arguments): \(result.output)"])
    }
}

// MARK: Generated inputs

enum Hostile {
    /// `levels` nested block mappings, the first key indented by `indent`: `k:` on each line,
    /// one space deeper than the line before, and a scalar at the bottom.
    /// The text grows with the square of the depth (50 MB for 10,000 levels), so it is
    /// written with memset: appending byte by byte takes half a minute in a debug build.
    static func blockMapping(levels: Int, indent: Int) -> [UInt8] {
        let total = (0..<levels).reduce(0) { $0 + indent + $1 + 3 } + 2
        return [UInt8](unsafeUninitializedCapacity: total) { buffer, count in
            let base = buffer.baseAddress!
            count = 0
            for level in 0..<levels {
                memset(base + count, 0x20, indent + level)
                count += indent + level
                let key: StaticString = level == levels - 1 ? "k: x\n" : "k:\n"
                memcpy(base + count, key.utf8Start, key.utf8CodeUnitCount)
                count += key.utf8CodeUnitCount
            }
        }
    }

    /// `[[[...]]]`, `depth` levels.
    static func flowSequence(depth: Int) -> String {
        String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
    }

    /// `- - - ... x`, `depth` levels.
    static func blockSequence(depth: Int) -> String {
        String(repeating: "- ", count: depth) + "x"
    }

    /// A 2 MiB scalar anchored once and aliased `count` times.
    static func aliasByteBomb(prefix: String, count: Int) -> String {
        var text = prefix + "  big: &big " + String(repeating: "a", count: 2 << 20) + "\n  copies:\n"
        for _ in 0..<count { text += "  - *big\n" }
        return text
    }

    /// The billion laughs: nine levels of ten aliases of the level above.
    static func billionLaughs(prefix: String, indent: String) -> String {
        var text = prefix + indent + "l0: &l0 lol\n"
        for level in 1...9 {
            let previous = Array(repeating: "*l\(level - 1)", count: 10).joined(separator: ", ")
            text += indent + "l\(level): &l\(level) [\(previous)]\n"
        }
        return text
    }

    /// The bytes of `text` with `bytes` put in place of the first `@`.
    static func splice(_ text: String, _ bytes: [UInt8]) -> [UInt8] {
        let utf8 = Array(text.utf8)
        let at = utf8.firstIndex(of: UInt8(ascii: "@"))!
        return Array(utf8[..<at]) + bytes + Array(utf8[(at + 1)...])
    }

    static let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
}
