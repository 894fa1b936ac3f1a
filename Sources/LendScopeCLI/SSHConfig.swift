import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif

struct SSHConfig: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ssh-config",
        abstract: "Write a hardened OpenSSH set-up for read-only demo viewers.",
        discussion: """
            Writes into --out: sshd_config (a dedicated sshd instance: own port, pid file and host \
            key, no forwarding of any kind, no agent, X11, tunnel or user environment, no subsystems \
            such as sftp, keys only, a forced command), lendscope-viewer (the forced command: a UTF-8 \
            locale, a checked TERM, then exec lendscope --read-only) and authorized_keys.template \
            (restrict,pty,command=… KEY), and two directories: home (the account's home: it exists, so \
            sshd can chdir into it, and the account cannot write to it) and viewers (the viewers' place \
            files, owned by the account and private to it). Then: create the account (shell /bin/sh, \
            home OUT/home), generate the host key, put viewers' keys into authorized_keys, and run \
            sshd -f OUT/sshd_config. docs/ssh-kiosk.md walks through it.
            """
    )

    @Option(help: "The account viewers log in as.")
    var user: String

    @Option(help: "The data directory the viewers see.")
    var data: String

    @Option(help: "The port of the dedicated sshd.")
    var port: Int = 2222

    @Option(help: "The address sshd listens on: an IPv4 or IPv6 address or a host name, optionally with :PORT ([IPv6]:PORT).")
    var listen: String = "0.0.0.0"

    @Option(name: .customLong("max-viewers"), help: "How many viewers at once, across all connections.")
    var maxViewers: Int = 8

    @Option(name: .customLong("idle-timeout"), help: "Seconds without a key before a viewer's session ends.")
    var idleTimeout: Int = 900

    @Option(help: "Where to write the files (absolute paths are written into them).")
    var out: String = "lendscope-ssh"

    @Option(help: "The lendscope executable viewers run (default: this one).")
    var binary: String?

    func validate() throws {
        // Nothing that reaches the config, the wrapper or the template may carry a line break, a
        // space or a '#': each would let a value write lines of its own into sshd_config.
        for (name, value) in [("--user", user), ("--data", data), ("--listen", listen), ("--out", out), ("--binary", binary ?? "")] {
            if value.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0 == "#" || $0.value < 0x20 || $0.value == 0x7F }) {
                throw ValidationError("\(name) must not contain spaces, line breaks, control characters or '#'")
            }
        }
        guard Self.isListenAddress(listen) else {
            throw ValidationError("--listen takes an address, optionally with a port: 127.0.0.1, 0.0.0.0:2222, ::1, [::1]:2222 or a host name")
        }
        guard user.range(of: "^[a-z_][a-z0-9_-]{0,31}$", options: .regularExpression) != nil else {
            throw ValidationError("'\(user)' is not a valid account name (lower case letters, digits, _ and -)")
        }
        guard (1...65_535).contains(port) else { throw ValidationError("--port takes 1 to 65535") }
        guard maxViewers >= 1 else { throw ValidationError("--max-viewers takes 1 or more") }
        guard idleTimeout >= 10 else { throw ValidationError("--idle-timeout takes 10 seconds or more") }
        for (name, value) in [("--data", data), ("--out", out), ("--binary", binary ?? "")] {
            // These land in a shell script and an sshd_config line: keep them to plain path characters.
            guard value.range(of: "^[A-Za-z0-9_./+-]*$", options: .regularExpression) != nil else {
                throw ValidationError("\(name) '\(value)' has characters that are not allowed in a path here")
            }
        }
    }

    /// An sshd ListenAddress: IPv4 (each part 0–255), IPv6 (bare, or in brackets with a port), or a
    /// host name, optionally with `:port` (1–65535).
    static func isListenAddress(_ text: String) -> Bool {
        func port(_ text: Substring) -> Bool { Int(text).map { (1...65_535).contains($0) && !text.hasPrefix("+") } ?? false }
        // Addresses as the C library reads them (inet_pton), so sshd reads them the same way.
        func ipv4(_ text: Substring) -> Bool {
            var address = in_addr()
            return inet_pton(AF_INET, String(text), &address) == 1
        }
        func ipv6(_ text: Substring) -> Bool {
            var address = in6_addr()
            return inet_pton(AF_INET6, String(text), &address) == 1
        }
        func host(_ text: Substring) -> Bool {
            let labels = text.split(separator: ".", omittingEmptySubsequences: false)
            return !text.isEmpty && text.count <= 253 && labels.allSatisfy { label in
                !label.isEmpty && label.count <= 63 && !label.hasPrefix("-") && !label.hasSuffix("-")
                    && label.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "-" }
            }
        }
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return false }
            let inside = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            return ipv6(inside) && (rest.isEmpty || (rest.hasPrefix(":") && port(rest.dropFirst())))
        }
        if ipv6(Substring(text)) { return true }
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 1 || port(parts[1]) else { return false }
        return ipv4(parts[0]) || (host(parts[0]) && !parts[0].allSatisfy { $0.isNumber || $0 == "." })
    }

    /// sshd's StrictModes refuses keys in a directory that others can write to, or whose owner is
    /// neither root nor the account, up to the root: the first such directory above `path`, if any.
    static func strictModesProblem(_ path: String) -> String? {
        var current = URL(fileURLWithPath: path).standardizedFileURL
        while true {
            var info = stat()
            if stat(current.path, &info) == 0 {
                if info.st_mode & 0o022 != 0 {
                    return "\(current.path) can be written by others (mode \(String(info.st_mode & 0o7777, radix: 8)))"
                }
                if info.st_uid != 0 && info.st_uid != getuid() {
                    return "\(current.path) is owned by uid \(info.st_uid), neither root nor you"
                }
            }
            if current.path == "/" { return nil }
            current.deleteLastPathComponent()
        }
    }

    func run() throws {
        let fm = FileManager.default
        let outDirectory = URL(fileURLWithPath: out).standardizedFileURL.path
        let dataDirectory = URL(fileURLWithPath: data).standardizedFileURL.path
        let executable = binary.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
            ?? URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.resolvingSymlinksInPath().path
        try fm.createDirectory(atPath: outDirectory, withIntermediateDirectories: true,
                               attributes: [.posixPermissions: 0o755])
        let files = SSHConfigFiles(user: user, port: port, listen: listen, outDirectory: outDirectory,
                                   dataDirectory: dataDirectory, executable: executable, maxViewers: maxViewers,
                                   idleTimeout: idleTimeout)
        try write(files.sshdConfig, to: "\(outDirectory)/sshd_config", mode: 0o644)
        try write(files.wrapper, to: "\(outDirectory)/lendscope-viewer", mode: 0o755)
        try write(files.authorizedKeysTemplate, to: "\(outDirectory)/authorized_keys.template", mode: 0o644)
        // The account's home: it exists (sshd changes into it) and the account cannot write to it.
        try fm.createDirectory(atPath: files.homeDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        // The viewers' place files: private to the account, beside the config, never in /tmp.
        try fm.createDirectory(atPath: files.viewerDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        var owned = false
        if getuid() == 0, let account = getpwnam(user) {
            owned = chown(files.viewerDirectory, account.pointee.pw_uid, account.pointee.pw_gid) == 0
        }
        print("wrote \(outDirectory)/sshd_config, \(outDirectory)/lendscope-viewer, \(outDirectory)/authorized_keys.template, "
              + "\(files.homeDirectory)/ and \(files.viewerDirectory)/")
        if !owned {
            print("then: useradd -M -d \(files.homeDirectory) -s /bin/sh \(user) (if the account does not exist yet) and "
                  + "chown \(user) \(files.viewerDirectory)")
        }
        print("next: ssh-keygen -t ed25519 -N '' -f \(outDirectory)/ssh_host_ed25519_key; add viewers' keys to "
              + "\(outDirectory)/authorized_keys (see the template); then /usr/sbin/sshd -f \(outDirectory)/sshd_config")
        if let problem = Self.strictModesProblem(outDirectory) {
            FileHandle.standardError.write(Data(("warning: sshd (StrictModes yes) will refuse the keys in \(outDirectory): "
                + "\(problem); choose a directory whose every parent is owned by root and not group- or world-writable, "
                + "e.g. /etc/lendscope-ssh\n").utf8))
        }
    }

    func write(_ text: String, to path: String, mode: Int) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
    }
}

