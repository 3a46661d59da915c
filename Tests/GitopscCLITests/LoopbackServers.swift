import Foundation
import ProcessRunner
import Testing

/// Seconds any one program of the push tests may run before it is killed: no test can hang on a
/// server that stopped answering.
let processTimeout = 60.0

/// A server the test started, killed with its process group (and reaped) when the value goes
/// away. Spawned directly rather than with Foundation's `Process`: the test's threads block most
/// signals, and a child would inherit that mask (then SIGTERM, and `timeout`'s own SIGALRM, never
/// arrive); here the child starts with no signal blocked, in a process group of its own.
final class BackgroundProcess {
    let pid: pid_t
    let log: URL
    private var exited = false

    init(_ executable: String, _ arguments: [String], environment: [String: String] = [:], log: URL) throws {
        self.log = log
        FileManager.default.createFile(atPath: log.path, contents: nil)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log.path, O_WRONLY | O_APPEND, 0)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = ProcessInfo.processInfo.environment.merging(environment) { $1 }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard status == 0 else { throw SetupFailure(description: "cannot start \(executable): \(String(cString: strerror(status)))") }
        self.pid = pid
    }

    var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    var isRunning: Bool {
        if exited { return false }
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid { exited = true }
        return !exited
    }

    /// Waits for the program to end by itself; whether it did within `seconds`.
    func finish(within seconds: Double) -> Bool {
        waitUntil(seconds: seconds) { !self.isRunning }
    }

    /// SIGTERM to the group, SIGKILL after five seconds, then reaped.
    func stop() {
        guard isRunning else { return }
        kill(-pid, SIGTERM)
        if !waitUntil(seconds: 5, { !self.isRunning }) {
            kill(-pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
            exited = true
        }
    }

    deinit { stop() }
}

/// Polls `condition` until it holds or `seconds` pass; whether it held.
func waitUntil(seconds: Double, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if condition() { return true }
        usleep(50_000)
    }
    return condition()
}

struct SetupFailure: Error, CustomStringConvertible {
    var description: String
}

/// Runs a bash script for a fixture; throws with its output when it fails.
@discardableResult
func setUp(_ script: String, in folder: URL, environment: [String: String] = [:]) throws -> String {
    let result = try runProcess("/bin/bash", ["-c", "set -euo pipefail\n" + script], in: folder, environment: environment, timeout: processTimeout)
    guard result.status == 0 else { throw SetupFailure(description: "set-up failed (\(result.status)): \(script)\n\(result.output)") }
    return result.stdout
}

/// A random secret for one run: long, and unlike anything else in the outputs, so that finding
/// it anywhere means it leaked.
func freshSecret(_ prefix: String) -> String {
    prefix + "-" + (0..<24).map { _ in String("abcdefghijkmnpqrstuvwxyz23456789".randomElement()!) }.joined()
}

/// A port nobody listens on now (the system's pick for a socket bound to port 0).
func freePort() throws -> Int {
    let script = "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"
    let result = try runProcess("/usr/bin/env", ["python3", "-c", script], timeout: processTimeout)
    guard let port = Int(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) else {
        throw SetupFailure(description: "no free port: \(result.output)")
    }
    return port
}

/// The folder of one push test: a source repository (one environment per publisher, like the
/// race fixture), a home folder with nothing in it, and the servers' files.
final class PushFixture {
    let folder: URL
    var home: URL { folder.appendingPathComponent("home") }

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("gitopsc-push-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("home"), withIntermediateDirectories: true)
        try setUp("""
            mkdir -p src/environments src/templates/web
            printf 'repository:\\n  branch: rendered\\n  folder: clusters\\n' > src/gitopsc.yaml
            for i in 1 2; do
              printf 'cluster:\\n  name: c'$i'\\n  server: https://c'$i'.example\\ncomponents:\\n  web: {namespace: web}\\nvalues:\\n  state: initial\\n' > src/environments/c$i.yaml
            done
            printf 'apiVersion: v1\\nkind: ConfigMap\\nmetadata:\\n  name: state\\ndata:\\n  state: ${values.state}\\n' > src/templates/web/cm.yaml
            git -C src init -q && git -C src add -A && git -C src commit -q -m init
            git clone -q src src2
            """, in: folder, environment: publishIdentity)
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    /// Commits a new state of environment c1 (or c2 in the second source), so that the next
    /// publish has something to commit.
    func changeSource(_ state: String, source: String = "src", environment: String = "c1") throws {
        try setUp("""
            sed -i "s/state: .*/state: \(state)/" \(source)/environments/\(environment).yaml
            git -C \(source) commit -q -am "\(state)"
            """, in: folder, environment: publishIdentity)
    }

    /// The environment of a gitopsc run: only what the test gives, none of the machine's
    /// credentials, CA settings or agent (empty counts as unset for gitopsc).
    func environment(_ extra: [String: String] = [:]) -> [String: String] {
        var environment = publishIdentity
        for name in [
            "GITOPSC_GIT_USERNAME", "GITOPSC_GIT_PASSWORD", "GITOPSC_GIT_TOKEN", "GITOPSC_SSH_KEY", "GITOPSC_SSH_KNOWN_HOSTS",
            "SSH_AUTH_SOCK", "GIT_SSL_CAINFO", "SSL_CERT_FILE", "GIT_SSL_NO_VERIFY",
        ] {
            environment[name] = ""
        }
        environment["HOME"] = home.path
        environment["XDG_CONFIG_HOME"] = home.appendingPathComponent(".config").path
        environment["NO_COLOR"] = "1"
        return environment.merging(extra) { $1 }
    }

    /// `gitopsc publish` of a source into a fresh local repository (as a new CI job does), pushed
    /// to `remote`: the publish fetches the remote's branch first, so it reads and writes.
    func publish(to remote: String, source: String = "src", arguments: [String] = [], environment: [String: String] = [:]) throws -> ProcessResult {
        let local = "local-\(UUID().uuidString).git"
        try setUp("git init -q --bare \(local)", in: folder)
        return try runProcess(
            gitopscBinary!.path, ["publish", "--root", source, "--repo", local, "--push", remote] + arguments,
            in: folder, environment: self.environment(environment), timeout: processTimeout)
    }

    /// Every byte gitopsc left on disk in its local repositories, for secret searches.
    func localRepositoryBytes() throws -> String {
        var text = ""
        let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)
        while let url = enumerator?.nextObject() as? URL {
            if url.path.contains("/local-"), let data = try? Data(contentsOf: url) {
                text += String(decoding: data, as: UTF8.self)
            }
        }
        return text
    }
}

