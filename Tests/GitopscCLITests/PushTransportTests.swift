import Foundation
import ProcessRunner
import Testing

/// Whether the programs the loopback servers need are here (scripts/install-deps installs them).
let loopbackTools: Bool = ["openssl", "python3", "git", "ssh-keygen", "ssh-agent", "ssh-add"].allSatisfy { Oracles.executable($0) != nil }
    && FileManager.default.isExecutableFile(atPath: "/usr/sbin/sshd")

/// Skips (or, in CI, fails) when a server program is missing.
func requireLoopbackTools() -> Bool {
    if loopbackTools { return true }
    if Oracles.required { Issue.record("openssl, python3, git, sshd, ssh-keygen, ssh-agent and ssh-add are needed: run scripts/install-deps") }
    return false
}

/// Expects a refused publish: exit status 2, the message parts, and no secret anywhere.
func expectRefused(_ result: ProcessResult, mentioning parts: [String], secrets: [String], sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(result.status == 2, "exit \(result.status): \(result.output)", sourceLocation: sourceLocation)
    for part in parts {
        #expect(result.stderr.contains(part), "the message does not say '\(part)': \(result.stderr)", sourceLocation: sourceLocation)
    }
    for secret in secrets {
        #expect(!result.output.contains(secret), "a secret leaked: \(result.output)", sourceLocation: sourceLocation)
    }
}

@Suite(.enabled(if: gitopscBinary != nil, "the gitopsc executable is not built beside the tests: run `swift build --build-tests`"))
struct PushOverHTTPSTests {
    /// Each credential source on its own, each publish from a fresh local repository (so each
    /// first fetches the branch the previous one pushed, with the same credential).
    @Test func everyCredentialSourcePushes() throws {
        guard requireLoopbackTools() else { return }
        let fixture = try PushFixture()
        let server = try HTTPSGitServer(in: fixture.folder)
        let trust = ["GIT_SSL_CAINFO": server.caBundle]
        let gitconfig = fixture.home.appendingPathComponent(".gitconfig")
        let userInfoURL = "https://gitops-bot:\(server.password)@localhost:\(server.port)/gitops.git"
        let sources: [(name: String, remote: String, environment: [String: String], files: [URL: String])] = [
            ("user name and password variables", server.url, trust.merging(["GITOPSC_GIT_USERNAME": "gitops-bot", "GITOPSC_GIT_PASSWORD": server.password]) { $1 }, [:]),
            ("a token alone", server.url, trust.merging(["GITOPSC_GIT_TOKEN": server.password]) { $1 }, [:]),
            // What Tekton's credential initialisation writes for a basic-auth Secret.
            ("Tekton's ~/.git-credentials", server.url, trust, [
                fixture.home.appendingPathComponent(".git-credentials"): "https://gitops-bot:\(server.password)@localhost:\(server.port)\n",
                gitconfig: "[credential]\n\thelper = store\n[credential \"https://localhost:\(server.port)\"]\n\tusername = gitops-bot\n",
            ]),
            // The CA bundle from git config instead of the environment.
            ("user info in the URL, CA from http.sslCAInfo", userInfoURL, [:], [gitconfig: "[http]\n\tsslCAInfo = \(server.caBundle)\n"]),
            ("SSL_CERT_FILE", server.url, ["SSL_CERT_FILE": server.caBundle, "GITOPSC_GIT_TOKEN": server.password], [:]),
        ]
        var pushed: [String] = []
        for (index, source) in sources.enumerated() {
            for (file, text) in source.files { try text.write(to: file, atomically: true, encoding: .utf8) }
            defer { for file in source.files.keys { try? FileManager.default.removeItem(at: file) } }
            try fixture.changeSource("state-\(index)")
            let result = try fixture.publish(to: source.remote, environment: source.environment)
            #expect(result.status == 0, "\(source.name): \(result.output)")
            #expect(result.stdout.contains("push \(server.url): refs/heads/rendered: updated"), "\(source.name): \(result.output)")
            #expect(!result.output.contains(server.password), "\(source.name): the secret leaked: \(result.output)")
            let commit = try #require(committedID(result), "\(source.name): \(result.output)")
            pushed.append(commit)
            try expectServerSound(server.repository, at: commit)
            if source.remote == userInfoURL {
                #expect(result.stderr.contains("warning: the remote URL \(server.url) carries a password or token"), "\(result.stderr)")
            } else {
                #expect(!result.stderr.contains("warning"), "\(source.name): \(result.stderr)")
            }
        }
        // One commit per publish, each on the previous one; no secret in any commit or local file.
        let history = try setUp("git --git-dir=\(server.repository.path) log --format=%H rendered", in: fixture.folder)
        #expect(history.split(separator: "\n").map(String.init) == pushed.reversed())
        let messages = try setUp("git --git-dir=\(server.repository.path) log --format=%B rendered", in: fixture.folder)
        #expect(!messages.contains(server.password))
        #expect(!(try fixture.localRepositoryBytes()).contains(server.password), "a local repository holds the secret")
    }

