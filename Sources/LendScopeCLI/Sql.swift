import ArgumentParser
import EngineJobs
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import MarketAnalytics

extension SQLDialect: ExpressibleByArgument {}
extension EngineJob.InputFormat: ExpressibleByArgument {}

/// `lendscope sql`: prints the engine job that computes LendScope's loan tables in DuckDB or Spark.
struct Sql: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the DuckDB or Spark job that computes, from loan-level data, the tables LendScope reads from engine/.",
        discussion: """
            The job computes new lending per period × platform × bank, amounts by status, stacking, \
            over-indebtedness at every period end and pricing, with LendScope's definitions, and writes \
            each table under --output as a folder of CSV part files ended by _SUCCESS. The DuckDB job \
            writes the tables itself (run it with the runner or the duckdb CLI); the Spark job is run by the \
            runner, lendscope_job.py (--write-runner DIR writes it), through spark-submit. Put the output in a data directory's \
            engine/ folder and the dashboard, report and check read it as they read loans/.

            Examples:
              lendscope sql --write-runner .                  (writes ./lendscope_job.py)
              lendscope sql --engine duckdb --input 'data/loans/*.csv' --output data/engine > job.sql
              python3 lendscope_job.py job.sql                 (or: duckdb < job.sql)
              lendscope sql --engine spark --input s3a://lake/loans/ --input-format parquet \\
                --platforms s3a://lake/platforms.csv --output s3a://lake/engine > job.sql
              spark-submit --master yarn lendscope_job.py job.sql

            Each run writes OUTPUT/runs/<run id>/ and then points OUTPUT/CURRENT at it by a rename; readers \
            read the current run only. The runner exits 0 when done, 64 on a usage error, 65 on a data error \
            (a malformed loan row, a refused column type, a Delta or Iceberg folder) and 74 on an input/output \
            or environment error.
            """)

    @Option(help: "The engine: duckdb or spark.")
    var engine: SQLDialect?

    @Option(help: "Period granularity: quarter or month.")
    var period: Period.Granularity = .quarter

    @Option(help: ArgumentHelp("platforms.csv mapping platforms to groups (default: the platforms.csv of the data "
                               + "directory holding a local input, e.g. DIR/platforms.csv for DIR/loans/*.csv, when it "
                               + "exists; required with a URI input).", valueName: "file"))
    var platforms: String?

    @Option(help: ArgumentHelp("The loan rows: a file, a glob or any URI the engine reads.", valueName: "path"))
    var input: String?

    @Option(help: "csv or parquet (default: parquet when the input ends in .parquet, else csv).")
    var inputFormat: EngineJob.InputFormat?

    @Option(help: ArgumentHelp("The folder the runs are written under (a data directory's engine/).", valueName: "dir"))
    var output: String?

    @Option(help: ArgumentHelp("APR thresholds of the pricing figures, in percent, comma-separated.", valueName: "list"))
    var aprThresholds: String = "24,36"

    @Option(name: .customLong("write-runner"),
            help: ArgumentHelp("Write the runner, lendscope_job.py, into this folder and exit (for spark-submit, "
                               + "or python3 with a DuckDB job).", valueName: "dir"))
    var writeRunner: String?

    func validate() throws {
        if writeRunner != nil { return }
        guard engine != nil, input != nil, output != nil else {
            throw ValidationError("give --engine, --input and --output (or --write-runner DIR)")
        }
    }

    func run() throws {
        if let writeRunner {
            try writeRunnerFile(into: writeRunner)
            return
        }
        guard let engine, let input, let output else { return }
        let thresholds = try LoanOptionsArguments.parseThresholds(aprThresholds)
        let format = inputFormat ?? (input.lowercased().hasSuffix(".parquet") ? .parquet : .csv)
        do {
            // The paths are checked before any is used (a control character never reaches a file name).
            _ = try EngineJob(dialect: engine, input: input, platforms: platforms, output: output).validated()
            let grouping = platforms ?? Self.defaultPlatforms(for: input)
            // A URI's folder cannot be looked in for platforms.csv: every platform would silently be
            // its own group, and the figures of groups would be wrong.
            if grouping == nil && EnginePaths.hasScheme(input) {
                throw EngineJob.Failure(description: "--input is a URI (\(input)): give --platforms (the grouping of "
                                        + "platforms into groups), or every platform is counted as its own group")
            }
            // Spark resolves a path without a scheme against the cluster's default file system
            // (HDFS on YARN): local paths are made file:// URIs, absolute.
            func located(_ path: String) -> String { engine == .spark ? EnginePaths.withScheme(path) : path }
            let job = EngineJob(dialect: engine, monthly: period == .month, input: located(input), inputFormat: format,
                                platforms: grouping.map(located), output: located(output), aprThresholds: thresholds,
                                lendscopeVersion: LendScopeVersion.current)
            print(try job.validated().text, terminator: "")
        } catch let error as EngineJob.Failure {
            throw ValidationError(error.description)
        }
    }

    /// Writes the runner into a folder (new file, then a rename: a reader never sees half of it).
    func writeRunnerFile(into folder: String) throws {
        let target = (folder.hasSuffix("/") ? folder : folder + "/") + EngineRunner.fileName
        let temporary = target + ".tmp-\(getpid())"
        do {
            try Data(EngineRunner.script.utf8).write(to: URL(fileURLWithPath: temporary), options: .withoutOverwriting)
            _ = chmod(temporary, 0o755)
            guard rename(temporary, target) == 0 else {
                unlink(temporary)
                throw ValidationError("cannot write \(target): \(String(cString: strerror(errno)))")
            }
        } catch let error as ValidationError {
            throw error
        } catch {
            throw ValidationError("cannot write \(target): \(error.localizedDescription)")
        }
        print(target)
    }

    /// `DIR/platforms.csv` for an input in `DIR/loans/` or in `DIR` itself, when that file exists.
    static func defaultPlatforms(for input: String) -> String? {
        guard !input.contains("://") else { return nil }
        var parts = input.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        parts.removeLast() // the file or the glob
        if parts.last == "loans" { parts.removeLast() }
        let folder = parts.joined(separator: "/")
        let candidate = folder.isEmpty ? (input.hasPrefix("/") ? "/platforms.csv" : "platforms.csv") : folder + "/platforms.csv"
        return FileManager.default.isReadableFile(atPath: candidate) ? candidate : nil
    }
}
