import MarketAnalytics

/// Everything `lendscope report` prints about one period, ready for any output format.
public struct PeriodReport: Sendable {
    public let analysis: PeriodAnalysis
    public let merger: MergerAnalysis?
    /// The data directory as given, shown in the human formats.
    public let source: String
    /// `--min-cell`: which over-indebtedness and stacking figures every format leaves out.
    public let rule: SmallCellRule

    public init(analysis: PeriodAnalysis, merger: MergerAnalysis? = nil, source: String = "", rule: SmallCellRule = .off) {
        self.analysis = analysis
        self.merger = merger
        self.source = source
        self.rule = rule
    }

    /// The period end's over-indebtedness and the period's stacking as a reader may see them.
    public var indebtedness: SuppressedIndebtedness? { analysis.indebtedness.map(rule.apply) }
    public var stacking: SuppressedStacking? { analysis.stacking.map(rule.apply) }

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
            if let total = a.marketTotal {
                return "new lending in \(a.period), \(total.definition): CNY \(NumberFormat.millions(total.totalCNY)) mn "
                    + "[\(total.provenance.rawValue) \(total.provenance.label)]"
            }
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

    /// The overview table: every group in rank order, then the unreported remainder.
    public var overviewTable: DataTable<Never> {
        OverviewModel.table(analysis, ranked: analysis.groups.enumerated().map { ($0.offset + 1, $0.element) })
    }

    func verdictTable(_ verdicts: [Verdict]) -> TextTable {
        var table = TextTable([("Guideline", .left), ("Finding", .left), ("Threshold", .left), ("Issued", .left)])
        for v in verdicts {
            table.add([v.guideline.shortTitle, (v.severity == .clear ? "" : "! ") + v.finding, v.threshold, v.guideline.date])
        }
        return table
    }
}