    @Test func aWrongPasswordIsRefused() throws {
        guard requireLoopbackTools() else { return }
        let fixture = try PushFixture()
        let server = try HTTPSGitServer(in: fixture.folder)
        let wrong = freshSecret("wrong-secret")
        let fromVariables = try fixture.publish(to: server.url, environment: [
            "GIT_SSL_CAINFO": server.caBundle, "GITOPSC_GIT_USERNAME": "gitops-bot", "GITOPSC_GIT_PASSWORD": wrong,
        ])
        expectRefused(fromVariables, mentioning: ["the remote \(server.url) refused the credential from GITOPSC_GIT_PASSWORD"], secrets: [wrong, server.password])
        let fromURL = try fixture.publish(
            to: "https://gitops-bot:\(wrong)@localhost:\(server.port)/gitops.git", environment: ["GIT_SSL_CAINFO": server.caBundle])
        expectRefused(fromURL, mentioning: ["refused the credential from the user info of the remote URL", server.url], secrets: [wrong, server.password])
        #expect(!(try fixture.localRepositoryBytes()).contains(wrong))
        // Nothing reached the server.
        let branch = try runProcess("/usr/bin/git", ["--git-dir=\(server.repository.path)", "rev-parse", "--verify", "--quiet", "rendered"], timeout: processTimeout)
        #expect(branch.status != 0, "the server got a branch: \(branch.output)")
    }

    @Test func aMissingCredentialNamesTheSourcesTried() throws {
        guard requireLoopbackTools() else { return }
        let fixture = try PushFixture()
        let server = try HTTPSGitServer(in: fixture.folder)
        // A store helper whose file has no entry for this host, and a helper gitopsc does not run.
        try "https://gitops-bot:\(server.password)@elsewhere.example\n".write(to: fixture.home.appendingPathComponent(".git-credentials"), atomically: true, encoding: .utf8)
        try "[credential]\n\thelper = cache\n\thelper = store\n".write(to: fixture.home.appendingPathComponent(".gitconfig"), atomically: true, encoding: .utf8)
        let result = try fixture.publish(to: server.url, environment: ["GIT_SSL_CAINFO": server.caBundle])
        expectRefused(result, mentioning: [
            "the remote \(server.url) asks for a user name and a password or token, and gitopsc found none",
            "the remote URL (no user info)", "GITOPSC_GIT_TOKEN and GITOPSC_GIT_PASSWORD (not set)",
            "credential.helper 'cache' (gitopsc runs no credential helper",
            "\(fixture.home.path)/.git-credentials (no entry for https://localhost:\(server.port))",
        ], secrets: [server.password])
    }

