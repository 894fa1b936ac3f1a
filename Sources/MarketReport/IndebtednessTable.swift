import EngineJobs
import MarketAnalytics

/// Over-indebtedness of every period end as one long CSV table (`period,table,a,b,value`), the
/// form `lendscope aggregate --indebtedness` writes and an engine's SQL can produce row for row:
/// every figure exact (counts as integers, yuan with two decimals), so two tables are equal or not.
///
/// Tables: `borrowers`; `by_groups` and `amount_by_groups` (a = class `1`…`5+`); `group_borrowers`
/// (a = group); `overlap` (a < b by name, pairs with none left out); `debt_all` and `debt_multi`
/// (a = `p50`, `p90`, `p99`, `max`); `bad_amount` (a = `single`, `multi`). Under `--min-cell` a
/// hidden value is empty and each period ends with `suppression` rows: `min_cell`, `cells` (how
/// many values of the period are empty) and `complementary` (of those, how many were hidden only
/// so that no other can be worked out by subtraction).
public enum IndebtednessTable {
    public static let header = "period,table,a,b,value"

    public struct Row: Sendable {
        public let table: String
        public let a: String
        public let b: String
        /// The exact figure; empty when hidden.
        public let value: String
        /// Why the value is empty.
        public let hidden: SuppressionReason?
        /// True for a count of borrowers (its marker is `<N`, an amount's `n<N`).
        public let isCount: Bool
    }

    public static func csv(_ figures: [Period: IndebtednessFigures], rule: SmallCellRule = .off) -> String {
        var lines = [header]
        for (period, f) in figures.sorted(by: { $0.key < $1.key }) {
            for row in rows(rule.apply(f)) {
                lines.append([period.description, row.table, DataTableCSV.field(row.a), DataTableCSV.field(row.b), row.value]
                    .joined(separator: ","))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One period end's rows, in the table's order: with the rule off, exactly `EngineRows.indebtedness`
    /// (what engine jobs write; a test holds the two together).
    public static func rows(_ f: SuppressedIndebtedness) -> [Row] {
        var rows: [Row] = []
        func row(_ table: String, _ a: String = "", _ b: String = "", cell: SuppressedIndebtedness.Cell?, value: String?) {
            let reason = cell.flatMap(f.reason)
            rows.append(Row(table: table, a: a, b: b, value: reason == nil ? value ?? "" : "", hidden: reason,
                            isCount: cell?.isCount ?? true))
        }
        row("borrowers", cell: .borrowers, value: f.borrowers.map(String.init))
        for (index, name) in IndebtednessFigures.classNames.enumerated() {
            row("by_groups", name, cell: .byGroups(index), value: f.byGroups[index].map(String.init))
            row("amount_by_groups", name, cell: .amountByGroups(index), value: f.amountByGroupsCents[index].map(yuan))
        }
        for (group, count) in f.borrowersByGroup.sorted(by: { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }) {
            row("group_borrowers", group, cell: .groupBorrowers(group), value: count.map(String.init))
        }
        for pair in f.overlap { row("overlap", pair.a, pair.b, cell: .overlap(pair.a, pair.b), value: pair.borrowers.map(String.init)) }
        for (table, class_) in [("debt_all", SuppressedIndebtedness.DebtClass.all), ("debt_multi", .multi)] {
            guard let p = f.debt(class_) else { continue }
            for point in DebtPercentiles.Point.allCases {
                row(table, point.name, cell: .debt(class_, point), value: p.value(point).map(yuan))
            }
        }
        row("bad_amount", "single", cell: .badSingle, value: f.badSingleCents.map(yuan))
        row("bad_amount", "multi", cell: .badMulti, value: f.badMultiCents.map(yuan))
        if f.rule.isOn {
            row("suppression", "min_cell", cell: nil, value: String(f.rule.minimum))
            row("suppression", "cells", cell: nil, value: String(f.cells))
            row("suppression", "complementary", cell: nil, value: String(f.complementaryCells))
        }
        return rows
    }

    /// Fen as yuan with exactly two decimals.
    public static func yuan(_ cents: Int64) -> String { EngineRows.yuan(cents) }
}
