import Diagnostics
import Foundation
import ProcessRunner
import Testing
@testable import GitStore

/// Runs a program of the machine (ssh-keygen, sha1sum) as the oracle of a test.
func tool(_ arguments: [String], in folder: String? = nil, input: String? = nil) throws -> ProcessResult {
    try runProcess("/usr/bin/env", arguments, in: folder.map { URL(fileURLWithPath: $0) }, input: input, timeout: 60)
}

struct RemoteURLTests {
    @Test(arguments: [
        ("https://bot:p%40ss@git.example:8443/org/repo.git", RemoteURL.Transport.https, "git.example", 8443, "bot", "p@ss", "https://git.example:8443/org/repo.git"),
        ("https://TOKEN123@github.com/org/repo", .https, "github.com", nil, "TOKEN123", nil, "https://github.com/org/repo"),
        ("http://git.example/repo", .http, "git.example", nil, nil, nil, "http://git.example/repo"),
        ("ssh://git@[::1]:2222/srv/repo.git", .ssh, "::1", 2222, "git", nil, "ssh://git@[::1]:2222/srv/repo.git"),
        ("ssh://deploy:hunter2@git.example/repo", .ssh, "git.example", nil, "deploy", "hunter2", "ssh://deploy@git.example/repo"),
        ("git@github.com:org/repo.git", .ssh, "github.com", nil, "git", nil, "git@github.com:org/repo.git"),
        ("gitlab.example:group/repo.git", .ssh, "gitlab.example", nil, nil, nil, "gitlab.example:group/repo.git"),
        ("/srv/git/gitops.git", .local, "", nil, nil, nil, "/srv/git/gitops.git"),
        ("../gitops.git", .local, "", nil, nil, nil, "../gitops.git"),
        ("./a:b/repo.git", .local, "", nil, nil, nil, "./a:b/repo.git"),
        ("file:///srv/git/gitops.git", .local, "", nil, nil, nil, "file:///srv/git/gitops.git"),
    ] as [(String, RemoteURL.Transport, String, Int?, String?, String?, String)])
    func parses(_ text: String, _ transport: RemoteURL.Transport, _ host: String, _ port: Int?, _ username: String?, _ password: String?, _ display: String) throws {
        let url = try RemoteURL(text)
        #expect(url.transport == transport)
        #expect(url.host == host)
        #expect(url.port == port)
        #expect(url.username == username)
        #expect(url.password == password)
        #expect(url.display == display)
        if transport != .local { #expect(!url.connectable.contains(password ?? "\u{0}")) }
    }

    @Test(arguments: [
        ("ftp://u:topsecret@host/x", "uses the scheme 'ftp'"),
        ("https://u:topsecret@host:99999/x", "has the port '99999'"),
        ("https://u:top%zzsecret@host/x", "not a %XX escape"),
        ("https://u:topsecret@/x", "names no host"),
    ])
    func refusesWithoutShowingTheSecret(_ text: String, _ reason: String) {
        #expect {
            try RemoteURL(text)
        } throws: { error in
            let message = (error as? Diagnostic)?.message ?? ""
            return message.contains(reason) && !message.contains("topsecret")
        }
        #expect(!RemoteURL.redacted(text).contains("topsecret"))
    }

    /// Generated user names and passwords with every reserved character, percent-encoded into a
    /// URL: they parse back exactly, and no form of the password reaches `display`,
    /// `connectable` or `redacted`.
    @Test func userInfoRoundTripsAndNeverShows() throws {
        let seed = SeededRandom.runSeed()
        var random = SeededRandom(seed: seed)
        let alphabet = Array("abcXYZ019-._~:@/?#[]!$&'()*+,;=% é")
        for _ in 0..<300 {
            let user = String((0..<Int.random(in: 1...10, using: &random)).map { _ in alphabet.randomElement(using: &random)! })
            let password = "Q" + String((0..<Int.random(in: 12...30, using: &random)).map { _ in alphabet.randomElement(using: &random)! })
            let encode = { (text: String) in
                text.utf8.map { byte in
                    let character = Character(Unicode.Scalar(byte))
                    return byte < 0x80 && (character.isLetter || character.isNumber) ? String(character) : String(format: "%%%02X", byte)
                }.joined()
            }
            let scheme = Bool.random(using: &random) ? "https" : "ssh"
            let text = "\(scheme)://\(encode(user)):\(encode(password))@h\(Int.random(in: 0...99, using: &random)).example:\(Int.random(in: 1...65535, using: &random))/org/repo.git"
            let url = try RemoteURL(text)
            #expect(url.username == user, "seed \(seed): \(text)")
            #expect(url.password == password, "seed \(seed): \(text)")
            for shown in [url.display, url.connectable, RemoteURL.redacted(text)] {
                #expect(!shown.contains(password) && !shown.contains(encode(password)), "seed \(seed): \(shown)")
            }
        }
    }
}

