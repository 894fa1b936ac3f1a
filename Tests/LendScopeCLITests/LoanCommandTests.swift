import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing

@Suite("Loan-level commands, run as a binary")
struct LoanCommandTests {
    static let header = "loan_id,platform,bank,borrower_id,amount_cny,term_days,originated,rate_apr,status\n"

    @Test("aggregate writes period,platform,bank,loans,amount_cny with exactly two decimals, sorted")
    func aggregate() throws {
        let directory = try BinaryRunner.temporaryDirectory([
            "a.csv": Self.header + "L1,Huabei,\"Bank, A\",b1,100.5,30,2020-04-01,0.18,current\nL2,JD,Bank B,b2,3,30,2020-07-01,0.1,repaid\n",
            "b.csv": Self.header + "L3,Huabei,\"Bank, A\",b3,0.05,30,2020-05-01,0.18,current\r\n",
        ])
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try BinaryRunner.run(["aggregate", directory.appendingPathComponent("a.csv").path,
                                           directory.appendingPathComponent("b.csv").path, "--threads", "2"])
        #expect(result.status == 0)
        #expect(result.stdout == "period,platform,bank,loans,amount_cny\n2020Q2,Huabei,\"Bank, A\",2,100.55\n2020Q3,JD,Bank B,1,3.00\n")
        let months = try BinaryRunner.run(["aggregate", directory.appendingPathComponent("a.csv").path, "--period", "month"])
        #expect(months.stdout.split(separator: "\n")[1] == "2020-04,Huabei,\"Bank, A\",1,100.50")
    }

