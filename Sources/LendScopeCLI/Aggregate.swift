import ArgumentParser
import DataIngest
import Foundation
import MarketAnalytics

extension Period.Granularity: ExpressibleByArgument {}

struct Aggregate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Aggregate loan-level files: loans and amount per period × platform × bank, as CSV.",
        discussion: """
            Reads loan files (loan_id,platform,bank,borrower_id,amount_cny,term_days,originated,rate_apr,status) \
            on bytes, in parallel, and writes period,platform,bank,loans,amount_cny to standard output: one row \
            per period × platform × bank, sorted, amounts with exactly two decimals (summed as integer cents). \
            Malformed rows are reported on standard error with their line (the first 20 in full, then a count) \
            and make the exit status 1; they are never silently dropped.
            """
    )

    @Argument(help: "Loan files.", completion: .file())
    var files: [String]

    @Option(help: "Parsing threads.")
    var threads: Int = 2

    @Option(help: "Period granularity: quarter or month.")
    var period: Period.Granularity = .quarter

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("name one or more loan files") }
        guard (1...64).contains(threads) else { throw ValidationError("--threads takes 1 to 64") }
    }

    func run() throws {
        let parser = LoanFileParser(granularity: period, threads: threads)
        let expected = files.reduce(0) { $0 + Int(FileFingerprint.of($1).size / 60) }
        let accumulator = LoanAccumulator(granularity: period, expectedRows: expected)
        var problems = 0
        for file in files {
            do {
                let result = try parser.parse(path: file, into: accumulator)
                for problem in result.problems {
                    StandardError.write("\(file):\(problem.line):1: \(problem.message)\n")
                }
                if result.problemCount > result.problems.count {
                    StandardError.write("\(file): \(result.problemCount - result.problems.count) more malformed rows\n")
                }
                problems += result.problemCount
            } catch {
                StandardError.write("\(error)\n")
                throw ExitCode.failure
            }
        }
        var out = "period,platform,bank,loans,amount_cny\n"
        for cell in accumulator.originations {
            out += "\(cell.period),\(csv(cell.platform)),\(csv(cell.bank)),\(cell.loans),\(Self.yuan(cell.cents))\n"
        }
        FileHandle.standardOutput.write(Data(out.utf8))
        if problems > 0 { throw ExitCode.failure }
    }

    func csv(_ text: String) -> String {
        text.contains(",") || text.contains("\"") ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }

    /// Cents as yuan with exactly two decimals.
    static func yuan(_ cents: Int64) -> String {
        let sign = cents < 0 ? "-" : ""
        let magnitude = cents.magnitude
        let fraction = magnitude % 100
        return "\(sign)\(magnitude / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}