    /// The system store does not know the test CA, and another CA's bundle does not either: both
    /// refused with the host and mbedTLS's reason, before any credential is sent.
    @Test func anUntrustedCertificateIsRefused() throws {
        guard requireLoopbackTools() else { return }
        let fixture = try PushFixture()
        let server = try HTTPSGitServer(in: fixture.folder)
        for (trust, name) in [([String: String](), "the system CA store"), (["GIT_SSL_CAINFO": server.otherCABundle], "the CA bundle \(server.otherCABundle) (GIT_SSL_CAINFO)")] {
            let result = try fixture.publish(to: server.url, environment: trust.merging(["GITOPSC_GIT_TOKEN": server.password]) { $1 })
            expectRefused(result, mentioning: [
                "error: refusing the TLS certificate of localhost:\(server.port) (\(server.url)), verified against \(name)",
                "not correctly signed by the trusted CA",
            ], secrets: [server.password])
        }
        // gitconfig's http.sslVerify=false changes nothing, and says so.
        try "[http]\n\tsslVerify = false\n".write(to: fixture.home.appendingPathComponent(".gitconfig"), atomically: true, encoding: .utf8)
        let insecure = try fixture.publish(to: server.url, environment: ["GITOPSC_GIT_TOKEN": server.password, "GIT_SSL_NO_VERIFY": "1"])
        expectRefused(insecure, mentioning: [
            "warning: git config sets http.sslVerify=false: ignored", "warning: GIT_SSL_NO_VERIFY is set: ignored", "refusing the TLS certificate",
        ], secrets: [server.password])
        // A CA bundle that is not there is an error, not a fall-back to the system store.
        let missing = try fixture.publish(to: server.url, environment: ["GIT_SSL_CAINFO": "/nonexistent/ca.pem"])
        expectRefused(missing, mentioning: ["GIT_SSL_CAINFO names the CA bundle '/nonexistent/ca.pem', which is not a file"], secrets: [])
        // The server never saw a request (the handshake failed first), so no credential went out.
        #expect(!server.server.output.contains("\"GET "), "\(server.server.output)")
    }

    /// Over plain http the server's request for a credential is refused: it would travel in clear.
    @Test func noCredentialOverPlainHTTP() throws {
        guard requireLoopbackTools() else { return }
        let fixture = try PushFixture()
        let server = try HTTPSGitServer(in: fixture.folder, plainHTTP: true)
        let url = "http://localhost:\(server.port)/gitops.git"
        let result = try fixture.publish(to: url, environment: ["GITOPSC_GIT_TOKEN": server.password])
        expectRefused(result, mentioning: ["the remote \(url) asks for a credential over plain http"], secrets: [server.password])
        // The server asked (401) and nothing was authorized.
        #expect(server.server.output.contains("\" 401 "), "\(server.server.output)")
        #expect(!server.server.output.contains("\" 200 "), "a request was authorized: \(server.server.output)")
    }

