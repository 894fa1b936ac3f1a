import MarketAnalytics

/// Everything `lendscope report` prints about one period, ready for any output format.
public struct PeriodReport: Sendable {
    public let analysis: PeriodAnalysis
    public let merger: MergerAnalysis?
    /// The data directory as given, shown in the human formats.
    public let source: String

    public init(analysis: PeriodAnalysis, merger: MergerAnalysis? = nil, source: String = "") {
        self.analysis = analysis
        self.merger = merger
        self.source = source
    }

    public enum Format: String, CaseIterable, Sendable {
        case table, json, csv, markdown
    }

    public func render(_ format: Format) -> String {
        switch format {
        case .table: return tableText()
        case .json: return jsonText()
        case .csv: return csvText()
        case .markdown: return markdownText()
        }
    }

    // MARK: Shared pieces

    var marketLine: String {
        let a = analysis
        if a.measure == .originations {
            return "new lending: loans originated in \(a.period), CNY \(NumberFormat.millions(a.denominatorCNY)) mn; "
                + "shares are of the reported groups (no market total for new lending)"
        }
        if let total = a.marketTotal {
            return "\(total.definition): CNY \(NumberFormat.billions(total.totalCNY)) bn [\(total.provenance.rawValue) \(total.provenance.label)]"
        }
        let name = a.marketDefinition.map { "no '\($0)' total for \(a.period)" } ?? "no market.csv"
        return "\(name): shares are of the reported platforms' sum (CNY \(NumberFormat.billions(a.denominatorCNY)) bn)"
    }

    var fxLine: String {
        guard let rate = analysis.exchangeRate else { return "none: US$ figures omitted" }
        let basis = rate.basis.isEmpty ? "" : ", \(rate.basis)"
        return "\(NumberFormat.grouped(rate.usdCNY, decimals: 4)) CNY per US$ on \(rate.date)\(basis) [\(rate.provenance.rawValue)]"
    }

    /// Flags E and R are marked so that an estimate is never read as a fact.
    static func flagCell(_ flag: Provenance) -> String {
        switch flag {
        case .estimated: return "E*"
        case .recalled: return "R*"
        default: return flag.rawValue
        }
    }

    func platformTable() -> TextTable {
        let a = analysis
        let new = a.measure == .originations
        let unit = new ? "mn" : "bn"
        var table = TextTable([("#", .right), ("Group", .left), ("CNY \(unit)", .right), ("US$ \(unit)", .right),
                               ("Share", .right), ("Δ pp", .right), ("Flag", .left)] + (new ? [("Bad", .right)] : []))
        for (rank, group) in a.groups.enumerated() {
            table.add([String(rank + 1), group.group, NumberFormat.amount(group.balanceCNY, originations: new),
                       NumberFormat.optional(group.balanceUSD) { NumberFormat.amount($0, originations: new) },
                       NumberFormat.percent(group.shareOfMarket),
                       NumberFormat.optional(group.changePP) { NumberFormat.signed($0) },
                       Self.flagCell(group.provenance)]
                      + (new ? [NumberFormat.optional(a.badShare[group.group]) { NumberFormat.percent($0, decimals: 1) }] : []))
        }
        if a.marketTotal != nil {
            table.add(["", "others (unreported)", NumberFormat.billions(a.othersCNY),
                       NumberFormat.optional(a.exchangeRate.map { a.othersCNY / $0.usdCNY }) { NumberFormat.billions($0) },
                       NumberFormat.percent(a.othersShare), "", ""])
        }
        return table
    }

