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

    /// The groups of the matrix: those with borrowers at the end date, most borrowers first.
    static func groups(_ figures: IndebtednessFigures) -> [String] {
        figures.borrowersByGroup.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map(\.key)
    }

    /// Shared borrowers of a cell as a share of the row group's.
    static func share(_ figures: IndebtednessFigures, row: String, column: String) -> Double {
        guard row != column, let base = figures.borrowersByGroup[row], base > 0 else { return 0 }
        return Double(figures.shared(row, column)) / Double(base)
    }

    static func shade(_ share: Double, digits: Bool, ascii: Bool) -> String {
        guard share > 0 else { return ascii || digits ? "." : "·" }
        let level = steps.firstIndex { share < $0 } ?? steps.count
        return digits ? String(level + 1) : ["░", "▒", "▓", "█"][level]
    }

    static func legend(digits: Bool) -> String {
        let p = steps.map { NumberFormat.percent($0, decimals: 0) }
        return digits
            ? " Shared borrowers, of the row group's: 1 <\(p[0]) 2 <\(p[1]) 3 <\(p[2]) 4 >=\(p[2]), . none (Enter: pair)"
            : " Shared borrowers, of the row group's: ░<\(p[0]) ▒<\(p[1]) ▓<\(p[2]) █≥\(p[2]), · none (Enter: pair)"
    }

    static func yuan(_ cents: Int64) -> String {
        let value = Double(cents) / 100
        return "CNY " + (value >= 1e9 ? NumberFormat.billions(value, decimals: 2) + " bn"
                         : NumberFormat.millions(value, decimals: value >= 1e7 ? 1 : 2) + " mn")
    }

    /// The current period's figures, or why there are none.
    static func figures(_ state: DashboardState) -> (figures: IndebtednessFigures?, reason: String?) {
        guard let analysis = state.analysis else { return (nil, nil) }
        if state.snapshot?.dataset.loans == nil {
            return (nil, "No loan files in this data directory: over-indebtedness needs loans/*.csv.")
        }
        if let reason = analysis.indebtednessUnavailable { return (nil, "Over-indebtedness unavailable: \(reason).") }
        guard let figures = analysis.indebtedness else {
            let history = analysis.indebtednessHistory
            return (nil, "No loans were originated in \(analysis.period): debts are counted at the ends of the periods "
                    + "with originations (\(history.first.map { "\($0.period)" } ?? "none")"
                    + "\(history.count > 1 ? "–\(history.last!.period)" : ""), gaps left out).")
        }
        return (figures, nil)
    }

    /// The export: every figure of the period end as the long table `aggregate --indebtedness` writes.
    static func model(_ state: DashboardState, _ analysis: PeriodAnalysis) -> TableModel {
        let rows = analysis.indebtedness.map { figures in
            IndebtednessTable.rows(figures).enumerated().map { index, row in
                TableModel.Row(id: "\(index)", cells: [.name(analysis.period.description), .name(row.table), .name(row.a),
                                                       .name(row.b), .name(row.value)])
            }
        } ?? []
        return TableModel(title: "Over-indebtedness at \(analysis.period.endDate) (\(Indebtedness.definition))",
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
        func percent(_ part: Int, of whole: Int) -> String {
            whole > 0 ? NumberFormat.percent(Double(part) / Double(whole), decimals: 1) : "n/a"
        }
        line([.init(text: " Over-indebtedness at \(f.asOf): loans outstanding at the period's end", priority: 0),
              .init(text: "principal at origination", priority: 2)], style: .header)
        line([.init(text: " \(NumberFormat.grouped(Double(f.borrowers), decimals: 0)) owe \(yuan(f.totalCents))",
                    priority: 0),
              .init(text: "on 2+ groups: \(NumberFormat.grouped(Double(f.multi), decimals: 0)) (\(percent(f.multi, of: f.borrowers))),"
                    + " \(yuan(f.multiCents))", priority: 0),
              .init(text: "3+: \(NumberFormat.grouped(Double(f.multi3), decimals: 0)) (\(percent(f.multi3, of: f.borrowers)))", priority: 0)],
             style: .accent)
        // Classes by number of groups: bars when there is room, else one line.
        let spare = buffer.height - top - 13
        if spare >= 14 {
            let largest = max(1, f.byGroups.max() ?? 1)
            let barWidth = max(8, min(30, buffer.width - 50))
            for (index, name) in IndebtednessFigures.classNames.enumerated() {
                let count = f.byGroups[index]
                let bar = BarGauge.render(value: Double(count), scale: Double(largest), width: barWidth, glyphs: glyphs)
                let label = " \(index == 0 ? "On" : "  ") \(name.padding(toLength: 2, withPad: " ", startingAt: 0)) group\(index == 0 ? " " : "s")"
                let used = buffer.put(label, x: 0, y: y, style: .normal)
                buffer.put(bar, x: used + 1, y: y, style: .bar)
                buffer.put("\(NumberFormat.grouped(Double(count), decimals: 0)) (\(percent(count, of: f.borrowers)))"
                           + " owe \(yuan(f.amountByGroupsCents[index]))", x: used + barWidth + 2, y: y, style: .normal)
                y += 1
            }
        } else {
            let classes = IndebtednessFigures.classNames.enumerated().map {
                "\($0.element): \(NumberFormat.grouped(Double(f.byGroups[$0.offset]), decimals: 0))"
            }
            line([.init(text: " Borrowers by number of groups owed to: " + classes.joined(separator: "  "), priority: 0)])
        }
        // Whole figures only: a part that does not fit goes, never half a number.
        let rate: (Double?) -> String = { $0.map { NumberFormat.percent($0, decimals: 1) } ?? "n/a" }
        line([.init(text: " Bad by amount: 1 group \(rate(f.badRateSingle))", priority: 0),
              .init(text: "2+ groups \(rate(f.badRateMulti))", priority: 0),
              .init(text: "(overdue, default, written off)", priority: 1)])
        // Below 100 columns the debts read in thousands (exact in the export and the JSON).
        let compact = buffer.width < 100
        func debts(_ p: DebtPercentiles?) -> String {
            guard let p else { return "n/a" }
            return [p.p50, p.p90, p.p99, p.max].map { cents -> String in
                let yuan = Double(cents) / 100
                return compact ? NumberFormat.grouped(yuan / 1000, decimals: yuan < 100_000 ? 1 : 0) + "k"
                    : NumberFormat.grouped(yuan, decimals: 0)
            }.joined(separator: "/")
        }
        line([.init(text: " Debt p50/90/99/max\(compact ? "" : " CNY"): all \(debts(f.debtAll))", priority: 0),
              .init(text: "2+ \(debts(f.debtMulti))", priority: 0)])
        // The 2+ share over every period end, the events under it.
        let all = analysis.indebtednessHistory
        let label = " 2+ share "
        let room = max(1, buffer.width - DisplayWidth.of(label) - 24)
        // As many periods as fit, the latest ones, and the one on screen always among them.
        let currentIndex = all.firstIndex { $0.period == analysis.period } ?? all.count - 1
        let shown = min(all.count, room)
        let firstShown = max(0, min(all.count - shown, currentIndex))
        let history = Array(all[firstShown..<(firstShown + shown)])
        let shares = history.map { $0.figures.multiShare ?? 0 }
        let step = max(1, min(3, room / max(1, history.count)))
        let ceiling = TrendsView.niceCeiling(max(shares.max() ?? 0, 0.0001))
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

    static func drawMatrix(_ state: DashboardState, _ f: IndebtednessFigures, top: Int, into buffer: inout ScreenBuffer) {
        let glyphs = state.options.glyphs
        let digits = !state.options.colors || glyphs.isASCII
        let names = groups(f)
        guard !names.isEmpty, top + 3 < buffer.height - 2 else { return }
        buffer.put(TextFit.truncateAtWord(legend(digits: digits), width: buffer.width, ascii: glyphs.isASCII), x: 0, y: top, style: .muted)
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
                } else {
                    let glyph = shade(share(f, row: row, column: name), digits: digits, ascii: glyphs.isASCII)
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
        if a == b {
            let n = f.borrowersByGroup[a] ?? 0
            parts = [.init(text: "\(a): \(NumberFormat.grouped(Double(n), decimals: 0)) borrower\(n == 1 ? "" : "s") owe\(n == 1 ? "s" : "") to it",
                           priority: 0, shrinksTo: 16)]
        } else {
            let shared = f.shared(a, b)
            parts = [
                .init(text: "\(a) \(glyphs.isASCII ? "&" : "∩") \(b): \(NumberFormat.grouped(Double(shared), decimals: 0)) "
                      + "borrower\(shared == 1 ? "" : "s")",
                      priority: 0, shrinksTo: 20),
                .init(text: "\(NumberFormat.percent(share(f, row: a, column: b), decimals: 1)) of \(a)'s", priority: 0, shrinksTo: 12),
                .init(text: "\(NumberFormat.percent(share(f, row: b, column: a), decimals: 1)) of \(b)'s", priority: 1, shrinksTo: 12),
            ]
        }
        buffer.put(PriorityLine(parts: parts, separator: dot).fit(width: buffer.width).text, x: 0, y: buffer.height - 2, style: .accent)
    }

    /// One pair of groups over every period end: shared borrowers and their share of each group's.
    static func pairModel(a: String, b: String, _ state: DashboardState) -> TableModel {
        let history = state.analysis?.indebtednessHistory ?? []
        let rows = history.map { entry -> TableModel.Row in
            let f = entry.figures
            let shared = f.shared(a, b)
            let ofA = f.borrowersByGroup[a].map { Double(shared) / Double($0) }
            let ofB = f.borrowersByGroup[b].map { Double(shared) / Double($0) }
            return TableModel.Row(id: entry.period.description, cells: [
                .name(entry.period.description),
                .number(Double(shared), NumberFormat.grouped(Double(shared), decimals: 0)),
                ViewModels.percent(ofA), ViewModels.percent(ofB),
                .number(Double(f.borrowersByGroup[a] ?? 0), NumberFormat.grouped(Double(f.borrowersByGroup[a] ?? 0), decimals: 0)),
                .number(Double(f.borrowersByGroup[b] ?? 0), NumberFormat.grouped(Double(f.borrowersByGroup[b] ?? 0), decimals: 0)),
            ])
        }
        let counts = history.map { Double($0.figures.shared(a, b)) }
        return TableModel(
            title: "\(a) \(state.options.glyphs.isASCII ? "&" : "∩") \(b)",
            summary: [("  Borrowers owing to both at each period end " + Sparkline.render(counts, glyphs: state.options.glyphs), .normal)],
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
