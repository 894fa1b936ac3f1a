import MarketAnalytics
import MarketReport
import TerminalText

/// Over-indebtedness at the period's end (`o`): how many borrowers owe, how many on several
/// groups at once and what they owe, the classes by number of groups, bad rates, debt
/// percentiles, the 2+ share over every period with the events marked, and the overlap matrix
/// (groups × groups, shaded by shared borrowers as a share of the row group's); Enter on a cell
/// opens that pair over the periods.
enum IndebtednessView {
    static let labelWidth = 18
    static let cellWidth = 5
    /// Upper limits of the first three shades of the overlap matrix; the fourth is anything above.
    static let steps = [0.01, 0.05, 0.10]

    /// The groups of the matrix: those with borrowers at the end date, most borrowers first (groups
    /// whose count is hidden last, by name).
    static func groups(_ figures: SuppressedIndebtedness) -> [String] { figures.groupsByBorrowers }

    /// A hidden figure's marker: `<10` or `x`.
    static func marker(_ reason: SuppressionReason, _ figures: SuppressedIndebtedness, count: Bool = true) -> String {
        SuppressionText.marker(reason, figures.rule, count: count)
    }

    static func shade(_ share: Double, digits: Bool, ascii: Bool) -> String {
        guard share > 0 else { return ascii || digits ? "." : "·" }
        let level = steps.firstIndex { share < $0 } ?? steps.count
        return digits ? String(level + 1) : ["░", "▒", "▓", "█"][level]
    }

    static func legend(digits: Bool, hiding: Bool) -> String {
        let p = steps.map { NumberFormat.percent($0, decimals: 0) }
        // With --min-cell the marks of hidden cells take the place of "borrowers".
        let (what, hidden) = hiding ? ("Shared", ", < x hidden") : ("Shared borrowers", "")
        return digits
            ? " \(what), of the row group's: 1 <\(p[0]) 2 <\(p[1]) 3 <\(p[2]) 4 >=\(p[2]), . none\(hidden) (Enter: pair)"
            : " \(what), of the row group's: ░<\(p[0]) ▒<\(p[1]) ▓<\(p[2]) █≥\(p[2]), · none\(hidden) (Enter: pair)"
    }

    static func yuan(_ cents: Int64) -> String {
        let value = Double(cents) / 100
        return "CNY " + (value >= 1e9 ? NumberFormat.billions(value, decimals: 2) + " bn"
                         : NumberFormat.millions(value, decimals: value >= 1e7 ? 1 : 2) + " mn")
    }

    /// The current period's figures (as the session shows them), or why there are none.
    static func figures(_ state: DashboardState) -> (figures: SuppressedIndebtedness?, reason: String?) {
        guard let analysis = state.analysis else { return (nil, nil) }
        if state.snapshot?.dataset.loans == nil {
            return (nil, "No loan files in this data directory: over-indebtedness needs loans/*.csv.")
        }
        if let reason = analysis.indebtednessUnavailable { return (nil, "Over-indebtedness unavailable: \(reason).") }
        guard let figures = state.indebtedness else {
            let history = state.loanFigures.history
            return (nil, "No loans were originated in \(analysis.period): debts are counted at the ends of the periods "
                    + "with originations (\(history.first.map { "\($0.period)" } ?? "none")"
                    + "\(history.count > 1 ? "–\(history.last!.period)" : ""), gaps left out).")
        }
        return (figures, nil)
    }

    /// The export and the clipboard: every figure of the period end as the long table `aggregate
    /// --indebtedness` writes; a hidden one is its marker here and empty in the CSV, and the note
    /// travels in the Markdown.
    static func model(_ state: DashboardState, _ analysis: PeriodAnalysis) -> TableModel {
        let shown = state.indebtedness
        let rows: [TableModel.Row] = shown.map { figures in
            IndebtednessTable.rows(figures).enumerated().map { index, row -> TableModel.Row in
                let value = row.hidden.map { TableModel.Cell(marker($0, figures, count: row.isCount), csv: "") } ?? .name(row.value)
                return TableModel.Row(id: "\(index)", cells: [.name(analysis.period.description), .name(row.table), .name(row.a),
                                                              .name(row.b), value])
            }
        } ?? []
        let note = shown.flatMap { SuppressionText.note(cells: $0.cells, complementary: $0.complementaryCells, state.smallCells) }
        return TableModel(title: "Over-indebtedness at \(analysis.period.endDate) (\(Indebtedness.definition))",
                          summary: note.map { [($0, .muted)] } ?? [],
                          columns: ["period", "table", "a", "b", "value"].map { .init($0, .fixed(12), csv: $0) }, rows: rows)
    }

