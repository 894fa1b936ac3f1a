import MarketAnalytics

/// The platform-group table of one period: built once here, drawn by the dashboard and written by
/// `report`, the exports and the clipboard.
public enum OverviewModel {
    /// The currency the screen shows; files carry both.
    public enum Currency: Sendable {
        case cny, usd
    }

    /// Flags E and R are marked so that an estimate is never read as a fact.
    /// A group's flag: its total's and its split's when they differ (`S/E*`: total sourced,
    /// split across banks estimated), else the one flag.
    public static func flagText(_ group: GroupFigures) -> String {
        guard let total = group.totalProvenance, total != group.provenance else { return flagText(group.provenance) }
        return flagText(total) + "/" + flagText(group.provenance)
    }

    public static func flagText(_ flag: Provenance) -> String {
        switch flag {
        case .estimated: return "E*"
        case .recalled: return "R*"
        default: return flag.rawValue
        }
    }

    /// - Parameters:
    ///   - ranked: the groups to show with their rank by size, in display order (filtered and sorted
    ///     by the caller; all groups in rank order for reports).
    ///   - currency: which amount column the screen shows.
    ///   - marked: groups marked for a what-if (shown with + before the rank).
    ///   - target: what Enter opens from a group's row.
    public static func table<Target>(_ analysis: PeriodAnalysis, ranked: [(rank: Int, figures: GroupFigures)],
                                     currency: Currency = .cny, marked: Set<String> = [],
                                     target: (GroupFigures) -> Target? = { _ in nil }) -> DataTable<Target> {
        let new = analysis.measure == .originations
        let unit = new ? "mn" : "bn"
        let scale = new ? 1e6 : 1e9
        let stem = new ? "originations" : "balance"
        let rate = analysis.exchangeRate?.usdCNY
        func amount(_ cny: Double) -> DataTable<Target>.Cell {
            .number(cny, NumberFormat.amount(cny, originations: new), csvValue: cny / scale)
        }
        func dollars(_ usd: Double?) -> DataTable<Target>.Cell {
            guard let usd else { return .number(nil, "n/a", style: .muted) }
            return .number(usd, NumberFormat.amount(usd, originations: new), csvValue: usd / scale)
        }
        let columns: [DataTable<Target>.Column] = [
            .init("#", .fixed(3), .right, csv: "rank"),
            .init("Group", .flexible(min: 10, max: 26), csv: "group"),
            .init("CNY \(unit)", .fixed(9), .right, csv: "\(stem)_cny_\(unit)", onScreen: currency == .cny),
            .init("US$ \(unit)", .fixed(9), .right, csv: "\(stem)_usd_\(unit)", onScreen: currency == .usd),
            .init("Share", .fixed(7), .right, csv: "share_of_market"),
            .init("Of groups", .fixed(9), .right, csv: "share_of_platforms", onScreen: false),
            .init("Δ pp", .fixed(6), .right, csv: "change_pp"),
            .bar("bar", .flexible(min: 0, max: 200)),
            .init("Flag", .fixed(5), csv: "flag"),
            .init("Total flag", .fixed(5), csv: "total_flag", onScreen: false, inText: false),
            .init("Source", .flexible(min: 10, max: 80), csv: "source", onScreen: false, inText: false),
        ] + (new ? [.init("Bad", .fixed(6), .right, csv: "bad_share_of_amount", onScreen: false)] : [])
        let rows = ranked.map { entry -> DataTable<Target>.Row in
            let g = entry.figures
            let flagged = g.provenance == .estimated || g.provenance == .recalled
            var cells: [DataTable<Target>.Cell] = [
                DataTable<Target>.Cell((marked.contains(g.group) ? "+" : "") + String(entry.rank),
                                       style: marked.contains(g.group) ? .accent : nil,
                                       sort: .number(Double(entry.rank)), csv: String(entry.rank)),
                .name(g.group),
                amount(g.balanceCNY),
                dollars(g.balanceUSD),
                .number(g.shareOfMarket, NumberFormat.percent(g.shareOfMarket)),
                .number(g.shareOfPlatforms, NumberFormat.percent(g.shareOfPlatforms)),
                .number(g.changePP, g.changePP.map { NumberFormat.signed($0) } ?? "n/a"),
                .screenOnly("", sort: .number(g.shareOfMarket)),
                DataTable<Target>.Cell(flagText(g), style: flagged ? .estimate : nil,
                                       sort: .text(g.provenance.rawValue), csv: g.provenance.rawValue),
                DataTable<Target>.Cell(g.totalProvenance.map(flagText) ?? "", sort: .text(g.totalProvenance?.rawValue ?? ""),
                                       csv: g.totalProvenance?.rawValue ?? ""),
                DataTable<Target>.Cell(g.source, sort: .text(g.source)),
            ]
            if new { cells.append(percentCell(analysis.badShare[g.group], decimals: 1)) }
            return DataTable<Target>.Row(id: g.group, cells: cells, target: target(g))
        }
        var footer: [DataTable<Target>.Row] = []
        if analysis.marketTotal != nil {
            var cells: [DataTable<Target>.Cell] = [
                .screenOnly(""), .name("others (unreported)", style: .muted),
                amount(analysis.othersCNY), dollars(rate.map { analysis.othersCNY / $0 }),
                .number(analysis.othersShare, NumberFormat.percent(analysis.othersShare), style: .muted),
                .screenOnly(""), .screenOnly(""), .screenOnly("", sort: .number(analysis.othersShare)), .screenOnly(""),
                .screenOnly(""), DataTable<Target>.Cell(analysis.marketTotal?.source ?? ""),
            ]
            cells[2].style = .muted
            cells[3].style = .muted
            if new { cells.append(.screenOnly("")) }
            footer.append(DataTable<Target>.Row(id: "others (unreported)", cells: cells))
        }
        return DataTable(title: "Platform groups, \(analysis.period)", columns: columns, rows: rows, footer: footer)
    }

