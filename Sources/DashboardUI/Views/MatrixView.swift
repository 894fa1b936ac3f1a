import MarketAnalytics
import MarketReport
import TerminalText

/// What a matrix cell's shade measures (`s` toggles): from the group's side or the bank's.
public enum MatrixShading: Sendable, Hashable {
    /// The pairing's share of the group's funding: which banks a platform leans on.
    case shareOfGroup
    /// The pairing's share of the bank's platform funding: which banks depend on one platform
    /// (a small bank funding only Ant is 100% here, near nothing from Ant's side).
    case shareOfBank

    var legendName: String {
        switch self {
        case .shareOfGroup: return "share of the group's funding"
        case .shareOfBank: return "share of the bank's platform funding"
        }
    }

    /// The same, after "tenths of".
    var tenthsOf: String {
        switch self {
        case .shareOfGroup: return "the group's funding"
        case .shareOfBank: return "the bank's platform funding"
        }
    }

    /// Upper limits of the first three shades; the fourth is anything above.
    var steps: [Double] {
        switch self {
        // Shares of one bank in a group's funding: most are small, so the steps are uneven.
        case .shareOfGroup: return [0.01, 0.03, 0.10]
        case .shareOfBank: return [0.10, 0.25, 0.50]
        }
    }
}

/// Platform groups × the banks that fund the most: each cell is shaded by the pairing's share
/// of the group's funding, or of the bank's (`s`). Shades are block glyphs in UTF-8, digits
/// (tenths) in ASCII or without colour, so the figure never depends on colour.
enum MatrixView {
    static let labelWidth = 18
    static let cellWidth = 6

    /// The banks ranked by total platform funding in the period, largest first.
    static func topBanks(_ state: DashboardState, _ analysis: PeriodAnalysis) -> [String] {
        var totals: [String: Double] = [:]
        for group in analysis.groups { for funder in group.funders { totals[funder.bank, default: 0] += funder.balanceCNY } }
        return totals.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map(\.key)
    }

    /// Balance of a group × bank pairing and its share of the group's funding.
    static func cell(_ group: GroupFigures, bank: String) -> (balance: Double, share: Double) {
        let balance = group.funders.first { $0.bank == bank }?.balanceCNY ?? 0
        return (balance, group.balanceCNY > 0 ? balance / group.balanceCNY : 0)
    }

    /// The share a cell is shaded by.
    static func shadedShare(_ analysis: PeriodAnalysis, _ group: GroupFigures, bank: String, _ shading: MatrixShading) -> Double {
        switch shading {
        case .shareOfGroup: return cell(group, bank: bank).share
        case .shareOfBank: return analysis.pairing(group: group.group, bank: bank).shareOfBank ?? 0
        }
    }

    /// Yuan per CSV unit: billions for balances, millions for new lending.
    static func unitScale(_ analysis: PeriodAnalysis) -> Double { analysis.measure == .originations ? 1e6 : 1e9 }

    /// How many bank columns fit.
    static func columnCount(width: Int, banks: Int) -> Int {
        max(1, min(banks, (width - labelWidth - 1) / cellWidth))
    }

