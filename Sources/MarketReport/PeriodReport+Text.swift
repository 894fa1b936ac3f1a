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
        if let stacking {
            lines.append("Borrowers with loans from several platform groups (stacking, \(a.period))")
            lines.append("  \(stackingLine(stacking))")
            if let note = SuppressionText.note(cells: stacking.cells, complementary: 0, rule) { lines.append("  \(note)") }
            lines.append("")
        } else if let reason = a.stackingUnavailable {
            lines.append("Borrowers with loans from several platform groups (stacking, \(a.period))")
            lines.append("  unavailable: \(reason) (counted exactly or not at all)")
            lines.append("")
        }
        lines += indebtednessLines()
        let alerts = RuleModels.alerts(a) as DataTable<Never>
        lines.append("Alerts (\(a.alerts.count); ! breach of a rule in force, » in transition, ~ would breach a rule not yet in force; "
                     + "warnings at \(NumberFormat.percent(a.warnAt, decimals: 0)) of a cap)")
        if !a.alerts.isEmpty {
            lines += alerts.textLines(rows: alerts.rows, indent: "  ")
            lines.append("  Rules cited:")
            lines += RuleModels.citations(a.alerts).map { "    " + $0 }
        }
        lines.append("")
        lines += RuleModels.changeLines(a)
        lines.append("")
        lines.append(bankHeading)
        let banks = RuleModels.banks(a) as DataTable<Never>
        lines += banks.textLines(rows: banks.rows, indent: "  ")
        let notes = RuleModels.bankNotes(a)
        if !notes.isEmpty {
            lines.append("  Notes on the banks' figures:")
            lines += notes.map { "    " + $0 }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The bank section's heading: the caps, their basis, and how many banks pass them.
    var bankHeading: String {
        let a = analysis
        let breaches = a.banks.filter(\.breachesAnyCap).count
        let state = ColendingCap.state(on: a.period.endDate)
        let words: String
        switch state {
        case .inForce: words = "over a cap, marked !"
        case .transition(let until): words = "over a cap in its transition (existing business until \(until)), marked »"
        case .notYet: words = "would be over a cap, marked ~: the caps apply from \(ColendingCap.inForceFrom)"
        }
        return "Bank dependence on outstanding balances (caps: one partner, related parties included, ≤ 25% of net tier-1 "
            + "capital, all co-lending ≤ 50% of total loans; \(breaches) bank\(breaches == 1 ? "" : "s") \(words))"
    }

    /// The merger's figures in words: parties, merged share, HHI before and after on both bounds, ΔHHI.
    func mergerSummary(_ m: MergerAnalysis) -> [String] {
        func f(_ v: Double) -> String { NumberFormat.grouped(v, decimals: 1) }
        var lines = ["\(m.parties.joined(separator: " + ")), \(m.period): merged share \(NumberFormat.percent(m.mergedShare))"]
        lines.append("HHI before \(f(m.boundsBefore.lower))–\(f(m.boundsBefore.upper)), after \(f(m.boundsAfter.lower))–"
                     + "\(f(m.boundsAfter.upper)), ΔHHI \(f(m.deltaHHI))")
        if let reason = m.verdictsUnavailable { lines.append("no merger verdicts: \(reason)") }
        guard let created = m.capBreachesCreated else { return lines }
        if created.isEmpty {
            lines.append("no bank would newly pass 25% of net tier-1 capital with the merged partner")
            return lines
        }
        let banks: [String] = created.map { breach in
            let counted = breach.relatedCounted.map { SafeText.sanitize($0) }.joined(separator: ", ")
            return SafeText.sanitize(breach.bank) + " " + NumberFormat.percent(breach.exposureToTier1After, decimals: 1)
                + (counted.isEmpty ? "" : " (counting \(counted))")
        }
        lines.append("banks that would newly pass 25% of net tier-1 capital with the merged partner (related parties "
                     + "included): " + banks.joined(separator: "; "))
        return lines
    }

    /// Over-indebtedness at the period's end and the pricing of new lending: the text report's section.
    func indebtednessLines() -> [String] {
        let a = analysis
        var lines: [String] = []
        func count(_ n: Int) -> String { NumberFormat.grouped(Double(n), decimals: 0) }
        func yuan(_ cents: Int64) -> String { "CNY \(NumberFormat.millions(Double(cents) / 100, decimals: 2)) mn" }
        if let f = indebtedness {
            // A hidden figure reads as its marker (`<10`, `x`), as on screen.
            func number(_ value: Int?, _ cell: SuppressedIndebtedness.Cell) -> String {
                SuppressionText.count(value, f.reason(cell), rule)
            }
            func amount(_ cents: Int64?, _ cell: SuppressedIndebtedness.Cell) -> String {
                f.reason(cell).map { SuppressionText.marker($0, rule, count: false) } ?? cents.map(yuan) ?? "n/a"
            }
            func pct(_ cell: SuppressedIndebtedness.Cell) -> String { SuppressionText.share(f.share(cell)) }
            lines.append("Over-indebtedness at \(f.asOf) (loans outstanding at the period's end)")
            lines.append("  \(number(f.borrowers, .borrowers)) borrowers owe \(amount(f.totalCents, .borrowers)); "
                         + "\(number(f.multi, .multi))\(pct(.multi)) on 2+ groups owe \(amount(f.multiCents, .multi)); "
                         + "\(number(f.multi3, .multi3))\(pct(.multi3)) on 3+ groups")
            lines.append("  By number of groups: " + IndebtednessFigures.classNames.enumerated().map {
                "\($0.element): \(number(f.byGroups[$0.offset], .byGroups($0.offset))) "
                    + "(\(amount(f.amountByGroupsCents[$0.offset], .amountByGroups($0.offset))))"
            }.joined(separator: "; "))
            func rate(_ value: Double?, _ cell: SuppressedIndebtedness.Cell, of whole: SuppressedIndebtedness.Cell) -> String {
                value.map { NumberFormat.percent($0, decimals: 1) } ?? f.reason(cell, of: whole).map { SuppressionText.marker($0, rule, count: false) } ?? "n/a"
            }
            lines.append("  Bad (overdue, default, written off) by amount: 1 group \(rate(f.badRateSingle, .badSingle, of: .byGroups(0))), "
                         + "2+ groups \(rate(f.badRateMulti, .badMulti, of: .multi))")
            func debts(_ class_: SuppressedIndebtedness.DebtClass) -> String {
                f.debt(class_).map { p in
                    DebtPercentiles.Point.allCases.map { point in
                        p.value(point).map { NumberFormat.grouped(Double($0) / 100, decimals: 2) }
                            ?? SuppressionText.marker(f.reason(.debt(class_, point)) ?? .fewerThanMinimum, rule, count: false)
                    }.joined(separator: " / ")
                } ?? "n/a"
            }
            lines.append("  Debt per borrower, CNY, p50 / p90 / p99 / max: all \(debts(.all)); 2+ groups \(debts(.multi))")
            // The largest among the pairs shown: ranking hidden ones would tell their order.
            let largest = f.overlap.compactMap { pair in pair.borrowers.map { (pair: pair, count: $0) } }
                .sorted { ($0.count, $1.pair.a, $1.pair.b) > ($1.count, $0.pair.a, $0.pair.b) }.prefix(5)
            if !largest.isEmpty {
                lines.append("  Largest overlaps (borrowers owing to both; share of each group's): " + largest.map { entry in
                    let (pair, n) = entry
                    let ofA = f.share(row: pair.a, column: pair.b).map { NumberFormat.percent($0, decimals: 1) } ?? "n/a"
                    let ofB = f.share(row: pair.b, column: pair.a).map { NumberFormat.percent($0, decimals: 1) } ?? "n/a"
                    return "\(pair.a) & \(pair.b) \(count(n)) (\(ofA), \(ofB))"
                }.joined(separator: "; "))
            }
            if let note = SuppressionText.note(cells: f.cells, complementary: f.complementaryCells, rule) {
                lines.append("  \(note)")
                lines.append("  \(SuppressionText.legend(rule))")
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

    func stackingLine(_ s: SuppressedStacking) -> String {
        func count(_ value: Int?, _ cell: SuppressedStacking.Cell) -> String { SuppressionText.count(value, s.reason(cell), rule) }
        func pct(_ cell: SuppressedStacking.Cell) -> String { SuppressionText.share(s.share(cell)) }
        func amount(_ value: Double?, _ cell: SuppressedStacking.Cell) -> String {
            value.map { "CNY \(NumberFormat.billions($0, decimals: 3)) bn" }
                ?? SuppressionText.marker(s.reason(cell) ?? .fewerThanMinimum, rule, count: false)
        }
        return "\(count(s.borrowers, .borrowers)) borrowers; "
            + "\(count(s.multiPlatform2, .multiPlatform2))\(pct(.multiPlatform2)) on 2+ groups "
            + "with \(amount(s.amountMultiPlatform2, .amountMultiPlatform2)); "
            + "\(count(s.multiPlatform3, .multiPlatform3))\(pct(.multiPlatform3)) on 3+ groups "
            + "with \(amount(s.amountMultiPlatform3, .amountMultiPlatform3))"
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
        let bankNotes = RuleModels.bankNotes(a)
        if !bankNotes.isEmpty { lines += [""] + bankNotes.map { "- " + $0 } }
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