    static func draw(_ state: DashboardState, top: Int, into buffer: inout ScreenBuffer) {
        let glyphs = state.options.glyphs
        let ascii = glyphs.isASCII
        let dot = ascii ? " - " : " · "
        let (found, reason) = figures(state)
        guard let f = found, let analysis = state.analysis else {
            if let reason {
                for (offset, line) in TextFit.wrap(reason, width: buffer.width - 2).enumerated() {
                    buffer.put(" " + line, x: 0, y: top + offset, style: .muted)
                }
            }
            return
        }
        var y = top
        func line(_ parts: [PriorityLine.Part], style: Style = .normal) {
            buffer.put(PriorityLine(parts: parts, separator: dot).fit(width: buffer.width).text, x: 0, y: y, style: style)
            y += 1
        }
        typealias Cell = SuppressedIndebtedness.Cell
        func count(_ value: Int?, _ cell: Cell) -> String { SuppressionText.count(value, f.reason(cell), f.rule) }
        func percent(_ cell: Cell) -> String { SuppressionText.share(f.share(cell)) }
        func amount(_ cents: Int64?, _ cell: Cell) -> String {
            cents.map(yuan) ?? f.reason(cell).map { marker($0, f, count: false) } ?? "n/a"
        }
        line([.init(text: " Over-indebtedness at \(f.asOf): loans outstanding at the period's end", priority: 0),
              .init(text: "principal at origination", priority: 2)], style: .header)
        line([.init(text: " \(count(f.borrowers, .borrowers)) owe \(amount(f.totalCents, .borrowers))", priority: 0),
              .init(text: "on 2+ groups: \(count(f.multi, .multi))\(percent(.multi)), \(amount(f.multiCents, .multi))", priority: 0),
              .init(text: "3+: \(count(f.multi3, .multi3))\(percent(.multi3))", priority: 0)],
             style: .accent)
        // How many figures --min-cell hid, and what the marks mean.
        if let long = SuppressionText.noteParts(cells: f.cells, complementary: f.complementaryCells, f.rule),
           let short = SuppressionText.noteParts(cells: f.cells, complementary: f.complementaryCells, f.rule, short: true) {
            func fitted(_ note: [String]) -> (text: String, dropped: [PriorityLine.Part]) {
                PriorityLine(parts: note.enumerated().map { .init(text: $0.element, priority: $0.offset) }, separator: ", ")
                    .fit(width: buffer.width)
            }
            let whole = fitted(long)
            buffer.put(whole.dropped.isEmpty ? whole.text : fitted(short).text, x: 0, y: y, style: .muted)
            y += 1
        }
        // Classes by number of groups: bars when there is room, else one line. A hidden class has
        // no bar (its length would tell the count).
        let spare = buffer.height - top - 13 - (f.rule.isOn ? 1 : 0)
        if spare >= 14 {
            let largest = max(1, f.byGroups.compactMap { $0 }.max() ?? 1)
            let barWidth = max(8, min(30, buffer.width - 50))
            for (index, name) in IndebtednessFigures.classNames.enumerated() {
                let label = " \(index == 0 ? "On" : "  ") \(name.padding(toLength: 2, withPad: " ", startingAt: 0)) group\(index == 0 ? " " : "s")"
                let used = buffer.put(label, x: 0, y: y, style: .normal)
                if let value = f.byGroups[index] {
                    let bar = BarGauge.render(value: Double(value), scale: Double(largest), width: barWidth, glyphs: glyphs)
                    buffer.put(bar, x: used + 1, y: y, style: .bar)
                }
                buffer.put("\(count(f.byGroups[index], .byGroups(index)))\(percent(.byGroups(index)))"
                           + " owe \(amount(f.amountByGroupsCents[index], .amountByGroups(index)))", x: used + barWidth + 2, y: y, style: .normal)
                y += 1
            }
        } else {
            let classes = IndebtednessFigures.classNames.enumerated().map {
                "\($0.element): \(count(f.byGroups[$0.offset], .byGroups($0.offset)))"
            }
            line([.init(text: " Borrowers by number of groups owed to: " + classes.joined(separator: "  "), priority: 0)])
        }
        // Whole figures only: a part that does not fit goes, never half a number.
        func rate(_ value: Double?, _ cell: Cell, of whole: Cell) -> String {
            value.map { NumberFormat.percent($0, decimals: 1) } ?? f.reason(cell, of: whole).map { marker($0, f, count: false) } ?? "n/a"
        }
        line([.init(text: " Bad by amount: 1 group \(rate(f.badRateSingle, .badSingle, of: .byGroups(0)))", priority: 0),
              .init(text: "2+ groups \(rate(f.badRateMulti, .badMulti, of: .multi))", priority: 0),
              .init(text: "(overdue, default, written off)", priority: 1)])
        // Below 100 columns the debts read in thousands (exact in the export and the JSON).
        let compact = buffer.width < 100
        func debts(_ class_: SuppressedIndebtedness.DebtClass) -> String {
            guard let p = f.debt(class_) else { return "n/a" }
            return DebtPercentiles.Point.allCases.map { point -> String in
                guard let cents = p.value(point) else { return marker(f.reason(.debt(class_, point)) ?? .fewerThanMinimum, f, count: false) }
                let yuan = Double(cents) / 100
                return compact ? NumberFormat.grouped(yuan / 1000, decimals: yuan < 100_000 ? 1 : 0) + "k"
                    : NumberFormat.grouped(yuan, decimals: 0)
            }.joined(separator: "/")
        }
        line([.init(text: " Debt p50/90/99/max\(compact ? "" : " CNY"): all \(debts(.all))", priority: 0),
              .init(text: "2+ \(debts(.multi))", priority: 0)])
        // The 2+ share over every period end, the events under it; a period whose share is hidden
        // is a gap.
        let all = state.loanFigures.history
        let label = " 2+ share "
        let room = max(1, buffer.width - DisplayWidth.of(label) - 24)
        // As many periods as fit, the latest ones, and the one on screen always among them.
        let currentIndex = all.firstIndex { $0.period == analysis.period } ?? all.count - 1
        let shown = min(all.count, room)
        let firstShown = max(0, min(all.count - shown, currentIndex))
        let history = Array(all[firstShown..<(firstShown + shown)])
        let shares = history.map { $0.figures.borrowers == 0 ? 0 : $0.figures.multiShare }
        let step = max(1, min(3, room / max(1, history.count)))
        let ceiling = TrendsView.niceCeiling(max(shares.compactMap { $0 }.max() ?? 0, 0.0001))
        var x = buffer.put(label, x: 0, y: y, style: .header)
        let sparkStart = x
        let current = history.firstIndex { $0.period == analysis.period }
        for (index, glyph) in Sparkline.render(shares, glyphs: glyphs, ceiling: ceiling).enumerated() {
            let style = index == current ? Style(.accent, bold: true, reverse: true) : Style.bar
            x += buffer.put(String(repeating: glyph, count: step), x: x, y: y, style: style)
        }
        buffer.put(" 0\(ascii ? "-" : "–")\(NumberFormat.percent(ceiling, decimals: 0)), \(history.first.map { "\($0.period)" } ?? "")"
                   + "\(ascii ? "-" : "–")\(history.last.map { "\($0.period)" } ?? "")", x: x, y: y, style: .muted)
        y += 1
        // Events by period: several in one period share its mark ("12").
        var marks: [Int: [Int]] = [:]
        for (number, event) in TrendsView.events.enumerated() {
            guard let index = history.firstIndex(where: { $0.period.contains(event.date) }) else { continue }
            marks[index, default: []].append(number + 1)
        }
        var legend: [String] = []
        for (index, numbers) in marks.sorted(by: { $0.key < $1.key }) {
            buffer.put(numbers.map(String.init).joined(), x: sparkStart + index * step, y: y, style: .warning)
            let month = TrendsView.events[numbers[0] - 1].date.description.prefix(7)
            legend.append(numbers.map(String.init).joined(separator: ",") + " " + month)
        }
        // After the sparkline's end (the trends view `t` lists the events in words).
        let events = legend.isEmpty ? "no events in these periods" : "events: " + legend.joined(separator: ", ")
        let legendX = sparkStart + shares.count * step + 1
        buffer.put(TextFit.truncateAtWord(events, width: max(0, buffer.width - legendX), ascii: ascii), x: legendX, y: y, style: .muted)
        y += 1
        drawMatrix(state, f, top: y, into: &buffer)
    }