    /// Short column headers: initials ("China Construction Bank" → "CCB"), and where two banks
    /// would share them, the first word that tells them apart ("China CITIC Bank" → "CITIC").
    static func abbreviations(_ names: [String], width: Int = cellWidth - 1) -> [String] {
        /// At most `width` cells (a CJK character takes two).
        func fit(_ text: Substring) -> String {
            var out = ""
            for character in text {
                guard DisplayWidth.of(out + String(character)) <= width else { break }
                out.append(character)
            }
            return out
        }
        func initials(_ name: String) -> String {
            let words = name.split(separator: " ")
            if words.count == 1 { return fit(Substring(name)) }
            return fit(Substring(String(words.compactMap(\.first).filter { $0.isUppercase || $0.isNumber })))
        }
        let short = names.map(initials)
        var counts: [String: Int] = [:]
        for s in short { counts[s, default: 0] += 1 }
        let codes = names.enumerated().map { index, name -> String in
            guard counts[short[index]]! > 1 else { return short[index] }
            let rivals = names.enumerated().filter { $0.offset != index && short[$0.offset] == short[index] }.map(\.element)
            // One-word names (CJK names have no spaces): what follows the prefix they share.
            if !name.contains(" ") {
                let common = ([name] + rivals).reduce(name) { prefix, other in String(zip(prefix, other).prefix { $0 == $1 }.map(\.0)) }
                let rest = name.dropFirst(common.count)
                return rest.isEmpty ? fit(Substring(name)) : fit(rest)
            }
            let words = name.split(separator: " ")
            let rivalWords = rivals.map { $0.split(separator: " ") }
            let distinct = words.enumerated().first { position, word in
                rivalWords.allSatisfy { $0.count <= position || $0[position] != word }
            }?.element ?? words.last!
            return fit(distinct)
        }
        // Codes still shared (three-way collisions): numbered, so no two columns read the same.
        var seen: [String: Int] = [:]
        let repeated = Dictionary(grouping: codes, by: { $0 }).filter { $0.value.count > 1 }
        return codes.map { code in
            guard repeated[code] != nil else { return code }
            seen[code, default: 0] += 1
            let number = String(seen[code]!)
            return fit(Substring(String(code.prefix(max(1, code.count - number.count))) + number))
        }
    }

    static func shade(_ share: Double, glyphs: GlyphSet, digits: Bool, shading: MatrixShading = .shareOfGroup) -> String {
        guard share > 0 else { return glyphs.isASCII || digits ? "." : "·" }
        if glyphs.isASCII || digits {
            // Tenths, 0 under 10%, and X for all of it (100% must not look like 90%).
            if share >= 1 { return "X" }
            let tenths = min(9, Int(share * 10))
            return String(tenths)
        }
        let steps = shading.steps
        if share < steps[0] { return "░" }
        if share < steps[1] { return "▒" }
        if share < steps[2] { return "▓" }
        return "█"
    }

    /// The legend line for the shading in use.
    static func legend(_ shading: MatrixShading, digits: Bool) -> String {
        if digits {
            return " Tenths of \(shading.tenthsOf): 0 under 10%, X all, . none (s)"
        }
        let steps = shading.steps.map { NumberFormat.percent($0, decimals: 0) }
        // Short enough for 80 columns with every step named.
        return " \(shading.legendName.prefix(1).uppercased() + shading.legendName.dropFirst()): ░<\(steps[0]) ▒<\(steps[1]) "
            + "▓<\(steps[2]) █≥\(steps[2]), · none (s)"
    }

    static func model(_ state: DashboardState, _ analysis: PeriodAnalysis) -> TableModel {
        let banks = Array(topBanks(state, analysis).prefix(20))
        let rows = state.matrixGroups.map { group in
            TableModel.Row(id: group.group, cells: [.name(group.group)] + banks.map { bank in
                let balance = cell(group, bank: bank).balance
                let share = shadedShare(analysis, group, bank: bank, state.matrixShading)
                return TableModel.Cell(NumberFormat.percent(share, decimals: 1), sort: .number(share),
                                       csv: DataTableCSV.number(balance / unitScale(analysis)))
            })
        }
        let unit = analysis.measure == .originations ? "cny_mn" : "cny_bn"
        return TableModel(title: "Pairing matrix, \(analysis.period) (\(analysis.measure == .originations ? "new lending" : "balances"); "
                            + "CSV cells: \(unit) funded; screen: \(state.matrixShading.legendName))",
                          columns: [.init("Group", .fixed(labelWidth), csv: "group")]
                            + banks.map { .init($0, .fixed(cellWidth), .right, csv: "\($0) [\(unit)]") },
                          rows: rows)
    }

