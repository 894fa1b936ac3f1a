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

    /// The rule calendar's events: the same dates as the alerts, the glossary and `report`.
    static let events = RuleCalendar.events.map { Event(date: $0.date, text: $0.text) }

    /// The index of the period an event falls in; nil when outside the data.
    static func periodIndex(of date: CalendarDate, in periods: [Period]) -> Int? {
        periods.firstIndex { $0.contains(date) }
    }

    static func topGroups(_ state: DashboardState) -> [String] {
        Array(allGroups(state).prefix(5))
    }

    /// Every group of the series, largest total over the periods first: the trends list.
    static func allGroups(_ state: DashboardState) -> [String] {
        var totals: [String: Double] = [:]
        for analysis in state.analyses { for g in analysis.groups { totals[g.group, default: 0] += g.balanceCNY } }
        return totals.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map(\.key)
    }

    /// The groups whose lines are drawn: the user's choice (Space), else the five largest.
    static func shownGroups(_ state: DashboardState) -> [String] {
        let all = allGroups(state)
        guard let chosen = state.trendGroups else { return Array(all.prefix(5)) }
        return all.filter { chosen.contains($0) }
    }

    static func model(_ state: DashboardState) -> TableModel {
        let groups = shownGroups(state)
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

    /// A round ceiling at or above `value` for an axis: 1, 2, 2.5 or 5 times a power of ten.
    static func niceCeiling(_ value: Double) -> Double {
        guard value > 0 else { return 1 }
        let power = Foundation.pow(10, Foundation.floor(Foundation.log10(value)))
        for step in [1.0, 2.0, 2.5, 5.0, 10.0] where step * power >= value * (1 - 1e-12) { return step * power }
        return 10 * power
    }

    /// Period labels along the axis: each where its text fits after the last one drawn (the
    /// cursor's always), so labels skip rather than run together.
    static func axisLabels(_ periods: [Period], cursor: Int, x: (Int) -> Int, step: Int) -> [(index: Int, text: String)] {
        let short = step < 5
        func label(_ index: Int) -> String {
            let text = periods[index].description
            return short ? String(text.suffix(text.count - 2)) : text // "21Q4" or "2021Q4"
        }
        var placed: [(index: Int, text: String)] = []
        var end = Int.min
        let cursorStart = x(cursor)
        let cursorEnd = cursorStart + DisplayWidth.of(label(cursor))
        for index in periods.indices {
            let text = label(index)
            let start = x(index), stop = start + DisplayWidth.of(text)
            if index != cursor {
                guard start > end, stop < cursorStart || start > cursorEnd else { continue }
            }
            placed.append((index, text))
            end = stop
        }
        return placed
    }

    static func draw(_ state: DashboardState, top: Int, into buffer: inout ScreenBuffer) {
        guard !state.analyses.isEmpty else { return }
        let glyphs = state.options.glyphs
        let periods = state.periods
        let labelWidth = buffer.width >= 80 ? 24 : 20
        let valueWidth = 12
        let step = max(1, min(5, (buffer.width - labelWidth - valueWidth - 2) / periods.count))
        let cursor = state.periodIndex
        let dash = glyphs.isASCII ? "-" : "–"
        func x(_ index: Int) -> Int { labelWidth + index * step }

        // HHI band: each column fills from zero to the lower bound, the band up to the upper bound
        // shaded. The axis starts at 0 (heights compare as the values do) and ends at a round
        // ceiling above the data, both labelled: not the 0–10,000 of the scale.
        let lows = state.analyses.map(\.indices.hhi)
        let highs = state.analyses.map(\.indices.hhiUpper)
        let bandRows = max(3, min(6, (buffer.height - top - 16)))
        let floor = 0.0
        let ceiling = niceCeiling(max(highs.max() ?? 1, 1))
        // Without a market total the shares are of the groups' own sum: no market to speak of.
        let hasMarket = state.analysis?.marketTotal != nil
        buffer.put(hasMarket ? " Market HHI" : " HHI of groups", x: 0, y: top, style: .header)
        buffer.put(" band = bounds", x: 0, y: top + 1, style: .muted)
        let axis = glyphs.isASCII ? "|" : "┤"
        for (row, value) in [(0, ceiling), (bandRows - 1, floor)] {
            let text = NumberFormat.grouped(value, decimals: 0) + " " + axis
            buffer.put(text, x: labelWidth - DisplayWidth.of(text) - 1, y: top + row, style: .muted)
        }
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
        let value = "\(NumberFormat.grouped(lows[cursor], decimals: 0))\(dash)\(NumberFormat.grouped(highs[cursor], decimals: 0))"
        buffer.put(value, x: x(periods.count) + 1, y: top, style: .accent)
        // The upper bound is only as good as its assumption: say it under the figures.
        // Wrapped by words into the room left of the edge, never cut mid-figure.
        if let analysis = state.analysis {
            let text = analysis.marketTotal == nil ? "no market total: shares of the groups' own sum"
                : "upper if " + analysis.bounds.assumption.shortText.replacingOccurrences(of: "no unreported lender", with: "none")
            let room = buffer.width - x(periods.count) - 1
            for (offset, line) in TextFit.wrap(text, width: max(8, room)).prefix(bandRows - 1).enumerated() {
                buffer.put(line, x: x(periods.count) + 1, y: top + 1 + offset, style: .muted)
            }
        }

        // Shares of the market, every line on one scale (0 to a round ceiling), so a small group's
        // change looks as small as it is. Space shows or hides the selected group's line.
        var y = top + bandRows + 1
        let all = allGroups(state)
        let shown = Set(shownGroups(state))
        let series = Dictionary(uniqueKeysWithValues: all.map { name in
            (name, state.analyses.map { a in a.groups.first { $0.group == name }?.shareOfMarket ?? 0 })
        })
        let top = series.filter { shown.contains($0.key) }.values.flatMap { $0 }.max() ?? 0
        let scale = niceCeiling(max(top, 0.0001))
        let scaleText = NumberFormat.percent(scale, decimals: scale * 100 < 10 ? 1 : 0)
        let stepText = NumberFormat.percent(scale / 8, decimals: scale * 100 / 8 < 10 ? 1 : 0)
        let dot = glyphs.isASCII ? " - " : " · "
        let header = PriorityLine(parts: [
            .init(text: "\(hasMarket ? "Share of market" : "Share of the groups' sum"), one scale for all lines: "
                  + "0\(dash)\(scaleText), steps \(stepText)", priority: 0),
            .init(text: "values at \(state.periods[cursor])", priority: 0),
            .init(text: "Space shows/hides", priority: 1),
        ], separator: dot).fit(width: buffer.width)
        buffer.put(header.text, x: 0, y: y, style: .header)
        y += 1
        let listRows = max(1, buffer.height - y - 8)
        let selected = min(max(0, state.lists[.trends]?.row ?? 0), max(0, all.count - 1))
        let first = max(0, min(selected - listRows + 1, all.count - listRows))
        for (index, name) in all.enumerated().dropFirst(first).prefix(listRows) {
            let on = shown.contains(name)
            let box = on ? "[x] " : "[ ] "
            let rowStyle: Style = index == selected ? .selected : .normal
            buffer.fill(x: 0, y: y, width: labelWidth - 1, height: 1, style: rowStyle)
            buffer.put(" " + box + name, x: 0, y: y, style: rowStyle, maxWidth: labelWidth - 1)
            if on {
                for (period, glyph) in Sparkline.render(series[name]!, glyphs: glyphs, ceiling: scale).enumerated() {
                    let style = period == cursor ? Style(.accent, bold: true, reverse: true) : Style.bar
                    buffer.put(String(repeating: glyph, count: max(1, step - 1)), x: x(period), y: y, style: style)
                }
            }
            buffer.put(NumberFormat.percent(series[name]![cursor]), x: x(periods.count) + 1, y: y, style: on ? .accent : .muted)
            y += 1
        }
        if all.count > listRows {
            buffer.put(" \(first + 1)\(dash)\(min(all.count, first + listRows)) of \(all.count) groups", x: 0, y: y, style: .muted)
        }

        // Period axis: labels that fit, the cursor's always; then the event markers.
        y += 1
        for label in axisLabels(periods, cursor: cursor, x: x, step: step) {
            buffer.put(label.text, x: x(label.index), y: y, style: label.index == cursor ? .accent : .muted)
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

import Foundation
