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
        let accumulator = LoanAccumulator(granularity: period, expectedRows: expected, trackBorrowers: false)
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
        // Bytes appended directly: tens of thousands of rows, kept off the hot path's budget.
        var out: [UInt8] = Array("period,platform,bank,loans,amount_cny\n".utf8)
        out.reserveCapacity(1 << 20)
        var quoted: [String: [UInt8]] = [:]
        func name(_ text: String) -> [UInt8] {
            if let bytes = quoted[text] { return bytes }
            let bytes = Array(csv(text).utf8)
            quoted[text] = bytes
            return bytes
        }
        var periods: [Period: [UInt8]] = [:]
        for cell in accumulator.originations {
            if periods[cell.period] == nil { periods[cell.period] = Array(cell.period.description.utf8) }
            out += periods[cell.period]!
            out.append(UInt8(ascii: ","))
            out += name(cell.platform)
            out.append(UInt8(ascii: ","))
            out += name(cell.bank)
            out.append(UInt8(ascii: ","))
            out += Array(String(cell.loans).utf8)
            out.append(UInt8(ascii: ","))
            out += Array(Self.yuan(cell.cents).utf8)
            out.append(UInt8(ascii: "\n"))
        }
        FileHandle.standardOutput.write(Data(out))
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