    static func draw(_ state: DashboardState, top: Int, into buffer: inout ScreenBuffer) {
        guard let analysis = state.analysis else { return }
        let groups = state.matrixGroups
        guard !groups.isEmpty else {
            let text = state.filter.isEmpty ? "  no groups in \(analysis.period)"
                : "  no group matches \"\(state.filter)\" (Esc clears the search)"
            buffer.put(text, x: 0, y: top, style: .muted)
            return
        }
        let glyphs = state.options.glyphs
        let digits = !state.options.colors || glyphs.isASCII
        let banks = topBanks(state, analysis)
        let columns = columnCount(width: buffer.width, banks: banks.count)
        let cursor = state.matrixCursor(rows: groups.count, columns: banks.count)
        // Scroll the bank columns so the cursor stays visible.
        let firstColumn = max(0, min(cursor.column - columns + 1, banks.count - columns))
        buffer.put(TextFit.truncateAtWord(legend(state.matrixShading, digits: digits), width: buffer.width, ascii: glyphs.isASCII),
                   x: 0, y: top, style: .muted)
        buffer.put("Group", x: 1, y: top + 1, style: .header, maxWidth: labelWidth - 1)
        let headers = abbreviations(banks)
        for (offset, bank) in banks.dropFirst(firstColumn).prefix(columns).enumerated() {
            _ = bank
            let text = DisplayWidth.fit(headers[firstColumn + offset], width: cellWidth - 1, alignRight: true)
            let selected = firstColumn + offset == cursor.column
            buffer.put(text, x: labelWidth + offset * cellWidth, y: top + 1, style: selected ? Style(.header, bold: true, reverse: true) : .header)
        }
        let maxRows = max(0, buffer.height - top - 5)
        let firstRow = max(0, min(cursor.row - maxRows + 1, groups.count - maxRows))
        for (index, group) in Array(groups.enumerated()).dropFirst(firstRow).prefix(maxRows) {
            let y = top + 2 + index - firstRow
            let rowSelected = index == cursor.row
            buffer.put(" " + group.group, x: 0, y: y, style: rowSelected ? .accent : .normal, maxWidth: labelWidth - 1)
            for (column, bank) in Array(banks.enumerated()).dropFirst(firstColumn).prefix(columns) {
                let share = shadedShare(analysis, group, bank: bank, state.matrixShading)
                let glyph = shade(share, glyphs: glyphs, digits: digits, shading: state.matrixShading)
                // Blocks twice for a wider mark; a digit once ("11" would read as eleven).
                let mark = digits ? " " + glyph : glyph + glyph
                let text = String(repeating: " ", count: cellWidth - 3) + mark + " "
                let selected = rowSelected && column == cursor.column
                buffer.put(text, x: labelWidth + (column - firstColumn) * cellWidth, y: y,
                           style: selected ? Style(.accent, bold: true, reverse: true) : .bar)
            }
        }
        // The selected cell's figures.
        let bank = banks[cursor.column]
        let group = groups[cursor.row]
        let (balance, share) = cell(group, bank: bank)
        let pairing = analysis.pairing(group: group.group, bank: bank)
        let new = analysis.measure == .originations
        // Whole fields: the names, the amount and the share the cells shade stay; the other share
        // goes first when the line is full.
        let amount: String
        if state.units == .usd, let rate = analysis.exchangeRate {
            let usd = balance / rate.usdCNY
            amount = "US$ " + (new ? NumberFormat.millions(usd, decimals: 1) + " mn" : NumberFormat.billions(usd, decimals: 2) + " bn")
        } else {
            amount = "CNY " + (new ? NumberFormat.millions(balance, decimals: 1) + " mn" : NumberFormat.billions(balance, decimals: 2) + " bn")
        }
        let byGroup = state.matrixShading == .shareOfGroup
        var parts: [PriorityLine.Part] = [
            .init(text: "\(group.group) × \(bank):", priority: 0, shrinksTo: 16),
            .init(text: amount, priority: 0),
            .init(text: "\(NumberFormat.percent(share, decimals: 1)) of the group's", priority: byGroup ? 0 : 1),
        ]
        if let ofBank = pairing.shareOfBank {
            parts.append(.init(text: "\(NumberFormat.percent(ofBank, decimals: 1)) of the bank's", priority: byGroup ? 1 : 0))
        }
        // The cap figure is on balances whatever the measure.
        if let exposure = pairing.exposureToTier1 {
            parts.append(.init(text: "balance \(NumberFormat.percent(exposure, decimals: 1)) of tier-1", priority: 0))
        }
        let line = PriorityLine(parts: parts, separator: glyphs.isASCII ? " - " : " · ").fit(width: buffer.width)
        buffer.put(line.text, x: 0, y: buffer.height - 2, style: .accent)
    }
}
