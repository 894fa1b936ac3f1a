import MarketAnalytics

/// A job that computes, in DuckDB or Spark, the tables LendScope computes from loan-level files
/// (`EngineTable`), with the same definitions: what `lendscope sql` prints. Pure text: the job
/// is generated here and run by the engine; nothing here reads or writes files.
///
/// Both dialects share one body of SQL (`EngineJob+Tables.swift`); only the input, the writes
/// and a few functions differ (`SQLDialect`). Money is DECIMAL(38,2) throughout (exact; sums
/// cannot overflow before LendScope's own 64-bit limit), rates DECIMAL(38,9) (exact billionths,
/// as LendScope compares them), and every figure is written as text by the engine's own exact
/// cast, so the tables LendScope reads back hold the same digits it would have computed.
public struct EngineJob: Sendable {
    public enum InputFormat: String, CaseIterable, Sendable {
        case csv, parquet
    }

    public var dialect: SQLDialect
    public var monthly: Bool
    /// A path, a glob (`loans/*.csv`) or, for Spark, any URI it reads (`s3a://…`).
    public var input: String
    public var inputFormat: InputFormat
    /// `platforms.csv` (platform → group); nil: every platform is its own group.
    public var platforms: String?
    /// The folder the tables are written under (a data directory's `engine/`).
    public var output: String
    public var aprThresholds: [APRThreshold]
    /// This run's identity: its tables go to `OUTPUT/runs/<id>/`, and `OUTPUT/CURRENT` names it
    /// once every table and the manifest are complete. The runner gives each execution a new one.
    public var runID: String
    /// The LendScope version that wrote the job, for the manifest.
    public var lendscopeVersion: String

    public init(dialect: SQLDialect, monthly: Bool = false, input: String, inputFormat: InputFormat = .csv,
                platforms: String? = nil, output: String, aprThresholds: [APRThreshold] = APRThreshold.defaults,
                runID: String = EngineJob.newRunID(), lendscopeVersion: String = "") {
        self.dialect = dialect
        self.monthly = monthly
        self.input = input
        self.inputFormat = inputFormat
        self.platforms = platforms
        self.output = output
        self.aprThresholds = aprThresholds
        self.runID = runID
        self.lendscopeVersion = lendscopeVersion
    }

    /// A fresh run id: a random UUID in lower case (letters, digits and dashes: safe in a path).
    public static func newRunID() -> String { UUIDText.random() }