/// The text of the three files, kept apart from the writing so tests can read it.
struct SSHConfigFiles {
    let user: String
    let port: Int
    let listen: String
    let outDirectory: String
    let dataDirectory: String
    let executable: String
    let maxViewers: Int
    let idleTimeout: Int

    /// The account's home: exists, and the account cannot write to it.
    var homeDirectory: String { "\(outDirectory)/home" }
    /// The viewers' place files, private to the account.
    var viewerDirectory: String { "\(outDirectory)/viewers" }

    var sshdConfig: String {
        """
        # LendScope demo viewers: a dedicated sshd instance that offers the dashboard and nothing else.
        # Start it with: /usr/sbin/sshd -f \(outDirectory)/sshd_config
        Port \(port)
        ListenAddress \(listen)
        # Its own host key and pid file, so it never touches the system sshd's.
        HostKey \(outDirectory)/ssh_host_ed25519_key
        PidFile \(outDirectory)/sshd.pid
        # Only the demo account, only by key, keys kept here (not in the account's home).
        AllowUsers \(user)
        AuthorizedKeysFile \(outDirectory)/authorized_keys
        PubkeyAuthentication yes
        PasswordAuthentication no
        KbdInteractiveAuthentication no
        PermitEmptyPasswords no
        PermitRootLogin no
        UsePAM no
        StrictModes yes
        # No way out: no forwarding of any kind, no agent, X11, tunnels, user environment or rc files.
        DisableForwarding yes
        AllowTcpForwarding no
        AllowStreamLocalForwarding no
        AllowAgentForwarding no
        X11Forwarding no
        PermitTunnel no
        GatewayPorts no
        PermitUserEnvironment no
        PermitUserRC no
        PermitListen none
        PermitOpen none
        # No Subsystem line: sftp and every other subsystem are refused.
        # A terminal for the dashboard, and the dashboard whatever the viewer asks to run.
        PermitTTY yes
        # exec: the login shell runs the wrapper in its own place, and the wrapper execs lendscope.
        ForceCommand exec \(outDirectory)/lendscope-viewer
        # Drop dead connections (the dashboard itself exits when its terminal goes away).
        ClientAliveInterval 15
        ClientAliveCountMax 2
        TCPKeepAlive yes
        LoginGraceTime 20
        MaxAuthTries 3
        # Sessions per connection; the limit across connections is lendscope's --max-viewers.
        MaxSessions 1
        MaxStartups 10:30:60
        PrintMotd no
        PrintLastLog no
        Banner none
        LogLevel VERBOSE

        """
    }

