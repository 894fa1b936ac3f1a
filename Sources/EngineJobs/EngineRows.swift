import MarketAnalytics

/// LendScope's loan figures as the rows of the engine tables, every figure exact text (counts as
/// integers, yuan with two decimals): what an engine job must write, so two sets of figures are
/// compared row by row (`check`) and the long over-indebtedness table has one writer.
public enum EngineRows {
    /// Key columns then figures. Originations leave out `loans` (the figures keep amounts only;
    /// the loan count is compared in `summary`).
    public static func rows(_ figures: LoanFigures, table: EngineTable) -> [[String]] {
        switch table {
        case .originations:
            var cents: [[String]: Int64] = [:]
            for record in figures.originations {
                cents[[record.period.description, record.platform, record.bank], default: 0] += centsOf(record.balanceCNY)
            }
            return cents.map { $0.key + [yuan($0.value)] }
        case .status:
            return figures.amountByStatus.flatMap { period, platforms in
                platforms.flatMap { platform, statuses in
                    statuses.map { [period.description, platform, $0.key.rawValue, yuan(centsOf($0.value))] }
                }
            }
        case .stacking:
            return figures.stacking.map { period, s in
                [period.description, String(s.borrowers), String(s.multiPlatform2), String(s.multiPlatform3),
                 yuan(centsOf(s.amountMultiPlatform2)), yuan(centsOf(s.amountMultiPlatform3))]
            }
        case .indebtedness:
            return figures.indebtedness.flatMap { period, f in indebtedness(f).map { [period.description, $0.table, $0.a, $0.b, $0.value] } }
        case .pricing:
            return figures.terms.flatMap { period, platforms in
                platforms.map { platform, t in
                    [period.description, platform, yuan(t.newCents)] + t.aboveCents.map(yuan)
                        + [String(t.cofundedLoans), yuan(t.cofundedCents), String(t.belowFloorLoans), yuan(t.belowFloorCents),
                           String(t.inForceBelowLoans), yuan(t.inForceBelowCents), String(t.fundedStatedLoans)]
                }
            }
        case .summary:
            return [[String(figures.rows), figures.hasPlatformFunded ? "true" : "false"]]
        }
    }

    /// How many leading columns of a table's rows are its key.
    public static func keyCount(_ table: EngineTable) -> Int {
        switch table {
        case .originations, .status: 3
        case .stacking: 1
        case .indebtedness: 4
        case .pricing: 2
        case .summary: 0
        }
    }

    /// One period end's rows of the long table: (table, a, b, value), in the table's order.
    ///
    /// Tables: `borrowers`; `by_groups` and `amount_by_groups` (a = class `1`…`5+`); `group_borrowers`
    /// (a = group); `overlap` (a < b by name, pairs with none left out); `debt_all` and `debt_multi`
    /// (a = `p50`, `p90`, `p99`, `max`); `bad_amount` (a = `single`, `multi`).
    public static func indebtedness(_ f: IndebtednessFigures) -> [(table: String, a: String, b: String, value: String)] {
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

    /// Yuan held as a Double (exact fen below 2^53) back to fen.
    static func centsOf(_ yuan: Double) -> Int64 {
        let cents = (yuan * 100).rounded()
        return cents.magnitude < 9.0e18 ? Int64(cents) : (cents < 0 ? .min : .max)
    }
}
