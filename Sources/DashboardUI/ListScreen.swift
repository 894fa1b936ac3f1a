import MarketReport
import TerminalText

/// Draws any list view: its summary lines, its table with the selection and sort marker, a status
/// line of its own (the selected row's fields that did not fit, and the rows indicator), and the
/// selected row's detail lines above the footer.
///
/// Columns follow the model's priorities (`DataTable.screenLayout`): bars shrink first, types
/// become short codes, secondary columns go whole; a figure is never cut, and what went is
/// shown for the selected row on the status line.
enum ListScreen {
    static let top = 2
    static let detailRows = 3

    /// Table rows that fit, given the view's model (built once by the caller: building it can
    /// scan every balance).
    static func dataRows(_ model: TableModel, layout: DashboardLayout) -> Int {
        let detail = model.rows.contains { !$0.detail.isEmpty } ? detailRows : 0
        // Summary, header, status line, detail, footer.
        return max(1, layout.height - top - summaryLines(model, width: layout.width, height: layout.height).count - 1 - 1 - detail - 1)
    }

    /// The summary lines wrapped by words to the width (a figure is never cut), keeping their
    /// indent. A short screen keeps whole paragraphs, in order, up to five lines (seven from 30
    /// rows), so the table keeps its room; a paragraph that does not fit goes whole.
    static func summaryLines(_ model: TableModel, width: Int, height: Int = 24) -> [(text: String, style: Emphasis)] {
        let limit = height >= 30 ? 7 : 5
        var lines: [(text: String, style: Emphasis)] = []
        for line in model.summary {
            let indent = String(line.text.prefix { $0 == " " })
            let body = String(line.text.dropFirst(indent.count))
            let pieces = TextFit.wrap(body, width: max(10, width - indent.count - 2))
            guard lines.count + pieces.count <= limit else { continue }
            for (index, piece) in pieces.enumerated() {
                lines.append(((index == 0 ? indent : indent + "  ") + piece, line.style))
            }
        }
        return lines
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

    /// The status line's right end: `rows a–b of N` when not every row fits, and for a searched
    /// list `M of T match /text` (whatever the title had room for).
    static func rowsIndicator(first: Int, shown: Int, of count: Int, unfiltered: Int, search: String, ascii: Bool) -> String {
        var indicator = ""
        if shown < count {
            indicator = " rows \(first + 1)\(ascii ? "-" : "–")\(first + shown) of \(count) "
        }
        if !search.isEmpty {
            indicator += (indicator.isEmpty ? " " : (ascii ? "- " : "· "))
                + "\(count) of \(unfiltered) match /\(DisplayWidth.fit(search, width: 12)) "
        }
        return indicator
    }

    /// A row's on-screen cells; a bar column draws its value against its scale; a compact column
    /// shows the cell's short code.
    static func cells(_ row: TableModel.Row, model: TableModel, layout: TableModel.ScreenLayout, scales: [Int: Double],
                      glyphs: GlyphSet) -> [TableWidget.Item] {
        zip(layout.indices, layout.widths).map { index, width in
            let cell = row.cells[index]
            guard let scale = scales[index] else {
                let text = layout.compact.contains(index) ? (cell.short ?? cell.text) : cell.text
                return TableWidget.Item(text, cell.style.map { Style(emphasis: $0) })
            }
            guard case .number(let value) = cell.sortKey else { return TableWidget.Item("") }
            return TableWidget.Item(BarGauge.render(value: value, scale: scale, width: width, glyphs: glyphs), .bar)
        }
    }

    /// The selected row's fields that are not on screen as they are: compacted (the full text)
    /// or left out at this width, as "Title value".
    static func offScreenFields(_ row: TableModel.Row, model: TableModel, layout: TableModel.ScreenLayout) -> [String] {
        // A name cut to its column comes first, whole.
        let cut = zip(layout.indices, layout.widths).compactMap { index, width -> String? in
            let text = row.cells[index].text
            guard !model.columns[index].isBar, !layout.compact.contains(index), DisplayWidth.of(text) > width else { return nil }
            return text
        }
        return cut + (layout.compact.sorted() + layout.hidden).compactMap { index in
            let column = model.columns[index]
            let text = row.cells[index].text.trimmingCharacters(in: .whitespaces)
            guard !column.isBar, !text.isEmpty else { return nil }
            return "\(column.title) \(text)"
        }
    }

    static func draw(_ state: DashboardState, model: TableModel, rows: [TableModel.Row], layout: DashboardLayout,
                     into buffer: inout ScreenBuffer) {
        let glyphs = state.options.glyphs
        var y = top
        for line in summaryLines(model, width: layout.width, height: layout.height) {
            buffer.put(line.text, x: 0, y: y, style: Style(emphasis: line.style))
            y += 1
        }
        let columns = model.screenLayout(total: layout.width)
        let sort = state.listSorts[state.view] ?? model.defaultSort.map { ListSort(column: $0.column, descending: $0.descending) }
        var table = TableWidget(columns: zip(columns.indices, columns.widths).map {
            .init(model.columns[$0].title, width: $1, model.columns[$0].alignment)
        })
        if let sort, let position = columns.indices.firstIndex(of: sort.column) {
            table.columns[position].title += sort.descending ? glyphs.descending : glyphs.ascending
        }
        table.drawHeader(into: &buffer, x: 0, y: y, width: layout.width)
        y += 1
        let visible = dataRows(model, layout: layout)
        let scales = barScales(model, rows: rows)
        let offset = state.listScroll[state.view] ?? 0
        let selectedID = state.listSelection[state.view] ?? rows.first?.id
        for (index, row) in rows.dropFirst(offset).prefix(visible).enumerated() {
            let items = cells(row, model: model, layout: columns, scales: scales, glyphs: glyphs)
            table.drawRow(items, into: &buffer, x: 0, y: y + index, width: layout.width,
                          style: row.id == selectedID ? .selected : .normal)
        }
        if rows.isEmpty, !state.filter.isEmpty {
            buffer.put("  no row matches \"\(state.filter)\" (Esc clears the search)", x: 0, y: y, style: .muted)
        } else if rows.isEmpty, model.summary.isEmpty {
            buffer.put("  nothing to show for \(state.analysis?.period.description ?? "this period")", x: 0, y: y, style: .muted)
        }

        // The status line, in its own row right under the rows: the rows indicator on the right,
        // the selected row's off-screen fields on the left (never drawn over a row).
        let statusY = y + min(visible, max(1, rows.count))
        let selected = rows.first { $0.id == selectedID }
        let indicator = rowsIndicator(first: offset, shown: min(rows.count - offset, visible), of: rows.count,
                                      unfiltered: model.rows.count, search: state.filter, ascii: glyphs.isASCII)
        let room = layout.width - DisplayWidth.of(indicator) - 1
        if let selected, room > 10 {
            // The fields that did not fit first (they are this row's figures), then where the
            // figure comes from, cut at a word when the line is full.
            let fields = offScreenFields(selected, model: model, layout: columns)
            var line = PriorityLine(parts: fields.map { .init(text: $0, priority: 1) },
                                    separator: glyphs.isASCII ? " - " : " · ").fit(width: room).text
            if fields.isEmpty { line = "" }
            if let note = SourceNote.note(view: state.view, rowID: selected.id, state) {
                line += (line.isEmpty ? " " : (glyphs.isASCII ? " - " : " · ")) + note
            }
            if !line.isEmpty {
                buffer.put(TextFit.truncateAtWord(line, width: room, ascii: glyphs.isASCII), x: 0, y: statusY, style: .muted)
            }
        }
        if !indicator.isEmpty {
            buffer.put(indicator, x: layout.width - DisplayWidth.of(indicator), y: statusY, style: .muted)
        }

        // The selected row's detail, wrapped, in every row left between the status line and the
        // footer (at least `detailRows`); what does not fit ends with an ellipsis, never mid-word.
        if let selected, !selected.detail.isEmpty {
            let lines = selected.detail.flatMap { TextFit.wrap($0, width: max(10, layout.width - 2)) }
            let room = max(0, layout.height - 1 - (statusY + 1))
            var shown = Array(lines.prefix(room))
            if lines.count > room, let last = shown.popLast() {
                shown.append(TextFit.truncateAtWord(last + " …", width: max(10, layout.width - 2), ascii: glyphs.isASCII))
            }
            for (index, line) in shown.enumerated() {
                buffer.put(" " + line, x: 0, y: layout.height - 1 - shown.count + index, style: .muted)
            }
        }
    }
}
