import MarketAnalytics
import MarketReport

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
        }
    }

    // MARK: Formatting

    static func amountTitle(_ state: DashboardState) -> String { state.units == .cny ? "CNY bn" : "US$ bn" }

    static func amount(_ cny: Double, _ state: DashboardState, _ analysis: PeriodAnalysis) -> TableModel.Cell {
        switch state.units {
        case .cny:
            return .number(cny, NumberFormat.billions(cny))
        case .usd:
            guard let rate = analysis.exchangeRate else { return .number(nil, "n/a") }
            return .number(cny / rate.usdCNY, NumberFormat.billions(cny / rate.usdCNY))
        }
    }

    static func percent(_ value: Double?, decimals: Int = 1, limit: Double? = nil) -> TableModel.Cell {
        guard let value else { return .number(nil, "n/a", style: .muted) }
        let over = limit.map { value > $0 } ?? false
        return .number(value, (over ? "! " : "") + NumberFormat.percent(value, decimals: decimals), style: over ? .warning : nil)
    }

    static func flag(_ provenance: Provenance) -> TableModel.Cell {
        let marked = provenance == .estimated || provenance == .recalled
        return TableModel.Cell(marked ? provenance.rawValue + "*" : provenance.rawValue, style: marked ? .estimate : nil,
                               sort: .text(provenance.rawValue), csv: provenance.rawValue)
    }

    // MARK: Views

    static func overview(_ state: DashboardState, _ analysis: PeriodAnalysis) -> TableModel {
        let rows = state.rows.map { row in
            TableModel.Row(id: row.figures.group, cells: [
                .number(Double(row.rank), String(row.rank)), .name(row.figures.group),
                amount(row.figures.balanceCNY, state, analysis), percent(row.figures.shareOfMarket, decimals: 2),
                .number(row.figures.changePP, row.figures.changePP.map { NumberFormat.signed($0) } ?? "n/a"),
                flag(row.figures.provenance),
            ], target: .platform(row.figures.group))
        }
        return TableModel(title: "Platform groups, \(analysis.period)", columns: [
            .init("#", .fixed(3), .right), .init("Group", .flexible(min: 10, max: 30)),
            .init(amountTitle(state), .fixed(9), .right), .init("Share", .fixed(7), .right),
            .init("Δ pp", .fixed(6), .right), .init("Flag", .fixed(4)),
        ], rows: rows)
    }

    static func platform(_ group: String, _ state: DashboardState, _ analysis: PeriodAnalysis) -> TableModel {
        guard let figures = analysis.groups.first(where: { $0.group == group }) else {
            return TableModel(title: group, summary: [("  \(group) has no balances in \(analysis.period)", .muted)],
                              columns: [.init("Bank", .flexible(min: 10, max: 40))], rows: [])
        }
        let dataset = state.snapshot!.dataset
        let byBank = Dictionary(uniqueKeysWithValues: analysis.banks.map { ($0.bank, $0) })
        let largest = figures.funders.first?.balanceCNY ?? 1
        let rows = figures.funders.map { funder -> TableModel.Row in
            let own = dataset.isOwnLender(funder.bank, of: group)
            let dependence = byBank[funder.bank]
            let exposure = dataset.banks[funder.bank]?.tier1CapitalCNY.map { funder.balanceCNY / $0 }
            let bankShare = dependence.map { funder.balanceCNY / max($0.platformSourcedCNY, 1) }
            return TableModel.Row(id: funder.bank, cells: [
                .name(funder.bank), .name(own ? "own lending arm" : dataset.banks[funder.bank]?.type ?? ""),
                amount(funder.balanceCNY, state, analysis),
                percent(funder.balanceCNY / figures.balanceCNY),
                TableModel.Cell(BarGauge.render(value: funder.balanceCNY, scale: largest, width: 12, glyphs: state.options.glyphs),
                                style: .bar, sort: .number(funder.balanceCNY), csv: ""),
                own ? TableModel.Cell("own", style: .muted, sort: .none, csv: "") : percent(bankShare),
                own ? TableModel.Cell("own", style: .muted, sort: .none, csv: "")
                    : percent(exposure, limit: BankDependence.singlePartnerCap),
            ], target: .bank(funder.bank))
        }
        let products = figures.platforms.map { "\($0.name) \(NumberFormat.billions($0.balanceCNY))" }.joined(separator: " · ")
        return TableModel(
            title: group,
            summary: [
                ("  \(group): CNY \(NumberFormat.billions(figures.balanceCNY)) bn, \(NumberFormat.percent(figures.shareOfMarket)) of the market"
                    + " · funder HHI \(NumberFormat.grouped(figures.funderHHI, decimals: 0))"
                    + " · own-funded \(NumberFormat.percent(figures.ownFundedShare, decimals: 1))"
                    + " · \(figures.funders.count) funders", .normal),
                ("  Products (CNY bn): \(products)", .muted),
            ],
            columns: [
                .init("Bank", .flexible(min: 12, max: 36)), .init("Type", .flexible(min: 8, max: 16)),
                .init(amountTitle(state), .fixed(8), .right), .init("Of group", .fixed(8), .right),
                .init("", .fixed(12)), .init("Bank dep.", .fixed(9), .right), .init("Exp/T1", .fixed(8), .right),
            ],
            rows: rows, defaultSort: (column: 2, descending: true))
    }

    static func banks(_ state: DashboardState, _ analysis: PeriodAnalysis) -> TableModel {
        let breaches = analysis.banks.filter { $0.breachesSinglePartnerCap || $0.breachesAggregateCap }.count
        let rows = analysis.banks.map { b in
            TableModel.Row(id: b.bank, cells: [
                .name(b.bank), .name(b.profile?.type ?? ""),
                TableModel.Cell(b.profile?.onlineOnly == true ? "yes" : "", sort: .text(b.profile?.onlineOnly == true ? "yes" : "")),
                amount(b.platformSourcedCNY, state, analysis), .name(b.topPartner), percent(b.topPartnerShare),
                .number(b.partnerHHI, NumberFormat.grouped(b.partnerHHI, decimals: 0)),
                percent(b.maxExposureToTier1, limit: BankDependence.singlePartnerCap),
                percent(b.colendingToTotalLoans, limit: BankDependence.aggregateCap),
            ], target: .bank(b.bank))
        }
        return TableModel(
            title: "Banks",
            summary: [("  \(analysis.banks.count) banks co-lend with platforms · \(breaches) over a cap (! one partner > 25% of "
                       + "tier-1, all co-lending > 50% of loans; CBIRC, final, Feb 2021)", .normal)],
            columns: [
                .init("Bank", .flexible(min: 12, max: 36)), .init("Type", .flexible(min: 6, max: 16)), .init("Online", .fixed(6)),
                .init(amountTitle(state), .fixed(8), .right), .init("Top partner", .flexible(min: 9, max: 18)),
                .init("Top %", .fixed(6), .right), .init("HHI", .fixed(6), .right), .init("Exp/T1", .fixed(8), .right),
                .init("Colend", .fixed(8), .right),
            ],
            rows: rows, defaultSort: (column: 7, descending: true))
    }

    static func bank(_ name: String, _ state: DashboardState, _ analysis: PeriodAnalysis) -> TableModel {
        let dataset = state.snapshot!.dataset
        let profile = dataset.banks[name]
        var funded: [String: Double] = [:]
        for row in dataset.balances where row.period == analysis.period && row.bank == name {
            funded[dataset.group(of: row.platform), default: 0] += row.balanceCNY
        }
        let total = funded.values.reduce(0, +)
        let largest = funded.values.max() ?? 1
        let rows = funded.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { group, balance -> TableModel.Row in
            let own = dataset.isOwnLender(name, of: group)
            return TableModel.Row(id: group, cells: [
                .name(group), amount(balance, state, analysis), percent(balance / max(total, 1)),
                TableModel.Cell(BarGauge.render(value: balance, scale: largest, width: 12, glyphs: state.options.glyphs),
                                style: .bar, sort: .number(balance), csv: ""),
                own ? TableModel.Cell("own", style: .muted, sort: .none, csv: "")
                    : percent(profile?.tier1CapitalCNY.map { balance / $0 }, limit: BankDependence.singlePartnerCap),
            ], target: .platform(group))
        }
        let dependence = analysis.banks.first { $0.bank == name }
        var facts = ["  \(profile?.type ?? "bank")"]
        if let region = profile?.region, !region.isEmpty { facts.append(region) }
        if let tier1 = profile?.tier1CapitalCNY { facts.append("tier-1 CNY \(NumberFormat.billions(tier1)) bn") }
        if let loans = profile?.totalLoansCNY { facts.append("loans CNY \(NumberFormat.billions(loans)) bn") }
        if profile?.onlineOnly == true { facts.append("online-only (exempt from the regional rule)") }
        let colending = dependence?.colendingToTotalLoans.map {
            "co-lending \(NumberFormat.percent($0, decimals: 1)) of total loans (cap 50%\($0 > BankDependence.aggregateCap ? ", over" : ""))"
        } ?? "co-lending / loans n/a"
        return TableModel(
            title: name,
            summary: [(facts.joined(separator: " · "), .normal),
                      ("  platform-sourced CNY \(NumberFormat.billions(dependence?.platformSourcedCNY ?? 0)) bn · partner HHI "
                       + "\(NumberFormat.grouped(dependence?.partnerHHI ?? 0, decimals: 0)) · \(colending)",
                       dependence?.breachesAggregateCap == true ? .warning : .normal)],
            columns: [
                .init("Group", .flexible(min: 12, max: 30)), .init(amountTitle(state), .fixed(8), .right),
                .init("Of bank", .fixed(8), .right), .init("", .fixed(12)), .init("Exp/T1", .fixed(8), .right),
            ],
            rows: rows, defaultSort: (column: 1, descending: true))
    }

    static func pairing(group: String, bank: String, _ state: DashboardState) -> TableModel {
        let dataset = state.snapshot!.dataset
        let tier1 = dataset.banks[bank]?.tier1CapitalCNY
        let rows = zip(state.periods, state.analyses).map { period, analysis -> TableModel.Row in
            var pair = 0.0
            var bankTotal = 0.0
            for row in dataset.balances where row.period == period && row.bank == bank {
                let g = dataset.group(of: row.platform)
                if !dataset.isOwnLender(bank, of: g) || g == group { bankTotal += row.balanceCNY }
                if g == group { pair += row.balanceCNY }
            }
            let groupBalance = analysis.groups.first { $0.group == group }?.balanceCNY ?? 0
            return TableModel.Row(id: period.description, cells: [
                .name(period.description), amount(pair, state, analysis),
                percent(groupBalance > 0 ? pair / groupBalance : nil, decimals: 2),
                percent(bankTotal > 0 ? pair / bankTotal : nil),
                percent(tier1.map { pair / $0 }, limit: dataset.isOwnLender(bank, of: group) ? nil : BankDependence.singlePartnerCap),
            ])
        }
        let values = rows.map { row -> Double in if case .number(let v) = row.cells[1].sortKey { return v } else { return 0 } }
        return TableModel(
            title: "\(group) × \(bank)",
            summary: [("  Balance over time " + Sparkline.render(values, glyphs: state.options.glyphs), .normal)],
            columns: [
                .init("Period", .fixed(7)), .init(amountTitle(state), .fixed(9), .right), .init("Of group", .fixed(9), .right),
                .init("Of bank", .fixed(9), .right), .init("Exp/T1", .fixed(9), .right),
            ],
            rows: rows)
    }

    static func merger(_ state: DashboardState, _ analysis: PeriodAnalysis) -> TableModel {
        let parties = analysis.groups.map(\.group).filter { state.markedGroups.contains($0) }
        guard let merger = analysis.merger(of: parties) else {
            return TableModel(title: "What-if", summary: [
                ("  Mark two or more groups with Space on the overview, then press w.", .muted),
            ], columns: [.init("Guideline", .flexible(min: 10, max: 30))], rows: [])
        }
        let shares = parties.map { p in "\(p) \(NumberFormat.percent(analysis.groups.first { $0.group == p }!.shareOfMarket))" }
        let rows = merger.verdicts.map { v in
            TableModel.Row(id: v.guideline.rawValue, cells: [
                .name(v.guideline.shortTitle),
                TableModel.Cell((v.severity == .clear ? "" : "! ") + v.finding,
                                style: v.severity == .concern ? .warning : v.severity == .watch ? .accent : .good),
                .name(v.threshold), .name(v.guideline.date),
            ], detail: ["\(v.guideline.title) (\(v.guideline.issuer), \(v.guideline.date)): \(v.guideline.ruleText)"])
        }
        let dash = state.options.glyphs.isASCII ? "-" : "–"
        return TableModel(
            title: "What-if: " + parties.joined(separator: " + "),
            summary: [
                ("  \(shares.joined(separator: " + ")) = \(NumberFormat.percent(merger.mergedShare)) merged (static shares)", .normal),
                ("  HHI before \(NumberFormat.grouped(merger.hhiBefore, decimals: 1)) [\(dash)\(NumberFormat.grouped(merger.boundsBefore.upper, decimals: 1))]"
                 + " · after \(NumberFormat.grouped(merger.hhiAfter, decimals: 1)) [\(dash)\(NumberFormat.grouped(merger.boundsAfter.upper, decimals: 1))]"
                 + " · ΔHHI \(NumberFormat.grouped(merger.deltaHHI, decimals: 1))", .accent),
            ],
            columns: [
                .init("Guideline", .fixed(10)), .init("Finding", .flexible(min: 20, max: 48)),
                .init("Threshold", .flexible(min: 10, max: 44)), .init("Issued", .fixed(10)),
            ],
            rows: rows)
    }

    static func alerts(_ analysis: PeriodAnalysis) -> TableModel {
        let rows = analysis.alerts.enumerated().map { index, alert -> TableModel.Row in
            let isHHI = alert.limit > 1
            let format: (Double) -> String = isHHI ? { NumberFormat.grouped($0, decimals: 1) } : { NumberFormat.percent($0, decimals: 1) }
            let bank = alert.rule == .singlePartnerExposure || alert.rule == .aggregateColending
                ? alert.subject.components(separatedBy: " with ").first : nil
            return TableModel.Row(id: "\(index)", cells: [
                .name(alert.rule.title), .name(alert.subject),
                .number(alert.value, "! " + format(alert.value), style: .warning), .number(alert.limit, format(alert.limit)),
                .name(alert.rule.date), .name(alert.rule.status),
            ], target: bank.map { .bank($0) },
               detail: ["\(alert.subject): \(alert.rule.title) (\(format(alert.value)) vs \(format(alert.limit))). "
                        + "\(alert.rule.source), \(alert.rule.date); \(alert.rule.status)."])
        }
        return TableModel(
            title: "Alerts",
            summary: [("  \(rows.count) rule\(rows.count == 1 ? "" : "s") triggered in \(analysis.period)", rows.isEmpty ? .good : .warning)],
            columns: [
                .init("Rule", .flexible(min: 18, max: 60)), .init("Subject", .flexible(min: 12, max: 52)),
                .init("Value", .fixed(8), .right), .init("Limit", .fixed(7), .right), .init("Date", .fixed(10)),
                .init("Status", .flexible(min: 5, max: 58)),
            ],
            rows: rows)
    }
}

import Foundation
