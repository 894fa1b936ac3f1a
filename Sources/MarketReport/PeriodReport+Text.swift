import MarketAnalytics
import TerminalText

extension PeriodReport {
    /// The human view: aligned columns, CJK-width aware, every convention stated.
    func tableText() -> String {
        let a = analysis
        var lines: [String] = []
        lines.append("LendScope report: \(a.period)\(source.isEmpty ? "" : " (\(SafeText.sanitize(source)))")")
        lines.append("Market   \(SafeText.sanitize(marketLine))")
        lines.append("FX       \(SafeText.sanitize(fxLine))")
        lines.append("Flags    S sourced, D derived, R* recalled (unconfirmed), E* estimated")
        lines.append("")
        let denominator = a.marketTotal == nil ? "shares of the reported groups: no market total" : "shares of the market total"
        lines.append(a.measure == .balances
            ? "Platform groups: outstanding balances (\(denominator); Δ pp vs the previous calendar period)"
            : "Platform groups: new lending (shares of the \(a.marketTotal == nil ? "groups' total" : "new-lending market total"); "
                + "Δ pp vs the previous period; Bad = overdue, defaulted or written off, by amount)")
        lines += overviewTable.textLines(rows: overviewTable.rows, indent: "  ")
        lines.append("")
        lines.append("Concentration across platform groups")
        let indices = OverviewModel.indices(a)
        lines += indices.textLines(rows: indices.rows, indent: "  ")
        lines.append("")
        if let verdicts = a.verdicts {
            lines.append("Guideline verdicts on the market HHI (! marks a finding of concern)")
            lines += verdictTable(verdicts).render(indent: "  ")
        } else {
            lines.append("Guideline verdicts: none")
            lines.append("  \(a.verdictsUnavailable ?? "")")
        }
        if let m = merger {
            lines.append("")
            lines.append("Merger what-if (static shares; ΔHHI = 2·Σ Sa·Sb, shares in percent, exact; HHI after on both bounds)")
            lines += mergerSummary(m).map { "  " + $0 }
            lines += verdictTable(m.verdicts).render(indent: "  ")
        }
        lines.append("")
        if let stacking = a.stacking {
            lines.append("Borrowers with loans from several platform groups (stacking, \(a.period))")
            lines.append("  \(stackingLine(stacking))")
            lines.append("")
        } else if let reason = a.stackingUnavailable {
            lines.append("Borrowers with loans from several platform groups (stacking, \(a.period))")
            lines.append("  unavailable: \(reason) (counted exactly or not at all)")
            lines.append("")
        }
        lines += indebtednessLines()
        let alerts = RuleModels.alerts(a) as DataTable<Never>
        lines.append("Alerts (\(a.alerts.count); ! breach of a rule in force, ~ would breach a rule not yet in force)")
        if !a.alerts.isEmpty {
            lines += alerts.textLines(rows: alerts.rows, indent: "  ")
            lines.append("  Rules cited:")
            lines += RuleModels.citations(a.alerts).map { "    " + $0 }
        }
        lines.append("")
        lines.append(bankHeading)
        let banks = RuleModels.banks(a) as DataTable<Never>
        lines += banks.textLines(rows: banks.rows, indent: "  ")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The bank section's heading: the caps, their basis, and how many banks pass them.
    var bankHeading: String {
        let a = analysis
        let breaches = a.banks.filter { $0.breachesSinglePartnerCap || $0.breachesAggregateCap }.count
        let inForce = ColendingCap.isInForce(on: a.period.endDate)
        return "Bank dependence on outstanding balances (caps: one partner ≤ 25% of net tier-1 capital, all co-lending ≤ 50% "
            + "of total loans; \(breaches) bank\(breaches == 1 ? "" : "s") "
            + (inForce ? "over a cap, marked !)" : "would be over a cap, marked ~: the caps apply from \(ColendingCap.inForceFrom))")
    }

    /// The merger's figures in words: parties, merged share, HHI before and after on both bounds, ΔHHI.
    func mergerSummary(_ m: MergerAnalysis) -> [String] {
        func f(_ v: Double) -> String { NumberFormat.grouped(v, decimals: 1) }
        return ["\(m.parties.joined(separator: " + ")), \(m.period): merged share \(NumberFormat.percent(m.mergedShare))",
                "HHI before \(f(m.boundsBefore.lower))–\(f(m.boundsBefore.upper)), after \(f(m.boundsAfter.lower))–"
                    + "\(f(m.boundsAfter.upper)), ΔHHI \(f(m.deltaHHI))"]
    }

    /// Over-indebtedness at the period's end and the pricing of new lending: the text report's section.
    func indebtednessLines() -> [String] {
        let a = analysis
        var lines: [String] = []
        func count(_ n: Int) -> String { NumberFormat.grouped(Double(n), decimals: 0) }
        func yuan(_ cents: Int64) -> String { "CNY \(NumberFormat.millions(Double(cents) / 100, decimals: 2)) mn" }
        if let f = a.indebtedness {
            func pct(_ n: Int) -> String { f.borrowers > 0 ? NumberFormat.percent(Double(n) / Double(f.borrowers), decimals: 1) : "n/a" }
            lines.append("Over-indebtedness at \(f.asOf) (loans outstanding at the period's end)")
            lines.append("  \(count(f.borrowers)) borrowers owe \(yuan(f.totalCents)); \(count(f.multi)) (\(pct(f.multi))) on 2+ groups "
                         + "owe \(yuan(f.multiCents)); \(count(f.multi3)) (\(pct(f.multi3))) on 3+ groups")
            lines.append("  By number of groups: " + IndebtednessFigures.classNames.enumerated().map {
                "\($0.element): \(count(f.byGroups[$0.offset])) (\(yuan(f.amountByGroupsCents[$0.offset])))"
            }.joined(separator: "; "))
            let rate: (Double?) -> String = { $0.map { NumberFormat.percent($0, decimals: 1) } ?? "n/a" }
            lines.append("  Bad (overdue, default, written off) by amount: 1 group \(rate(f.badRateSingle)), 2+ groups \(rate(f.badRateMulti))")
            func debts(_ p: DebtPercentiles?) -> String {
                p.map { [$0.p50, $0.p90, $0.p99, $0.max].map { NumberFormat.grouped(Double($0) / 100, decimals: 2) }.joined(separator: " / ") } ?? "n/a"
            }
            lines.append("  Debt per borrower, CNY, p50 / p90 / p99 / max: all \(debts(f.debtAll)); 2+ groups \(debts(f.debtMulti))")
            let largest = f.overlap.sorted { ($0.borrowers, $1.a, $1.b) > ($1.borrowers, $0.a, $0.b) }.prefix(5)
            if !largest.isEmpty {
                lines.append("  Largest overlaps (borrowers owing to both; share of each group's): " + largest.map { pair in
                    let ofA = f.borrowersByGroup[pair.a].map { NumberFormat.percent(Double(pair.borrowers) / Double($0), decimals: 1) } ?? "n/a"
                    let ofB = f.borrowersByGroup[pair.b].map { NumberFormat.percent(Double(pair.borrowers) / Double($0), decimals: 1) } ?? "n/a"
                    return "\(pair.a) & \(pair.b) \(count(pair.borrowers)) (\(ofA), \(ofB))"
                }.joined(separator: "; "))
            }
            lines.append("  Definition: \(Indebtedness.definition).")
            lines.append("")
        } else if let reason = a.indebtednessUnavailable {
            lines.append("Over-indebtedness at \(a.period.endDate)")
            lines.append("  unavailable: \(reason)")
            lines.append("")
        }
        if !a.lendingTerms.isEmpty {
            let thresholds = a.aprThresholds.map { "> \($0)" }
            lines.append("New lending in \(a.period) by APR" + (a.checksCofundingFloor ? ", and co-funded loans below the 30% floor" : "")
                         + " (share by amount)")
            for entry in a.lendingTerms {
                var text = "  \(entry.group): \(yuan(entry.terms.newCents)); "
                    + zip(thresholds, entry.sharesAbove).map { "\($0.0) \($0.1.map { NumberFormat.percent($0, decimals: 1) } ?? "n/a")" }
                        .joined(separator: ", ")
                if a.checksCofundingFloor && entry.floorKnown {
                    text += "; co-funded \(count(entry.terms.cofundedLoans)), below 30%: \(count(entry.terms.belowFloorLoans))"
                        + (entry.belowFloorShareByAmount.map { " (\(NumberFormat.percent($0, decimals: 1)) by amount)" } ?? "")
                }
                lines.append(text)
            }
            lines.append("")
        }
        return lines
    }

    func stackingLine(_ s: StackingFigures) -> String {
        func pct(_ n: Int) -> String { s.borrowers > 0 ? NumberFormat.percent(Double(n) / Double(s.borrowers), decimals: 1) : "n/a" }
        return "\(NumberFormat.grouped(Double(s.borrowers), decimals: 0)) borrowers; "
            + "\(NumberFormat.grouped(Double(s.multiPlatform2), decimals: 0)) (\(pct(s.multiPlatform2))) on 2+ groups "
            + "with CNY \(NumberFormat.billions(s.amountMultiPlatform2, decimals: 3)) bn; "
            + "\(NumberFormat.grouped(Double(s.multiPlatform3), decimals: 0)) (\(pct(s.multiPlatform3))) on 3+ groups "
            + "with CNY \(NumberFormat.billions(s.amountMultiPlatform3, decimals: 3)) bn"
    }

    /// Paste-ready Markdown: the same sections and tables as the table view.
    func markdownText() -> String {
        let a = analysis
        var lines: [String] = []
        lines.append("## LendScope report: \(a.period)")
        lines.append("")
        lines.append("- Market: \(SafeText.sanitize(marketLine))")
        lines.append("- FX: \(SafeText.sanitize(fxLine))")
        lines.append("- Flags: S sourced, D derived, R* recalled (unconfirmed), E* estimated")
        lines.append("")
        lines.append("### Platform groups")
        lines.append("")
        lines += overviewTable.markdownTable(rows: overviewTable.rows)
        lines.append("")
        lines.append("### Concentration")
        lines.append("")
        let indices = OverviewModel.indices(a)
        lines += indices.markdownTable(rows: indices.rows)
        lines.append("")
        lines.append("### Guideline verdicts")
        lines.append("")
        if let verdicts = a.verdicts { lines += verdictTable(verdicts).markdown() } else { lines.append(a.verdictsUnavailable ?? "") }
        if let m = merger {
            lines.append("")
            lines.append("### Merger what-if")
            lines.append("")
            lines += mergerSummary(m).map { "- " + $0 }
            lines.append("")
            lines += verdictTable(m.verdicts).markdown()
        }
        lines.append("")
        lines.append("### Alerts")
        lines.append("")
        let alerts = RuleModels.alerts(a) as DataTable<Never>
        lines += a.alerts.isEmpty ? ["None."] : alerts.markdownTable(rows: alerts.rows)
        if !a.alerts.isEmpty { lines += [""] + RuleModels.citations(a.alerts).map { "- " + $0 } }
        lines.append("")
        lines.append("### Bank dependence")
        lines.append("")
        lines.append(SafeText.sanitize(bankHeading))
        lines.append("")
        let banks = RuleModels.banks(a) as DataTable<Never>
        lines += banks.markdownTable(rows: banks.rows)
        return lines.joined(separator: "\n") + "\n"
    }

    /// CSV: the merger table when a what-if was asked for, else the overview table (groups, then
    /// the unreported remainder), with the period in the first column; units in the headers.
    func csvText() -> String {
        let prefix = [(name: "period", value: analysis.period.description)]
        if let merger {
            let table = RuleModels.merger(merger) as DataTable<Never>
            return table.csv(rows: table.rows)
        }
        return overviewTable.csv(rows: overviewTable.rows, prefix: prefix)
    }
}