struct CredentialSourceTests {
    let remote = try! RemoteURL("https://git.example:8443/org/repo.git")

    @Test func theStoreFileEntryIsTheFirstForProtocolHostAndPort() throws {
        let file = """
            not a url
            https://bot:wrong-port@git.example/repo
            http://bot:wrong-scheme@git.example:8443
            https://nouser@git.example:8443
            https://other:first%20match@GIT.example:8443/any/path
            https://bot:second@git.example:8443
            """
        let entry = try #require(RemoteAccess.storeEntry(in: file, for: remote))
        #expect(entry.line == 5 && entry.username == "other" && entry.password == "first match")
        // A user name in the remote URL picks that user's line.
        let named = try #require(RemoteAccess.storeEntry(in: file, for: try RemoteURL("https://bot@git.example:8443/org/repo.git")))
        #expect(named.line == 6 && named.password == "second")
        #expect(RemoteAccess.storeEntry(in: file, for: try RemoteURL("https://git.example:9443/x")) == nil)
    }

    @Test func credentialHelpersAsGitAppliesThem() {
        #expect(RemoteAccess.effectiveHelpers(["cache", "", "store --file=/x"]) == ["store --file=/x"])
        #expect(RemoteAccess.effectiveHelpers(["cache", "store"]) == ["cache", "store"])
        let access = RemoteAccess(environment: ["HOME": "/home/ci", "XDG_CONFIG_HOME": "/xdg"])
        #expect(access.storeFiles(of: "store") == ["/home/ci/.git-credentials", "/xdg/git/credentials"])
        #expect(access.storeFiles(of: "store --file=~/creds") == ["/home/ci/creds"])
        #expect(access.storeFiles(of: "store --file /run/creds") == ["/run/creds"])
        #expect(access.storeFiles(of: "cache --timeout=300") == nil)
    }

    /// The order: URL user info, then the variables, then the store file; and what each source
    /// that had nothing says.
    @Test func theFirstSourceWins() throws {
        let folder = try TemporaryFolder()
        try "https://stored:from-store@git.example:8443\n".write(toFile: folder.sub(".git-credentials"), atomically: true, encoding: .utf8)
        let store = ["credential.helper": ["store"]]
        let environment = ["HOME": folder.path, "GITOPSC_GIT_TOKEN": "from-token"]
        let withURL = try RemoteAccess(environment: environment).httpCredential(for: try RemoteURL("https://u:from-url@git.example:8443/r"), config: store)
        #expect(withURL.credential?.secret == "from-url")
        let withToken = try RemoteAccess(environment: environment).httpCredential(for: remote, config: store)
        #expect(withToken.credential == RemoteAccess.HTTPCredential(username: "x-access-token", secret: "from-token", source: "GITOPSC_GIT_TOKEN"))
        let fromStore = try RemoteAccess(environment: ["HOME": folder.path]).httpCredential(for: remote, config: store)
        #expect(fromStore.credential == RemoteAccess.HTTPCredential(username: "stored", secret: "from-store", source: "\(folder.path)/.git-credentials line 1"))
        #expect(fromStore.tried == ["the remote URL (no user info)", "GITOPSC_GIT_TOKEN and GITOPSC_GIT_PASSWORD (not set)"])
        let none = try RemoteAccess(environment: ["HOME": folder.path]).httpCredential(for: remote, config: [:])
        #expect(none.credential == nil)
        #expect(throws: Diagnostic.self) {
            try RemoteAccess(environment: ["GITOPSC_GIT_TOKEN": "a", "GITOPSC_GIT_PASSWORD": "b"]).httpCredential(for: remote, config: [:])
        }
    }

    @Test func serverStatusesThatMeanALostRace() {
        #expect(ReferenceStatus.Result(remoteStatus: nil) == .updated)
        for status in ["non-fast-forward", "fetch first", "failed to update ref", "cannot lock ref 'refs/heads/x': is at 1 but expected 2"] {
            #expect(ReferenceStatus.Result(remoteStatus: status) == .nonFastForward, "\(status)")
        }
        #expect(ReferenceStatus.Result(remoteStatus: "pre-receive hook declined") == .rejected("pre-receive hook declined"))
    }
}

