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

    /// One period end's rows: (table, a, b, value), in the table's order.
    public static func rows(_ f: IndebtednessFigures) -> [(table: String, a: String, b: String, value: String)] {
        var rows: [(table: String, a: String, b: String, value: String)] = []
        func row(_ table: String, _ a: String = "", _ b: String = "", value: String) { rows.append((table, a, b, value)) }
        row("borrowers", value: String(f.borrowers))
        for (index, name) in IndebtednessFigures.classNames.enumerated() {
            row("by_groups", name, value: String(f.byGroups[index]))
            row("amount_by_groups", name, value: yuan(f.amountByGroupsCents[index]))
        }
        for (group, count) in f.borrowersByGroup.sorted(by: { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }) {
            row("group_borrowers", group, value: String(count))
        }
        for pair in f.overlap { row("overlap", pair.a, pair.b, value: String(pair.borrowers)) }
        for (table, p) in [("debt_all", f.debtAll), ("debt_multi", f.debtMulti)] {
            guard let p else { continue }
            row(table, "p50", value: yuan(p.p50))
            row(table, "p90", value: yuan(p.p90))
            row(table, "p99", value: yuan(p.p99))
            row(table, "max", value: yuan(p.max))
        }
        row("bad_amount", "single", value: yuan(f.badSingleCents))
        row("bad_amount", "multi", value: yuan(f.badMultiCents))
        return rows
    }

    /// Fen as yuan with exactly two decimals.
    public static func yuan(_ cents: Int64) -> String {
        let sign = cents < 0 ? "-" : ""
        let m = cents.magnitude
        let fraction = m % 100
        return "\(sign)\(m / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}
