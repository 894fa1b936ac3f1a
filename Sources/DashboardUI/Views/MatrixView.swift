import MarketAnalytics
import MarketReport
import TerminalText

/// Platform groups × the banks that fund the most: each cell is shaded by the pairing's share
/// of the group's funding. Shades are block glyphs in UTF-8, digits (tenths) in ASCII or
/// without colour, so the figure never depends on colour.
enum MatrixView {
    static let labelWidth = 18
    static let cellWidth = 6

    /// The banks ranked by total platform funding in the period, largest first.
    static func topBanks(_ state: DashboardState, _ analysis: PeriodAnalysis) -> [String] {
        var totals: [String: Double] = [:]
        for group in analysis.groups { for funder in group.funders { totals[funder.bank, default: 0] += funder.balanceCNY } }
        return totals.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map(\.key)
    }

    /// Balance of each group × bank pairing.
    static func cell(_ analysis: PeriodAnalysis, group: Int, bank: String) -> (balance: Double, share: Double) {
        let g = analysis.groups[group]
        let balance = g.funders.first { $0.bank == bank }?.balanceCNY ?? 0
        return (balance, g.balanceCNY > 0 ? balance / g.balanceCNY : 0)
    }

    /// Yuan per CSV unit: billions for balances, millions for new lending.
    static func unitScale(_ analysis: PeriodAnalysis) -> Double { analysis.measure == .originations ? 1e6 : 1e9 }

    /// How many bank columns fit.
    static func columnCount(width: Int, banks: Int) -> Int {
        max(1, min(banks, (width - labelWidth - 1) / cellWidth))
    }

    /// Short column headers: initials ("China Construction Bank" → "CCB"), and where two banks
    /// would share them, the first word that tells them apart ("China CITIC Bank" → "CITIC").
    static func abbreviations(_ names: [String]) -> [String] {
        func initials(_ name: String) -> String {
            let words = name.split(separator: " ")
            if words.count == 1 { return String(name.prefix(5)) }
            return String(String(words.compactMap(\.first).filter { $0.isUppercase || $0.isNumber }).prefix(5))
        }
        let short = names.map(initials)
        var counts: [String: Int] = [:]
        for s in short { counts[s, default: 0] += 1 }
        return names.enumerated().map { index, name in
            guard counts[short[index]]! > 1 else { return short[index] }
            let words = name.split(separator: " ")
            let rivals = names.enumerated().filter { $0.offset != index && short[$0.offset] == short[index] }
                .map { $0.element.split(separator: " ") }
            let distinct = words.enumerated().first { position, word in
                rivals.allSatisfy { $0.count <= position || $0[position] != word }
            }?.element ?? words.last!
            return String(distinct.prefix(5))
        }
    }

    static func shade(_ share: Double, glyphs: GlyphSet, digits: Bool) -> String {
        guard share > 0 else { return glyphs.isASCII || digits ? "." : "·" }
        if glyphs.isASCII || digits {
            let tenths = min(9, Int(share * 10))
            return tenths == 0 ? "0" : String(tenths)
        }
        // Shares of one bank in a group's funding: most are small, so the steps are uneven.
        switch share {
        case ..<0.01: return "░"
        case ..<0.03: return "▒"
        case ..<0.10: return "▓"
        default: return "█"
        }
    }

    static func model(_ state: DashboardState, _ analysis: PeriodAnalysis) -> TableModel {
        let banks = Array(topBanks(state, analysis).prefix(20))
        let rows = analysis.groups.enumerated().map { index, group in
            TableModel.Row(id: group.group, cells: [.name(group.group)] + banks.map { bank in
                let (balance, share) = cell(analysis, group: index, bank: bank)
                return TableModel.Cell(NumberFormat.percent(share, decimals: 1), sort: .number(share),
                                       csv: DataTableCSV.number(balance / unitScale(analysis)))
            })
        }
        let unit = analysis.measure == .originations ? "cny_mn" : "cny_bn"
        return TableModel(title: "Pairing matrix, \(analysis.period) (\(analysis.measure == .originations ? "new lending" : "balances"); "
                            + "CSV cells: \(unit) funded; screen: share of the group's funding)",
                          columns: [.init("Group", .fixed(labelWidth), csv: "group")]
                            + banks.map { .init($0, .fixed(cellWidth), .right, csv: "\($0) [\(unit)]") },
                          rows: rows)
    }

