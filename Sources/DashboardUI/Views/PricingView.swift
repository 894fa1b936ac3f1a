import MarketAnalytics
import MarketReport

/// Pricing and the 30% co-funding floor (`p`): per group, the period's new lending, the share of
/// it lent above each APR threshold, the co-funded loans and those whose platform part is below
/// 30% of the loan; Enter opens one group over every period (`pricingGroup`).
///
/// The figures are `PeriodAnalysis.lendingTerms`, computed in the analytics; this formats them
/// into one table model that the screen, the export (`e`) and the clipboard (`y`) all render.
/// Pricing is always on new lending (loan files), whatever the measure on screen, and its counts
/// are of loans, not borrowers: `--min-cell` does not apply to them.
enum PricingView {
    // MARK: The floor's state

    /// The 30% floor's state in a period, from the rule calendar: it binds loans made from
    /// 2022-01-01 and has no transition (existing loans run off as they mature).
    static func floorStateLabel(_ analysis: PeriodAnalysis) -> String {
        // The rule calendar: the floor binds loans made from 2022-01-01 (periods align with the year).
        RuleCalendar.floorState(on: analysis.period.endDate) == .notYet ? "not yet in force" : "in force"
    }

    // MARK: Models

    /// Why a period has no pricing to show (no loan files, a sum past 64 bits, no loans made), or nil.
    static func unavailable(_ state: DashboardState, _ analysis: PeriodAnalysis) -> String? {
        if state.snapshot?.dataset.loans == nil {
            return "No loan files in this data directory: pricing and the 30% floor need loans/*.csv."
        }
        if let reason = analysis.lendingTermsUnavailable { return "Pricing unavailable in \(analysis.period): \(reason)." }
        if analysis.lendingTerms.isEmpty {
            return "No loans were originated in \(analysis.period): pricing and the 30% floor are measured on new lending."
        }
        return nil
    }

    /// The period's groups with new lending, one row each; Enter opens the group over every period.
    static func model(_ state: DashboardState, _ analysis: PeriodAnalysis) -> TableModel {
        let title = "Pricing and the 30% floor, \(analysis.period)"
        if let reason = unavailable(state, analysis) { return empty(title, reason, first: "Group", csv: "group") }
        let thresholds = analysis.aprThresholds
        let floor = floorStateLabel(analysis)
        let rows = analysis.lendingTerms.map { entry in
            TableModel.Row(id: entry.group,
                           cells: [.name(entry.group)] + cells(entry, analysis, state, floor: floor),
                           target: .pricingGroup(entry.group),
                           detail: detail(entry, analysis, state, floor: floor)
                               + ["Enter: \(entry.group) over every period. " + citation])
        }
        let below = analysis.lendingTerms.filter { $0.floorKnown && $0.terms.belowFloorLoans > 0 }.count
        let groups = analysis.lendingTerms.count
        let headline: (String, Emphasis) = analysis.checksCofundingFloor
            ? ("  New lending in \(analysis.period): \(below) of \(groups) group\(groups == 1 ? "" : "s") made co-funded loans "
               + "below the 30% floor · floor \(floor)", below > 0 ? .warning : .good)
            : ("  New lending in \(analysis.period) by APR, \(groups) group\(groups == 1 ? "" : "s") · the loan files have no "
               + "platform_funded_cny: the 30% floor is not checked", .muted)
        return TableModel(title: title, summary: [headline, (legend(thresholds), .muted)],
                          columns: columns(first: .init("Group", .flexible(min: 16, max: 30), csv: "group"),
                                           thresholds, state, floorPriority: 3),
                          rows: rows, defaultSort: (column: 1, descending: true))
    }