    /// Two publishers (two CI pipelines with their own clones) push different environments
    /// through the HTTPS server at once: every publish lands, history stays linear, the final
    /// tree has both publishers' last states, and the server repository is sound.
    @Test func racingPublishersThroughHTTPSLoseNothing() throws {
        guard requireLoopbackTools() else { return }
        let fixture = try PushFixture()
        let server = try HTTPSGitServer(in: fixture.folder)
        let rounds = 6
        let script = """
            for p in 1 2; do
              (
                src=src; [ $p -eq 2 ] && src=src2
                for j in $(seq 1 \(rounds)); do
                  sed -i "s/state: .*/state: p$p-s$j/" $src/environments/c$p.yaml
                  git -C $src commit -q -am "p$p state $j"
                  git init -q --bare local-$p-$j.git
                  timeout \(Int(processTimeout)) "\(gitopscBinary!.path)" publish --root $src --repo local-$p-$j.git --push \(server.url) || echo "FAILED $p $j"
                done
              ) > race-$p.txt 2>&1 &
            done
            wait
            cat race-1.txt race-2.txt
            """
        // In its own process group with no signal blocked, so that `timeout` works and the whole
        // race can be killed if it hangs.
        let race = try BackgroundProcess(
            "/bin/bash", ["-c", "cd '\(fixture.folder.path)'\n" + script],
            environment: fixture.environment(["GIT_SSL_CAINFO": server.caBundle, "GITOPSC_GIT_TOKEN": server.password]),
            log: fixture.folder.appendingPathComponent("race.log"))
        let finished = race.finish(within: processTimeout * Double(rounds))
        race.stop()
        #expect(finished, "the race did not finish: \(race.output)")
        let output = race.output
        #expect(!output.contains("FAILED"), "\(output)")
        #expect(!output.contains(server.password))
        let lines = output.split(separator: "\n")
        let committed = lines.filter { $0.hasPrefix("committed ") }.map { String($0.split(separator: " ")[1]) }
        #expect(committed.count == 2 * rounds, "\(output)")
        #expect(lines.filter { $0.hasSuffix("refs/heads/rendered: updated") }.count == 2 * rounds, "\(output)")
        try expectServerSound(server.repository, at: nil)
        let history = try setUp("git --git-dir=\(server.repository.path) rev-list rendered", in: fixture.folder)
            .split(separator: "\n").map(String.init)
        #expect(Set(history) == Set(committed), "the server's history is not the commits the publishers reported: \(history) vs \(committed)")
        // The branch ends at one publisher's last commit (each publishes its whole source tree,
        // so the last push wins), holding that publisher's last state.
        guard committed.count == 2 * rounds else { return }
        let tip = try setUp("git --git-dir=\(server.repository.path) rev-parse rendered", in: fixture.folder).trimmingCharacters(in: .whitespacesAndNewlines)
        let last = [1: committed[rounds - 1], 2: committed[2 * rounds - 1]]
        let winner = try #require(last.first { $0.value == tip }?.key, "the tip \(tip) is no publisher's last commit: \(output)")
        let manifest = try setUp("git --git-dir=\(server.repository.path) show rendered:clusters/c\(winner)/web/manifest.yaml", in: fixture.folder)
        #expect(manifest.contains("state: p\(winner)-s\(rounds)"), "\(manifest)")
    }
}

@Suite(.enabled(if: gitopscBinary != nil, "the gitopsc executable is not built beside the tests: run `swift build --build-tests`"))
struct PushOverSSHTests {
    /// A key named by --ssh-key, by GITOPSC_SSH_KEY, and found at ~/.ssh/id_ed25519; host key
    /// from a --known-hosts file, from ~/.ssh/known_hosts, and from a hashed known_hosts.
    @Test func keyFilesPush() throws {
        guard requireLoopbackTools() else { return }
        let fixture = try PushFixture()
        let server = try SSHGitServer(in: fixture.folder)
        let ssh = fixture.home.appendingPathComponent(".ssh")
        let cases: [(name: String, arguments: [String], environment: [String: String], setUp: String)] = [
            ("--ssh-key and --known-hosts", ["--ssh-key", server.userKey, "--known-hosts", server.knownHosts], [:], ""),
            ("GITOPSC_SSH_KEY and GITOPSC_SSH_KNOWN_HOSTS", [], ["GITOPSC_SSH_KEY": server.userKey, "GITOPSC_SSH_KNOWN_HOSTS": server.knownHosts], ""),
            ("~/.ssh/id_ed25519 and a hashed ~/.ssh/known_hosts", [], [:],
             "mkdir -p '\(ssh.path)' && cp '\(server.userKey)' '\(ssh.path)/id_ed25519' && cp '\(server.knownHosts)' '\(ssh.path)/known_hosts' && ssh-keygen -q -H -f '\(ssh.path)/known_hosts' && rm '\(ssh.path)/known_hosts.old' && ! grep -q 127.0.0.1 '\(ssh.path)/known_hosts'"),
        ]
        for (index, testCase) in cases.enumerated() {
            if !testCase.setUp.isEmpty { try setUp(testCase.setUp, in: fixture.folder) }
            try fixture.changeSource("ssh-\(index)")
            let result = try fixture.publish(to: server.url, arguments: testCase.arguments, environment: testCase.environment)
            #expect(result.status == 0, "\(testCase.name): \(result.output)")
            #expect(result.stdout.contains("push \(server.url): refs/heads/rendered: updated"), "\(testCase.name): \(result.output)")
            try expectServerSound(server.repository, at: committedID(result))
        }
    }

