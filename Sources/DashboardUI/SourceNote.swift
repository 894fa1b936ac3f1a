import MarketAnalytics
import MarketReport

/// The status line's account of where the selected row's figure comes from: its flag in words
/// and its source note, from the rows of the data files behind it.
enum SourceNote {
    static func text(_ flag: Provenance, total: Provenance?, source: String, ascii: Bool) -> String {
        let flags = total.map { $0 == flag ? OverviewModel.flagText(flag) : OverviewModel.flagText($0) + "/" + OverviewModel.flagText(flag) }
            ?? OverviewModel.flagText(flag)
        let meaning = total.flatMap { $0 == flag ? nil : "total \($0.label), split across banks \(flag.label)" } ?? flag.label
        return "\(flags): \(meaning)\(ascii ? " - " : " · ")\(source.isEmpty ? "no source note" : source)"
    }

    /// The selected list row's note, for the views whose rows stand for data rows.
    static func note(view: ViewKind, rowID: String, _ state: DashboardState) -> String? {
        guard let dataset = state.snapshot?.dataset, let analysis = state.analysis else { return nil }
        let ascii = state.options.glyphs.isASCII
        func pairing(period: Period, group: String, bank: String) -> String? {
            if analysis.measure == .originations { return "new lending from the loan files (loans/*.csv)" }
            let source = period == analysis.period ? analysis.pairingSources[bank]?[group]
                : state.analyses.first { $0.period == period }?.pairingSources[bank]?[group]
            return source.map { text($0.flag, total: $0.totalFlag, source: $0.source, ascii: ascii) }
        }
        switch view {
        case .banks:
            // The caps' denominators: the bank's capital and loans, from the row in effect in the period.
            return dataset.banks[rowID].map { profile in
                let figures = profile.figures(at: analysis.period)
                guard let capital = figures.capital else { return "no capital figure for \(analysis.period)" }
                let row = profile.figureRows.first { $0.period == capital.period && $0.tier1CapitalCNY != nil }
                let loans = figures.totalLoans.map { $0.period == capital.period ? "" : "; loans of \($0.period.map { "\($0)" } ?? "an undated row")" }
                    ?? "; no total loans figure"
                return "capital " + (capital.period.map { "of \($0) " } ?? "(undated) ")
                    + text(row?.provenance ?? profile.provenance, total: nil, source: row?.source ?? profile.source, ascii: ascii) + loans
            }
        case .platform(let group):
            return pairing(period: analysis.period, group: group, bank: rowID)
        case .bank(let bank):
            return pairing(period: analysis.period, group: rowID, bank: bank)
        case .pairing(let group, let bank):
            return Period(rowID).flatMap { pairing(period: $0, group: group, bank: bank) }
        default:
            return nil
        }
    }
}
