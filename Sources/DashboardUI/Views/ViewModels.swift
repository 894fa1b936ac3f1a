import MarketAnalytics
import MarketReport
import TerminalText

/// Builds each view's table from the state. Pure: the same state gives the same model.
enum ViewModels {
    static func model(for view: ViewKind, _ state: DashboardState) -> TableModel? {
        guard let analysis = state.analysis else { return nil }
        switch view {
        case .overview: return overview(state, analysis)
        case .platform(let group): return platform(group, state, analysis)
        case .banks: return banks(state, analysis)
        case .bank(let name): return bank(name, state, analysis)
        case .matrix: return MatrixView.model(state, analysis)
        case .pairing(let group, let bank): return pairing(group: group, bank: bank, state)
        case .trends: return TrendsView.model(state)
        case .merger: return merger(state, analysis)
        case .alerts: return alerts(analysis)
        case .indebtedness: return IndebtednessView.model(state, analysis)
        case .overlapPair(let a, let b): return IndebtednessView.pairModel(a: a, b: b, state)
        case .pricing: return PricingView.model(state, analysis)
        case .pricingGroup(let group): return PricingView.groupModel(group, state)
        case .capHistory(let bank): return CapHistoryView.model(bank: bank, state)
        }
    }

    // MARK: Formatting

    static func currency(_ state: DashboardState) -> OverviewModel.Currency { state.units == .cny ? .cny : .usd }

    /// The amount column's title and CSV name for the measure and units, e.g. `CNY bn` / `balance_cny_bn`.
    static func amountColumn(_ state: DashboardState, stem: String? = nil) -> (title: String, csv: String) {
        let new = state.measure == .originations
        let unit = new ? "mn" : "bn"
        let currency = state.units == .cny ? "cny" : "usd"
        return ((state.units == .cny ? "CNY " : "US$ ") + unit, "\(stem ?? (new ? "originations" : "balance"))_\(currency)_\(unit)")
    }

    /// An amount in the measure's unit (billions of balances, millions of new lending) and currency.
    static func amount(_ cny: Double, _ state: DashboardState, _ analysis: PeriodAnalysis,
                       balances: Bool = false) -> TableModel.Cell {
        let new = analysis.measure == .originations && !balances
        let scale = new ? 1e6 : 1e9
        switch state.units {
        case .cny:
            return .number(cny, NumberFormat.amount(cny, originations: new), csvValue: cny / scale)
        case .usd:
            guard let rate = analysis.exchangeRate else { return .number(nil, "n/a") }
            let usd = cny / rate.usdCNY
            return .number(usd, NumberFormat.amount(usd, originations: new), csvValue: usd / scale)
        }
    }

    /// A fraction shown as a percentage and exported as the fraction; `over` marks a cap breach
    /// (`!` in force, `~` before the rule existed).
    static func percent(_ value: Double?, decimals: Int = 1, over: Bool = false, state: RuleCalendar.State = .inForce,
                        cap: Double? = nil) -> TableModel.Cell {
        OverviewModel.percentCell(value, decimals: decimals, over: over, state: state, cap: cap)
    }

    static func flag(_ provenance: Provenance) -> TableModel.Cell {
        let marked = provenance == .estimated || provenance == .recalled
        return TableModel.Cell(OverviewModel.flagText(provenance), style: marked ? .estimate : nil,
                               sort: .text(provenance.rawValue), csv: provenance.rawValue)
    }

    /// The line every cap view shows: what the caps are, their basis, and whether they were in force.
    static func capNote(_ analysis: PeriodAnalysis) -> String {
        let basis = analysis.measure == .originations ? "on outstanding balances, not new lending" : "on balances"
        let force = ColendingCap.isInForce(on: analysis.period.endDate)
            ? "CBIRC 2021" : "not yet in force in \(analysis.period): ~ marks what would breach"
        return "caps \(basis): ≤ 25% of tier-1 per partner, ≤ 50% of loans in all (\(force))"
    }

    /// Runs of consecutive periods where `flags` holds, as ranges: "2019Q2–2021Q2, 2021Q4". A
    /// period missing from the data ends a run: 2020Q4 and 2022Q1 are two runs, not one.
    static func periodRuns(_ periods: [Period], _ flags: [Bool], ascii: Bool) -> [String] {
        var runs: [String] = []
        var start: Int?
        let dash = ascii ? "-" : "–"
        for index in periods.indices where index < flags.count {
            if flags[index], start == nil { start = index }
            let continues = index + 1 < periods.count && index + 1 < flags.count && flags[index + 1]
                && periods[index + 1].distance(from: periods[index]) == 1
            let ends = start != nil && !continues
            if ends, let first = start {
                runs.append(first == index ? "\(periods[index])" : "\(periods[first])\(dash)\(periods[index])")
                start = nil
            }
        }
        return runs
    }

