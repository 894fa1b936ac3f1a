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

    @Test("DuckDB writes every table, its _SUCCESS after its parts, and _JOB running first and done last")
    func duckdbWrites() throws {
        let text = EngineJob(dialect: .duckdb, input: "d/loans/*.csv", platforms: "d/platforms.csv", output: "d/engine").text
        let running = try #require(text.range(of: "'running ' || id"))
        let done = try #require(text.range(of: "'done ' || id"))
        for table in EngineTable.allCases {
            let parts = try #require(text.range(of: "TO 'd/engine/\(table.rawValue)' (FORMAT csv, HEADER true, OVERWRITE true"))
            let success = try #require(text.range(of: "TO 'd/engine/\(table.rawValue)/_SUCCESS'"))
            #expect(running.upperBound < parts.lowerBound && parts.upperBound < success.lowerBound && success.upperBound < done.lowerBound)
        }
        #expect(text.contains("read_csv('d/platforms.csv'"))
        #expect(text.contains("is not listed in ', 'd/platforms.csv'"))
    }

    @Test("Spark writes every table with INSERT OVERWRITE DIRECTORY and RFC 4180 quotes, and names its output for the runner")
    func sparkWrites() {
        let text = EngineJob(dialect: .spark, input: "s3a://lake/loans/", inputFormat: .parquet, output: "/mnt/e").text
        for table in EngineTable.allCases {
            #expect(text.contains("INSERT OVERWRITE DIRECTORY '/mnt/e/\(table.rawValue)' USING csv OPTIONS (header 'true', quote '\"', escape '\"'"))
        }
        #expect(text.contains("-- lendscope-job output=/mnt/e\n"))
        #expect(text.contains("USING parquet OPTIONS (path 's3a://lake/loans/')"))
        #expect(text.contains("CACHE TABLE loans AS"))
        // No platforms file: every platform is its own group.
        #expect(text.contains("platform_groups AS SELECT CAST(NULL AS STRING) AS platform"))
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