    /// A value that cannot be put into the job's text.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        public init(description: String) { self.description = description }
    }

    /// Paths go into SQL literals and comments: a control character (a line break above all)
    /// could end a comment or a statement, so it is refused rather than escaped.
    public func validated() throws(Failure) -> EngineJob {
        for (name, value) in [("--input", input), ("--output", output), ("--platforms", platforms ?? "")] {
            // Line and paragraph separators too: Python's splitlines (the Spark runner) breaks there.
            if value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F || (0x80..<0xA0).contains($0.value)
                                                     || $0.value == 0x2028 || $0.value == 0x2029 }) {
                throw Failure(description: "\(name) holds a control character (a line break?): give a plain path")
            }
        }
        if input.isEmpty { throw Failure(description: "--input is empty") }
        if output.isEmpty { throw Failure(description: "--output is empty") }
        guard RunLayout.isRunID(runID) else { throw Failure(description: "a run id is letters, digits, '-' and '_' only") }
        return self
    }

    /// The whole job: one script for DuckDB (CLI, Python or the runner), one Spark SQL file for
    /// the runner (`lendscope sql --write-runner DIR`), which `spark-submit` runs.
    public var text: String {
        var out: [String] = header
        out += prologue
        out += body
        out += epilogue
        return out.joined(separator: "\n") + "\n"
    }

    /// Where this run writes: `OUTPUT/runs/<id>`.
    var runFolder: String { RunLayout.join(output, RunLayout.runsFolder, runID) }

    /// A table's folder (or the manifest) in this run's folder.
    func path(_ name: String) -> String { RunLayout.join(runFolder, name) }

    /// A file at the output folder's top (`_JOB`, `CURRENT`).
    func topPath(_ name: String) -> String { RunLayout.join(output, name) }

    private var header: [String] {
        let run: String
        switch dialect {
        case .duckdb:
            run = "--   python3 lendscope_job.py job.sql   (the runner: a fresh run id, pruning, exit codes)   or   duckdb < job.sql"
        case .spark:
            run = "--   spark-submit lendscope_job.py job.sql    (local, or --master yarn/k8s on a cluster)"
        }
        return [
            "-- LendScope engine job (\(dialect == .duckdb ? "DuckDB" : "Spark SQL")), generated by `lendscope sql`: from loan-level rows it",
            "-- computes the tables LendScope computes itself, with the same definitions (README, \"Beyond one machine\").",
            "-- Run it whole (`lendscope sql --write-runner DIR` writes lendscope_job.py):",
            run,
            "-- Each table is written as a folder of CSV part files under OUTPUT/runs/<run id>/, then its _SUCCESS and",
            "-- _RUN (the run id); then manifest.json; then OUTPUT/CURRENT is replaced by a rename to name the run. A",
            "-- reader resolves CURRENT once and reads that run only: a failed or running job leaves the last good run.",
            "-- OUTPUT/_JOB says `running <id>`, then `done <id>` (the runner: `failed <id>` when it fails).",
            "-- A loan is outstanding at a period end E when originated <= E, originated + term_days > E and, when",
            "-- closed_on is given, closed_on > E. Percentiles are nearest-rank (rank ceil(p/100 x N)).",
            RunLayout.directive("engine", dialect.rawValue),
            RunLayout.directive("output", output),
            RunLayout.directive("run", runID),
            RunLayout.directive("input", input),
            RunLayout.directive("input-format", inputFormat.rawValue),
            RunLayout.directive("platforms", platforms ?? ""),
            RunLayout.directive("granularity", monthly ? "month" : "quarter"),
            RunLayout.directive("apr-thresholds", aprThresholds.map { String($0.description.dropLast()) }.joined(separator: ",")),
            RunLayout.directive("version", lendscopeVersion),
            "",
        ]
    }

    /// The CSV options both read and write with, stated in full: nothing is sniffed.
    static let duckdbCSV = "header = true, delim = ',', quote = '\"', escape = '\"', comment = '', all_varchar = true"

    /// Reading the input into `loan_rows` (every column as text, the optional ones NULL when
    /// absent) and `loan_columns`, and the platform → group map into `platform_groups`.
    private var prologue: [String] {
        var lines: [String] = []
        let q = dialect.literal
        switch dialect {
        case .duckdb:
            // An empty partitioned COPY makes a folder (one level at a time) and writes no file.
            for folder in [output, RunLayout.join(output, RunLayout.runsFolder), runFolder] {
                lines.append("COPY (SELECT 'x' AS k, 1 AS v WHERE false) TO \(q(folder)) (FORMAT csv, PARTITION_BY (k), OVERWRITE_OR_IGNORE true);")
            }
            let grouping = platforms.map { "(SELECT sha256(content) FROM read_text(\(q($0))))" } ?? "CAST(NULL AS STRING)"
            lines += [
                // A run id used before (a job file executed twice by hand) would overwrite a complete run.
                // Every message is one escaped literal: a path may hold a quote.
                "SELECT \(dialect.fail(q("run \(runID) exists already under \(output): generate the job again (or run it with lendscope_job.py)"))) "
                    + "FROM glob(\(q(path(RunLayout.manifestFile))));",
                "CREATE OR REPLACE TEMP TABLE lendscope_job AS SELECT \(q(runID)) AS id, CAST(now() AS STRING) AS started, "
                    + "\(grouping) AS grouping_sha256;",
                "COPY (SELECT 'running ' || id FROM lendscope_job) TO \(q(topPath(EngineTable.jobMarker))) (FORMAT csv, HEADER false, QUOTE '', USE_TMP_FILE false);",
            ]
            lines += tableFormatRefusals
            let read = inputFormat == .parquet
                ? "read_parquet(\(q(input)), union_by_name = true)"
                : "read_csv(\(q(input)), \(Self.duckdbCSV), union_by_name = true)"
            lines += [
                "CREATE OR REPLACE TEMP TABLE loan_input AS SELECT * FROM \(read);",
            ]
            lines += typeRefusals
            lines += [
                "CREATE OR REPLACE TEMP TABLE loan_columns AS",
                "    SELECT count(*) FILTER (WHERE column_name = 'platform_funded_cny') > 0 AS has_platform_funded",
                "    FROM (DESCRIBE loan_input);",
                "CREATE OR REPLACE TEMP VIEW loan_rows AS",
                "    SELECT \(Self.loanColumns.map { "CAST(\($0) AS STRING) AS \($0)" }.joined(separator: ", "))",
                "    FROM (SELECT * FROM loan_input UNION ALL BY NAME",
                "          SELECT CAST(NULL AS STRING) AS closed_on, CAST(NULL AS STRING) AS platform_funded_cny WHERE false);",
            ]
            if let platforms {
                lines.append("CREATE OR REPLACE TEMP VIEW platform_groups AS SELECT platform, \"group\" AS grp FROM "
                    + "read_csv(\(q(platforms)), \(Self.duckdbCSV));")
            }
        case .spark:
            let using = inputFormat == .parquet ? "parquet" : "csv"
            let options = inputFormat == .parquet ? "path \(q(input))"
                : "path \(q(input)), \(Self.sparkCSV), multiLine 'false', mode 'FAILFAST', enforceSchema 'false'"
            lines += [
                "-- loan_rows and loan_columns are made by lendscope_job.py from loan_input: every column as STRING,",
                "-- the optional closed_on and platform_funded_cny added as NULL when the input lacks them; it refuses",
                "-- DOUBLE/FLOAT amounts and rates and TIMESTAMP dates, and Delta or Iceberg folders, before any row is read.",
                "CREATE OR REPLACE TEMPORARY VIEW loan_input USING \(using) OPTIONS (\(options));",
            ]
            if let platforms {
                lines += [
                    "CREATE OR REPLACE TEMPORARY VIEW platform_input USING csv OPTIONS (path \(q(platforms)), \(Self.sparkCSV));",
                    "CREATE OR REPLACE TEMPORARY VIEW platform_groups AS SELECT platform, `group` AS grp FROM platform_input;",
                ]
            }
        }
        if platforms == nil {
            lines.append(createView("platform_groups",
                                    "SELECT CAST(NULL AS STRING) AS platform, CAST(NULL AS STRING) AS grp WHERE false"))
        }
        return lines
    }

    /// Spark's CSV options, stated in full: the separator, quote, escape, header and encoding; every
    /// column read as a string (no schema inference).
    static let sparkCSV = "header 'true', sep ',', quote '\"', escape '\"', encoding 'UTF-8', inferSchema 'false'"

    /// A lake table's folder read as plain Parquet would count files its log has removed.
    private var tableFormatRefusals: [String] {
        guard let folder = RunLayout.inputFolder(input) else { return [] }
        let q = dialect.literal
        func refusal(_ marker: String, _ pattern: String, _ what: String) -> String {
            let message = "concat(" + q("the input folder ") + ", regexp_replace(file, '/" + marker + "/[^/]*$', ''), " + q(what) + ")"
            return "SELECT " + dialect.fail(message) + " FROM glob(" + q(RunLayout.join(folder, pattern)) + ") LIMIT 1;"
        }
        // In the input's folder; anywhere under it when the glob reaches down (`**`).
        let deep = input.contains("**") ? "**/" : ""
        return [
            refusal("_delta_log", deep + "_delta_log/*", " is a Delta table (it has _delta_log/): read it through Delta, or export its current files"),
            refusal("metadata", deep + "metadata/*.metadata.json",
                    " is an Iceberg table (it has metadata/*.metadata.json): read it through Iceberg, or export its current files"),
        ]
    }

    /// Amounts and rates must be exact (DECIMAL, an integer or text) and dates DATE or text: a
    /// binary floating-point amount cannot hold every cent, and a timestamp carries a time zone
    /// question. Refused at the schema, before any row is read, naming the column and its type.
    private var typeRefusals: [String] {
        let exact = RunLayout.exactColumns.map { "'\($0)'" }.joined(separator: ", ")
        let dates = RunLayout.dateColumns.map { "'\($0)'" }.joined(separator: ", ")
        let message = "concat('column ', column_name, ' is ', column_type, ': ', CASE WHEN column_name IN (\(dates)) "
            + "THEN '\(RunLayout.dateTypeRule)' ELSE '\(RunLayout.exactTypeRule)' END)"
        return [
            "SELECT \(dialect.fail(message)) FROM (DESCRIBE loan_input)",
            "    WHERE (column_name IN (\(exact)) AND (column_type IN ('FLOAT', 'DOUBLE', 'REAL') OR column_type LIKE 'FLOAT%' OR column_type LIKE 'DOUBLE%'))",
            "       OR (column_name IN (\(dates)) AND column_type LIKE 'TIMESTAMP%') LIMIT 1;",
        ]
    }

    private var epilogue: [String] {
        switch dialect {
        case .duckdb:
            let q = dialect.literal
            let tables = EngineTable.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
            let thresholds = aprThresholds.map { "'" + String($0.description.dropLast()) + "'" }.joined(separator: ", ")
            let files = inputFormat == .parquet || !input.contains("://")
                ? "(SELECT list({'path': filename, 'size': size, 'modified': CAST(last_modified AS STRING)} ORDER BY filename) "
                    + "FROM read_blob(\(q(input.hasSuffix("/") ? input + "**" : input))))"
                : "NULL"
            return [
                "COPY (SELECT id AS run_id, 'duckdb' AS engine, \(q(lendscopeVersion)) AS lendscope_version, \(q(input)) AS input, "
                    + "\(q(inputFormat.rawValue)) AS input_format, \(files) AS input_files, "
                    + "\(platforms.map(q) ?? "CAST(NULL AS STRING)") AS grouping_file, grouping_sha256, "
                    + "\(q(monthly ? "month" : "quarter")) AS granularity, [\(thresholds)]::STRING[] AS apr_thresholds, "
                    + "[\(tables)] AS tables, started, CAST(now() AS STRING) AS finished FROM lendscope_job) "
                    + "TO \(q(path(RunLayout.manifestFile))) (FORMAT json);",
                // The pointer last, by a rename (USE_TMP_FILE writes tmp_CURRENT, then renames it).
                "COPY (SELECT id FROM lendscope_job) TO \(q(topPath(RunLayout.pointerFile))) (FORMAT csv, HEADER false, QUOTE '', USE_TMP_FILE true);",
                "COPY (SELECT 'done ' || id FROM lendscope_job) TO \(q(topPath(EngineTable.jobMarker))) (FORMAT csv, HEADER false, QUOTE '', USE_TMP_FILE false);",
            ]
        case .spark:
            return ["-- lendscope_job.py writes each table's _RUN, manifest.json, CURRENT (by a rename) and `done <id>` to _JOB here."]
        }
    }

    /// The loan columns the job reads, as LendScope's loan files name them.
    static let loanColumns = ["loan_id", "platform", "bank", "borrower_id", "amount_cny", "term_days", "originated",
                              "rate_apr", "status", "closed_on", "platform_funded_cny"]

    /// A table the later statements read, computed once.
    func materialise(_ name: String, _ query: String) -> String {
        switch dialect {
        case .duckdb: "CREATE OR REPLACE TEMP TABLE \(name) AS\n\(query);"
        case .spark: "CACHE TABLE \(name) AS\n\(query);"
        }
    }

    func createView(_ name: String, _ query: String) -> String {
        switch dialect {
        case .duckdb: "CREATE OR REPLACE TEMP VIEW \(name) AS \(query);"
        case .spark: "CREATE OR REPLACE TEMPORARY VIEW \(name) AS \(query);"
        }
    }

    /// Writes a query's rows as the table `name`: part files, then `_SUCCESS`, then `_RUN` (the run
    /// id: every table says which run it is of).
    func write(_ name: String, _ query: String) -> String {
        let folder = dialect.literal(path(name))
        switch dialect {
        case .duckdb:
            return "COPY (\n\(query)\n) TO \(folder) (FORMAT csv, HEADER true, OVERWRITE true, PER_THREAD_OUTPUT true, FILENAME_PATTERN 'part-{i}');\n"
                + "COPY (SELECT 1 AS x WHERE false) TO \(dialect.literal(path(name) + "/_SUCCESS")) (FORMAT csv, HEADER false);\n"
                + "COPY (SELECT id FROM lendscope_job) TO \(dialect.literal(path(name) + "/" + RunLayout.runMarker)) (FORMAT csv, HEADER false, QUOTE '');"
        case .spark:
            return "INSERT OVERWRITE DIRECTORY \(folder) USING csv OPTIONS (header 'true', quote '\"', escape '\"', "
                + "ignoreLeadingWhiteSpace 'false', ignoreTrailingWhiteSpace 'false')\n\(query);"
        }
    }
}