    // MARK: Views

    static func overview(_ state: DashboardState, _ analysis: PeriodAnalysis) -> TableModel {
        OverviewModel.table(analysis, ranked: state.rows.map { ($0.rank, $0.figures) }, currency: currency(state),
                            marked: state.markedGroups, target: { ViewKind.platform($0.group) })
    }

    static func platform(_ group: String, _ state: DashboardState, _ analysis: PeriodAnalysis) -> TableModel {
        guard let figures = analysis.groups.first(where: { $0.group == group }) else {
            return TableModel(title: group, summary: [("  \(group) has no \(analysis.measure == .originations ? "new lending" : "balances") in \(analysis.period)", .muted)],
                              columns: [.init("Bank", .flexible(min: 10, max: 40), csv: "bank")], rows: [])
        }
        let dataset = state.snapshot!.dataset
        let inForce = ColendingCap.isInForce(on: analysis.period.endDate)
        let column = amountColumn(state)
        let rows = figures.funders.map { funder -> TableModel.Row in
            let own = dataset.isOwnLender(funder.bank, of: group)
            let pairing = analysis.pairing(group: group, bank: funder.bank)
            return TableModel.Row(id: funder.bank, cells: [
                .name(funder.bank),
                TableModel.Cell(own ? "own lending arm" : dataset.banks[funder.bank]?.type ?? "",
                                sort: .text(own ? "own lending arm" : dataset.banks[funder.bank]?.type ?? ""),
                                short: own ? "OWN" : TypeCode.code(dataset.banks[funder.bank]?.type ?? "")),
                amount(funder.balanceCNY, state, analysis),
                percent(funder.balanceCNY / figures.balanceCNY),
                .screenOnly("", sort: .number(funder.balanceCNY)),
                own ? TableModel.Cell("own", style: .muted, sort: .none, csv: "") : percent(pairing.shareOfBank),
                own ? TableModel.Cell("own", style: .muted, sort: .none, csv: "")
                    : percent(pairing.exposureToTier1, over: pairing.overCap, state: pairing.capState, cap: ColendingCap.singlePartner.limit),
            ], target: .pairing(group: group, bank: funder.bank))
        }
        let new = analysis.measure == .originations
        let products = figures.platforms.map { "\($0.name) \(NumberFormat.amount($0.balanceCNY, originations: new))" }
            .joined(separator: " · ")
        return TableModel(
            title: group,
            summary: [
                ("  \(group): CNY \(NumberFormat.amount(figures.balanceCNY, originations: new)) \(new ? "mn new lending" : "bn"), "
                    + "\(NumberFormat.percent(figures.shareOfMarket)) of the \(analysis.marketTotal == nil ? "groups" : "market")"
                    + " · funder HHI \(NumberFormat.grouped(figures.funderHHI, decimals: 0))"
                    + " · own-funded \(NumberFormat.percent(figures.ownFundedShare, decimals: 1))"
                    + " · \(figures.funders.count) funders", .normal),
                ("  Products (CNY \(new ? "mn" : "bn")): \(products)", .muted),
                ("  Exp/T1: \(capNote(analysis))", .muted),
            ],
            columns: [
                .init("Bank", .flexible(min: 20, max: 40), csv: "bank"),
                .init("Type", .flexible(min: 12, max: 18), csv: "type", priority: 3, compact: .fixed(4)),
                .init(column.title, .fixed(8), .right, csv: column.csv),
                .init("Of group", .fixed(8), .right, csv: "share_of_group", priority: 1),
                .bar("", .flexible(min: 6, max: 24)),
                .init("Bank dep.", .fixed(9), .right, csv: "share_of_bank", priority: 2),
                .init("Exp/T1", .fixed(10), .right, csv: "balance_to_tier1"),
            ],
            rows: rows, defaultSort: (column: 2, descending: true))
    }

    static func banks(_ state: DashboardState, _ analysis: PeriodAnalysis) -> TableModel {
        var model = RuleModels.banks(analysis, currency: currency(state), target: { ViewKind.bank($0.bank) })
        let breaches = analysis.banks.filter { $0.breachesSinglePartnerCap || $0.breachesAggregateCap }.count
        let pairs = analysis.banks.reduce(0) { $0 + $1.partnersOverCap.count }
        let inForce = ColendingCap.isInForce(on: analysis.period.endDate)
        model.title = "Banks"
        model.summary = [("  \(analysis.banks.count) banks co-lend with platforms · \(breaches) \(inForce ? "over" : "would be over") a cap "
                          + "· \(pairs) bank × partner pair\(pairs == 1 ? "" : "s") over 25%", breaches > 0 ? .warning : .normal),
                         ("  " + capNote(analysis), .muted)]
        return model
    }

