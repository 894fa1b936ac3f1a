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
            """
    )

    @OptionGroup var data: DataDirectoryArgument

    @Option(help: "The period, YYYYQn or YYYY-MM (default: the latest).")
    var period: String?

    @Option(help: "The market definition used as denominator (default: the first in market.csv).")
    var market: String?

    @Option(name: .customLong("fx-date"), help: "Convert to US$ at the rate on or before this date, YYYY-MM-DD.")
    var fxDate: String?

    @Option(help: "Groups to merge in a what-if, joined by '+', e.g. \"JD Technology+Du Xiaoman\".")
    var merge: String?

    @Option(help: "What to measure: balances (outstanding) or originations (new lending, from loans/*.csv).")
    var measure: Measure = .balances

    @Option(help: "Output format: \(PeriodReport.Format.allCases.map(\.rawValue).joined(separator: ", ")).")
    var format: PeriodReport.Format = .table

    func validate() throws {
        if let period, Period(period) == nil {
            throw ValidationError("'\(period)' is not a period: use YYYYQn (e.g. 2020Q2) or YYYY-MM (e.g. 2020-06)")
        }
        if let fxDate, CalendarDate(iso: fxDate) == nil {
            throw ValidationError("'\(fxDate)' is not a date: use YYYY-MM-DD")
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
            let report = try makeReport(dataset)
            print(report.render(format), terminator: "")
        } catch let error as DataRequestError {
            StandardError.write("error: \(SafeText.sanitize(error.description))\n")
            throw ExitCode.failure
        }
    }

    func makeReport(_ dataset: MarketDataset) throws -> PeriodReport {
        let periods = dataset.periods
        guard let latest = periods.last else { throw DataRequestError(description: "the data directory has no balances") }
        let chosen = period.flatMap(Period.init) ?? latest
        guard periods.contains(chosen) else {
            throw DataRequestError(description: "no balances for period \(chosen) (the data cover \(periods.first!)–\(latest))")
        }
        if let market, !dataset.marketDefinitions.contains(market) {
            let known = dataset.marketDefinitions.map { "'\($0)'" }.joined(separator: ", ")
            throw DataRequestError(description: "unknown market definition '\(market)' (known: \(known.isEmpty ? "none" : known))")
        }
        if measure == .originations && dataset.loans == nil {
            throw DataRequestError(description: "--measure originations needs loan files in \(data.directory)/loans/")
        }
        let analysis = PeriodAnalysis(dataset: dataset, period: chosen, definition: market,
                                      fxDate: fxDate.flatMap(CalendarDate.init(iso:)), measure: measure)
        var merger: MergerAnalysis?
        if let merge {
            let parties = mergeParties(merge)
            let known = Set(analysis.groups.map(\.group))
            if let unknown = parties.first(where: { !known.contains($0) }) {
                throw DataRequestError(description: "'\(unknown)' is not a platform group in \(chosen) "
                                       + "(groups: \(analysis.groups.map(\.group).joined(separator: ", ")))")
            }
            guard let m = analysis.merger(of: parties) else {
                throw DataRequestError(description: "--merge names a group twice")
            }
            merger = m
        }
        return PeriodReport(analysis: analysis, merger: merger, source: data.directory)
    }
}

import Foundation
