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
            // Each index under the basis it is computed on: market shares, or the reported groups' own
            // shares (which say how unequal the platforms are among themselves, never a market verdict).
            let groups = analysis.groups.count
            // Without a market total every share is of the groups' own sum: no market HHI to bound.
            let market: [(String, String)] = analysis.marketTotal == nil ? [
                ("No market total: shares of", ""),
                ("the \(groups) groups' own sum", ""),
                ("  CR1 / CR3 / CR5", "\(pct(i.cr1)) \(pct(i.cr3)) \(pct(i.cr5))"),
                ("  CR4 / CR8", "\(pct(i.cr4)) \(pct(i.cr8))"),
            ] : [
                ("On market shares", ""),
                ("  HHI (lower bound)", f(i.hhi, 1)),
                ("  bounds", "\(f(i.hhi, 1)) \(dash) \(f(i.hhiUpper, 1))"),
                ("  upper if", analysis.bounds.assumption.shortText.replacingOccurrences(of: "no unreported lender", with: "none")),
                ("  no-assumption max", f(i.hhiUpperNoAssumption, 1)),
                ("  CR1 / CR3 / CR5", "\(pct(i.cr1)) \(pct(i.cr3)) \(pct(i.cr5))"),
                ("  CR4 / CR8", "\(pct(i.cr4)) \(pct(i.cr8))"),
            ]
            let lines: [(String, String)] = market + [
                ("Among the \(groups) groups only", ""),
                ("  HHI", f(i.hhiPlatforms, 1)),
                ("  normalised", f(i.hhiNormalized, 4)),
                ("  Equivalent firms", f(i.equivalentFirms, 2)),
                ("  Gini (corrected)", "\(f(i.gini, 4)) (\(f(i.giniCorrected, 4)))"),
                ("  Entropy (relative)", "\(f(i.entropy, 4)) (\(f(i.entropyRelative, 4)))"),
                ("  Theil T", f(i.theilT, 4)),
                ("  Hall\(dash)Tideman", f(i.hallTideman, 4)),
                ("  Dominance", f(i.dominance, 4)),
                ("  Linda", f(i.linda, 4)),
            ]
            // Everything that fits: the headline figures first.
            let room = layout.panelHeight - 14
            buffer.put(" Concentration (HHI 0\(dash)10,000)", x: x, y: y, style: .header, maxWidth: width)
            y += 1
            for (label, value) in lines.prefix(max(11, room)) where y < layout.footerY {
                buffer.put(" " + label, x: x, y: y, style: value.isEmpty ? .muted : .normal, maxWidth: width)
                buffer.put(value, x: x + width - DisplayWidth.of(value) - 1, y: y, style: .normal)
                y += 1
            }
            y += 1
            guard y + 4 < layout.footerY else { return }
            buffer.put(" \(state.guideline.shortTitle) (g: next guideline)", x: x, y: y, style: .header, maxWidth: width)
            y += 1
            // The verdict and its threshold wrap by words: a verdict is never cut.
            for line in TextFit.wrap(marker + verdict.finding, width: width - 2) where y < layout.footerY {
                buffer.put(" " + line, x: x, y: y, style: verdictStyle, maxWidth: width)
                y += 1
            }
            for line in TextFit.wrap(verdict.threshold + " · issued " + state.guideline.date, width: width - 4)
            where y < layout.footerY {
                buffer.put("   " + line, x: x, y: y, style: .muted, maxWidth: width)
                y += 1
            }
            y += 1
            // Borrowers on several groups: owing at the period's end (the `o` view), else stacking;
            // a hidden count is its marker, and its share goes with it.
            let several: (title: String, borrowers: String, two: String, three: String)? = state.indebtedness.map { f in
                func count(_ cell: SuppressedIndebtedness.Cell, _ value: Int?) -> String {
                    SuppressionText.count(value, f.reason(cell), f.rule) + SuppressionText.share(f.share(cell))
                }
                return (" Owing at \(f.asOf) (o)", SuppressionText.count(f.borrowers, f.reason(.borrowers), f.rule),
                        count(.multi, f.multi), count(.multi3, f.multi3))
            } ?? state.stacking.map { s in
                func count(_ cell: SuppressedStacking.Cell, _ value: Int?) -> String {
                    SuppressionText.count(value, s.reason(cell), s.rule) + SuppressionText.share(s.share(cell))
                }
                return (" Stacking (borrowers on 2+ / 3+ groups)", SuppressionText.count(s.borrowers, s.reason(.borrowers), s.rule),
                        count(.multiPlatform2, s.multiPlatform2), count(.multiPlatform3, s.multiPlatform3))
            }
            if let several, y + 6 < layout.footerY {
                buffer.put(several.title, x: x, y: y, style: .header, maxWidth: width)
                buffer.put(" \(several.borrowers) borrowers", x: x, y: y + 1, maxWidth: width)
                buffer.put(" 2+ groups: \(several.two)  3+: \(several.three)", x: x, y: y + 2, maxWidth: width)
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
            // Six lines when there is room; on a short screen the rule, the HHI and the verdict first.
            let chosen = [0, 1, 4, 2, 3, 5].prefix(layout.panelHeight).sorted()
            func row(_ logical: Int) -> Int? { chosen.firstIndex(of: logical).map { y + $0 } }
            if let top = row(0) {
                buffer.put(String(repeating: glyphs.horizontal, count: width), x: x, y: top, style: .muted)
                buffer.put("\(glyphs.horizontal) Concentration (HHI 0\(dash)10,000) ", x: x, y: top, style: .header)
            }
            let dot = glyphs.isASCII ? " - " : " · "
            func line(_ parts: [(String, Int)], _ logical: Int, style: Style = .normal) {
                guard let y = row(logical) else { return }
                let fitted = PriorityLine(parts: parts.map { .init(text: $0.0, priority: $0.1) }, separator: dot).fit(width: width)
                buffer.put(TextFit.truncateAtWord(fitted.text, width: width, ascii: glyphs.isASCII), x: x, y: y, style: style)
            }
            if analysis.marketTotal == nil {
                // Every share is of the groups' own sum: no market HHI, no bounds to state.
                line([("No market total: every share is of the \(analysis.groups.count) groups' own sum", 0)], 1, style: .muted)
                line([("Groups' shares: CR1 \(pct(i.cr1))", 0), ("CR3 \(pct(i.cr3))", 0), ("CR5 \(pct(i.cr5))", 0),
                      ("CR8 \(pct(i.cr8))", 2)], 2)
            } else {
                // The upper bound always with what it assumes, and the bound that assumes nothing.
                line([("Market HHI \(f(i.hhi, 1))\(dash)\(f(i.hhiUpper, 1))", 0),
                      ("upper if \(analysis.bounds.assumption.shortText)", 0),
                      ("no-assumption max \(f(i.hhiUpperNoAssumption, 1))", 1)], 1)
                line([("On market shares: CR1 \(pct(i.cr1))", 0), ("CR3 \(pct(i.cr3))", 0), ("CR5 \(pct(i.cr5))", 0),
                      ("CR8 \(pct(i.cr8))", 2)], 2)
            }
            line([("Among the \(analysis.groups.count) groups only: HHI \(f(i.hhiPlatforms, 1))", 0),
                  ("equivalent firms \(f(i.equivalentFirms, 2))", 0), ("Gini \(f(i.gini, 3))", 1),
                  ("entropy \(f(i.entropy, 3))", 2)], 3)
            line([("\(state.guideline.shortTitle): \(marker)\(verdict.finding)", 0), ("\(verdict.threshold)", 1)],
                 4, style: verdictStyle)
            guard let sparkY = row(5) else { return }
            let label = buffer.put(" HHI ", x: x, y: sparkY)
            drawSpark(spark, current: state.periodIndex, x: x + label, y: sparkY, into: &buffer)
            let period = state.analysis.map { "\($0.period)" } ?? ""
            var tail: [(String, Int)] = [("\(glyphs.isASCII ? "*" : "▲") \(period)", 0), (span, 2)]
            if let owing = state.indebtedness, owing.borrowers != 0 {
                // A hidden share reads as its count's marker: "<10 of 2,514".
                let share = owing.multiShare.map { NumberFormat.percent($0, decimals: 1) }
                    ?? SuppressionText.count(owing.multi, owing.reason(.multi), owing.rule)
                tail.append(("owing on 2+ groups: \(share) of \(SuppressionText.count(owing.borrowers, owing.reason(.borrowers), owing.rule)) (o)", 1))
            } else if let stacking = state.stacking, stacking.borrowers != 0 {
                let share = stacking.share(.multiPlatform2).map { NumberFormat.percent($0, decimals: 1) }
                    ?? SuppressionText.count(stacking.multiPlatform2, stacking.reason(.multiPlatform2), stacking.rule)
                tail.append(("stacking: \(share) of \(SuppressionText.count(stacking.borrowers, stacking.reason(.borrowers), stacking.rule))"
                    + " borrowers on 2+ groups", 1))
            } else if analysis.stackingUnavailable != nil {
                tail.append(("stacking n/a (too many)", 1))
            }
            let room = width - label - hhiValues.count - 1
            let fitted = PriorityLine(parts: tail.map { .init(text: $0.0, priority: $0.1) }, separator: dot).fit(width: room)
            buffer.put(fitted.text, x: x + label + hhiValues.count, y: sparkY, style: .muted, maxWidth: room + 1)
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
