import ArgumentParser
import MarketAnalytics
import TerminalText

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Validate a data directory.",
        discussion: """
            Exit 0 with a one-line summary when every file is valid. Otherwise exit 1 and print every \
            problem to standard error as PATH:LINE:COLUMN: message (1-based; columns count characters).
            """
    )

    @OptionGroup var data: DataDirectoryArgument

    func run() throws {
        let dataset = try data.load()
        let periods = dataset.periods
        let groups = Set(dataset.balances.map { dataset.group(of: $0.platform) })
        let span = periods.first.map { "\($0)–\(periods.last!)" } ?? "none"
        print("\(SafeText.sanitize(data.directory)): valid: \(dataset.balances.count) balance rows, "
              + "\(periods.count) periods (\(span)), \(groups.count) platform groups, \(dataset.banks.count) banks, "
              + "\(Set(dataset.marketTotals.map { "\($0.definition)\u{0}\($0.measure.rawValue)" }).count) market definition(s), \(dataset.exchangeRates.count) FX rates")
    }
}