    static func drawMatrix(_ state: DashboardState, _ f: SuppressedIndebtedness, top: Int, into buffer: inout ScreenBuffer) {
        let glyphs = state.options.glyphs
        let digits = !state.options.colors || glyphs.isASCII
        let names = groups(f)
        guard !names.isEmpty, top + 3 < buffer.height - 2 else { return }
        buffer.put(TextFit.truncateAtWord(legend(digits: digits, hiding: f.rule.isOn), width: buffer.width, ascii: glyphs.isASCII),
                   x: 0, y: top, style: .muted)
        let columns = max(1, min(names.count, (buffer.width - labelWidth - 1) / cellWidth))
        let cursor = state.overlapCursor(count: names.count)
        let firstColumn = max(0, min(cursor.column - columns + 1, names.count - columns))
        let headers = MatrixView.abbreviations(names, width: cellWidth - 1)
        for (offset, header) in headers.enumerated().dropFirst(firstColumn).prefix(columns) {
            let text = DisplayWidth.fit(header, width: cellWidth - 1, alignRight: true)
            let selected = offset == cursor.column
            buffer.put(text, x: labelWidth + (offset - firstColumn) * cellWidth, y: top + 1,
                       style: selected ? Style(.header, bold: true, reverse: true) : .header)
        }
        let maxRows = max(1, buffer.height - top - 4)
        let firstRow = max(0, min(cursor.row - maxRows + 1, names.count - maxRows))
        for (index, row) in names.enumerated().dropFirst(firstRow).prefix(maxRows) {
            let y = top + 2 + index - firstRow
            buffer.put(" " + DisplayWidth.fit(row, width: labelWidth - 2, ascii: glyphs.isASCII), x: 0, y: y,
                       style: index == cursor.row ? .accent : .normal, maxWidth: labelWidth - 1)
            for (column, name) in names.enumerated().dropFirst(firstColumn).prefix(columns) {
                let mark: String
                if column == index {
                    mark = glyphs.isASCII ? " \\" : " ╲"
                } else if let share = f.share(row: row, column: name) {
                    let glyph = shade(share, digits: digits, ascii: glyphs.isASCII)
                    mark = digits ? " " + glyph : glyph + glyph
                } else if let reason = f.reason(SuppressedIndebtedness.pairCell(row, name), of: .groupBorrowers(row)) {
                    // Hidden: the pair's count, or the row group's (the shade would give it).
                    mark = reason == .fewerThanMinimum ? " <" : " x"
                } else {
                    let glyph = shade(0, digits: digits, ascii: glyphs.isASCII)
                    mark = digits ? " " + glyph : glyph + glyph
                }
                let selected = index == cursor.row && column == cursor.column
                buffer.put(String(repeating: " ", count: cellWidth - 3) + mark + " ", x: labelWidth + (column - firstColumn) * cellWidth,
                           y: y, style: selected ? Style(.accent, bold: true, reverse: true) : .bar)
            }
        }
        // The selected cell's figures, on the status line.
        let a = names[cursor.row], b = names[cursor.column]
        let dot = glyphs.isASCII ? " - " : " · "
        var parts: [PriorityLine.Part]
        func count(_ value: Int?, _ cell: SuppressedIndebtedness.Cell) -> String { SuppressionText.count(value, f.reason(cell), f.rule) }
        if a == b {
            let n = f.borrowersByGroup[a] ?? 0
            let one = n == 1
            parts = [.init(text: "\(a): \(count(n, .groupBorrowers(a))) borrower\(one ? "" : "s") owe\(one ? "s" : "") to it",
                           priority: 0, shrinksTo: 16)]
        } else {
            let shared = f.shared(a, b)
            parts = [
                .init(text: "\(a) \(glyphs.isASCII ? "&" : "∩") \(b): \(count(shared, SuppressedIndebtedness.pairCell(a, b))) "
                      + "borrower\(shared == 1 ? "" : "s")",
                      priority: 0, shrinksTo: 20),
            ]
            // A share only where both its counts are shown.
            if let ofA = f.share(row: a, column: b) {
                parts.append(.init(text: "\(NumberFormat.percent(ofA, decimals: 1)) of \(a)'s", priority: 0, shrinksTo: 12))
            }
            if let ofB = f.share(row: b, column: a) {
                parts.append(.init(text: "\(NumberFormat.percent(ofB, decimals: 1)) of \(b)'s", priority: 1, shrinksTo: 12))
            }
        }
        buffer.put(PriorityLine(parts: parts, separator: dot).fit(width: buffer.width).text, x: 0, y: buffer.height - 2, style: .accent)
    }

