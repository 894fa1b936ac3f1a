import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Times `lendscope aggregate` against `cat` (the floor) and DuckDB on generated loan data, in
/// interleaved rounds, and prints ratios measured side by side: the machine is shared and noisy,
/// so ratios, not seconds, are the figures to trust.
@main
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lendscope-bench",
        abstract: "Benchmark loan-level ingest and over-indebtedness: lendscope vs cat and DuckDB.",
        discussion: """
            Generates deterministic loan data (cached by rows and seed under --data-dir), warms the page \
            cache, then runs rounds of: cat FILE > /dev/null; lendscope aggregate with 1 and 2 threads; \
            DuckDB with 2 threads (python3 -c "import duckdb"; pip install duckdb==2.0.1 if it is missing). \
            Then the same for over-indebtedness: lendscope aggregate --indebtedness (aggregate and indebtedness \
            together, platforms grouped by the platforms.csv written beside the data) against DuckDB running \
            docs/sql/indebtedness.duckdb.sql with 2 threads (through docs/sql/indebtedness_duckdb.py). Prints median/min/max wall time, MB/s, rows/s, ratios \
            to cat and DuckDB, peak RSS, and whether totals, per-quarter HHI and every period's indebtedness \
            figures equal DuckDB's (exit 1 if not); writes the results as JSON.
            """
    )

    @Option(help: "Rows to generate.") var rows: Int = 1_000_000
    @Option(help: "Random seed of the generator.") var seed: UInt64 = 42
    @Option(help: "Interleaved rounds.") var rounds: Int = 5
    @Option(help: "Where generated files are cached.") var dataDir: String = ".build/bench-data"
    @Option(help: "The lendscope executable (default: beside this one).") var lendscope: String?
    @Option(help: "Where to write the results as JSON.") var json: String = ".build/bench-results.json"
    @Flag(help: "Count instructions per row with valgrind's callgrind (on 200,000 rows), then stop.") var callgrind = false
    @Flag(help: "Leave DuckDB out (at 100M rows it needs more memory than this machine has).") var noDuckdb = false
    @Option(help: "The script that runs the DuckDB SQL for over-indebtedness.")
    var duckdbJob: String = "docs/sql/indebtedness_duckdb.py"
    @Option(help: "lendscope's --memory for over-indebtedness, in MiB.") var memory: Int = 64

    func run() throws {
        let executable = lendscope ?? URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("lendscope").path
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw ValidationError("no lendscope at \(executable): swift build -c release first, or pass --lendscope")
        }
        if callgrind { return try countInstructions(executable) }
        let file = try LoanGenerator(rows: rows, seed: seed).file(in: dataDir)
        let platforms = try LoanGenerator.platformsFile(in: dataDir)
        let ours = "\(dataDir)/indebtedness-lendscope.csv", theirs = "\(dataDir)/indebtedness-duckdb.csv"
        let size = Double(try FileManager.default.attributesOfItem(atPath: file)[.size] as! Int)
        print("data: \(file), \(rows) rows, \(String(format: "%.1f", size / 1e6)) MB")
        _ = try Runner.run(["/bin/cat", file], stdout: "/dev/null") // warm the page cache

        var candidates: [Candidate] = [
            Candidate(name: "cat", command: ["/bin/cat", file]),
            Candidate(name: "lendscope 1 thread", command: [executable, "aggregate", file, "--threads", "1"]),
            Candidate(name: "lendscope 2 threads", command: [executable, "aggregate", file, "--threads", "2"]),
            Candidate(name: "ls 2t + indebtedness", command: [executable, "aggregate", file, "--threads", "2", "--platforms", platforms,
                                                              "--indebtedness", ours, "--memory", String(memory)]),
        ]
        let duckdb = !noDuckdb && DuckDB.available()
        if duckdb {
            candidates.append(Candidate(name: "DuckDB 2 threads", command: DuckDB.command(file: file, output: "/dev/null")))
            candidates.append(Candidate(name: "DuckDB indebtedness", command: DuckDB.indebtedness(job: duckdbJob, file: file,
                                                                                                   platforms: platforms, output: theirs)))
        } else if !noDuckdb {
            print("DuckDB is not installed: pip install duckdb==2.0.1 (carrying on without it)")
        }
        for round in 1...rounds {
            for index in candidates.indices {
                let result = try Runner.run(candidates[index].command, stdout: "/dev/null")
                guard result.status == 0 else { throw ValidationError("\(candidates[index].name) failed (status \(result.status))") }
                candidates[index].seconds.append(result.seconds)
                candidates[index].peakRSS = max(candidates[index].peakRSS, result.peakRSSKiB)
            }
            print("round \(round)/\(rounds) done")
        }

        // Correctness: our aggregate against DuckDB's, totals and per-quarter HHI.
        var agreement: Bool?
        if duckdb {
            let ours = "\(dataDir)/ours.csv", theirs = "\(dataDir)/duckdb.csv"
            _ = try Runner.run([executable, "aggregate", file, "--threads", "2"], stdout: ours)
            _ = try Runner.run(DuckDB.command(file: file, output: theirs), stdout: "/dev/null")
            let a = try Aggregate(path: ours), b = try Aggregate(path: theirs)
            agreement = a.cells == b.cells
            print("totals: lendscope CNY \(a.totalYuan) in \(a.loans) loans; DuckDB CNY \(b.totalYuan) in \(b.loans) loans")
            for (period, hhi) in a.hhiByPeriod.sorted(by: { $0.key < $1.key }) {
                print("  \(period) HHI across platforms: lendscope \(String(format: "%.4f", hhi)), DuckDB "
                      + String(format: "%.4f", b.hhiByPeriod[period] ?? .nan))
            }
            print(agreement! ? "every cell, total and HHI equals DuckDB's" : "MISMATCH: the aggregates differ from DuckDB's")
        }

        // Over-indebtedness: every figure of every period against DuckDB's, line for line.
        var indebtednessAgreement: Bool?
        if duckdb {
            let a = try IndebtednessLines(path: ours, header: true), b = try IndebtednessLines(path: theirs, header: false)
            indebtednessAgreement = a.lines == b.lines
            print("indebtedness: lendscope \(a.lines.count) figures over \(a.periods) periods; DuckDB \(b.lines.count)")
            if let first = zip(a.lines, b.lines).first(where: { $0 != $1 }) {
                print("  first difference: lendscope \(first.0) / DuckDB \(first.1)")
            }
            print(indebtednessAgreement! ? "every period's indebtedness figures equal DuckDB's"
                  : "MISMATCH: the indebtedness figures differ from DuckDB's")
        }

        let catMedian = candidates[0].median
        let duckMedian = candidates.first { $0.name == "DuckDB 2 threads" }?.median
        let duckIndebtedness = candidates.first { $0.name == "DuckDB indebtedness" }?.median
        print("")
        print("candidate              median     min     max     MB/s   Mrows/s  ×cat  ×DuckDB  peak RSS")
        for c in candidates {
            // Each against its own DuckDB counterpart: the aggregate's, or over-indebtedness's.
            let counterpart = c.name.contains("indebtedness") ? duckIndebtedness : duckMedian
            let vsDuck = counterpart.map { String(format: "%7.2f", $0 / c.median) } ?? "    n/a"
            print(String(format: "%-20@ %7.3fs %6.3fs %6.3fs %8.0f %8.2f %5.2f %@ %7.1f MiB",
                         c.name as NSString, c.median, c.seconds.min()!, c.seconds.max()!, size / 1e6 / c.median,
                         Double(rows) / 1e6 / c.median, c.median / catMedian, vsDuck as NSString, Double(c.peakRSS) / 1024))
        }
        let two = candidates[2], both = candidates[3]
        var verdicts: [(String, Bool)] = [
            ("2 threads ≤ 3× cat (\(String(format: "%.2f", two.median / catMedian))×)", two.median <= 3 * catMedian),
            ("peak RSS ≤ 32 MiB (\(String(format: "%.1f", Double(two.peakRSS) / 1024)) MiB)", two.peakRSS <= 32 * 1024),
        ]
        if let duckMedian {
            verdicts.append(("≥ 4× faster than DuckDB with 2 threads (\(String(format: "%.2f", duckMedian / two.median))×)",
                             duckMedian >= 4 * two.median))
            verdicts.append(("totals and per-quarter HHI identical to DuckDB's", agreement == true))
        }
        verdicts.append(("aggregate + indebtedness ≤ 2.5× aggregate alone (\(String(format: "%.2f", both.median / two.median))×)",
                         both.median <= 2.5 * two.median))
        verdicts.append(("aggregate + indebtedness peak RSS ≤ 64 MiB (\(String(format: "%.1f", Double(both.peakRSS) / 1024)) MiB)",
                         both.peakRSS <= 64 * 1024))
        if let duckIndebtedness {
            verdicts.append(("indebtedness ≥ 10× faster than DuckDB's (\(String(format: "%.1f", duckIndebtedness / both.median))×, "
                             + "DuckDB peak \(String(format: "%.0f", Double(candidates.first { $0.name == "DuckDB indebtedness" }!.peakRSS) / 1024)) MiB)",
                             duckIndebtedness >= 10 * both.median))
            verdicts.append(("every period's indebtedness figures identical to DuckDB's", indebtednessAgreement == true))
        }
        print("")
        for (text, met) in verdicts { print("\(met ? "MET   " : "MISSED") \(text)") }
        try writeJSON(candidates: candidates, verdicts: verdicts, agreement: agreement, size: size)
        if agreement == false || indebtednessAgreement == false { throw ExitCode.failure }
    }

    func countInstructions(_ executable: String) throws {
        let sample = 200_000
        let file = try LoanGenerator(rows: sample, seed: seed).file(in: dataDir)
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/valgrind") else {
            throw ValidationError("valgrind is not installed: apt-get install valgrind")
        }
        let log = "\(dataDir)/callgrind.log"
        _ = try Runner.run(["/usr/bin/valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", "--log-file=\(log)",
                            executable, "aggregate", file, "--threads", "1"], stdout: "/dev/null")
        let text = try String(contentsOfFile: log, encoding: .utf8)
        guard let line = text.split(separator: "\n").first(where: { $0.contains("Collected") }),
              let count = Double(line.split(separator: " ").last!) else { throw ValidationError("no instruction count in \(log)") }
        print(String(format: "callgrind: %.0f instructions for %d rows = %.0f instructions per row (target ≤ 1,000)",
                     count, sample, count / Double(sample)))
    }

    func writeJSON(candidates: [Candidate], verdicts: [(String, Bool)], agreement: Bool?, size: Double) throws {
        let object: [String: Any] = [
            "rows": rows, "seed": seed, "bytes": size, "rounds": rounds,
            "candidates": candidates.map { ["name": $0.name, "seconds": $0.seconds, "median": $0.median, "peak_rss_kib": $0.peakRSS] },
            "verdicts": verdicts.map { ["target": $0.0, "met": $0.1] },
            "agrees_with_duckdb": agreement as Any,
        ]
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        try data.write(to: URL(fileURLWithPath: json))
        print("results written to \(json)")
    }
}

struct Candidate {
    let name: String
    let command: [String]
    var seconds: [Double] = []
    var peakRSS = 0

    var median: Double {
        let sorted = seconds.sorted()
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
}