    /// One group over every period: the same columns by period, oldest first.
    static func groupModel(_ group: String, _ state: DashboardState) -> TableModel {
        let title = "\(group): pricing and the 30% floor"
        guard state.snapshot?.dataset.loans != nil, let first = state.analyses.first else {
            let reason = "No loan files in this data directory: pricing and the 30% floor need loans/*.csv."
            return empty(title, reason, first: "Period", csv: "period")
        }
        let thresholds = first.aprThresholds
        let history = state.analyses.map { analysis in
            (analysis: analysis, entry: analysis.lendingTerms.first { $0.group == group })
        }
        let rows = history.map { analysis, entry -> TableModel.Row in
            let floor = floorStateLabel(analysis)
            let period = analysis.period.description
            guard let entry else {
                // No new lending by the group in the period, or none summed (a sum past 64 bits).
                let text = analysis.lendingTermsUnavailable == nil ? "none" : "unavailable"
                let blank = TableModel.Cell("", sort: .none, csv: "")
                var cells = [TableModel.Cell.name(period), TableModel.Cell(text, style: .muted, sort: .none, csv: "")]
                cells += Array(repeating: blank, count: columnCount(thresholds) - 3)
                cells.append(.name(floor))
                cells += Array(repeating: blank, count: fileOnlyCount(thresholds))
                return TableModel.Row(id: period, cells: cells,
                                      detail: ["\(group), \(period): " + (analysis.lendingTermsUnavailable.map { "unavailable: \($0)." }
                                                                          ?? "no new lending in the loan files.")])
            }
            return TableModel.Row(id: period, cells: [.name(period)] + cells(entry, analysis, state, floor: floor),
                                  detail: detail(entry, analysis, state, floor: floor) + [citation])
        }
        let glyphs = state.options.glyphs
        let lent = history.map { Double($0.entry?.terms.newCents ?? 0) }
        let belowShare = history.map { $0.entry.flatMap { $0.floorKnown ? $0.belowFloorShareByAmount : nil } ?? 0 }
        var summary: [(text: String, style: Emphasis)] = [
            ("  \(group): new lending \(Sparkline.render(lent, glyphs: glyphs)) · below the floor, by amount "
             + Sparkline.render(belowShare, glyphs: glyphs), .normal),
        ]
        let known = history.contains { $0.entry?.floorKnown == true }
        let below = history.map { $0.entry.map { $0.floorKnown && $0.terms.belowFloorLoans > 0 } ?? false }
        let count = below.filter { $0 }.count
        if !known {
            summary.append(("  co-funding unknown: no platform_funded_cny in the group's loan files", .muted))
        } else if count == 0 {
            summary.append(("  never below the 30% floor", .good))
        } else {
            let runs = ViewModels.periodRuns(history.map(\.analysis.period), below, ascii: glyphs.isASCII)
            summary.append(("  co-funded loans below the 30% floor in \(count) period\(count == 1 ? "" : "s"): "
                            + runs.joined(separator: ", "), .warning))
        }
        summary.append((legend(thresholds), .muted))
        return TableModel(title: title, summary: summary,
                          columns: columns(first: .init("Period", .fixed(7), csv: "period"), thresholds, state, floorPriority: 0),
                          rows: rows)
    }

    /// A model with no rows that says why (the list screen shows the summary).
    private static func empty(_ title: String, _ reason: String, first: String, csv: String) -> TableModel {
        TableModel(title: title, summary: [("  " + reason, .muted)],
                   columns: [.init(first, .flexible(min: 10, max: 30), csv: csv)], rows: [])
    }

    // MARK: Columns and cells

    /// The columns after the first (group or period), in the order `cells` gives them. On a narrow
    /// screen the co-funded totals go first, then the floor's state (`floorPriority`, 0 keeps it),
    /// the amount below the floor, the thresholds after the first; the new lending, the first
    /// threshold, the count below the floor and its share by amount always stay.
    static func columns(first: TableModel.Column, _ thresholds: [APRThreshold], _ state: DashboardState,
                        floorPriority: Int) -> [TableModel.Column] {
        let unit = state.units == .cny ? "cny" : "usd"
        // Each column is a cell wider than its title: the sort marker (▼) goes after it.
        var columns = [first, .init(state.units == .cny ? "New CNY mn" : "New US$ mn", .fixed(11), .right,
                                    csv: "new_lending_\(unit)_mn")]
        for (index, threshold) in thresholds.enumerated() {
            columns.append(.init("> \(threshold)", .fixed(7), .right, csv: "share_above_apr_\(percentName(threshold))",
                                 priority: index == 0 ? 0 : 1))
        }
        columns += [
            .init("Co-funded", .fixed(10), .right, csv: "cofunded_loans", priority: 4),
            .init("Co-fund mn", .fixed(11), .right, csv: "cofunded_\(unit)_mn", priority: 5),
            .init("<30% n", .fixed(7), .right, csv: "below_floor_loans"),
            .init("<30% mn", .fixed(9), .right, csv: "below_floor_\(unit)_mn", priority: 2),
            .init("By amount", .fixed(10), .right, csv: "below_floor_share_by_amount"),
            .init("Floor", .fixed(16), csv: "floor_state", priority: floorPriority),
            // The files carry every figure behind the screen's.
            .init("<30% by count", .fixed(9), .right, csv: "below_floor_share_by_count", onScreen: false),
            .init("<30% in force n", .fixed(9), .right, csv: "below_floor_in_force_loans", onScreen: false),
            .init("<30% in force mn", .fixed(9), .right, csv: "below_floor_in_force_\(unit)_mn", onScreen: false),
        ]
        for threshold in thresholds {
            columns.append(.init("> \(threshold) mn", .fixed(10), .right, csv: "above_apr_\(percentName(threshold))_\(unit)_mn",
                                 onScreen: false))
        }
        return columns
    }

    /// Columns up to and including the floor's state, the first one included.
    private static func columnCount(_ thresholds: [APRThreshold]) -> Int { 2 + thresholds.count + 6 }

    /// The file-only columns after the floor's state.
    private static func fileOnlyCount(_ thresholds: [APRThreshold]) -> Int { 3 + thresholds.count }

    /// `24` for 24%, `15.4` for 15.4%: as the engine tables name their pricing columns.
    static func percentName(_ threshold: APRThreshold) -> String { String(threshold.description.dropLast()) }

