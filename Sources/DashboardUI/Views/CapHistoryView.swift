import MarketAnalytics
import MarketReport

/// One bank's two caps over every period: the ratio, its limit and the rule's state, as bars
/// (the chart: each bar column is drawn against a scale that includes its cap, pinned as the
/// footer row) beside the figures (the table), with the base each ratio divides by.
enum CapHistoryView {
    static func model(bank: String, _ state: DashboardState) -> TableModel {
        let analyses = state.analyses
        let rows = analyses.map { analysis -> TableModel.Row in
            let dependence = analysis.dependence(of: bank)
            let capState = ColendingCap.state(on: analysis.period.endDate)
            func ratioCells(_ cap: ColendingCap) -> [TableModel.Cell] {
                guard let dependence else {
                    return [TableModel.Cell("", sort: .none, csv: ""), .screenOnly(""), TableModel.Cell("", sort: .none, csv: "")]
                }
                guard let value = dependence.ratio(cap) else {
                    let why = dependence.ratioUnavailable(cap) ?? ""
                    return [TableModel.Cell("n/a", style: .muted, sort: .none, csv: ""), .screenOnly(""),
                            TableModel.Cell(why, style: .muted, sort: .text(why), csv: why)]
                }
                let over = dependence.isOver(cap)
                let warn = dependence.isWarning(cap, warnAt: state.requestedKey.warnAt)
                let status = over ? "\(capState.mark) over" : warn ? "warning" : "within"
                let base = dependence.base(cap)
                let stale = base?.isStale == true ? " stale†" : ""
                return [ViewModels.percent(value, over: over, state: capState, cap: cap.limit),
                        .screenOnly("", sort: .number(value)),
                        TableModel.Cell(status + stale, style: over ? (capState.applies ? .warning : .accent) : warn ? .accent : nil,
                                        sort: .text(status), csv: over ? "breach" : warn ? "warning" : "within")]
            }
            // The earlier of the two caps' projected breaches, named by its cap.
            let projection = ColendingCap.allCases.compactMap { cap in
                dependence?.projections[cap]?.breachPeriod.map { (cap: cap, period: $0) }
            }.min { $0.period < $1.period }
            return TableModel.Row(id: analysis.period.description, cells: [
                .name(analysis.period.description),
            ] + ratioCells(.singlePartner) + ratioCells(.aggregate) + [
                TableModel.Cell(RuleModels.stateWords(capState), sort: .text(capState.code), csv: capState.code),
                .name(dependence?.figures?.capital.map { ($0.period?.description ?? "undated") } ?? ""),
                .name(projection.map { "\($0.cap == .singlePartner ? "25%" : "50%") cap in \($0.period)" } ?? ""),
            ])
        }
        let limits = TableModel.Row(id: "limit", cells: [
            .name("cap"),
            .number(ColendingCap.singlePartner.limit, NumberFormat.percent(ColendingCap.singlePartner.limit, decimals: 1)),
            .screenOnly("", sort: .number(ColendingCap.singlePartner.limit)), .name(""),
            .number(ColendingCap.aggregate.limit, NumberFormat.percent(ColendingCap.aggregate.limit, decimals: 1)),
            .screenOnly("", sort: .number(ColendingCap.aggregate.limit)), .name(""),
            .name(""), .name(""), .name(""),
        ])
        let breaches = analyses.filter { $0.dependence(of: bank)?.breachesAnyCap == true }.map(\.period.description)
        let relatedTo = analyses.last?.dependence(of: bank)?.relatedPartners.sorted() ?? []
        return TableModel(
            title: "\(bank): caps over time",
            summary: [
                ("  Largest partner (related parties included) over net tier-1 capital, cap 25%; all co-lending over total "
                 + "loans, cap 50%; bars against the cap row", .normal),
                (breaches.isEmpty ? "  never over a cap" : "  over a cap in \(breaches.count) period\(breaches.count == 1 ? "" : "s")",
                 breaches.isEmpty ? .good : .warning),
                ("  ! in force · » transition until \(RuleCalendar.rectificationDeadlineExtended) · ~ not yet · stale† base "
                 + "over \(BankFigures.staleAfter) periods old · projected: a projection, not a finding"
                 + (relatedTo.isEmpty ? "" : " · bank related to \(relatedTo.joined(separator: ", "))"), .muted),
            ],
            columns: [
                .init("Period", .fixed(7), csv: "period"),
                .init("Exp/T1", .fixed(10), .right, csv: "max_exposure_to_tier1"),
                .bar("", .flexible(min: 4, max: 20)),
                .init("25% cap", .fixed(12), csv: "single_partner_status", priority: 1),
                .init("Colend", .fixed(8), .right, csv: "colending_to_total_loans"),
                .bar("", .flexible(min: 4, max: 20)),
                .init("50% cap", .fixed(12), csv: "aggregate_status", priority: 1),
                .init("Rule", .fixed(10), csv: "state", priority: 2),
                .init("Capital of", .fixed(10), csv: "capital_period", priority: 3),
                .init("Projected breach", .fixed(17), csv: "projected_breach", priority: 4),
            ],
            rows: rows, footer: [limits])
    }
}
