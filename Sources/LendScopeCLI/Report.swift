import ArgumentParser
import MarketAnalytics
import MarketReport
import TerminalText

extension PeriodReport.Format: ExpressibleByArgument {}
extension Measure: ExpressibleByArgument {}

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print one period's shares, indices, verdicts and bank dependence.",
        discussion: """
            Shares are fractions of the market total of the chosen definition (the first definition in \
            market.csv by default); without a total for the period, of the reported groups' sum, and the \
            output says so. HHI is on the 0–10,000 scale. US$ figures use the rate on or before the period \
            end unless --fx-date names another date.

            Examples:
              lendscope report --period 2020Q2
              lendscope report --period 2020Q2 --fx-date 2020-11-03 --format json
              lendscope report --merge "JD Technology+Du Xiaoman"
              lendscope report --all-periods              (cap monitor: every breach run)
              lendscope report --all-periods --format csv (panel: one row per period × group)
              lendscope report --all-periods --merge "Ant Group+JD Technology" --format json
              lendscope report --warn-at 0.9              (early warnings at 90% of a cap)
            """
    )

    @OptionGroup var data: DataDirectoryArgument

    @Option(help: "The period, YYYYQn or YYYY-MM (default: the latest).")
    var period: String?

    @Option(help: "The market definition used as denominator (default: the first in market.csv).")
    var market: String?

    @Option(name: .customLong("fx-date"), help: "Convert to US$ at the rate on or before this date, YYYY-MM-DD.")
    var fxDate: String?

    @Option(help: "Groups to merge in a what-if, joined by '+', e.g. \"JD Technology+Du Xiaoman\"; with --all-periods, one what-if per period.")
    var merge: String?

    @Option(name: .customLong("warn-at"), help: ArgumentHelp(WarnAt.help + ".", valueName: WarnAt.valueName))
    var warnAt: Double = ColendingCap.defaultWarnAt

    @Option(help: "What to measure: balances (outstanding) or originations (new lending, from loans/*.csv).")
    var measure: Measure = .balances

    @Option(help: "Output format: \(PeriodReport.Format.allCases.map(\.rawValue).joined(separator: ", ")).")
    var format: PeriodReport.Format = .table

    @Option(name: .customLong("min-cell"),
            help: ArgumentHelp(MinCell.help + ": a marker in the text, null in JSON (default: off).", valueName: MinCell.valueName))
    var minCell: Int?

    @Flag(name: .customLong("all-periods"),
          help: "Every period: the cap monitor (which banks breached, with whom, since when) and a per-period summary; with --format csv a panel of one row per period × group; with json every period's report and the breach runs.")
    var allPeriods = false

    func validate() throws {
        try MinCell.validate(minCell)
        try WarnAt.validate(warnAt)
        if let period, Period(period) == nil {
            throw ValidationError("'\(period)' is not a period: use YYYYQn (e.g. 2020Q2) or YYYY-MM (e.g. 2020-06)")
        }
        if let fxDate, CalendarDate(iso: fxDate) == nil {
            throw ValidationError("'\(fxDate)' is not a date: use YYYY-MM-DD")
        }
        if allPeriods && period != nil {
            throw ValidationError("--all-periods covers every period: leave out --period")
        }
        if allPeriods && merge != nil && format == .csv {
            throw ValidationError("--all-periods --merge writes a table, Markdown or JSON; the CSV panel has no what-if columns")
        }
        if let merge, mergeParties(merge).count < 2 {
            throw ValidationError("--merge needs two or more groups joined by '+', e.g. \"Ant Group+JD Technology\"")
        }
    }

    func mergeParties(_ text: String) -> [String] {
        text.split(separator: "+").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    func run() throws {
        let dataset = try data.load()
        do {
            if allPeriods {
                let series = try makeSeries(dataset)
                let mergers = try merge.map { text in
                    try series.analyses.map { try merger(of: mergeParties(text), in: $0, dataset: dataset) }
                }
                if let mergers, mergers.allSatisfy({ $0 == nil }) {
                    throw DataRequestError(description: "--merge: '\(merge!)' does not name two or more groups of any period")
                }
                print(SeriesReport(series: series, source: data.directory, rule: MinCell.rule(minCell), mergers: mergers)
                    .render(format), terminator: "")
                return
            }
            let report = try makeReport(dataset)
            print(report.render(format), terminator: "")
        } catch let error as DataRequestError {
            StandardError.write("error: \(SafeText.sanitize(error.description))\n")
            throw ExitCode.failure
        }
    }

    /// Every period's analysis under the chosen market and measure: one series, so that an alert's
    /// first period and run length read the same here as on the dashboard.
    func makeSeries(_ dataset: MarketDataset) throws -> AnalysisSeries {
        guard !dataset.periods.isEmpty else { throw DataRequestError(description: "the data directory has no balances") }
        if let market, !dataset.marketDefinitions(for: measure).contains(market) {
            let known = dataset.marketDefinitions(for: measure).map { "'\($0)'" }.joined(separator: ", ")
            throw DataRequestError(description: "unknown market definition '\(market)' for \(measure.rawValue) "
                                   + "(known: \(known.isEmpty ? "none" : known))")
        }
        if measure == .originations && dataset.loans == nil {
            throw DataRequestError(description: "--measure originations needs loan files in \(data.directory)/loans/")
        }
        return AnalysisSeries(dataset: dataset, key: AnalysisKey(definition: market, measure: measure, warnAt: warnAt),
                              fxDate: fxDate.flatMap(CalendarDate.init(iso:)))
    }

    func makeReport(_ dataset: MarketDataset) throws -> PeriodReport {
        let periods = dataset.periods
        guard let latest = periods.last else { throw DataRequestError(description: "the data directory has no balances") }
        let chosen = period.flatMap(Period.init) ?? latest
        guard periods.contains(chosen) else {
            throw DataRequestError(description: "no balances for period \(chosen) (the data cover \(periods.first!)–\(latest))")
        }
        let series = try makeSeries(dataset)
        let analysis = series.analysis(for: chosen)!
        let merger = try merge.flatMap { try self.merger(of: mergeParties($0), in: analysis, dataset: dataset) }
        return PeriodReport(analysis: analysis, merger: merger, source: data.directory, rule: MinCell.rule(minCell))
    }

    /// The what-if of one period, the banks' exposures to the merged partner included. With
    /// --all-periods, a party with no balances in a period gives no what-if for it (nil).
    func merger(of parties: [String], in analysis: PeriodAnalysis, dataset: MarketDataset) throws -> MergerAnalysis? {
        if Set(parties).count != parties.count { throw DataRequestError(description: "--merge names a group twice") }
        let known = Set(analysis.groups.map(\.group))
        if let unknown = parties.first(where: { !known.contains($0) }) {
            if allPeriods { return nil }
            throw DataRequestError(description: "'\(unknown)' is not a platform group in \(analysis.period) "
                                   + "(groups: \(analysis.groups.map(\.group).joined(separator: ", ")))")
        }
        return analysis.merger(of: parties, dataset: dataset)
    }
}

import Foundation
