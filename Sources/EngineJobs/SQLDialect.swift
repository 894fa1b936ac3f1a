/// The few places where DuckDB SQL and Spark SQL spell the same thing differently. Everything
/// else in a job is written once, in the SQL both engines accept.
public enum SQLDialect: String, CaseIterable, Sendable {
    case duckdb
    case spark

    /// Whole days from `start` to `end` (both DATE).
    func days(from start: String, to end: String) -> String {
        switch self {
        case .duckdb: "datediff('day', \(start), \(end))"
        case .spark: "datediff(\(end), \(start))"
        }
    }

    /// A DATE plus a number of days.
    func addDays(_ date: String, _ days: String) -> String {
        switch self {
        case .duckdb: "CAST(\(date) + CAST(\(days) AS INTEGER) AS DATE)"
        case .spark: "date_add(\(date), CAST(\(days) AS INT))"
        }
    }

    /// One row per integer from `first` to `last` (none when `last` < `first`), in a SELECT list.
    func explodeRange(_ first: String, _ last: String) -> String {
        switch self {
        case .duckdb: "unnest(generate_series(\(first), \(last)))"
        case .spark: "explode(sequence(\(first), greatest(\(first), \(last))))"
        }
    }

    /// Integer division of non-negative integers.
    func divide(_ a: String, _ b: String) -> String {
        switch self {
        case .duckdb: "((\(a)) // (\(b)))"
        case .spark: "((\(a)) div (\(b)))"
        }
    }

    /// True when the whole of `text` matches the regular expression.
    func matches(_ text: String, _ pattern: String) -> String {
        switch self {
        case .duckdb: "regexp_full_match(\(text), \(literal(pattern)))"
        case .spark: "(\(text) RLIKE \(literal("^(" + pattern + ")$")))"
        }
    }

    /// Fails the job with `message` (a STRING expression).
    func fail(_ message: String) -> String {
        switch self {
        case .duckdb: "error(\(message))"
        case .spark: "raise_error(\(message))"
        }
    }

    /// The period label of a DATE: `2020Q2` or `2020-06`.
    func periodLabel(of date: String, monthly: Bool) -> String {
        if monthly {
            switch self {
            case .duckdb: return "strftime(\(date), '%Y-%m')"
            case .spark: return "date_format(\(date), 'yyyy-MM')"
            }
        }
        return "concat(CAST(year(\(date)) AS STRING), 'Q', CAST(quarter(\(date)) AS STRING))"
    }

    /// The last day of the period holding a DATE.
    func periodEnd(of date: String, monthly: Bool) -> String {
        monthly ? "last_day(\(date))" : "last_day(make_date(year(\(date)), quarter(\(date)) * 3, 1))"
    }

    /// A single-quoted string literal. DuckDB doubles a quote; Spark's literals take backslash
    /// escapes (and read `'a''b'` as two literals joined), so there a backslash and a quote are
    /// escaped with a backslash. Control characters are refused before this (`EngineJob`).
    public func literal(_ text: String) -> String {
        switch self {
        case .duckdb:
            return "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
        case .spark:
            return "'" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
        }
    }
}