    /// An agent holding the key; no key file anywhere gitopsc looks.
    @Test func anAgentPushes() throws {
        guard requireLoopbackTools() else { return }
        let fixture = try PushFixture()
        let server = try SSHGitServer(in: fixture.folder)
        let agent = try SSHAgent(in: fixture.folder, keys: [server.userKey])
        let result = try fixture.publish(to: server.url, arguments: ["--known-hosts", server.knownHosts], environment: ["SSH_AUTH_SOCK": agent.socket])
        #expect(result.status == 0, "\(result.output)")
        try expectServerSound(server.repository, at: committedID(result))
        #expect(server.server.output.contains("Accepted publickey"), "\(server.server.output)")
        // Without the agent, the same run has no key at all and says where it looked.
        try fixture.changeSource("no-agent")
        let without = try fixture.publish(to: server.url, arguments: ["--known-hosts", server.knownHosts])
        expectRefused(without, mentioning: [
            "asks for a key as '\(server.user)', and gitopsc found none", "an ssh-agent (SSH_AUTH_SOCK is not set)",
            "\(fixture.home.path)/.ssh/id_ed25519 (does not exist)",
        ], secrets: [])
    }

    @Test func aKeyTheServerDoesNotAcceptIsRefused() throws {
        guard requireLoopbackTools() else { return }
        let fixture = try PushFixture()
        let server = try SSHGitServer(in: fixture.folder)
        let result = try fixture.publish(to: server.url, arguments: ["--ssh-key", server.strangerKey, "--known-hosts", server.knownHosts])
        expectRefused(result, mentioning: ["refused every key offered as '\(server.user)': \(server.strangerKey) (--ssh-key) (refused)"], secrets: [])
    }

    @Test func anUnknownHostKeyIsRefused() throws {
        guard requireLoopbackTools() else { return }
        let fixture = try PushFixture()
        let server = try SSHGitServer(in: fixture.folder)
        let result = try fixture.publish(to: server.url, arguments: ["--ssh-key", server.userKey])
        expectRefused(result, mentioning: [
            "error: the host key of [127.0.0.1]:\(server.port) is not known: the server presented ssh-ed25519 \(try server.hostKeyFingerprint())",
            "\(fixture.home.path)/.ssh/known_hosts",
        ], secrets: [])
        #expect(!server.server.output.contains("Accepted publickey"), "a key was sent to an unverified server: \(server.server.output)")
        #expect(try runProcess("/usr/bin/git", ["--git-dir=\(server.repository.path)", "rev-parse", "--verify", "--quiet", "rendered"], timeout: processTimeout).status != 0)
    }

    @Test func aChangedHostKeyIsRefused() throws {
        guard requireLoopbackTools() else { return }
        let fixture = try PushFixture()
        let server = try SSHGitServer(in: fixture.folder)
        let result = try fixture.publish(to: server.url, arguments: ["--ssh-key", server.userKey, "--known-hosts", server.wrongKnownHosts])
        expectRefused(result, mentioning: [
            "\(server.wrongKnownHosts):1:1: error: the host key of [127.0.0.1]:\(server.port) has CHANGED: the server presented ssh-ed25519 \(try server.hostKeyFingerprint())",
        ], secrets: [])
        #expect(!server.server.output.contains("Accepted publickey"), "a key was sent to an impostor: \(server.server.output)")
        // As with ssh, a line that trusts the presented key accepts it, whatever other lines
        // hold for the host (a host may have several keys).
        let both = try fixture.publish(to: server.url, arguments: ["--ssh-key", server.userKey, "--known-hosts", server.wrongKnownHosts, "--known-hosts", server.knownHosts])
        #expect(both.status == 0, "\(both.output)")
        try expectServerSound(server.repository, at: committedID(both))
    }
}