struct KnownHostsTests {
    /// RFC 2202's HMAC-SHA1 test cases 1 to 3, and SHA-1 of generated messages (every length
    /// around the block boundaries) against `sha1sum`.
    @Test func hmacSHA1() throws {
        let hex = { (bytes: [UInt8]) in bytes.map { String(format: "%02x", $0) }.joined() }
        #expect(hex(HMACSHA1.authenticationCode(key: [UInt8](repeating: 0x0b, count: 20), message: Array("Hi There".utf8))) == "b617318655057264e28bc0b6fb378c8ef146be00")
        #expect(hex(HMACSHA1.authenticationCode(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))) == "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79")
        #expect(hex(HMACSHA1.authenticationCode(key: [UInt8](repeating: 0xaa, count: 20), message: [UInt8](repeating: 0xdd, count: 50))) == "125d7342b9ac11cd91a39af48aa17b4f63f175d3")
        #expect(hex(HMACSHA1.authenticationCode(key: [UInt8](repeating: 0xaa, count: 80), message: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8))) == "aa4ae5e15272d00e95705637ce8a3b55ed402112")
        let seed = SeededRandom.runSeed()
        var random = SeededRandom(seed: seed)
        for length in Array(0...3) + Array(54...66) + Array(118...130) + [Int.random(in: 200...2000, using: &random)] {
            let text = String((0..<length).map { _ in "abcdefghijklmnopqrstuvwxyz0123456789 \n".randomElement(using: &random)! })
            let oracle = try tool(["sha1sum"], input: text).stdout.prefix(40)
            #expect(hex(HMACSHA1.digest(Array(text.utf8))) == oracle, "seed \(seed), length \(length)")
        }
    }

