import EngineJobs
import MarketAnalytics

/// Over-indebtedness of every period end as one long CSV table (`period,table,a,b,value`), the
/// form `lendscope aggregate --indebtedness` writes and an engine's SQL can produce row for row:
/// every figure exact (counts as integers, yuan with two decimals), so two tables are equal or not.
///
/// Tables: `borrowers`; `by_groups` and `amount_by_groups` (a = class `1`…`5+`); `group_borrowers`
/// (a = group); `overlap` (a < b by name, pairs with none left out); `debt_all` and `debt_multi`
/// (a = `p50`, `p90`, `p99`, `max`); `bad_amount` (a = `single`, `multi`).
public enum IndebtednessTable {
    public static let header = "period,table,a,b,value"

    public static func csv(_ figures: [Period: IndebtednessFigures]) -> String {
        var lines = [header]
        for (period, f) in figures.sorted(by: { $0.key < $1.key }) {
            for row in rows(f) {
                lines.append([period.description, row.table, DataTableCSV.field(row.a), DataTableCSV.field(row.b), row.value]
                    .joined(separator: ","))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One period end's rows: (table, a, b, value), in the table's order (`EngineRows`, the one writer).
    public static func rows(_ f: IndebtednessFigures) -> [(table: String, a: String, b: String, value: String)] {
        EngineRows.indebtedness(f)
    }

    /// Fen as yuan with exactly two decimals.
    public static func yuan(_ cents: Int64) -> String { EngineRows.yuan(cents) }
}
