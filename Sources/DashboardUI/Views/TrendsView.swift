import MarketAnalytics
import MarketReport
import TerminalText

/// HHI with its bounds as a band, and the top five groups' shares, over every period, with
/// the regulatory events marked and the values under the period cursor (←/→).
enum TrendsView {
    struct Event {
        let date: CalendarDate
        let text: String
    }

    static let events = [
        Event(date: CalendarDate(iso: "2020-11-02")!, text: "online micro-lending draft (never finalised)"),
        Event(date: CalendarDate(iso: "2020-11-03")!, text: "Ant Group IPO suspended"),
        Event(date: CalendarDate(iso: "2021-02-20")!, text: "CBIRC notice: 30% / 25% tier-1 / 50% loans caps"),
        Event(date: CalendarDate(iso: "2022-01-01")!, text: "rules apply to new loans"),
    ]

    /// The index of the period an event falls in; nil when outside the data.
    static func periodIndex(of date: CalendarDate, in periods: [Period]) -> Int? {
        periods.firstIndex { $0.contains(date) }
    }

    static func topGroups(_ state: DashboardState) -> [String] {
        var totals: [String: Double] = [:]
        for analysis in state.analyses { for g in analysis.groups { totals[g.group, default: 0] += g.balanceCNY } }
        return totals.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(5).map(\.key)
    }

    static func model(_ state: DashboardState) -> TableModel {
        let groups = topGroups(state)
        let rows = zip(state.periods, state.analyses).map { period, analysis in
            TableModel.Row(id: period.description, cells: [
                .name(period.description),
                .number(analysis.indices.hhi, NumberFormat.grouped(analysis.indices.hhi, decimals: 1)),
                .number(analysis.indices.hhiUpper, NumberFormat.grouped(analysis.indices.hhiUpper, decimals: 1)),
            ] + groups.map { name in
                let share = analysis.groups.first { $0.group == name }?.shareOfMarket
                return .number(share, share.map { NumberFormat.percent($0) } ?? "n/a")
            })
        }
        return TableModel(title: "Trends", columns: [.init("Period", .fixed(7), csv: "period"),
                                                     .init("HHI", .fixed(8), .right, csv: "hhi"),
                                                     .init("HHI upper", .fixed(9), .right, csv: "hhi_upper")]
                            + groups.map { .init($0, .fixed(9), .right, csv: "\($0) [share_of_market]") }, rows: rows)
    }

    static func draw(_ state: DashboardState, top: Int, into buffer: inout ScreenBuffer) {
        guard !state.analyses.isEmpty else { return }
        let glyphs = state.options.glyphs
        let periods = state.periods
        let labelWidth = 18
        let valueWidth = 12
        let step = max(1, min(5, (buffer.width - labelWidth - valueWidth - 2) / periods.count))
        let cursor = state.periodIndex
        func x(_ index: Int) -> Int { labelWidth + index * step }

        // HHI band: each column fills from the lower to the upper bound; the lower bound is solid.
        let lows = state.analyses.map(\.indices.hhi)
        let highs = state.analyses.map(\.indices.hhiUpper)
        let bandRows = max(3, min(6, (buffer.height - top - 14)))
        let floor = (lows.min() ?? 0) * 0.9
        let ceiling = max((highs.max() ?? 1) * 1.02, floor + 1)
        buffer.put(" HHI (0–10,000)".replacingOccurrences(of: "–", with: glyphs.isASCII ? "-" : "–"),
                   x: 0, y: top, style: .header)
        buffer.put("band = bounds", x: 1, y: top + 1, style: .muted)
        // Columns rise to the lower bound in eighths; the band up to the upper bound is shaded.
        let span = ceiling - floor
        for row in 0..<bandRows {
            let levelLow = floor + span * Double(bandRows - 1 - row) / Double(bandRows)
            let levelHigh = floor + span * Double(bandRows - row) / Double(bandRows)
            for index in periods.indices {
                var glyph = " "
                if lows[index] >= levelHigh {
                    glyph = glyphs.barEighths[7]
                } else if lows[index] > levelLow {
                    let eighths = Int(((lows[index] - levelLow) / (levelHigh - levelLow) * 8).rounded())
                    glyph = glyphs.isASCII ? (eighths >= 4 ? "#" : " ") : eighths == 0 ? " " : glyphs.sparkLevels[eighths - 1]
                }
                if glyph == " " && highs[index] > levelLow && lows[index] < levelHigh {
                    glyph = glyphs.isASCII ? ":" : "░"
                }
                let style = index == cursor ? Style(.accent, bold: true, reverse: glyph != " ") : Style.bar
                buffer.put(String(repeating: glyph, count: max(1, step - 1)), x: x(index), y: top + row, style: style)
            }
        }
        let value = "\(NumberFormat.grouped(lows[cursor], decimals: 0))\(glyphs.isASCII ? "-" : "–")\(NumberFormat.grouped(highs[cursor], decimals: 0))"
        buffer.put(value, x: x(periods.count) + 1, y: top, style: .accent)
        // The upper bound is only as good as its assumption: say it under the figures.
        // Wrapped by words into the room left of the edge, never cut mid-figure.
        if let analysis = state.analysis {
            let text = "upper if " + analysis.bounds.assumption.shortText.replacingOccurrences(of: "no unreported lender", with: "none")
            let room = buffer.width - x(periods.count) - 1
            for (offset, line) in HelpScreen.wrap(text, width: max(8, room)).prefix(bandRows - 1).enumerated() {
                buffer.put(line, x: x(periods.count) + 1, y: top + 1 + offset, style: .muted)
            }
        }

        // Top five groups' shares, one sparkline each.
        var y = top + bandRows + 1
        buffer.put(" Share of market", x: 0, y: y, style: .header)
        y += 1
        for name in topGroups(state) {
            let shares = state.analyses.map { a in a.groups.first { $0.group == name }?.shareOfMarket ?? 0 }
            buffer.put(" " + name, x: 0, y: y, maxWidth: labelWidth - 1)
            let spark = Array(Sparkline.render(shares, glyphs: glyphs))
            for (index, glyph) in spark.enumerated() {
                let style = index == cursor ? Style(.accent, bold: true, reverse: true) : Style.bar
                buffer.put(String(repeating: String(glyph), count: max(1, step - 1)), x: x(index), y: y, style: style)
            }
            buffer.put(NumberFormat.percent(shares[cursor]), x: x(periods.count) + 1, y: y, style: .accent)
            y += 1
        }

        // Period axis with event markers.
        y += 1
        let every = max(1, 8 / step)
        for (index, period) in periods.enumerated() where index % every == 0 || index == cursor {
            let label = String(period.description.suffix(step * every >= 5 ? 4 : 2))
            buffer.put(label, x: x(index), y: y, style: index == cursor ? .accent : .muted)
        }
        y += 1
        var legend: [String] = []
        for (number, event) in events.enumerated() {
            let mark = "\(number + 1)"
            if let index = periodIndex(of: event.date, in: periods) {
                buffer.put(mark, x: x(index) + (number % 2), y: y, style: .warning)
                legend.append("\(mark) \(event.date) \(event.text)")
            } else {
                legend.append("\(mark) \(event.date) \(event.text) (after the data)")
            }
        }
        for (offset, line) in legend.enumerated() where y + 1 + offset < buffer.height - 1 {
            buffer.put("  " + line, x: 0, y: y + 1 + offset, style: .muted)
        }
    }
}