    /// One entry's cells after the first column, in the order of `columns`. The floor's figures
    /// are `n/a` when the group's loan files do not state `platform_funded_cny` (unknown, not zero).
    static func cells(_ entry: GroupLendingTerms, _ analysis: PeriodAnalysis, _ state: DashboardState,
                      floor: String) -> [TableModel.Cell] {
        let terms = entry.terms
        var cells = [amount(terms.newCents, state, analysis)]
        for index in analysis.aprThresholds.indices {
            let share = entry.sharesAbove.indices.contains(index) ? entry.sharesAbove[index] : nil
            cells.append(ViewModels.percent(share))
        }
        let known = analysis.checksCofundingFloor && entry.floorKnown
        let unknown = TableModel.Cell.number(nil, "n/a", style: .muted)
        if known {
            cells += [count(terms.cofundedLoans), amount(terms.cofundedCents, state, analysis),
                      count(terms.belowFloorLoans), amount(terms.belowFloorCents, state, analysis),
                      ViewModels.percent(entry.belowFloorShareByAmount, over: terms.belowFloorLoans > 0,
                                         state: terms.inForceBelowLoans > 0 ? .inForce : .notYet)]
        } else {
            cells += Array(repeating: unknown, count: 5)
        }
        cells.append(.name(floor))
        if known {
            cells += [ViewModels.percent(entry.belowFloorShareByCount), count(terms.inForceBelowLoans),
                      amount(terms.inForceBelowCents, state, analysis)]
        } else {
            cells += Array(repeating: unknown, count: 3)
        }
        for index in analysis.aprThresholds.indices {
            cells.append(terms.aboveCents.indices.contains(index) ? amount(terms.aboveCents[index], state, analysis) : unknown)
        }
        return cells
    }

    static func count(_ value: Int) -> TableModel.Cell {
        .number(Double(value), NumberFormat.grouped(Double(value), decimals: 0))
    }

    /// Fen in millions of the view's currency (the period's FX rate for US$), two decimals; a
    /// positive amount never reads as zero. Exported in millions.
    static func amount(_ cents: Int64, _ state: DashboardState, _ analysis: PeriodAnalysis) -> TableModel.Cell {
        guard let value = yuan(cents, state, analysis) else { return .number(nil, "n/a", style: .muted) }
        return .number(value, millions(value), csvValue: value / 1e6)
    }

    private static func yuan(_ cents: Int64, _ state: DashboardState, _ analysis: PeriodAnalysis) -> Double? {
        let cny = Double(cents) / 100
        guard state.units == .usd else { return cny }
        return analysis.exchangeRate.map { cny / $0.usdCNY }
    }

    private static func millions(_ value: Double) -> String {
        value > 0 && value < 5_000 ? "<0.01" : NumberFormat.millions(value, decimals: 2)
    }

    /// The selected row's figures in words, the ones only the files carry included.
    static func detail(_ entry: GroupLendingTerms, _ analysis: PeriodAnalysis, _ state: DashboardState,
                       floor: String) -> [String] {
        let terms = entry.terms
        let currency = state.units == .cny ? "CNY" : "US$"
        func money(_ cents: Int64) -> String { yuan(cents, state, analysis).map { "\(currency) \(millions($0)) mn" } ?? "n/a" }
        func share(_ value: Double?) -> String { value.map { NumberFormat.percent($0, decimals: 1) } ?? "n/a" }
        let above = zip(analysis.aprThresholds, entry.sharesAbove).map { "\(share($0.1)) above \($0.0)" }
        var lines = ["\(entry.group), \(analysis.period): \(money(terms.newCents)) new lending"
                     + (above.isEmpty ? "." : ", \(above.joined(separator: ", ")).")]
        if analysis.checksCofundingFloor && entry.floorKnown {
            func count(_ value: Int) -> String { NumberFormat.grouped(Double(value), decimals: 0) }
            let below = terms.belowFloorLoans == 0 ? "none below 30%"
                : "below 30%: \(count(terms.belowFloorLoans)) (\(share(entry.belowFloorShareByCount)) by count), "
                    + "\(money(terms.belowFloorCents)) (\(share(entry.belowFloorShareByAmount)) by amount), "
                    + "\(count(terms.inForceBelowLoans)) of them made once the floor applied (\(CofundingFloor.inForceFrom))"
            lines.append("Co-funded \(count(terms.cofundedLoans)) loans, \(money(terms.cofundedCents)); \(below). Floor \(floor).")
        } else {
            lines.append("Co-funding unknown: the group's loan files have no platform_funded_cny.")
        }
        return lines
    }

    /// The rule, as the detail lines cite it.
    static let citation = "\(CofundingFloor.source), \(CofundingFloor.operativeText); exactly 30% complies."

    /// What the columns mean, in one summary line.
    static func legend(_ thresholds: [APRThreshold]) -> String {
        let above = thresholds.isEmpty ? "" : thresholds.map { "> \($0)" }.joined(separator: ", ")
            + ": new lending above that APR · "
        return "  " + above + "<30%: co-funded loans with the platform's part under 30% · By amount: "
            + "their share of co-funded lending"
    }
}
