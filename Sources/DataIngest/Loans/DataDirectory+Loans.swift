import Foundation
import MarketAnalytics

extension DataDirectory {
    /// The optional folder of loan-level files.
    public static let loansFolder = "loans"

    /// `loans/*.csv`, sorted, as the user would type their paths.
    public func loanFiles() -> [String] {
        let folder = displayPath(Self.loansFolder)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        return names.filter { $0.hasSuffix(".csv") && !$0.hasPrefix(".") }.sorted().map { folder + "/" + $0 }
    }

    /// Parses every loan file into `dataset.loans`, or returns the problems found (malformed rows with
    /// their lines, the first 20 of each file in full; names missing from platforms.csv or banks.csv).
    func attachLoans(to dataset: inout MarketDataset, platformsListed: Bool, banksListed: Bool,
                     threads: Int = 2) -> [Diagnostic] {
        let files = loanFiles()
        guard !files.isEmpty else { return [] }
        let granularity = dataset.periods.first?.granularity ?? .quarter
        let expected = files.reduce(0) { $0 + Int(FileFingerprint.of($1).size / 60) }
        let accumulator = LoanAccumulator(granularity: granularity, expectedRows: expected)
        let parser = LoanFileParser(granularity: granularity, threads: threads)
        var diagnostics: [Diagnostic] = []
        for file in files {
            do {
                let result = try parser.parse(path: file, into: accumulator)
                diagnostics += result.problems.map { Diagnostic(path: file, line: $0.line, column: 1, message: $0.message) }
                if result.problemCount > result.problems.count {
                    diagnostics.append(Diagnostic(path: file, line: 1, column: 1,
                                                  message: "\(result.problemCount - result.problems.count) more malformed rows"))
                }
            } catch {
                switch error {
                case .unreadable(let path, let reason):
                    diagnostics.append(Diagnostic(path: path, line: 1, column: 1, message: "cannot read file: \(reason)"))
                case .header(let path, let message):
                    diagnostics.append(Diagnostic(path: path, line: 1, column: 1, message: message))
                }
            }
        }
        let figures = accumulator.figures(groupOf: dataset.group(of:))
        let folder = displayPath(Self.loansFolder)
        if platformsListed {
            for platform in Set(figures.originations.map(\.platform)).sorted() where dataset.groupOfPlatform[platform] == nil {
                diagnostics.append(Diagnostic(path: folder, line: 1, column: 1,
                                              message: "platform '\(platform)' in the loan files is not listed in \(Self.platformsFile)"))
            }
        }
        if banksListed {
            for bank in Set(figures.originations.map(\.bank)).sorted() where dataset.banks[bank] == nil {
                diagnostics.append(Diagnostic(path: folder, line: 1, column: 1,
                                              message: "bank '\(bank)' in the loan files is not listed in \(Self.banksFile)"))
            }
        }
        for period in Set(figures.originations.map(\.period)) where period.granularity != granularity {
            diagnostics.append(Diagnostic(path: folder, line: 1, column: 1, message: "loans in \(period) do not match the directory's periods"))
        }
        if diagnostics.isEmpty { dataset.loans = figures }
        return diagnostics
    }
}