    var wrapper: String {
        """
        #!/bin/sh
        # Forced command for LendScope demo viewers: sshd runs this whatever the viewer asked for.
        # sshd passes no locale, so set UTF-8 here; keep TERM only if this system knows it.
        LANG=C.UTF-8
        LC_ALL=C.UTF-8
        export LANG LC_ALL
        unset LINES COLUMNS
        # A name only (never an option such as -V), then one this system's terminfo knows.
        case "$TERM" in
          ''|-*|*[!A-Za-z0-9._+-]*) TERM=xterm ;;
        esac
        if ! infocmp -- "$TERM" >/dev/null 2>&1; then TERM=xterm; fi
        export TERM
        # exec: no shell stays between sshd and the dashboard.
        exec \(executable) --read-only --max-viewers \(maxViewers) --viewer-dir \(viewerDirectory) --idle-timeout \(idleTimeout) \(dataDirectory)

        """
    }

    var authorizedKeysTemplate: String {
        """
        # One line per viewer: their public key after the options. restrict turns off forwarding,
        # agent, X11 and rc files; pty gives the dashboard a terminal; command= forces the dashboard.
        restrict,pty,command="exec \(outDirectory)/lendscope-viewer" ssh-ed25519 AAAA...REPLACE-WITH-THE-VIEWER-KEY viewer@example

        """
    }
}
