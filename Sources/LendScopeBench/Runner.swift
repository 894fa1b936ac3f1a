import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs a command with its output sent to a file, timing it on the monotonic clock and reading
/// its peak resident memory from `wait4`.
enum Runner {
    struct Result {
        let status: Int32
        let seconds: Double
        let peakRSSKiB: Int
    }

    /// GNU time measures the candidate's own peak RSS: `posix_spawn` from this (larger) process
    /// uses vfork, so `wait4` would report this process's pages as the child's.
    static let gnuTime = FileManager.default.isExecutableFile(atPath: "/usr/bin/time") ? "/usr/bin/time" : nil

    static func run(_ command: [String], stdout path: String) throws -> Result {
        guard let gnuTime else { return try spawn(command, stdout: path) }
        let report = NSTemporaryDirectory() + "lendscope-bench-rss-\(getpid())"
        defer { unlink(report) }
        let result = try spawn([gnuTime, "-f", "%M", "-o", report] + command, stdout: path)
        let text = (try? String(contentsOfFile: report, encoding: .utf8)) ?? ""
        let kib = text.split(separator: "\n").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }.last
        return Result(status: result.status, seconds: result.seconds, peakRSSKiB: kib ?? result.peakRSSKiB)
    }

    private static func spawn(_ command: [String], stdout path: String) throws -> Result {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let arguments = command.map { strdup($0) } + [nil]
        defer { arguments.forEach { free($0) } }
        var pid: pid_t = 0
        var start = timespec()
        clock_gettime(CLOCK_MONOTONIC, &start)
        let spawned = posix_spawn(&pid, command[0], &actions, nil, arguments, environ)
        guard spawned == 0 else { throw CocoaError(.executableNotLoadable, userInfo: [NSFilePathErrorKey: command[0]]) }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        var end = timespec()
        clock_gettime(CLOCK_MONOTONIC, &end)
        let seconds = Double(end.tv_sec - start.tv_sec) + Double(end.tv_nsec - start.tv_nsec) / 1e9
        let exit = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return Result(status: exit, seconds: seconds, peakRSSKiB: Int(usage.ru_maxrss))
    }
}

/// DuckDB through its Python package, with 2 threads, computing the same aggregate.
enum DuckDB {
    static func available() -> Bool {
        (try? Runner.run(["/usr/bin/env", "python3", "-c", "import duckdb"], stdout: "/dev/null").status) == 0
    }

    /// The SQL the README gives: the same aggregate as `lendscope aggregate --period quarter`.
    static func sql(file: String) -> String {
        """
        SELECT year(originated) || 'Q' || quarter(originated) AS period, platform, bank,
               count(*) AS loans, sum(amount_cny) AS amount_cny
        FROM read_csv('\(file)', header = true, quote = '"', escape = '"',
                      columns = {'loan_id': 'VARCHAR', 'platform': 'VARCHAR', 'bank': 'VARCHAR',
                                 'borrower_id': 'VARCHAR', 'amount_cny': 'DECIMAL(18,2)', 'term_days': 'INTEGER',
                                 'originated': 'DATE', 'rate_apr': 'DOUBLE', 'status': 'VARCHAR'})
        GROUP BY ALL ORDER BY ALL
        """
    }

    static func command(file: String, output: String) -> [String] {
        let script = """
            import duckdb, sys
            con = duckdb.connect()
            con.execute("SET threads = 2")
            rows = con.execute(sys.argv[1]).fetchall()
            with open(sys.argv[2], "w") as f:
                f.write("period,platform,bank,loans,amount_cny\\n")
                for p, pl, b, n, a in rows:
                    f.write(f"{p},{pl},{b},{n},{a:.2f}\\n")
            """
        return ["/usr/bin/env", "python3", "-c", script, sql(file: file), output]
    }
}

extension DuckDB {
    /// DuckDB running the README's over-indebtedness SQL through `job`
    /// (docs/sql/indebtedness_duckdb.py), 2 threads, its rows written as sorted CSV lines.
    static func indebtedness(job: String, file: String, platforms: String, output: String) -> [String] {
        ["/usr/bin/env", "python3", job, file, platforms, output]
    }
}

/// An over-indebtedness table (`period,table,a,b,value` lines), sorted, for comparing line for line.
struct IndebtednessLines {
    let lines: [String]
    let periods: Int

    init(path: String, header: Bool) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        lines = text.split(separator: "\n").dropFirst(header ? 1 : 0).map(String.init).sorted()
        periods = Set(lines.map { $0.prefix { $0 != "," } }).count
    }
}

/// A parsed aggregate CSV (ours or DuckDB's), for comparing cells, totals and HHI.
struct Aggregate {
    /// "period|platform|bank" → "loans|cents".
    var cells: [String: String] = [:]
    var loans = 0
    var cents: Int64 = 0
    var byPeriodPlatform: [String: [String: Int64]] = [:]

    init(path: String) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        for line in text.split(separator: "\n").dropFirst() {
            // Bank names may be quoted with commas: split off the known fields from both ends.
            let parts = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let period = parts[0], platform = parts[1]
            let loans = Int(parts[parts.count - 2])!
            let amount = parts[parts.count - 1]
            var bank = parts[2..<(parts.count - 2)].joined(separator: ",")
            if bank.hasPrefix("\"") { bank = String(bank.dropFirst().dropLast()).replacingOccurrences(of: "\"\"", with: "\"") }
            let pieces = amount.split(separator: ".")
            let cents = Int64(pieces[0])! * 100 + Int64(pieces.count > 1 ? pieces[1] : "0")!
            cells["\(period)|\(platform)|\(bank)"] = "\(loans)|\(cents)"
            self.loans += loans
            self.cents += cents
            byPeriodPlatform[period, default: [:]][platform, default: 0] += cents
        }
    }

    var totalYuan: String { "\(cents / 100).\(String(format: "%02d", cents % 100))" }

    /// HHI (0–10,000) of platforms' shares of each period's amount.
    var hhiByPeriod: [String: Double] {
        byPeriodPlatform.mapValues { platforms in
            let total = Double(platforms.values.reduce(0, +))
            return platforms.values.reduce(0) { $0 + pow(Double($1) / total * 100, 2) }
        }
    }
}