    /// Which lines name which hosts: the same as `ssh-keygen -F` for plain patterns (wildcards,
    /// negation, ports) and for the same file hashed by `ssh-keygen -H`.
    @Test func linesNameTheHostsSshKeygenFinds() throws {
        guard Oracles.executable("ssh-keygen") != nil else {
            if Oracles.required { Issue.record("ssh-keygen is needed: run scripts/install-deps") }
            return
        }
        let folder = try TemporaryFolder()
        try tool(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", folder.sub("key")])
        let key = try String(contentsOfFile: folder.sub("key.pub"), encoding: .utf8).split(separator: " ").prefix(2).joined(separator: " ")
        let patterns = [
            "git.example.com", "*.example.org,!secret.example.org", "[127.0.0.1]:2222", "10.0.0.?",
            "Mixed.Case.Example", "gitlab.*", "[gitlab.example]:*", "a*b*c.example",
        ]
        let queries = [
            "git.example.com", "www.example.org", "secret.example.org", "[127.0.0.1]:2222", "127.0.0.1", "10.0.0.7", "10.0.0.77",
            "mixed.case.example", "gitlab.com", "[gitlab.example]:2200", "gitlab.example", "abc.example", "aXbYc.example", "ab.example",
        ]
        try patterns.map { "\($0) \(key)\n" }.joined().write(toFile: folder.sub("known_hosts"), atomically: true, encoding: .utf8)
        try FileManager.default.copyItem(atPath: folder.sub("known_hosts"), toPath: folder.sub("hashed"))
        try tool(["ssh-keygen", "-q", "-H", "-f", folder.sub("hashed")])
        var matches = 0
        for file in ["known_hosts", "hashed"] {
            let entries = KnownHosts.parse(try String(contentsOfFile: folder.sub(file), encoding: .utf8), file: file)
            for query in queries {
                let found = try tool(["ssh-keygen", "-F", query, "-f", folder.sub(file)]).stdout
                let oracle = found.split(separator: "\n").compactMap { line -> Int? in
                    guard let marker = line.range(of: "found: line ") else { return nil }
                    return Int(line[marker.upperBound...].prefix { $0.isNumber })
                }
                let ours = entries.filter { $0.names(query) }.map(\.line)
                #expect(ours == oracle, "\(file), \(query): ours \(ours), ssh-keygen -F \(oracle)")
                matches += oracle.count
            }
        }
        // Both files: the queries that some line names (the oracle really matched things).
        #expect(matches == 2 * 10, "\(matches)")
    }

    @Test func verdicts() throws {
        let folder = try TemporaryFolder()
        var blobs: [String: [UInt8]] = [:]
        for (name, type) in [("server", "ed25519"), ("impostor", "ed25519"), ("rotated", "ecdsa")] {
            try tool(["ssh-keygen", "-q", "-t", type, "-N", "", "-f", folder.sub(name)])
            let field = try String(contentsOfFile: folder.sub(name + ".pub"), encoding: .utf8).split(separator: " ")[1]
            blobs[name] = Array(Data(base64Encoded: String(field))!)
        }
        let line = { (hosts: String, name: String) in "\(hosts) \(KnownHosts.keyType(of: blobs[name]!)) \(Data(blobs[name]!).base64EncodedString())" }
        #expect(KnownHosts.keyType(of: blobs["server"]!) == "ssh-ed25519")
        #expect(KnownHosts.keyType(of: blobs["rotated"]!) == "ecdsa-sha2-nistp256")
        let knownHosts = KnownHosts(entries: KnownHosts.parse([
            "# comment", "", line("[git.example]:2222", "impostor"), line("git.example", "server"),
            line("old.example", "rotated"), "@revoked " + line("*", "impostor"), "@cert-authority " + line("*.example", "server"),
        ].joined(separator: "\n"), file: "kh"))
        #expect(knownHosts.verdict(host: "GIT.example", port: 22, key: blobs["server"]!) == .trusted(knownHosts.entries[1]))
        #expect(knownHosts.verdict(host: "git.example", port: 2222, key: blobs["server"]!) == .changed(knownHosts.entries[0]))
        #expect(knownHosts.verdict(host: "git.example", port: 22, key: blobs["impostor"]!) == .revoked(knownHosts.entries[3]))
        #expect(knownHosts.verdict(host: "old.example", port: 22, key: blobs["server"]!) == .otherTypes([knownHosts.entries[2]]))
        // A certificate authority line is not a host key: the host stays unknown.
        #expect(knownHosts.verdict(host: "new.example", port: 22, key: blobs["server"]!) == .unknown)
        #expect(knownHosts.entries.map(\.line) == [3, 4, 5, 6, 7])
    }

    /// The fingerprint gitopsc prints is the one `ssh-keygen -l` prints for the same key.
    @Test func fingerprintsMatchSshKeygen() throws {
        let folder = try TemporaryFolder()
        try tool(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", folder.sub("key")])
        let listed = try tool(["ssh-keygen", "-l", "-E", "sha256", "-f", folder.sub("key.pub")]).stdout.split(separator: " ")[1]
        let blob = Data(base64Encoded: String(try String(contentsOfFile: folder.sub("key.pub"), encoding: .utf8).split(separator: " ")[1]))!
        let digest = try tool(["python3", "-c", "import hashlib,sys; sys.stdout.write(hashlib.sha256(bytes.fromhex(sys.stdin.read())).hexdigest())"],
                              input: blob.map { String(format: "%02x", $0) }.joined()).stdout
        let bytes = stride(from: 0, to: digest.count, by: 2).map { UInt8(digest.dropFirst($0).prefix(2), radix: 16)! }
        #expect(KnownHosts.fingerprint(sha256: bytes) == String(listed))
    }
}
