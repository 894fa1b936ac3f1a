import MarketAnalytics
import MarketReport
import TerminalText

/// Draws the overview's table model (`OverviewModel`, shared with `report` and the exports):
/// rank, group, amount, share, change, bar, flag, then the pinned "others (unreported)" row.
enum OverviewTableView {
    /// The model column each sortable overview column stands for.
    static func modelColumn(_ column: OverviewColumn, units: Units) -> Int {
        switch column {
        case .rank: return 0
        case .group: return 1
        case .balance: return units == .cny ? 2 : 3
        case .share: return 4
        case .change: return 6
        case .flag: return 8
        }
    }

    static func draw(_ state: DashboardState, layout: DashboardLayout, into buffer: inout ScreenBuffer) {
        guard let analysis = state.analysis, layout.tableRows >= 2 else { return }
        let glyphs = state.options.glyphs
        let model = ViewModels.overview(state, analysis)
        let shown = model.screenColumns
        let barIndex = model.columns.firstIndex { $0.isBar }!
        // The bar's scale is a round number at or above the largest share, named in its title.
        let maxShare = max(analysis.groups.map(\.shareOfMarket).max() ?? 0, 0.0001)
        let scale = BarGauge.niceScale(maxShare)
        let fixed = 3 + 9 + 7 + 6 + 5 + 6 // rank, amount, share, change, flag, gaps
        let flexible = max(0, layout.tableWidth - fixed)
        // Names first, up to 36 cells; the bar takes the rest up to 40: a wider bar adds nothing.
        var groupWidth = min(36, max(10, flexible * 11 / 20))
        var barWidth = min(40, max(0, flexible - groupWidth))
        // A bar too narrow for its scale's title goes, and its room goes to the names.
        let barTitle = "0\(glyphs.horizontal)\(NumberFormat.grouped(scale * 100, decimals: scale * 100 < 10 ? 1 : 0))%"
        if barWidth < DisplayWidth.of(barTitle) {
            groupWidth = min(36, groupWidth + barWidth)
            barWidth = 0
        }
        var table = TableWidget(columns: shown.map { index in
            let column = model.columns[index]
            let width: Int
            switch index {
            case 1: width = groupWidth
            case barIndex: width = barWidth
            default: if case .fixed(let w) = column.width { width = w } else { width = 0 }
            }
            let title = index == barIndex
                ? (barWidth == 0 ? "" : barTitle)
                : glyphs.isASCII && index == 6 ? "chg pp" : column.title
            return .init(title, width: width, column.alignment)
        })
        // The sort column's title carries ▲ or ▼.
        if let position = shown.firstIndex(of: modelColumn(state.sort.column, units: state.units)) {
            table.columns[position].title += state.sort.descending ? glyphs.descending : glyphs.ascending
        }

        let top = layout.tableTop
        table.drawHeader(into: &buffer, x: 0, y: top, width: layout.tableWidth)
        let visible = model.rows.dropFirst(state.scrollOffset).prefix(layout.dataRows)
        func items(_ row: TableModel.Row) -> [TableWidget.Item] {
            shown.enumerated().map { position, index in
                let cell = row.cells[index]
                if index == barIndex, case .number(let share) = cell.sortKey {
                    return .init(BarGauge.render(value: share, scale: scale, width: table.columns[position].width, glyphs: glyphs),
                                 row.id == "others (unreported)" ? .muted : .bar)
                }
                return .init(cell.text, cell.style.map { Style(emphasis: $0) })
            }
        }
        for (offset, row) in visible.enumerated() {
            table.drawRow(items(row), into: &buffer, x: 0, y: top + 1 + offset, width: layout.tableWidth,
                          style: row.id == state.selectedGroup ? .selected : .normal)
        }
        if model.rows.isEmpty {
            buffer.put(TextFit.truncateAtWord("  no group matches \"\(state.filter)\" (Esc clears the search)", width: layout.tableWidth,
                                                 ascii: glyphs.isASCII), x: 0, y: top + 1, style: .muted)
        }
        // The others row follows the last group, or sits at the bottom when the table scrolls.
        let othersY = top + 1 + min(max(visible.count, model.rows.isEmpty ? 1 : 0), layout.dataRows)
        if let footer = model.footer.first {
            var others = items(footer)
            others[shown.firstIndex(of: barIndex)!] = .init("") // the remainder is not a bar to compare
            table.drawRow(others, into: &buffer, x: 0, y: othersY, width: layout.tableWidth, style: .normal)
        } else {
            let note = state.measure == .originations ? "(new lending: shares of the groups; no market total)"
                : "(no market total: shares of platforms)"
            // Across the row, not in the name column: a sentence is not cut to a name's width.
            buffer.put(TextFit.truncateAtWord("    " + note, width: layout.tableWidth, ascii: glyphs.isASCII), x: 0, y: othersY,
                       style: .muted)
        }
        drawStatus(state, model: model, visibleCount: visible.count, layout: layout, groupWidth: groupWidth, into: &buffer)
    }

    /// The status line, a row of its own: where the selected group's figure comes from (its flag
    /// spelled out and its source note), and the rows indicator when not every row fits.
    static func drawStatus(_ state: DashboardState, model: TableModel, visibleCount: Int, layout: DashboardLayout,
                           groupWidth: Int, into buffer: inout ScreenBuffer) {
        let glyphs = state.options.glyphs
        let indicator = ListScreen.rowsIndicator(first: state.scrollOffset, shown: visibleCount, of: model.rows.count,
                                                 unfiltered: state.analysis?.groups.count ?? model.rows.count,
                                                 search: state.filter, ascii: glyphs.isASCII)
        let room = layout.tableWidth - DisplayWidth.of(indicator) - 1
        if let group = state.analysis?.groups.first(where: { $0.group == state.selectedGroup }), room > 12 {
            // A group name cut in the table is given whole first.
            let cut = DisplayWidth.of(group.group) > groupWidth ? group.group + (glyphs.isASCII ? " - " : " · ") : ""
            let text = " " + cut + SourceNote.text(group.provenance, total: group.totalProvenance, source: group.source,
                                                   ascii: glyphs.isASCII)
            buffer.put(TextFit.truncateAtWord(text, width: room, ascii: glyphs.isASCII), x: 0, y: layout.statusY, style: .muted)
        }
        if !indicator.isEmpty {
            buffer.put(indicator, x: layout.tableWidth - DisplayWidth.of(indicator), y: layout.statusY, style: .muted)
        }
    }
}