/// `git fsck --strict` and `git log` of the server's repository: it must be sound after every
/// push, and its branch must be at `commit` with a linear history.
func expectServerSound(_ repository: URL, at commit: String?, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let fsck = try runProcess("/usr/bin/git", ["--git-dir=\(repository.path)", "fsck", "--strict"], timeout: processTimeout)
    #expect(fsck.status == 0, "git fsck --strict on the server: \(fsck.output)", sourceLocation: sourceLocation)
    let log = try runProcess("/usr/bin/git", ["--git-dir=\(repository.path)", "log", "--format=%H %P", "rendered"], timeout: processTimeout)
    #expect(log.status == 0, "git log on the server: \(log.output)", sourceLocation: sourceLocation)
    let lines = log.stdout.split(separator: "\n")
    if let commit { #expect(lines.first?.hasPrefix(commit) == true, "the server's branch is not at \(commit): \(log.stdout)", sourceLocation: sourceLocation) }
    #expect(lines.allSatisfy { $0.split(separator: " ").count <= 2 }, "a merge in the server's history: \(log.stdout)", sourceLocation: sourceLocation)
}

/// The commit a successful publish reports (`committed <id> on ...`).
func committedID(_ result: ProcessResult) -> String? {
    result.stdout.split(separator: "\n").first { $0.hasPrefix("committed ") }.map { String($0.split(separator: " ")[1]) }
}

/// An HTTPS git server on loopback (Tests/Servers/git_https_server.py in front of
/// `git http-backend`) with Basic authentication, and a certificate for `localhost` from a CA
/// made for this run, which no system store trusts.
final class HTTPSGitServer {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Servers/git_https_server.py")
    /// The accounts the server knows; all share `password`.
    static let users = ["gitops-bot", "x-access-token"]

    let folder: URL
    let password = freshSecret("https-secret")
    let port: Int
    let server: BackgroundProcess
    var repository: URL { folder.appendingPathComponent("repos/gitops.git") }
    var url: String { "https://localhost:\(port)/gitops.git" }
    var caBundle: String { folder.appendingPathComponent("ca.pem").path }
    /// A CA bundle that does not hold this server's CA.
    var otherCABundle: String { folder.appendingPathComponent("other-ca.pem").path }

    /// With `plainHTTP`, the same server without TLS (`url` is then still the https:// one).
    init(in parent: URL, plainHTTP: Bool = false) throws {
        folder = parent.appendingPathComponent(plainHTTP ? "http" : "https")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("repos"), withIntermediateDirectories: true)
        try setUp("""
            ec() { openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "$@" 2>/dev/null; }
            for ca in ca other-ca; do
              ec -x509 -keyout $ca.key -out $ca.pem -days 2 -subj "/CN=gitopsc test $ca" \\
                -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
            done
            ec -keyout server.key -out server.csr -subj "/CN=localhost"
            printf 'subjectAltName=DNS:localhost\\nbasicConstraints=CA:FALSE\\nkeyUsage=critical,digitalSignature\\nextendedKeyUsage=serverAuth\\n' > server.ext
            openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 -extfile server.ext 2>/dev/null
            git init -q --bare repos/gitops.git
            """, in: folder)
        let portFile = folder.appendingPathComponent("port")
        server = try BackgroundProcess(
            "/usr/bin/env",
            ["python3", Self.script.path, "--root", folder.appendingPathComponent("repos").path,
             "--cert", folder.appendingPathComponent("server.pem").path, "--key", folder.appendingPathComponent("server.key").path,
             "--port-file", portFile.path, "--lifetime", "900", "--verbose"] + Self.users.flatMap { ["--user", $0] } + (plainHTTP ? ["--plain-http"] : []),
            environment: ["GIT_TEST_SERVER_PASSWORD": password],
            log: folder.appendingPathComponent("server.log"))
        guard waitUntil(seconds: 20, { FileManager.default.fileExists(atPath: portFile.path) }),
              let port = Int((try? String(contentsOf: portFile, encoding: .utf8)) ?? "")
        else {
            throw SetupFailure(description: "the HTTPS git server did not start: \(server.output)")
        }
        self.port = port
    }

    deinit { server.stop() }
}

