import MarketAnalytics
import Testing
@testable import EngineJobs

/// The generated jobs' text: values put into SQL safely, the tables and markers each dialect
/// writes, exact thresholds. (That the jobs compute LendScope's figures is checked by running
/// them on real DuckDB and Spark: Tests/EndToEnd/engine_check.py.)
@Suite("Engine jobs")
struct EngineJobTests {
    @Test("a quote ends no literal: DuckDB doubles it, Spark escapes it and the backslash")
    func literals() {
        #expect(SQLDialect.duckdb.literal("it's \\x") == "'it''s \\x'")
        #expect(SQLDialect.spark.literal("it's \\x") == "'it\\'s \\\\x'")
    }

    @Test("a path with a line break or another control character is refused (it could end a comment)")
    func controlCharactersRefused() {
        for bad in ["out\n; DROP", "out\r", "a\u{1B}[31m", "x\u{85}", "a\u{2028}b", "a\u{2029}b"] {
            #expect(throws: EngineJob.Failure.self) { try EngineJob(dialect: .duckdb, input: "in.csv", output: bad).validated() }
            #expect(throws: EngineJob.Failure.self) { try EngineJob(dialect: .spark, input: bad, output: "o").validated() }
        }
        #expect(throws: EngineJob.Failure.self) { try EngineJob(dialect: .spark, input: "", output: "o").validated() }
    }

    @Test("thresholds as exact fractions, and one pricing column each")
    func thresholds() {
        #expect(EngineJob.fraction(APRThreshold(billionths: 240_000_000)) == "0.240000000")
        #expect(EngineJob.fraction(APRThreshold(percent: "15.4")!) == "0.154000000")
        #expect(EngineJob.fraction(APRThreshold(percent: "1000")!) == "10.000000000")
        let job = EngineJob(dialect: .duckdb, input: "l.csv", output: "o", aprThresholds: [APRThreshold(percent: "15.4")!]).text
        #expect(job.contains("rate > CAST('0.154000000' AS DECIMAL(38, 9))"))
        #expect(job.contains("AS \"above_apr_15.4_cny\""))
        #expect(!job.contains("above_apr_24_cny"))
    }