    static func bank(_ name: String, _ state: DashboardState, _ analysis: PeriodAnalysis) -> TableModel {
        let dataset = state.snapshot!.dataset
        let funding = analysis.funding(of: name, dataset: dataset)
        let profile = funding.profile
        let column = amountColumn(state)
        let rows = funding.rows.map { row -> TableModel.Row in
            TableModel.Row(id: row.group, cells: [
                .name(row.group), amount(row.amountCNY, state, analysis), percent(row.shareOfBank),
                .screenOnly("", sort: .number(row.amountCNY)),
                row.isOwnLender ? TableModel.Cell("own", style: .muted, sort: .none, csv: "")
                    : percent(row.exposureToTier1, over: row.overCap, state: funding.capState, cap: ColendingCap.singlePartner.limit),
            ], target: .pairing(group: row.group, bank: name))
        }
        let dependence = funding.dependence
        var facts = ["  \(profile?.type ?? "bank")"]
        if let region = profile?.region, !region.isEmpty { facts.append(region) }
        let figures = profile?.figures(at: analysis.period)
        func dated(_ figure: BankFigures.Figure) -> String {
            (figure.period.map { " (\($0))" } ?? "") + (figure.isStale ? " stale†" : "")
        }
        if let tier1 = figures?.capital { facts.append("tier-1 CNY \(NumberFormat.billions(tier1.valueCNY)) bn" + dated(tier1)) }
        else if profile != nil { facts.append("no capital figure for \(analysis.period)") }
        if let loans = figures?.totalLoans { facts.append("loans CNY \(NumberFormat.billions(loans.valueCNY)) bn" + dated(loans)) }
        else if profile != nil { facts.append("no total loans figure for \(analysis.period)") }
        let relatedTo = dependence?.relatedPartners.sorted() ?? []
        if !relatedTo.isEmpty { facts.append("related to partner \(relatedTo.joined(separator: ", "))") }
        if profile?.onlineOnly == true { facts.append("online-only (exempt from the regional rule)") }
        let over = dependence?.breachesAggregateCap == true
        let colending = dependence?.colendingToTotalLoans.map {
            "co-lending balance \(NumberFormat.percent($0, decimals: 1)) of total loans (cap 50%\(over ? (funding.capInForce ? ", over" : ", would be over") : ""))"
        } ?? "co-lending / loans n/a"
        return TableModel(
            title: name,
            summary: [(facts.joined(separator: " · "), .normal),
                      ("  platform-sourced balance CNY \(NumberFormat.billions(dependence?.platformSourcedCNY ?? 0)) bn · partner HHI "
                       + "\(NumberFormat.grouped(dependence?.partnerHHI ?? 0, decimals: 0)) · \(colending)",
                       over ? .warning : .normal),
                      ("  Exp/T1: \(capNote(analysis))", .muted)],
            columns: [
                .init("Group", .flexible(min: 20, max: 36), csv: "group"), .init(column.title, .fixed(8), .right, csv: column.csv),
                .init("Of bank", .fixed(8), .right, csv: "share_of_bank", priority: 1), .bar("", .flexible(min: 6, max: 24)),
                .init("Exp/T1", .fixed(10), .right, csv: "balance_to_tier1"),
            ],
            rows: rows, defaultSort: (column: 1, descending: true))
    }

    static func pairing(group: String, bank: String, _ state: DashboardState) -> TableModel {
        let own = state.snapshot?.dataset.isOwnLender(bank, of: group) ?? false
        let column = amountColumn(state)
        let history = state.series?.pairingHistory(group: group, bank: bank) ?? []
        let rows = zip(history, state.analyses).map { figures, analysis -> TableModel.Row in
            let cap: TableModel.Cell = own ? .screenOnly("own", style: .muted)
                : figures.overCap ? TableModel.Cell(figures.capInForce ? "over" : "over (not in force)",
                                                    style: figures.capInForce ? .warning : .accent,
                                                    sort: .text("over"), csv: figures.capInForce ? "over" : "would_breach")
                : TableModel.Cell("", sort: .text(""), csv: "")
            return TableModel.Row(id: figures.period.description, cells: [
                .name(figures.period.description), amount(figures.amountCNY, state, analysis),
                percent(figures.shareOfGroup, decimals: 2),
                percent(figures.shareOfBank),
                own ? .screenOnly("own", style: .muted)
                    : percent(figures.exposureToTier1, over: figures.overCap, state: figures.capState, cap: ColendingCap.singlePartner.limit),
                cap,
            ])
        }
        let values = history.map(\.amountCNY)
        let overPeriods = history.filter(\.overCap).map(\.period.description)
        let runs = periodRuns(history.map(\.period), history.map(\.overCap), ascii: state.options.glyphs.isASCII)
        return TableModel(
            title: "\(group) × \(bank)",
            summary: [("  \(state.measure == .originations ? "New lending" : "Balance") over time "
                       + Sparkline.render(values, glyphs: state.options.glyphs), .normal),
                      (overPeriods.isEmpty ? "  never over 25% of tier-1 capital"
                       : "  over 25% of tier-1 capital in \(overPeriods.count) period\(overPeriods.count == 1 ? "" : "s"): "
                       + runs.joined(separator: ", "), overPeriods.isEmpty ? .good : .warning)],
            columns: [
                .init("Period", .fixed(7), csv: "period"), .init(column.title, .fixed(9), .right, csv: column.csv),
                .init("Of group", .fixed(9), .right, csv: "share_of_group", priority: 2),
                .init("Of bank", .fixed(9), .right, csv: "share_of_bank", priority: 1),
                .init("Exp/T1", .fixed(10), .right, csv: "balance_to_tier1"),
                .init("25% cap", .fixed(19), csv: "cap_status"),
            ],
            rows: rows)
    }

