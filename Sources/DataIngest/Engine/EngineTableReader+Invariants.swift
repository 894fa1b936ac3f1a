import EngineJobs
import MarketAnalytics

/// What the engine tables must say of each other, beyond each cell being well formed: a table
/// whose cells all parse can still be wrong (a part file left over from another run, a hand edit),
/// and figures that contradict each other would be shown side by side. Each violation is an error
/// at the file and line of a row involved; every comparison is exact (fen as `Int64`, counts as
/// `Int`), never in doubles.
extension EngineTableReader {
    /// A count and its amount are zero together: no loans lend nothing, and every loan is taken to
    /// lend at least a fen (as every borrower is taken to owe one, below).
    static func checkLoans(_ loans: Int, _ loansColumn: String, amount: Int64, _ amountColumn: String,
                           _ record: CSVRecord, _ csv: CSVTable) throws(Diagnostic) {
        guard (loans == 0) != (amount == 0) else { return }
        throw csv.diagnostic(csv.field(record, amountColumn)!, "column '\(amountColumn)': \(EngineRows.yuan(amount)) with "
            + "\(loans) \(loansColumn) (an amount is 0.00 exactly when its count is 0)")
    }

    /// Pricing's new lending of each period and platform is the sum of its originations rows.
    ///
    /// A difference is named at the pricing row: it is the one figure the several originations rows
    /// must add up to, and no single originations row is wrong by itself (a stray part file adds a
    /// row that is well formed). The message points at the first originations row. A period and
    /// platform with originations but no pricing row is named at that first originations row.
    func newLendingProblems() -> [Diagnostic] {
        var problems: [Diagnostic] = []
        for (key, lent) in originationSums {
            let name = key.joined(separator: ", ")
            guard let priced = pricingNewLending[key] else {
                problems.append(Diagnostic(path: lent.first.path, line: lent.first.line, column: 1,
                                           message: "\(name) has new loans but no row in engine/pricing"))
                continue
            }
            // New lending by status is new lending too: its amounts add up to the same figure.
            if let statuses = statusSums[key], statuses.cents != priced.cents {
                problems.append(Diagnostic(
                    path: statuses.first.path, line: statuses.first.line, column: 1,
                    message: "\(name): engine/status amounts sum to \(EngineRows.yuan(statuses.cents)), but the new lending is "
                        + "\(EngineRows.yuan(priced.cents)) (engine/pricing new_cny at \(priced.path):\(priced.field.line))"))
            } else if statusSums[key] == nil && !statusSums.isEmpty {
                problems.append(Diagnostic(path: lent.first.path, line: lent.first.line, column: 1,
                                           message: "\(name) has new loans but no row in engine/status"))
            }
            if priced.cents != lent.cents {
                let rows = lent.rows == 1 ? "its engine/originations row gives" : "its \(lent.rows) engine/originations rows sum to"
                problems.append(Diagnostic(
                    path: priced.path, line: priced.field.line, column: priced.field.column,
                    message: "column 'new_cny': \(EngineRows.yuan(priced.cents)) for \(name), but \(rows) "
                        + "\(EngineRows.yuan(lent.cents)) (the first at \(lent.first.path):\(lent.first.line)): named at "
                        + "the pricing row, the one figure the originations rows must add up to"))
            }
        }
        return problems
    }