    @Test("DuckDB writes every table into its run's folder, then _SUCCESS and _RUN, then the manifest, then CURRENT by a rename")
    func duckdbWrites() throws {
        let text = EngineJob(dialect: .duckdb, input: "d/loans/*.csv", platforms: "d/platforms.csv", output: "d/engine", runID: "r1").text
        let running = try #require(text.range(of: "'running ' || id"))
        let manifest = try #require(text.range(of: "TO 'd/engine/runs/r1/manifest.json' (FORMAT json)"))
        let pointer = try #require(text.range(of: "TO 'd/engine/CURRENT' (FORMAT csv, HEADER false, QUOTE '', USE_TMP_FILE true)"))
        let done = try #require(text.range(of: "'done ' || id"))
        for table in EngineTable.allCases {
            let parts = try #require(text.range(of: "TO 'd/engine/runs/r1/\(table.rawValue)' (FORMAT csv, HEADER true, OVERWRITE true"))
            let success = try #require(text.range(of: "TO 'd/engine/runs/r1/\(table.rawValue)/_SUCCESS'"))
            let run = try #require(text.range(of: "TO 'd/engine/runs/r1/\(table.rawValue)/_RUN'"))
            #expect(running.upperBound < parts.lowerBound && parts.upperBound < success.lowerBound
                    && success.upperBound < run.lowerBound && run.upperBound < manifest.lowerBound)
        }
        #expect(manifest.upperBound < pointer.lowerBound && pointer.upperBound < done.lowerBound)
        #expect(text.contains("read_csv('d/platforms.csv', header = true, delim = ',', quote = '\"', escape = '\"'"))
        #expect(text.contains("is not listed in ', 'd/platforms.csv'"))
        // The grouping as read is hashed by the job, and a run id used before is refused.
        #expect(text.contains("(SELECT sha256(content) FROM read_text('d/platforms.csv')) AS grouping_sha256"))
        #expect(text.contains("FROM glob('d/engine/runs/r1/manifest.json')"))
        // The folders are made one level at a time by an empty partitioned COPY: no stray file.
        #expect(!text.contains("_created_"))
        #expect(text.contains("-- lendscope-job run=r1\n") && text.contains("-- lendscope-job engine=duckdb\n"))
    }

    @Test("nothing is sniffed: DuckDB and Spark read CSV with the delimiter, quote, escape and header stated")
    func strictCSV() {
        let duckdb = EngineJob(dialect: .duckdb, input: "l/*.csv", platforms: "p.csv", output: "o").text
        #expect(duckdb.contains("read_csv('l/*.csv', header = true, delim = ',', quote = '\"', escape = '\"', comment = '', all_varchar = true"))
        let spark = EngineJob(dialect: .spark, input: "file:///l/", platforms: "file:///p.csv", output: "file:///o").text
        #expect(spark.contains("path 'file:///l/', header 'true', sep ',', quote '\"', escape '\"', encoding 'UTF-8', inferSchema 'false'"))
        #expect(spark.contains("path 'file:///p.csv', header 'true', sep ','"))
    }

    @Test("DuckDB refuses DOUBLE or FLOAT amounts and rates and TIMESTAMP dates at the schema, and lake folders")
    func refusals() {
        let text = EngineJob(dialect: .duckdb, input: "/lake/loans/*.parquet", inputFormat: .parquet, output: "o").text
        #expect(text.contains("column_name IN ('amount_cny', 'rate_apr', 'platform_funded_cny') AND (column_type IN ('FLOAT', 'DOUBLE', 'REAL')"))
        #expect(text.contains("column_name IN ('originated', 'closed_on') AND column_type LIKE 'TIMESTAMP%'"))
        #expect(text.contains("FROM glob('/lake/loans/_delta_log/*')"))
        #expect(text.contains("FROM glob('/lake/loans/metadata/*.metadata.json')"))
        let deep = EngineJob(dialect: .duckdb, input: "/lake/**/*.parquet", inputFormat: .parquet, output: "o").text
        #expect(deep.contains("FROM glob('/lake/**/_delta_log/*')"))
        // A path is always one escaped literal, in a message too: a quote ends no string.
        let quoted = EngineJob(dialect: .duckdb, input: "/la'ke/*.csv", output: "o') ; COPY x TO 'y", runID: "r").text
            .split(separator: "\n").filter { !$0.hasPrefix("--") }.joined(separator: "\n") // the statements, not the comments
        #expect(!quoted.contains("o') ;") && quoted.contains("o'') ; COPY x TO ''y"))
        #expect(!quoted.contains("/la'ke") && quoted.contains("/la''ke"))
    }

    @Test("the folder of an input: before its first glob character, or a single file's parent", arguments: [
        ("/lake/loans/*.parquet", "/lake/loans"), ("s3a://b/loans/", "s3a://b/loans"), ("d/loans/2020/*.csv", "d/loans/2020"),
        ("/x/loans.csv", "/x"), ("loans.csv", nil), ("lake/tbl", "lake/tbl"),
    ])
    func inputFolder(input: String, folder: String?) {
        #expect(RunLayout.inputFolder(input) == folder)
    }

    @Test("a run id is one safe path component; a URI has a scheme; local paths get file://")
    func runIDsAndSchemes() {
        #expect(RunLayout.isRunID("0b1c-9f_2") && !RunLayout.isRunID("../x") && !RunLayout.isRunID("") && !RunLayout.isRunID("a b"))
        #expect(RunLayout.isRunID(EngineJob.newRunID()))
        #expect(EnginePaths.hasScheme("s3a://b/x") && EnginePaths.hasScheme("file:///x") && !EnginePaths.hasScheme("/x/y")
                && !EnginePaths.hasScheme("a/b://c") && !EnginePaths.hasScheme("://x"))
        #expect(EnginePaths.withScheme("data/loans/*.csv", currentDirectory: "/home/a") == "file:///home/a/data/loans/*.csv")
        #expect(EnginePaths.withScheme("/abs/x", currentDirectory: "/home/a") == "file:///abs/x")
        #expect(EnginePaths.withScheme("hdfs://nn/x", currentDirectory: "/home/a") == "hdfs://nn/x")
    }

    @Test("the runner in the binary reads the directives every job writes")
    func runnerDirectives() {
        let job = EngineJob(dialect: .spark, input: "file:///l/", output: "file:///o", runID: "r9").text
        for name in ["engine", "output", "run", "input", "input-format", "platforms", "granularity", "apr-thresholds", "version"] {
            #expect(job.contains("\n-- lendscope-job \(name)="), "\(name)")
        }
        #expect(EngineRunner.script.contains("DIRECTIVE = \"-- lendscope-job \""))
        #expect(EngineRunner.script.contains("EX_USAGE, EX_DATAERR, EX_IOERR = 64, 65, 74"))
    }

    @Test("periods by quarter or month, in each dialect's words")
    func periods() {
        #expect(SQLDialect.spark.periodLabel(of: "d", monthly: true) == "date_format(d, 'yyyy-MM')")
        #expect(SQLDialect.duckdb.periodLabel(of: "d", monthly: true) == "strftime(d, '%Y-%m')")
        #expect(SQLDialect.duckdb.periodLabel(of: "d", monthly: false) == "concat(CAST(year(d) AS STRING), 'Q', CAST(quarter(d) AS STRING))")
        #expect(SQLDialect.spark.periodEnd(of: "d", monthly: false) == "last_day(make_date(year(d), quarter(d) * 3, 1))")
        let monthly = EngineJob(dialect: .duckdb, monthly: true, input: "l.csv", output: "o").text
        #expect(monthly.contains("strftime(t.originated, '%Y-%m') AS period") && monthly.contains("last_day(t.originated) AS period_end"))
    }
}