    /// One pair of groups over every period end: shared borrowers and their share of each group's;
    /// hidden figures as their markers (empty in the CSV), hidden periods a gap in the sparkline.
    static func pairModel(a: String, b: String, _ state: DashboardState) -> TableModel {
        let history = state.loanFigures.history
        let pair = SuppressedIndebtedness.pairCell(a, b)
        var hidden = 0, complementary = 0
        func cell(_ value: Double?, _ reason: SuppressionReason?, _ f: SuppressedIndebtedness, count: Bool = true,
                  _ shown: (Double) -> TableModel.Cell) -> TableModel.Cell {
            if let reason {
                hidden += 1
                if reason == .complementary { complementary += 1 }
                return TableModel.Cell(marker(reason, f, count: count), sort: .none, csv: "")
            }
            return value.map(shown) ?? ViewModels.percent(nil)
        }
        func count(_ value: Int) -> TableModel.Cell { .number(Double(value), NumberFormat.grouped(Double(value), decimals: 0)) }
        let rows = history.map { entry -> TableModel.Row in
            let f = entry.figures
            let groupA = f.borrowersByGroup[a] ?? 0, groupB = f.borrowersByGroup[b] ?? 0
            return TableModel.Row(id: entry.period.description, cells: [
                .name(entry.period.description),
                cell(f.shared(a, b).map(Double.init), f.reason(pair), f) { count(Int($0)) },
                cell(f.share(row: a, column: b), f.reason(pair, of: .groupBorrowers(a)), f, count: false) { ViewModels.percent($0) },
                cell(f.share(row: b, column: a), f.reason(pair, of: .groupBorrowers(b)), f, count: false) { ViewModels.percent($0) },
                cell(groupA.map(Double.init), f.reason(.groupBorrowers(a)), f) { count(Int($0)) },
                cell(groupB.map(Double.init), f.reason(.groupBorrowers(b)), f) { count(Int($0)) },
            ])
        }
        let counts = history.map { $0.figures.shared(a, b).map(Double.init) }
        var summary: [(String, Emphasis)] = [("  Borrowers owing to both at each period end "
                                              + Sparkline.render(counts, glyphs: state.options.glyphs), .normal)]
        if let note = SuppressionText.note(cells: hidden, complementary: complementary, state.smallCells) {
            summary.append(("  " + note, .muted))
        }
        return TableModel(
            title: "\(a) \(state.options.glyphs.isASCII ? "&" : "∩") \(b)",
            summary: summary,
            columns: [
                .init("Period", .fixed(7), csv: "period"),
                .init("Shared", .fixed(9), .right, csv: "shared_borrowers"),
                .init("Of \(a)", .flexible(min: 9, max: 24), .right, csv: "share_of_a"),
                .init("Of \(b)", .flexible(min: 9, max: 24), .right, csv: "share_of_b"),
                .init("\(a)", .fixed(12), .right, csv: "borrowers_a", priority: 1),
                .init("\(b)", .fixed(12), .right, csv: "borrowers_b", priority: 1),
            ],
            rows: rows)
    }
}