/// OpenSSH's sshd on 127.0.0.1 with a host key and a user key made for this run, serving the
/// bare repository `repository` to the current user.
final class SSHGitServer {
    let folder: URL
    let port: Int
    let server: BackgroundProcess
    let user: String
    var repository: URL { folder.appendingPathComponent("gitops.git") }
    var url: String { "ssh://\(user)@127.0.0.1:\(port)\(repository.path)" }
    var userKey: String { folder.appendingPathComponent("user_key").path }
    /// A key the server does not accept.
    var strangerKey: String { folder.appendingPathComponent("stranger_key").path }
    /// A known_hosts file that trusts the server's host key.
    var knownHosts: String { folder.appendingPathComponent("known_hosts").path }
    /// A known_hosts file that trusts another key for the same host and port.
    var wrongKnownHosts: String { folder.appendingPathComponent("wrong_known_hosts").path }

    init(in parent: URL) throws {
        folder = parent.appendingPathComponent("ssh")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        user = try setUp("id -un", in: folder).trimmingCharacters(in: .whitespacesAndNewlines)
        try setUp("""
            for key in host_key user_key stranger_key impostor_key; do ssh-keygen -q -t ed25519 -N '' -C $key -f $key; done
            cp user_key.pub authorized_keys
            git init -q --bare gitops.git
            # sshd as root wants its privilege separation folder.
            if [ "$(id -u)" -eq 0 ]; then mkdir -p /run/sshd; chmod 0755 /run/sshd; fi
            """, in: folder)
        var started: (Int, BackgroundProcess)?
        // The port is free when picked; another program may take it before sshd binds it: retry.
        for _ in 1...5 {
            let port = try freePort()
            try """
                Port \(port)
                ListenAddress 127.0.0.1
                HostKey \(folder.path)/host_key
                PidFile \(folder.path)/sshd.pid
                AuthorizedKeysFile \(folder.path)/authorized_keys
                StrictModes no
                UsePAM no
                PasswordAuthentication no
                KbdInteractiveAuthentication no
                PubkeyAuthentication yes
                PermitRootLogin prohibit-password
                LoginGraceTime 30
                ClientAliveInterval 10
                LogLevel VERBOSE

                """.write(to: folder.appendingPathComponent("sshd_config"), atomically: true, encoding: .utf8)
            // `timeout` ends sshd even if this test process dies without stopping it.
            let server = try BackgroundProcess(
                "/usr/bin/timeout", ["900", "/usr/sbin/sshd", "-D", "-e", "-f", folder.appendingPathComponent("sshd_config").path],
                log: folder.appendingPathComponent("sshd-\(port).log"))
            if waitUntil(seconds: 20, { server.output.contains("Server listening") || !server.isRunning }), server.isRunning {
                started = (port, server)
                break
            }
            server.stop()
        }
        guard let (port, server) = started else {
            throw SetupFailure(description: "sshd did not start on 127.0.0.1")
        }
        self.port = port
        self.server = server
        try setUp("""
            echo "[127.0.0.1]:\(port) $(cut -d' ' -f1,2 host_key.pub)" > known_hosts
            echo "[127.0.0.1]:\(port) $(cut -d' ' -f1,2 impostor_key.pub)" > wrong_known_hosts
            """, in: folder)
    }

    /// The host key's fingerprint as OpenSSH prints it (`SHA256:...`).
    func hostKeyFingerprint() throws -> String {
        let line = try setUp("ssh-keygen -lf host_key.pub", in: folder)
        return String(line.split(separator: " ")[1])
    }

    deinit { server.stop() }
}

/// An ssh-agent of this test only, holding `keys`.
final class SSHAgent {
    let socket: String
    let agent: BackgroundProcess

    init(in folder: URL, keys: [String]) throws {
        socket = folder.appendingPathComponent("agent-\(UUID().uuidString.prefix(8)).sock").path
        agent = try BackgroundProcess("/usr/bin/timeout", ["900", "/usr/bin/ssh-agent", "-D", "-a", socket], log: folder.appendingPathComponent("agent.log"))
        guard waitUntil(seconds: 20, { FileManager.default.fileExists(atPath: socket) }) else {
            throw SetupFailure(description: "ssh-agent did not start: \(agent.output)")
        }
        for key in keys {
            try setUp("ssh-add -q '\(key)'", in: folder, environment: ["SSH_AUTH_SOCK": socket])
        }
    }

    deinit { agent.stop() }
}