    /// One period end's long table: classes sum to `borrowers`; each class owes between a fen and
    /// the largest debt for each of its borrowers; percentiles ascend to their max, and the 2+ max
    /// is at most the overall max; a pair of groups shares at most the borrowers of either group.
    static func indebtednessProblems(_ f: IndebtednessFigures, _ cells: [[String]: Cell]) -> [Diagnostic] {
        var problems: [Diagnostic] = []
        func problem(_ key: [String], _ message: String) {
            // Every cell a figure came from is in `cells`.
            guard let c = cells[key] else { return }
            problems.append(Diagnostic(path: c.path, line: c.field.line, column: c.field.column, message: message))
        }
        func yuan(_ cents: Int64) -> String { EngineRows.yuan(cents) }
        func borrowers(_ count: Int) -> String { count == 1 ? "1 borrower" : "\(count) borrowers" }

        // Each count is below 10^18, so five of them sum within 64 bits.
        let classified = f.byGroups.reduce(0, +)
        if classified != f.borrowers {
            problem(["borrowers", "", ""], "by_groups 1 to 5+ sum to \(classified), not borrowers \(f.borrowers)")
        }
        for (index, name) in IndebtednessFigures.classNames.enumerated() {
            let count = f.byGroups[index], amount = f.amountByGroupsCents[index]
            let key = ["amount_by_groups", name, ""]
            if count == 0 {
                if amount != 0 { problem(key, "amount_by_groups \(name): \(yuan(amount)) owed by no borrower (by_groups \(name) is 0)") }
                continue
            }
            // A count is below 10^18 and so is a fen each.
            if amount < Int64(count) {
                problem(key, "amount_by_groups \(name): \(yuan(amount)) owed by \(borrowers(count)), less than 0.01 each")
            } else if let max = f.debtAll?.max {
                let (bound, overflow) = max.multipliedReportingOverflow(by: Int64(count))
                if !overflow && amount > bound {
                    problem(key, "amount_by_groups \(name): \(yuan(amount)) owed by \(borrowers(count)), more than debt_all max "
                        + "\(yuan(max)) each (\(yuan(bound)))")
                }
            }
        }
        let levels = ["p50", "p90", "p99", "max"]
        for (table, p) in [("debt_all", f.debtAll), ("debt_multi", f.debtMulti)] {
            guard let p else { continue }
            let values = [p.p50, p.p90, p.p99, p.max]
            // The lowest level above a later one, against the highest level it is above.
            outer: for i in 0..<3 {
                for j in stride(from: 3, to: i, by: -1) where values[i] > values[j] {
                    problem([table, levels[i], ""], "\(table) \(levels[i]) \(yuan(values[i])) is above its \(levels[j]) "
                        + "\(yuan(values[j])) (p50 <= p90 <= p99 <= max)")
                    break outer
                }
            }
        }
        if let all = f.debtAll?.max, let multi = f.debtMulti?.max, multi > all {
            problem(["debt_multi", "max", ""], "debt_multi max \(yuan(multi)) is above debt_all max \(yuan(all)): "
                + "a borrower on 2+ groups is one of all borrowers")
        }
        // The identities that tie the counts: a borrower on k groups is in k group counts and in
        // C(k,2) overlap pairs, so the group counts sum to Σ k·c_k and the overlaps to Σ C(k,2)·c_k
        // (at least, for the 5+ class, whose k is not known). A row added to either breaks them.
        let c = f.byGroups
        let members = c[0] + 2 * c[1] + 3 * c[2] + 4 * c[3] + 5 * c[4]
        let pairs = c[1] + 3 * c[2] + 6 * c[3] + 10 * c[4]
        let counted = f.borrowersByGroup.values.reduce(0, +)
        let shared = f.overlap.reduce(0) { $0 + $1.borrowers }
        if c[4] == 0 ? counted != members : counted < members {
            let first = cells.filter { $0.key.first == "group_borrowers" }.min { ($0.value.path, $0.value.field.line) < ($1.value.path, $1.value.field.line) }
            if let first { problem(first.key, "group_borrowers sum to \(counted), but the classes say \(c[4] == 0 ? "" : "at least ")\(members) "
                                   + "(a borrower on k groups is counted by k groups)") }
        }
        if c[4] == 0 ? shared != pairs : shared < pairs {
            let first = cells.filter { $0.key.first == "overlap" }.min { ($0.value.path, $0.value.field.line) < ($1.value.path, $1.value.field.line) }
                ?? cells.first { $0.key.first == "borrowers" }
            if let first { problem(first.key, "overlaps sum to \(shared), but the classes say \(c[4] == 0 ? "" : "at least ")\(pairs) "
                                   + "(a borrower on k groups is in k(k-1)/2 pairs)") }
        }
        for pair in f.overlap {
            let exceeded = [pair.a, pair.b].filter { pair.borrowers > f.borrowersByGroup[$0, default: 0] }
            guard !exceeded.isEmpty else { continue }
            let groups = exceeded.map { "\(f.borrowersByGroup[$0, default: 0]) of \($0)" }.joined(separator: " and the ")
            problem(["overlap", pair.a, pair.b], "overlap \(pair.a), \(pair.b): \(borrowers(pair.borrowers)), more than "
                + "the \(groups) in group_borrowers")
        }
        return problems
    }
}