    @Test("malformed rows go to stderr with their lines, exit 1, and are not summed")
    func malformed() throws {
        let directory = try BinaryRunner.temporaryDirectory([
            "a.csv": Self.header + "L1,JD,Bank B,b1,1.999,30,2020-07-01,0.1,current\nL2,JD,Bank B,b2,3,30,2020-07-01,0.1,repaid\n",
        ])
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("a.csv").path
        let result = try BinaryRunner.run(["aggregate", path])
        #expect(result.status == 1)
        #expect(result.stderr == "\(path):2:1: column 'amount_cny': '1.999' is not an amount (digits, at most two decimals)\n"
                + "lendscope: 1 malformed row; no aggregate written\n")
        // Nothing on standard output unless the whole input is valid.
        #expect(result.stdout.isEmpty)
        // --output: written atomically when valid, not at all when not.
        let target = directory.appendingPathComponent("out.csv").path
        #expect(try BinaryRunner.run(["aggregate", path, "--output", target]).status == 1)
        #expect(!FileManager.default.fileExists(atPath: target))
        try Data((Self.header + "L2,JD,Bank B,b2,3,30,2020-07-01,0.1,repaid\n").utf8).write(to: URL(fileURLWithPath: path))
        let good = try BinaryRunner.run(["aggregate", path, "--output", target])
        #expect(good.status == 0 && good.stdout.isEmpty)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "period,platform,bank,loans,amount_cny\n2020Q3,JD,Bank B,1,3.00\n")
    }

    @Test("aggregate --output never replaces a device, FIFO or link, keeps a file's mode; a full or closed output is an error")
    func aggregateOutputSafety() throws {
        let directory = try BinaryRunner.temporaryDirectory(["a.csv": Self.header + "L1,JD,Bank B,b1,1,30,2020-07-01,0.1,current\n"])
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("a.csv").path
        let fifo = directory.appendingPathComponent("fifo").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let refused = try BinaryRunner.run(["aggregate", input, "--output", fifo])
        #expect(refused.status == 1 && refused.stderr.contains("is not a regular file; --output writes regular files only"))
        let link = directory.appendingPathComponent("link").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "/dev/null")
        #expect(try BinaryRunner.run(["aggregate", input, "--output", link]).status == 1)
        let existing = directory.appendingPathComponent("out.csv").path
        try Data("old".utf8).write(to: URL(fileURLWithPath: existing))
        #expect(chmod(existing, 0o600) == 0)
        #expect(try BinaryRunner.run(["aggregate", input, "--output", existing]).status == 0)
        #expect((try FileManager.default.attributesOfItem(atPath: existing)[.posixPermissions] as? Int) == 0o600)
        // A full standard output: an error with its reason, not a trap.
        let process = Process()
        process.executableURL = BinaryRunner.executable
        process.arguments = ["aggregate", input]
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/full")
        let err = Pipe()
        process.standardError = err
        try process.run()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 1)
        #expect(message == "lendscope: cannot write the aggregate to standard output: no space left on device\n")
    }

    @Test("aggregate: a directory is named as one; escapes in a file name or field never reach the terminal")
    func aggregateHostile() throws {
        let directory = try BinaryRunner.temporaryDirectory([
            "t\u{1B}]0;pwned\u{07}.csv": Self.header + "L1,JD,Bank\u{1B}[2J,b1,1,30,2020-07-01,0.1,current\n",
        ])
        defer { try? FileManager.default.removeItem(at: directory) }
        let folder = try BinaryRunner.run(["aggregate", directory.path])
        #expect(folder.status == 1)
        #expect(folder.stderr.hasPrefix("\(directory.path):1:1: is a directory, not a loan file"))
        let hostile = try BinaryRunner.run(["aggregate", directory.appendingPathComponent("t\u{1B}]0;pwned\u{07}.csv").path])
        #expect(hostile.status == 1)
        #expect(!hostile.stderr.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 })
        #expect(!hostile.stdout.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 })
    }

    @Test("report --measure originations uses the sample loans: shares of new lending, bad shares, stacking in JSON")
    func originations() throws {
        let result = try BinaryRunner.run(["report", "--period", "2020Q2", "--measure", "originations", "--format", "json"])
        #expect(result.status == 0)
        let json = try #require(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(json["measure"] as? String == "originations")
        let stacking = try #require(json["stacking"] as? [String: Any])
        #expect(Set(stacking.keys) == ["borrowers", "multi_platform_2", "multi_platform_3", "amount_multi_platform_2",
                                       "amount_multi_platform_3"])
        let borrowers = try #require(stacking["borrowers"] as? Int)
        let two = try #require(stacking["multi_platform_2"] as? Int)
        let three = try #require(stacking["multi_platform_3"] as? Int)
        #expect(borrowers > 0 && two <= borrowers && three <= two)
        let platforms = try #require(json["platforms"] as? [[String: Any]])
        let total = platforms.compactMap { $0["share_of_market"] as? Double }.reduce(0, +)
        #expect(abs(total - 1) < 1e-9) // shares of the reported groups
        #expect((json["market"] as? [String: Any])?["total_cny"] is NSNull)
    }

    @Test("--measure originations without loan files is a clear error")
    func noLoans() throws {
        let directory = try BinaryRunner.temporaryDirectory(["balances.csv": "period,platform,bank,balance_cny\n2020Q1,A,B,1\n"])
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try BinaryRunner.run(["report", directory.path, "--measure", "originations"])
        #expect(result.status == 1)
        #expect(result.stderr == "error: --measure originations needs loan files in \(directory.path)/loans/\n")
    }
}

@Suite("Every message through the sanitiser")
struct SanitisedMessageTests {
    @Test("--period and --fx-date parse errors and an unknown TERM never echo raw escapes", arguments: [
        ["report", "--period", "2020\u{1B}]0;pwned\u{07}Q1"], ["report", "--fx-date", "2020-01-0\u{1B}[2J"],
        ["report", "--format", "x\u{1B}[2J"], ["--period", "20\u{9B}31m20Q2"],
    ])
    func optionErrors(arguments: [String]) throws {
        let result = try BinaryRunner.run(arguments)
        #expect(result.status != 0)
        #expect(!result.stderr.isEmpty)
        #expect(!(result.stderr + result.stdout).unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x9B })
    }

    @Test("an unknown TERM carrying an escape is named without it (in a pseudo-terminal)")
    func unknownTerm() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else { return }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        process.arguments = ["-qec", "\(BinaryRunner.executable.path) sample-data", "/dev/null"]
        process.currentDirectoryURL = BinaryRunner.packageRoot
        var environment = ProcessInfo.processInfo.environment
        environment["TERM"] = "evil\u{1B}[2J\u{1B}]0;pwned\u{07}"
        process.environment = environment
        let out = Pipe()
        process.standardOutput = out
        process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(text.contains("unknown terminal type"))
        #expect(!text.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 })
    }
}