    func indexTable() -> TextTable {
        let i = analysis.indices
        var table = TextTable([("Index", .left), ("Value", .right), ("Convention", .left)])
        let rows: [(String, String, String)] = [
            ("HHI, market (lower bound)", NumberFormat.grouped(i.hhi, decimals: 1), "0–10,000; unreported part as tiny firms"),
            ("HHI, market (upper bound)", NumberFormat.grouped(i.hhiUpper, decimals: 1), "0–10,000; unreported firms ≤ smallest reported (Kvålseth 2018)"),
            ("HHI within platforms", NumberFormat.grouped(i.hhiPlatforms, decimals: 1), "0–10,000; shares of reported platforms"),
            ("HHI within platforms, normalised", NumberFormat.optional(i.hhiNormalized) { NumberFormat.grouped($0, decimals: 4) }, "(H − 1/N)/(1 − 1/N), 0–1"),
            ("CR1", NumberFormat.percent(i.cr1), "market shares"),
            ("CR3", NumberFormat.percent(i.cr3), "market shares"),
            ("CR4", NumberFormat.percent(i.cr4), "market shares"),
            ("CR5", NumberFormat.percent(i.cr5), "market shares"),
            ("CR8", NumberFormat.percent(i.cr8), "market shares"),
            ("Equivalent number of firms", NumberFormat.optional(i.equivalentFirms) { NumberFormat.grouped($0, decimals: 2) }, "10,000 / HHI within platforms"),
            ("Gini", NumberFormat.optional(i.gini) { NumberFormat.grouped($0, decimals: 4) }, "uncorrected (R ineq default), group balances"),
            ("Gini, corrected", NumberFormat.optional(i.giniCorrected) { NumberFormat.grouped($0, decimals: 4) }, "× N/(N−1)"),
            ("Entropy", NumberFormat.grouped(i.entropy, decimals: 4), "Shannon, natural log"),
            ("Entropy, relative", NumberFormat.optional(i.entropyRelative) { NumberFormat.grouped($0, decimals: 4) }, "entropy / ln N"),
            ("Theil T", NumberFormat.optional(i.theilT) { NumberFormat.grouped($0, decimals: 4) }, "ln N − entropy (not Theil L)"),
            ("Hall–Tideman", NumberFormat.optional(i.hallTideman) { NumberFormat.grouped($0, decimals: 4) }, "1 / (2 Σ i·sᵢ − 1)"),
            ("Dominance (García-Alba)", NumberFormat.optional(i.dominance) { NumberFormat.grouped($0, decimals: 4) }, "Σ (sᵢ²/H)²"),
            ("Linda", NumberFormat.optional(i.linda) { NumberFormat.grouped($0, decimals: 4) }, "K = number of groups; equal shares give 1/K"),
        ]
        for row in rows { table.add([row.0, row.1, row.2]) }
        return table
    }

    func verdictTable(_ verdicts: [Verdict]) -> TextTable {
        var table = TextTable([("Guideline", .left), ("Finding", .left), ("Threshold", .left), ("Issued", .left)])
        for v in verdicts {
            table.add([v.guideline.shortTitle, (v.severity == .clear ? "" : "! ") + v.finding, v.threshold, v.guideline.date])
        }
        return table
    }

    func bankTable(limit: Int?) -> TextTable {
        var table = TextTable([("Bank", .left), ("Type", .left), ("Platform CNY bn", .right), ("Top partner", .left),
                               ("Top share", .right), ("Partner HHI", .right), ("Exp/T1", .right), ("Colend/loans", .right)])
        let banks = limit.map { Array(analysis.banks.prefix($0)) } ?? analysis.banks
        for b in banks {
            let exposure = NumberFormat.optional(b.maxExposureToTier1) { NumberFormat.percent($0, decimals: 1) }
            let colending = NumberFormat.optional(b.colendingToTotalLoans) { NumberFormat.percent($0, decimals: 1) }
            table.add([b.bank, b.profile?.type ?? "", NumberFormat.billions(b.platformSourcedCNY, decimals: 2), b.topPartner,
                       NumberFormat.percent(b.topPartnerShare, decimals: 1), NumberFormat.grouped(b.partnerHHI, decimals: 0),
                       (b.breachesSinglePartnerCap ? "! " : "") + exposure, (b.breachesAggregateCap ? "! " : "") + colending])
        }
        return table
    }

    func alertTable() -> TextTable {
        var table = TextTable([("Rule", .left), ("Subject", .left), ("Value", .right), ("Limit", .right),
                               ("Source", .left), ("Date", .left), ("Status", .left)])
        for alert in analysis.alerts {
            let isHHI = alert.limit > 1
            let format: (Double) -> String = isHHI ? { NumberFormat.grouped($0, decimals: 1) } : { NumberFormat.percent($0, decimals: 1) }
            table.add([alert.rule.title, alert.subject, format(alert.value), format(alert.limit), alert.rule.source,
                       alert.rule.date, alert.rule.status])
        }
        return table
    }

    func mergerTable(_ m: MergerAnalysis) -> TextTable {
        var table = TextTable([("Merger", .left), ("Value", .right)])
        table.add(["Parties", m.parties.joined(separator: " + ")])
        table.add(["Merged share", NumberFormat.percent(m.mergedShare)])
        table.add(["HHI before", NumberFormat.grouped(m.hhiBefore, decimals: 1)])
        table.add(["HHI after", NumberFormat.grouped(m.hhiAfter, decimals: 1)])
        table.add(["ΔHHI", NumberFormat.grouped(m.deltaHHI, decimals: 1)])
        return table
    }
}