    /// The banks the merger would newly put over 25% of net tier-1 capital with the merged partner.
    static func capBreachesLine(_ merger: MergerAnalysis) -> (String, Emphasis) {
        let created = merger.capBreachesCreated ?? []
        guard !created.isEmpty else { return ("  caps: no bank would newly pass 25% of tier-1 with the merged partner", .good) }
        return ("  caps: \(created.count) bank\(created.count == 1 ? "" : "s") would newly pass 25% of tier-1 with the merged "
                + "partner: " + created.map { "\($0.bank) \(NumberFormat.percent($0.exposureToTier1After, decimals: 1))" }
                    .joined(separator: ", "), .warning)
    }

    static func merger(_ state: DashboardState, _ analysis: PeriodAnalysis) -> TableModel {
        let parties = analysis.groups.map(\.group).filter { state.markedGroups.contains($0) }
        guard let merger = analysis.merger(of: parties, dataset: state.snapshot?.dataset) else {
            return TableModel(title: "What-if", summary: [
                ("  Mark two or more groups with Space on the overview, then press w.", .muted),
            ], columns: [.init("Guideline", .flexible(min: 10, max: 30), csv: "guideline")], rows: [])
        }
        var model: TableModel = RuleModels.merger(merger)
        let shares = parties.map { p in "\(p) \(NumberFormat.percent(analysis.groups.first { $0.group == p }!.shareOfMarket))" }
        let dash = state.options.glyphs.isASCII ? "-" : "–"
        model.summary = [
            ("  \(shares.joined(separator: " + ")) = \(NumberFormat.percent(merger.mergedShare)) merged (static shares)", .normal),
            ("  HHI before \(NumberFormat.grouped(merger.hhiBefore, decimals: 1))\(dash)\(NumberFormat.grouped(merger.boundsBefore.upper, decimals: 1))"
             + " · after \(NumberFormat.grouped(merger.hhiAfter, decimals: 1))\(dash)\(NumberFormat.grouped(merger.boundsAfter.upper, decimals: 1))"
             + " · ΔHHI \(NumberFormat.grouped(merger.deltaHHI, decimals: 1)) (exact)", .accent),
            capBreachesLine(merger),
        ]
        if analysis.verdicts == nil {
            model.summary.append(("  " + (analysis.verdictsUnavailable ?? ""), .warning))
            model.rows = []
        }
        return model
    }

    static func alerts(_ analysis: PeriodAnalysis) -> TableModel {
        var model = RuleModels.alerts(analysis) { alert -> ViewKind? in
            // A group below the co-funding floor opens its pricing over every period.
            if alert.rule == .cofundingFloor, case .group(let group) = alert.subject { return .pricingGroup(group) }
            // A cap alert opens the bank's caps over every period: value, limit and state.
            if alert.rule.cap != nil, let bank = alert.subject.bank { return .capHistory(bank) }
            return alert.subject.bank.map { .bank($0) }
        }
        model.title = "Alerts"
        // A figure is never cut: a co-funding floor's value says its basis (`~ 7.3% by amt`).
        widenToFit(&model, csvNames: ["value", "limit"])
        return model
    }

    /// Widens fixed columns (named by their CSV name) to their longest text, so no figure is cut.
    static func widenToFit(_ model: inout TableModel, csvNames: Set<String>) {
        for index in model.columns.indices where model.columns[index].csvName.map(csvNames.contains) == true {
            let widest = (model.rows + model.footer).map { DisplayWidth.of($0.cells[index].text) }.max() ?? 0
            if case .fixed(let width) = model.columns[index].width, widest > width {
                model.columns[index].width = .fixed(widest)
            }
        }
    }
}

import Foundation
