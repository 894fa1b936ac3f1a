import MarketAnalytics
import MarketReport

/// The platform-group table: rank, group, balance, share, change, bar, flag, then the
/// pinned "others (unreported)" row.
enum OverviewTableView {
    static func columns(width: Int, barTitle: String) -> (TableWidget, barWidth: Int) {
        let fixed = 3 + 9 + 7 + 6 + 4 + 6 // rank, balance, share, change, flag, gaps
        let flexible = max(0, width - fixed)
        let group = min(26, max(10, flexible * 11 / 20))
        let bar = max(0, flexible - group)
        let table = TableWidget(columns: [
            .init("#", width: 3, .right), .init("Group", width: group), .init("Balance", width: 9, .right),
            .init("Share", width: 7, .right), .init("Δ pp", width: 6, .right), .init(barTitle, width: bar),
            .init("Flag", width: 4),
        ])
        return (table, bar)
    }

    static func draw(_ state: DashboardState, layout: DashboardLayout, into buffer: inout ScreenBuffer) {
        guard let analysis = state.analysis, layout.tableRows >= 2 else { return }
        let glyphs = state.options.glyphs
        let rows = state.rows
        let maxShare = max(analysis.groups.map(\.shareOfMarket).max() ?? 0, 0.0001)
        let scale = BarGauge.niceScale(maxShare)
        let barTitle = "0\(glyphs.horizontal)\(NumberFormat.grouped(scale * 100, decimals: scale * 100 < 10 ? 1 : 0))%"
        var (table, barWidth) = columns(width: layout.tableWidth, barTitle: barTitle)
        // The sort column's title carries ▲ or ▼.
        let arrow = state.sort.descending ? glyphs.descending : glyphs.ascending
        let sortIndex = [0, 1, 2, 3, 4, 6][state.sort.column.rawValue]
        if glyphs.isASCII { table.columns[4].title = "chg pp" }
        table.columns[sortIndex].title += arrow
        let unit = state.measure == .originations ? "mn" : "bn"
        table.columns[2].title = (state.units == .usd ? "US$ " : "CNY ") + unit + (sortIndex == 2 ? arrow : "")

        let top = layout.tableTop
        table.drawHeader(into: &buffer, x: 0, y: top, width: layout.tableWidth)
        let visible = rows.dropFirst(state.scrollOffset).prefix(layout.dataRows)
        for (offset, row) in visible.enumerated() {
            let g = row.figures
            let isSelected = g.group == state.selectedGroup
            let flagged = g.provenance == .estimated || g.provenance == .recalled
            let marked = state.markedGroups.contains(g.group)
            let items: [TableWidget.Item] = [
                .init((marked ? "+" : "") + String(row.rank), marked ? .accent : nil),
                .init(g.group),
                .init(amount(g.balanceCNY, usd: g.balanceUSD, units: state.units, originations: state.measure == .originations)),
                .init(NumberFormat.percent(g.shareOfMarket)),
                .init(g.changePP.map { NumberFormat.signed($0) } ?? "n/a"),
                .init(BarGauge.render(value: g.shareOfMarket, scale: scale, width: barWidth, glyphs: glyphs), .bar),
                .init(flagged ? g.provenance.rawValue + "*" : g.provenance.rawValue, flagged ? .estimate : nil),
            ]
            table.drawRow(items, into: &buffer, x: 0, y: top + 1 + offset,
                          width: layout.tableWidth, style: isSelected ? .selected : .normal)
        }
        if rows.isEmpty {
            buffer.put("  no group matches \"\(state.filter)\" (Esc clears the filter)", x: 0, y: top + 1, style: .muted)
        }
        // The others row follows the last group, or sits at the bottom when the table scrolls.
        let othersY = top + 1 + min(max(visible.count, rows.isEmpty ? 1 : 0), layout.dataRows)
        let others: [TableWidget.Item] = analysis.marketTotal == nil
            ? [.init(""), .init(state.measure == .originations ? "(new lending: shares of the groups)"
                                 : "(no market total: shares of platforms)", .muted)]
            : [.init(""), .init("others (unreported)", .muted),
               .init(amount(analysis.othersCNY, usd: analysis.exchangeRate.map { analysis.othersCNY / $0.usdCNY }, units: state.units), .muted),
               .init(NumberFormat.percent(analysis.othersShare), .muted)]
        table.drawRow(others, into: &buffer, x: 0, y: othersY, width: layout.tableWidth, style: .normal)
        // Where the window is, when not every row fits.
        if rows.count > layout.dataRows {
            let dash = glyphs.isASCII ? "-" : "–"
            let marker = "rows \(state.scrollOffset + 1)\(dash)\(state.scrollOffset + visible.count) of \(rows.count) "
            buffer.put(marker, x: max(0, layout.tableWidth - marker.count), y: othersY, style: .muted)
        }
    }

    static func amount(_ cny: Double, usd: Double?, units: Units, originations: Bool = false) -> String {
        switch units {
        case .cny: return NumberFormat.amount(cny, originations: originations)
        case .usd: return usd.map { NumberFormat.amount($0, originations: originations) } ?? "n/a"
        }
    }
}
