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
        lines.append(a.measure == .balances
            ? "Platform groups: outstanding balances (shares of the market total; Δ pp vs the previous period)"
            : "Platform groups: new lending (shares of the groups' total; Δ pp vs the previous period; "
                + "Bad = overdue, defaulted or written off, by amount)")
        lines += platformTable().render(indent: "  ")
        lines.append("")
        lines.append("Concentration across platform groups")
        lines += indexTable().render(indent: "  ")
        lines.append("")
        lines.append("Guideline verdicts on the market HHI (! marks a finding of concern)")
        lines += verdictTable(a.verdicts).render(indent: "  ")
        if let m = merger {
            lines.append("")
            lines.append("Merger what-if (static shares; ΔHHI = 2·Σ Sa·Sb, shares in percent)")
            lines += mergerTable(m).render(indent: "  ")
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
        lines.append("Alerts (\(a.alerts.count) rule\(a.alerts.count == 1 ? "" : "s") triggered)")
        if !a.alerts.isEmpty { lines += alertTable().render(indent: "  ") }
        lines.append("")
        let breaches = a.banks.filter { $0.breachesSinglePartnerCap || $0.breachesAggregateCap }.count
        lines.append("Bank dependence (caps: one partner ≤ 25% of net tier-1 capital, all co-lending ≤ 50% of total loans; "
                     + "\(breaches) bank\(breaches == 1 ? "" : "s") over a cap, marked !)")
        lines += bankTable(limit: nil).render(indent: "  ")
        return lines.joined(separator: "\n") + "\n"
    }

    func stackingLine(_ s: StackingFigures) -> String {
        func pct(_ n: Int) -> String { s.borrowers > 0 ? NumberFormat.percent(Double(n) / Double(s.borrowers), decimals: 1) : "n/a" }
        return "\(NumberFormat.grouped(Double(s.borrowers), decimals: 0)) borrowers; "
            + "\(NumberFormat.grouped(Double(s.multiPlatform2), decimals: 0)) (\(pct(s.multiPlatform2))) on 2+ groups "
            + "with CNY \(NumberFormat.billions(s.amountMultiPlatform2, decimals: 3)) bn; "
            + "\(NumberFormat.grouped(Double(s.multiPlatform3), decimals: 0)) (\(pct(s.multiPlatform3))) on 3+ groups "
            + "with CNY \(NumberFormat.billions(s.amountMultiPlatform3, decimals: 3)) bn"
    }

    /// Paste-ready Markdown: the same sections as the table view.
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
        lines += platformTable().markdown()
        lines.append("")
        lines.append("### Concentration")
        lines.append("")
        lines += indexTable().markdown()
        lines.append("")
        lines.append("### Guideline verdicts")
        lines.append("")
        lines += verdictTable(a.verdicts).markdown()
        if let m = merger {
            lines.append("")
            lines.append("### Merger what-if")
            lines.append("")
            lines += mergerTable(m).markdown()
            lines.append("")
            lines += verdictTable(m.verdicts).markdown()
        }
        lines.append("")
        lines.append("### Alerts")
        lines.append("")
        lines += a.alerts.isEmpty ? ["None."] : alertTable().markdown()
        lines.append("")
        lines.append("### Bank dependence")
        lines.append("")
        lines += bankTable(limit: nil).markdown()
        return lines.joined(separator: "\n") + "\n"
    }

    /// The platform table as RFC 4180 CSV, full precision, amounts in yuan.
    func csvText() -> String {
        let a = analysis
        var lines = ["rank,group,balance_cny,balance_usd,share_of_market,share_of_platforms,change_pp,flag"]
        func field(_ text: String) -> String {
            let safe = SafeText.sanitize(text)
            let needsQuotes = safe.contains(",") || safe.contains("\"")
            return needsQuotes ? "\"" + safe.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : safe
        }
        func number(_ value: Double?) -> String { value.map { "\($0)" } ?? "" }
        for (rank, g) in a.groups.enumerated() {
            lines.append([String(rank + 1), field(g.group), number(g.balanceCNY), number(g.balanceUSD), number(g.shareOfMarket),
                          number(g.shareOfPlatforms), number(g.changePP), g.provenance.rawValue].joined(separator: ","))
        }
        if a.marketTotal != nil {
            lines.append(["", "others (unreported)", number(a.othersCNY), number(a.exchangeRate.map { a.othersCNY / $0.usdCNY }),
                          number(a.othersShare), "", "", ""].joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

import Foundation
