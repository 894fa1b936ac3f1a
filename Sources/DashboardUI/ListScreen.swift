import MarketReport
import TerminalText

/// Draws any list view: its summary lines, its table with the selection and sort marker, and
/// the selected row's detail lines above the footer.
enum ListScreen {
    static let top = 2
    static let detailRows = 2

    /// Table rows that fit, given the view's model (built once by the caller: building it can
    /// scan every balance).
    static func dataRows(_ model: TableModel, layout: DashboardLayout) -> Int {
        let detail = model.rows.contains { !$0.detail.isEmpty } ? detailRows : 0
        return max(1, layout.height - top - model.summary.count - 1 - detail - 1)
    }

    /// The largest value of each bar column (rows and footer): the scale its bars are drawn against.
    static func barScales(_ model: TableModel, rows: [TableModel.Row]) -> [Int: Double] {
        var scales: [Int: Double] = [:]
        for index in model.columns.indices where model.columns[index].isBar {
            scales[index] = (rows + model.footer).compactMap { r -> Double? in
                if case .number(let v) = r.cells[index].sortKey { return v } else { return nil }
            }.max() ?? 0
        }
        return scales
    }

    /// A row's on-screen cells; a bar column draws its value against its scale.
    static func cells(_ row: TableModel.Row, model: TableModel, shown: [Int], widths: [Int], scales: [Int: Double],
                      glyphs: GlyphSet) -> [TableWidget.Item] {
        zip(shown, widths).map { index, width in
            let cell = row.cells[index]
            guard let scale = scales[index] else { return TableWidget.Item(cell.text, cell.style.map { Style(emphasis: $0) }) }
            guard case .number(let value) = cell.sortKey else { return TableWidget.Item("") }
            return TableWidget.Item(BarGauge.render(value: value, scale: scale, width: width, glyphs: glyphs), .bar)
        }
    }

    static func draw(_ state: DashboardState, layout: DashboardLayout, into buffer: inout ScreenBuffer) {
        guard let (model, rows) = state.listModel else { return }
        let glyphs = state.options.glyphs
        var y = top
        for line in model.summary {
            buffer.put(line.text, x: 0, y: y, style: Style(emphasis: line.style))
            y += 1
        }
        let shown = model.screenColumns
        let widths = model.widths(total: layout.width, indices: shown)
        let sort = state.listSorts[state.view] ?? model.defaultSort.map { ListSort(column: $0.column, descending: $0.descending) }
        var table = TableWidget(columns: zip(shown, widths).map { .init(model.columns[$0].title, width: $1, model.columns[$0].alignment) })
        if let sort, let position = shown.firstIndex(of: sort.column) {
            table.columns[position].title += sort.descending ? glyphs.descending : glyphs.ascending
        }
        table.drawHeader(into: &buffer, x: 0, y: y, width: layout.width)
        y += 1
        let visible = dataRows(model, layout: layout)
        let scales = barScales(model, rows: rows)
        let offset = state.listScroll[state.view] ?? 0
        let selectedID = state.listSelection[state.view] ?? rows.first?.id
        for (index, row) in rows.dropFirst(offset).prefix(visible).enumerated() {
            let items = cells(row, model: model, shown: shown, widths: widths, scales: scales, glyphs: glyphs)
            table.drawRow(items, into: &buffer, x: 0, y: y + index, width: layout.width,
                          style: row.id == selectedID ? .selected : .normal)
        }
        if rows.isEmpty, model.summary.isEmpty {
            buffer.put("  nothing to show for \(state.analysis?.period.description ?? "this period")", x: 0, y: y, style: .muted)
        }
        if rows.count > visible {
            let dash = glyphs.isASCII ? "-" : "–"
            let marker = " rows \(offset + 1)\(dash)\(min(rows.count, offset + visible)) of \(rows.count) "
            buffer.put(marker, x: max(0, layout.width - marker.count), y: layout.height - 2 - (model.rows.contains { !$0.detail.isEmpty } ? detailRows : 0),
                       style: .muted)
        }
        // The selected row's detail, wrapped above the footer.
        if let row = rows.first(where: { $0.id == selectedID }), !row.detail.isEmpty {
            let lines = row.detail.flatMap { HelpScreen.wrap($0, width: max(10, layout.width - 2)) }
            for (index, line) in lines.prefix(detailRows).enumerated() {
                buffer.put(" " + line, x: 0, y: layout.height - 1 - detailRows + index, style: .muted)
            }
        }
    }
}
