import ArgumentParser
import EngineJobs
import Foundation
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
            writes the tables itself (run it with the duckdb CLI or Python); the Spark job is run by \
            engines/spark/lendscope_job.py through spark-submit. Put the output in a data directory's \
            engine/ folder and the dashboard, report and check read it as they read loans/.

            Examples:
              lendscope sql --engine duckdb --input 'data/loans/*.csv' --output data/engine > job.sql && duckdb < job.sql
              lendscope sql --engine spark --input s3a://lake/loans/ --input-format parquet \\
                --platforms platforms.csv --output /mnt/share/data/engine > job.sql
              spark-submit engines/spark/lendscope_job.py job.sql
            """)

    @Option(help: "The engine: duckdb or spark.")
    var engine: SQLDialect

    @Option(help: "Period granularity: quarter or month.")
    var period: Period.Granularity = .quarter

    @Option(help: ArgumentHelp("platforms.csv mapping platforms to groups (default: the platforms.csv of the data "
                               + "directory holding the input, e.g. DIR/platforms.csv for DIR/loans/*.csv, when it exists).",
                               valueName: "file"))
    var platforms: String?

    @Option(help: ArgumentHelp("The loan rows: a file, a glob or (Spark) any path it reads.", valueName: "path"))
    var input: String

    @Option(help: "csv or parquet (default: parquet when the input ends in .parquet, else csv).")
    var inputFormat: EngineJob.InputFormat?

    @Option(help: ArgumentHelp("The folder the tables are written under (a data directory's engine/).", valueName: "dir"))
    var output: String

    @Option(help: ArgumentHelp("APR thresholds of the pricing figures, in percent, comma-separated.", valueName: "list"))
    var aprThresholds: String = "24,36"

    func run() throws {
        let thresholds = try LoanOptionsArguments.parseThresholds(aprThresholds)
        let format = inputFormat ?? (input.lowercased().hasSuffix(".parquet") ? .parquet : .csv)
        do {
            // The paths are checked before any is used (a control character never reaches a file name).
            _ = try EngineJob(dialect: engine, input: input, platforms: platforms, output: output).validated()
            let job = EngineJob(dialect: engine, monthly: period == .month, input: input, inputFormat: format,
                                platforms: platforms ?? Self.defaultPlatforms(for: input), output: output, aprThresholds: thresholds)
            print(try job.validated().text, terminator: "")
        } catch {
            throw ValidationError(error.description)
        }
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