    /// A fraction shown as a percentage and exported as the fraction; n/a when unknown. `over` marks
    /// a cap breach (`!` in force, `~` before the rule existed), with the decimals that tell the
    /// value from `cap`.
    public static func percentCell<Target>(_ value: Double?, decimals: Int = 1, over: Bool = false,
                                           state: RuleCalendar.State = .inForce, cap: Double? = nil) -> DataTable<Target>.Cell {
        guard let value else { return .number(nil, "n/a", style: .muted) }
        // The rule calendar's mark: ! in force, » in transition, ~ not yet.
        let inForce = state.applies
        let mark = over ? state.mark + " " : ""
        let text = cap.map { NumberFormat.percent(value, decimals: decimals, distinctFrom: $0) }
            ?? NumberFormat.percent(value, decimals: decimals)
        return .number(value, mark + text, style: over ? (inForce ? .warning : .accent) : nil)
    }

    /// The index panel's figures as a table: every index with its value and convention, so the
    /// overview's export and the text report carry the same numbers the screen shows.
    public static func indices(_ analysis: PeriodAnalysis) -> DataTable<Never> {
        let i = analysis.indices
        let b = analysis.bounds
        func row(_ id: String, _ label: String, _ value: Double?, _ decimals: Int, _ convention: String,
                 percent: Bool = false) -> DataTable<Never>.Row {
            let text = value.map { percent ? NumberFormat.percent($0) : NumberFormat.grouped($0, decimals: decimals) } ?? "n/a"
            return DataTable<Never>.Row(id: id, cells: [.name(id), .name(label), .number(value, text), .name(convention)])
        }
        let g = Glossary.definition
        let rows = [
            row("hhi", "HHI, market (lower bound)", i.hhi, 1, g("hhi")),
            row("hhi_upper", "HHI, market (upper bound)", i.hhiUpper, 1, g("hhi_upper") + "; assumes " + b.assumption.text),
            row("hhi_upper_no_assumption", "HHI, market (upper bound, no assumption)", i.hhiUpperNoAssumption, 1,
                g("hhi_upper_no_assumption")),
            row("hhi_platforms", "HHI among groups", i.hhiPlatforms, 1, g("hhi_platforms")),
            row("hhi_normalized", "HHI among groups, normalised", i.hhiNormalized, 4, g("hhi_normalized")),
            row("cr1", "CR1", i.cr1, 4, g("cr"), percent: true),
            row("cr3", "CR3", i.cr3, 4, g("cr"), percent: true),
            row("cr4", "CR4", i.cr4, 4, g("cr"), percent: true),
            row("cr5", "CR5", i.cr5, 4, g("cr"), percent: true),
            row("cr8", "CR8", i.cr8, 4, g("cr"), percent: true),
            row("equivalent_firms", "Equivalent number of firms", i.equivalentFirms, 2, g("equivalent_firms")),
            row("gini", "Gini", i.gini, 4, g("gini")),
            row("gini_corrected", "Gini, corrected", i.giniCorrected, 4, g("gini")),
            row("entropy", "Entropy", i.entropy, 4, g("entropy")),
            row("entropy_relative", "Entropy, relative", i.entropyRelative, 4, g("entropy")),
            row("theil_t", "Theil T", i.theilT, 4, g("theil_t")),
            row("hall_tideman", "Hall–Tideman", i.hallTideman, 4, g("hall_tideman")),
            row("dominance", "Dominance (García-Alba)", i.dominance, 4, g("dominance")),
            row("linda", "Linda", i.linda, 4, g("linda")),
        ]
        return DataTable(title: "Concentration, \(analysis.period)",
                         columns: [.init("Key", .fixed(24), csv: "index", onScreen: false),
                                   .init("Index", .flexible(min: 10, max: 40), csv: "label"),
                                   .init("Value", .fixed(10), .right, csv: "value"),
                                   .init("Convention", .flexible(min: 10, max: 80), csv: "convention")],
                         rows: rows)
    }
}
