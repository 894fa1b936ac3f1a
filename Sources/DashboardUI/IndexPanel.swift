import MarketAnalytics
import MarketReport
import TerminalText

/// Concentration figures for the period, the chosen guideline's verdict, and HHI over time.
enum IndexPanel {
    static func draw(_ state: DashboardState, layout: DashboardLayout, into buffer: inout ScreenBuffer) {
        guard let analysis = state.analysis else { return }
        let glyphs = state.options.glyphs
        let i = analysis.indices
        // Without a market to judge (new lending without a new-lending total) there is no verdict,
        // and the panel says why instead of judging shares of a sample of groups.
        let verdict = analysis.verdict(state.guideline)
            ?? Verdict(guideline: state.guideline, severity: .clear, finding: "no verdict: no market total",
                       threshold: analysis.measure == .originations ? "add a market.csv row with measure originations"
                           : "add the period's total to market.csv")
        let x = layout.panelX
        var y = layout.panelY
        let width = layout.panelWidth
        func f(_ value: Double?, _ decimals: Int) -> String {
            value.map { NumberFormat.grouped($0, decimals: decimals) } ?? "n/a"
        }
        func pct(_ value: Double) -> String { NumberFormat.percent(value, decimals: 1) }
        let marker = verdict.severity == .concern ? "! " : verdict.severity == .watch ? "~ " : ""
        let verdictStyle: Style = verdict.severity == .concern ? .warning : verdict.severity == .watch ? .accent : .good
        let hhiValues = state.analyses.map(\.indices.hhi)
        let spark = Sparkline.render(hhiValues, glyphs: glyphs)
        let dash = glyphs.isASCII ? "-" : "–"
        let span = state.periods.first.map { "\($0)\(glyphs.isASCII ? "-" : "–")\(state.periods.last!)" } ?? ""

        if layout.panelBeside {
            for row in 0..<layout.panelHeight { buffer.put(glyphs.vertical, x: x - 1, y: y + row, style: .muted) }
            let lines: [(String, String)] = [
                ("HHI, market", f(i.hhi, 1)),
                ("  bounds", "\(f(i.hhi, 1)) \(dash) \(f(i.hhiUpper, 1))"),
                ("  upper if", analysis.bounds.assumption.shortText.replacingOccurrences(of: "no unreported lender", with: "none")),
                ("  no-assumption max", f(i.hhiUpperNoAssumption, 1)),
                ("HHI within platforms", f(i.hhiPlatforms, 1)),
                ("  normalised", f(i.hhiNormalized, 4)),
                ("CR1 / CR3 / CR5", "\(pct(i.cr1)) \(pct(i.cr3)) \(pct(i.cr5))"),
                ("CR4 / CR8", "\(pct(i.cr4)) \(pct(i.cr8))"),
                ("Equivalent firms", f(i.equivalentFirms, 2)),
                ("Gini, uncorrected", f(i.gini, 4)),
                ("  corrected", f(i.giniCorrected, 4)),
                ("Entropy (ln)", f(i.entropy, 4)),
                ("  relative", f(i.entropyRelative, 4)),
                ("Theil T", f(i.theilT, 4)),
                ("Hall\(dash)Tideman", f(i.hallTideman, 4)),
                ("Dominance", f(i.dominance, 4)),
                ("Linda", f(i.linda, 4)),
            ]
            // Everything that fits: the headline figures first.
            let room = layout.panelHeight - 12
            buffer.put(" Concentration (HHI 0\(dash)10,000)", x: x, y: y, style: .header, maxWidth: width)
            y += 1
            for (label, value) in lines.prefix(max(5, room)) where y < layout.footerY {
                buffer.put(" " + label, x: x, y: y, maxWidth: width)
                buffer.put(value, x: x + width - DisplayWidth.of(value) - 1, y: y, style: .normal)
                y += 1
            }
            y += 1
            guard y + 4 < layout.footerY else { return }
            buffer.put(" \(state.guideline.shortTitle) (g: next guideline)", x: x, y: y, style: .header, maxWidth: width)
            buffer.put(" " + marker + verdict.finding, x: x, y: y + 1, style: verdictStyle, maxWidth: width)
            buffer.put("   " + verdict.threshold, x: x, y: y + 2, style: .muted, maxWidth: width)
            buffer.put("   issued " + state.guideline.date, x: x, y: y + 3, style: .muted, maxWidth: width)
            y += 5
            if let stacking = analysis.stacking, y + 6 < layout.footerY {
                buffer.put(" Stacking (borrowers on 2+ / 3+ groups)", x: x, y: y, style: .header, maxWidth: width)
                let n = Double(max(1, stacking.borrowers))
                buffer.put(" \(NumberFormat.grouped(Double(stacking.borrowers), decimals: 0)) borrowers", x: x, y: y + 1, maxWidth: width)
                buffer.put(" 2+: \(NumberFormat.grouped(Double(stacking.multiPlatform2), decimals: 0)) "
                           + "(\(NumberFormat.percent(Double(stacking.multiPlatform2) / n, decimals: 1)))  "
                           + "3+: \(NumberFormat.grouped(Double(stacking.multiPlatform3), decimals: 0)) "
                           + "(\(NumberFormat.percent(Double(stacking.multiPlatform3) / n, decimals: 1)))", x: x, y: y + 2, maxWidth: width)
                y += 4
            } else if let reason = analysis.stackingUnavailable, y + 5 < layout.footerY {
                buffer.put(" Stacking (borrowers on 2+ / 3+ groups)", x: x, y: y, style: .header, maxWidth: width)
                buffer.put(" unavailable, never estimated:", x: x, y: y + 1, style: .muted, maxWidth: width)
                buffer.put(" " + reason, x: x, y: y + 2, style: .muted, maxWidth: width)
                y += 4
            }
            guard y + 2 < layout.footerY else { return }
            buffer.put(" HHI over time " + span, x: x, y: y, style: .header, maxWidth: width)
            drawSpark(spark, current: state.periodIndex, x: x + 1, y: y + 1, into: &buffer)
            let caret = String(repeating: " ", count: state.periodIndex) + (glyphs.isASCII ? "^ " : "▲ ")
                + (state.analysis.map { "\($0.period)" } ?? "")
            buffer.put(caret, x: x + 1, y: y + 2, style: .accent, maxWidth: width - 1)
        } else {
            let rule = String(repeating: glyphs.horizontal, count: width)
            buffer.put(rule, x: x, y: y, style: .muted)
            buffer.put("\(glyphs.horizontal) Concentration (HHI 0\(glyphs.isASCII ? "-" : "–")10,000) ", x: x, y: y, style: .header)
            // The upper bound always with what it assumes, and the bound that assumes nothing.
            buffer.put(" HHI \(f(i.hhi, 1))\(glyphs.isASCII ? "-" : "–")\(f(i.hhiUpper, 1)) (upper: "
                       + "\(analysis.bounds.assumption.shortText); any: at most \(f(i.hhiUpperNoAssumption, 1)))",
                       x: x, y: y + 1, maxWidth: width)
            buffer.put(" CR1 \(pct(i.cr1))  CR3 \(pct(i.cr3))  CR5 \(pct(i.cr5))  platforms HHI \(f(i.hhiPlatforms, 1))"
                       + "  firms \(f(i.equivalentFirms, 2))  Gini \(f(i.gini, 3))", x: x, y: y + 2, maxWidth: width)
            let used = buffer.put(" \(state.guideline.shortTitle): ", x: x, y: y + 3, style: .header)
            buffer.put(marker + verdict.finding + " (\(verdict.threshold))", x: x + used, y: y + 3,
                       style: verdictStyle, maxWidth: width - used)
            let label = buffer.put(" HHI ", x: x, y: y + 4)
            drawSpark(spark, current: state.periodIndex, x: x + label, y: y + 4, into: &buffer)
            let period = state.analysis.map { "\($0.period)" } ?? ""
            var tail = "  \(span), \(glyphs.isASCII ? "*" : "▲") \(period)"
            if let stacking = analysis.stacking, stacking.borrowers > 0 {
                tail += " · stacking: \(NumberFormat.percent(Double(stacking.multiPlatform2) / Double(stacking.borrowers), decimals: 1))"
                    + " of \(NumberFormat.grouped(Double(stacking.borrowers), decimals: 0)) borrowers on 2+ groups"
            } else if analysis.stackingUnavailable != nil {
                tail += " · stacking n/a (too many)"
            }
            buffer.put(tail, x: x + label + hhiValues.count, y: y + 4, style: .muted, maxWidth: width - label - hhiValues.count)
        }
    }

    /// The sparkline with the current period's cell reversed, so it is marked without colour.
    static func drawSpark(_ spark: String, current: Int, x: Int, y: Int, into buffer: inout ScreenBuffer) {
        for (offset, glyph) in spark.enumerated() {
            buffer.put(String(glyph), x: x + offset, y: y,
                       style: offset == current ? Style(.accent, bold: true, reverse: true) : .bar)
        }
    }
}
