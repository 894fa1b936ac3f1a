import Foundation
import MarketAnalytics
import TerminalText

/// `lendscope report --all-periods`: every period at once. The cap monitor (which banks breached,
/// with whom, since when), a per-period summary, and for spreadsheets and Stata/R a panel of
/// one row per period × group.
public struct SeriesReport: Sendable {
    public let series: AnalysisSeries
    public let source: String
    /// `--min-cell`, applied to every period's report.
    public let rule: SmallCellRule

    /// `--merge` with `--all-periods`: one what-if per period (nil where a party has no balances).
    public let mergers: [MergerAnalysis?]?

    public init(series: AnalysisSeries, source: String = "", rule: SmallCellRule = .off, mergers: [MergerAnalysis?]? = nil) {
        self.series = series
        self.source = source
        self.rule = rule
        self.mergers = mergers
    }

    /// The runs the cap monitor lists: both caps and the 30% floor.
    static let monitoredRules: Set<Alert.Rule> = [.singlePartnerExposure, .aggregateColending, .cofundingFloor]

    public func render(_ format: PeriodReport.Format) -> String {
        switch format {
        case .table: return tableText()
        case .markdown: return markdownText()
        case .csv: return panelCSV()
        case .json: return jsonText()
        }
    }

    /// One row per period × group (the overview's columns with a `period` column first), then the
    /// period's unreported remainder; units in the headers.
    func panelCSV() -> String {
        var lines: [String] = []
        for analysis in series.analyses {
            let report = PeriodReport(analysis: analysis)
            let table = report.overviewTable
            let text = table.csv(rows: table.rows, prefix: [(name: "period", value: analysis.period.description)])
            var parts = text.split(separator: "\n").map(String.init)
            if !lines.isEmpty { parts.removeFirst() }
            lines += parts
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A per-period summary: market HHI bounds, CR1, alerts in force and not yet in force.
    func summaryTable() -> DataTable<Never> {
        let rows = series.analyses.map { a -> DataTable<Never>.Row in
            // Breaches only: early warnings are not alerts in force (nor ones that would breach).
            let breaches = a.alerts.filter { $0.severity == .breach }
            let inForce = breaches.filter(\.inForce).count
            return DataTable<Never>.Row(id: a.period.description, cells: [
                .name(a.period.description),
                .number(a.indices.hhi, NumberFormat.grouped(a.indices.hhi, decimals: 1)),
                .number(a.indices.hhiUpper, NumberFormat.grouped(a.indices.hhiUpper, decimals: 1)),
                .number(a.indices.cr1, NumberFormat.percent(a.indices.cr1)),
                .number(Double(a.banks.filter(\.breachesAnyCap).count), String(a.banks.filter(\.breachesAnyCap).count)),
                .number(Double(inForce), String(inForce)),
                .number(Double(breaches.count - inForce), String(breaches.count - inForce)),
            ])
        }
        return DataTable(title: "Periods", columns: [
            .init("Period", .fixed(7), csv: "period"), .init("HHI low", .fixed(8), .right, csv: "hhi"),
            .init("HHI high", .fixed(8), .right, csv: "hhi_upper"), .init("CR1", .fixed(7), .right, csv: "cr1"),
            .init("Banks over a cap", .fixed(5), .right, csv: "banks_over_cap"),
            .init("Alerts in force", .fixed(5), .right, csv: "alerts_in_force"),
            .init("Would breach (rule not yet in force)", .fixed(5), .right, csv: "alerts_not_in_force"),
        ], rows: rows)
    }

    func tableText() -> String {
        let runs = RuleModels.breachRuns(series)
        var lines = ["LendScope cap monitor: \(series.periods.first.map { "\($0)" } ?? "")–\(series.periods.last.map { "\($0)" } ?? "")"
                     + (source.isEmpty ? "" : " (\(SafeText.sanitize(source)))"),
                     "Measure  \(series.key.measure.rawValue); caps always on outstanding balances; "
                     + "caps from \(RuleCalendar.noticeIssued) (in transition until \(RuleCalendar.rectificationDeadlineExtended)), "
                     + "30% floor on new loans from \(RuleCalendar.newLoansFrom) (earlier runs: would breach, not yet in force)",
                     "",
                     "Co-lending cap breaches (\(runs.rows.count) run\(runs.rows.count == 1 ? "" : "s"))"]
        lines += runs.rows.isEmpty ? ["  none"] : runs.textLines(rows: runs.rows, indent: "  ")
        if let last = series.analyses.last {
            lines.append("")
            lines += RuleModels.changeLines(last)
        }
        lines += mergerLines()
        lines.append("")
        lines.append("Periods")
        let summary = summaryTable()
        lines += summary.textLines(rows: summary.rows, indent: "  ")
        return lines.joined(separator: "\n") + "\n"
    }

    /// With --merge: each period's new cap breaches with the merged partner.
    func mergerLines() -> [String] {
        guard let mergers else { return [] }
        var lines = ["", "What-if cap breaches created by the merger (25% of net tier-1 capital, related parties included)"]
        for (analysis, merger) in zip(series.analyses, mergers) {
            guard let merger else {
                lines.append("  \(analysis.period): a party has no balances")
                continue
            }
            let created = merger.capBreachesCreated ?? []
            lines.append("  \(analysis.period): ΔHHI \(NumberFormat.grouped(merger.deltaHHI, decimals: 1)); "
                         + (created.isEmpty ? "no new cap breach" : created.map {
                             "\(SafeText.sanitize($0.bank)) \(NumberFormat.percent($0.exposureToTier1After, decimals: 1))"
                         }.joined(separator: ", ")))
        }
        return lines
    }

    func markdownText() -> String {
        let runs = RuleModels.breachRuns(series)
        let summary = summaryTable()
        var lines = ["## LendScope cap monitor", ""]
        lines += runs.rows.isEmpty ? ["No co-lending cap breaches."] : runs.markdownTable(rows: runs.rows)
        lines += ["", "### Periods", ""]
        lines += summary.markdownTable(rows: summary.rows)
        return lines.joined(separator: "\n") + "\n"
    }

    func jsonText() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        let data = try! encoder.encode(SeriesJSON(series: series, rule: rule, mergers: mergers))
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    struct SeriesJSON: Encodable {
        let series: AnalysisSeries
        let rule: SmallCellRule
        let mergers: [MergerAnalysis?]?
        enum CodingKeys: String, CodingKey { case periods, breachRuns = "breach_runs", measure }
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(series.analyses.enumerated().map { index, analysis in
                JSONReport(PeriodReport(analysis: analysis, merger: mergers?[index], rule: rule))
            }, forKey: .periods)
            try c.encode(series.key.measure.rawValue, forKey: .measure)
            try c.encode(series.alertRuns(rules: SeriesReport.monitoredRules).map(Run.init), forKey: .breachRuns)
        }
    }

    struct Run: Encodable {
        let run: AnalysisSeries.AlertRun
        init(_ run: AnalysisSeries.AlertRun) { self.run = run }
        enum CodingKeys: String, CodingKey {
            case rule, bank, partner, firstPeriod = "first_period", lastPeriod = "last_period", periods
            case maxValue = "max_value", excess = "excess_cny_last", inForce = "in_force"
            case firstInForce = "first_period_in_force", state, stateUntil = "state_until", group
        }
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(run.rule.rawValue, forKey: .rule)
            try c.encode(run.subject.bank, forKey: .bank)
            try c.encode(run.subject.partner, forKey: .partner)
            try c.encode(run.firstPeriod.description, forKey: .firstPeriod)
            try c.encode(run.lastPeriod.description, forKey: .lastPeriod)
            try c.encode(run.periods, forKey: .periods)
            try c.encode(run.maxValue, forKey: .maxValue)
            try c.encode(run.last.excessCNY, forKey: .excess)
            try c.encode(run.inForce, forKey: .inForce)
            try c.encode(run.inForce ? run.firstPeriod.description : nil, forKey: .firstInForce)
            try c.encode(run.last.state.code, forKey: .state)
            try c.encode(run.last.state.until?.description, forKey: .stateUntil)
            if case .group(let group) = run.subject { try c.encode(group, forKey: .group) }
        }
    }
}