    static func draw(_ state: DashboardState, top: Int, into buffer: inout ScreenBuffer) {
        guard let analysis = state.analysis, !analysis.groups.isEmpty else { return }
        let glyphs = state.options.glyphs
        let digits = !state.options.colors || glyphs.isASCII
        let banks = topBanks(state, analysis)
        let columns = columnCount(width: buffer.width, banks: banks.count)
        let cursor = state.matrixCursor(rows: analysis.groups.count, columns: banks.count)
        // Scroll the bank columns so the cursor stays visible.
        let firstColumn = max(0, min(cursor.column - columns + 1, banks.count - columns))
        let legend = digits
            ? "  Cells: tenths of the group's funding from the bank (0 = under 10%, . = none)"
            : "  Cells: share of the group's funding · none ░ <1% ▒ <3% ▓ <10% █ ≥10%"
        buffer.put(legend, x: 0, y: top, style: .muted)
        buffer.put("Group", x: 1, y: top + 1, style: .header, maxWidth: labelWidth - 1)
        let headers = abbreviations(banks)
        for (offset, bank) in banks.dropFirst(firstColumn).prefix(columns).enumerated() {
            _ = bank
            let text = DisplayWidth.fit(headers[firstColumn + offset], width: cellWidth - 1, alignRight: true)
            let selected = firstColumn + offset == cursor.column
            buffer.put(text, x: labelWidth + offset * cellWidth, y: top + 1, style: selected ? Style(.header, bold: true, reverse: true) : .header)
        }
        let maxRows = max(0, buffer.height - top - 5)
        let firstRow = max(0, min(cursor.row - maxRows + 1, analysis.groups.count - maxRows))
        for (index, group) in Array(analysis.groups.enumerated()).dropFirst(firstRow).prefix(maxRows) {
            let y = top + 2 + index - firstRow
            let rowSelected = index == cursor.row
            buffer.put(" " + group.group, x: 0, y: y, style: rowSelected ? .accent : .normal, maxWidth: labelWidth - 1)
            for (column, bank) in Array(banks.enumerated()).dropFirst(firstColumn).prefix(columns) {
                let share = cell(analysis, group: index, bank: bank).share
                let glyph = shade(share, glyphs: glyphs, digits: digits)
                let text = String(repeating: " ", count: cellWidth - 3) + glyph + glyph + " "
                let selected = rowSelected && column == cursor.column
                buffer.put(text, x: labelWidth + (column - firstColumn) * cellWidth, y: y,
                           style: selected ? Style(.accent, bold: true, reverse: true) : .bar)
            }
        }
        // The selected cell's figures.
        let bank = banks[cursor.column]
        let group = analysis.groups[cursor.row]
        let (balance, share) = cell(analysis, group: cursor.row, bank: bank)
        let pairing = analysis.pairing(group: group.group, bank: bank)
        let new = analysis.measure == .originations
        var status = " \(group.group) × \(bank): CNY \(new ? NumberFormat.millions(balance, decimals: 1) + " mn" : NumberFormat.billions(balance, decimals: 2) + " bn") · "
            + "\(NumberFormat.percent(share, decimals: 1)) of the group's"
        if let ofBank = pairing.shareOfBank { status += " · \(NumberFormat.percent(ofBank, decimals: 1)) of the bank's" }
        // The cap figure is on balances whatever the measure.
        if let exposure = pairing.exposureToTier1 { status += " · balance \(NumberFormat.percent(exposure, decimals: 1)) of tier-1" }
        buffer.put(status, x: 0, y: buffer.height - 2, style: .accent)
    }
}
