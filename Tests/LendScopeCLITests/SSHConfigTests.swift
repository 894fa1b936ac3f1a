import Foundation
import Testing

@Suite("lendscope ssh-config, run as a binary")
struct SSHConfigTests {
    @Test("writes a hardened sshd_config, an exec wrapper with a UTF-8 locale, and a restricted key template")
    func writesFiles() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("lendscope-ssh-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        let result = try BinaryRunner.run(["ssh-config", "--user", "demo", "--data", "/srv/data", "--port", "2299",
                                           "--max-viewers", "3", "--out", out.path, "--binary", "/usr/local/bin/lendscope"])
        #expect(result.status == 0)
        let config = try String(contentsOf: out.appendingPathComponent("sshd_config"), encoding: .utf8)
        let lines = Set(config.split(separator: "\n").map(String.init))
        for required in ["Port 2299", "AllowUsers demo", "DisableForwarding yes", "PermitTTY yes", "PasswordAuthentication no",
                         "AllowAgentForwarding no", "X11Forwarding no", "PermitTunnel no", "PermitUserEnvironment no",
                         "ClientAliveInterval 15", "ClientAliveCountMax 2", "HostKey \(out.path)/ssh_host_ed25519_key",
                         "PidFile \(out.path)/sshd.pid", "ForceCommand exec \(out.path)/lendscope-viewer", "UsePAM no"] {
            #expect(lines.contains(required), "sshd_config lacks '\(required)'")
        }
        #expect(!config.contains("\nSubsystem"), "no subsystem (sftp) may be offered")
        let wrapper = try String(contentsOf: out.appendingPathComponent("lendscope-viewer"), encoding: .utf8)
        #expect(wrapper.hasPrefix("#!/bin/sh\n"))
        #expect(wrapper.contains("LANG=C.UTF-8"))
        #expect(wrapper.contains("exec /usr/local/bin/lendscope --read-only --max-viewers 3 --viewer-dir \(out.path)/viewers "
                                 + "--idle-timeout 900 /srv/data"))
        // TERM is a name, never an option to infocmp.
        #expect(wrapper.contains("''|-*|*[!A-Za-z0-9._+-]*) TERM=xterm ;;"))
        #expect(wrapper.contains("infocmp -- \"$TERM\""))
        // A home that exists, and a private place directory beside the config.
        var isDirectory: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("home").path, isDirectory: &isDirectory) && isDirectory.boolValue)
        let viewers = try FileManager.default.attributesOfItem(atPath: out.appendingPathComponent("viewers").path)
        #expect(viewers[.posixPermissions] as? Int == 0o700)
        // Under the system's temporary directory (world-writable), sshd's StrictModes would refuse the keys: warned.
        #expect(result.stderr.contains("warning: sshd (StrictModes yes) will refuse the keys in \(out.path)"))
        let mode = try FileManager.default.attributesOfItem(atPath: out.appendingPathComponent("lendscope-viewer").path)[.posixPermissions] as? Int
        #expect(mode == 0o755)
        let template = try String(contentsOf: out.appendingPathComponent("authorized_keys.template"), encoding: .utf8)
        #expect(template.contains("restrict,pty,command=\"exec \(out.path)/lendscope-viewer\" ssh-ed25519 "))
    }

    @Test("refuses names, paths and addresses that could break out of the files it writes", arguments: [
        ["--user", "Root;rm", "--data", "/srv/data"], ["--user", "demo", "--data", "/srv/da ta"],
        ["--user", "demo", "--data", "/srv/$(reboot)"], ["--user", "demo", "--data", "/srv", "--port", "0"],
        ["--user", "demo", "--data", "/srv", "--listen", "127.0.0.1\nPasswordAuthentication yes\nPermitRootLogin yes"],
        ["--user", "demo", "--data", "/srv", "--listen", "127.0.0.1 #"], ["--user", "demo", "--data", "/srv", "--listen", "256.1.1.1"],
        ["--user", "demo", "--data", "/srv", "--listen", "127.0.0.1:99999"], ["--user", "demo", "--data", "/srv", "--listen", ""],
        ["--user", "demo\n", "--data", "/srv"], ["--user", "demo", "--data", "/srv\tx"],
        ["--user", "demo", "--data", "/srv", "--listen", "127.0.0.1:22:33"], ["--user", "demo", "--data", "/srv", "--listen", ":::"],
        ["--user", "demo", "--data", "/srv", "--listen", "a..b"], ["--user", "demo", "--data", "/srv", "--listen", "-host"],
    ])
    func refuses(arguments: [String]) throws {
        let result = try BinaryRunner.run(["ssh-config"] + arguments + ["--out", "/nonexistent/never"])
        #expect(result.status == 64)
        #expect(!FileManager.default.fileExists(atPath: "/nonexistent/never"))
    }

    @Test("--listen takes addresses with or without a port, in every form sshd reads")
    func listenAddresses() throws {
        for address in ["127.0.0.1", "0.0.0.0:2222", "::1", "[::1]:2222", "fe80::1", "lendscope.example.org", "host-1:22"] {
            let out = FileManager.default.temporaryDirectory.appendingPathComponent("lendscope-ssh-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: out) }
            let result = try BinaryRunner.run(["ssh-config", "--user", "demo", "--data", "/srv", "--listen", address, "--out", out.path])
            #expect(result.status == 0, "\(address)")
            let config = try String(contentsOf: out.appendingPathComponent("sshd_config"), encoding: .utf8)
            #expect(config.contains("\nListenAddress \(address)\n"))
        }
    }

    @Test("a viewer directory another account could control is an error that says so, not a full house")
    func viewerDirectoryChecked() throws {
        let places = FileManager.default.temporaryDirectory.appendingPathComponent("lendscope-open-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: places) }
        try FileManager.default.createDirectory(at: places, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o777])
        _ = chmod(places.path, 0o777)
        let result = try BinaryRunner.run(["--max-viewers", "1", "--viewer-dir", places.path, "sample-data"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("can be written by others (mode 777): refusing it"))
        #expect(!result.stdout.contains("viewer places are taken"))
    }

    @Test("a place file that is a link (or cannot be opened) is an error, not a full house")
    func viewerPlaceFaults() throws {
        let places = FileManager.default.temporaryDirectory.appendingPathComponent("lendscope-link-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: places) }
        try FileManager.default.createDirectory(at: places, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try FileManager.default.createSymbolicLink(atPath: places.appendingPathComponent("viewer-0.lock").path, withDestinationPath: "/etc/passwd")
        let result = try BinaryRunner.run(["--max-viewers", "1", "--viewer-dir", places.path, "sample-data"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("viewer-0.lock cannot be opened"))
    }

    @Test("--read-only without a terminal still prints the overview, marked read-only")
    func readOnlyPlain() throws {
        let result = try BinaryRunner.run(["--read-only", "sample-data"])
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix(" LendScope │ read-only │ sample-data"))
    }

    @Test("--max-viewers refuses a viewer when every place is held")
    func viewerPlaces() throws {
        let places = FileManager.default.temporaryDirectory.appendingPathComponent("lendscope-places-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: places) }
        try FileManager.default.createDirectory(at: places, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        // Hold the only place from this process, as a running viewer would.
        let fd = open(places.appendingPathComponent("viewer-0.lock").path, O_RDWR | O_CREAT, 0o600)
        #expect(flock(fd, LOCK_EX | LOCK_NB) == 0)
        defer { close(fd) }
        let refused = try BinaryRunner.run(["--max-viewers", "1", "--viewer-dir", places.path, "sample-data"])
        #expect(refused.status == 75)
        #expect(refused.stdout.contains("all 1 viewer place is taken"))
        let admitted = try BinaryRunner.run(["--max-viewers", "2", "--viewer-dir", places.path, "sample-data"])
        #expect(admitted.status == 0)
        #expect(admitted.stdout.contains("Ant Group"))
    }
}
