import ArgumentParser
import DataIngest
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import MarketAnalytics
import MarketReport
import TerminalText

extension Period.Granularity: ExpressibleByArgument {}

struct Aggregate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Aggregate loan-level files: loans and amount per period × platform × bank, as CSV.",
        discussion: """
            Reads loan files (loan_id, platform, bank, borrower_id, amount_cny, term_days, originated, rate_apr, status) \
            on bytes, in parallel, and writes period,platform,bank,loans,amount_cny to standard output: one row \
            per period × platform × bank, sorted, amounts with exactly two decimals (summed as integer cents). \
            Malformed rows are reported on standard error with their line (the first 20 in full, then a count) \
            and make the exit status 1; they are never silently dropped, and nothing is written unless every \
            row of every file is valid. With --output the CSV goes to a file through a temporary file and a \
            rename, so a reader never sees a partial aggregate.
            """
    )

    @Argument(help: "Loan files.", completion: .file())
    var files: [String]

    @Option(help: "Parsing threads.")
    var threads: Int = 2

    @Option(help: "Period granularity: quarter or month.")
    var period: Period.Granularity = .quarter

    @Option(help: "Write the CSV to this file (atomically: a temporary file, then a rename) instead of standard output.",
            completion: .file())
    var output: String?

    @Option(help: ArgumentHelp("Also compute over-indebtedness at every period end and write it to this file as CSV "
                               + "(period,table,a,b,value).", valueName: "file"), completion: .file())
    var indebtedness: String?

    @Option(help: ArgumentHelp("platforms.csv mapping platforms to groups for --indebtedness (default: each platform "
                               + "its own group).", valueName: "file"), completion: .file())
    var platforms: String?

    @Option(name: .customLong("min-cell"),
            help: ArgumentHelp(MinCell.help + " in the --indebtedness file: a hidden value is empty, and suppression rows say "
                               + "how many (default: off, every figure exact).", valueName: MinCell.valueName))
    var minCell: Int?

    @OptionGroup var loanOptions: LoanOptionsArguments

    func validate() throws {
        try MinCell.validate(minCell)
        if minCell != nil && indebtedness == nil { throw ValidationError("--min-cell goes with --indebtedness") }
        for (name, value) in [("--indebtedness", indebtedness), ("--platforms", platforms)] {
            if let value, value.isEmpty || value.contains("\n") { throw ValidationError("\(name) takes a file name (no line breaks)") }
        }
        if platforms != nil && indebtedness == nil { throw ValidationError("--platforms goes with --indebtedness") }
        // An output never replaces an input, nor the other output.
        if let indebtedness {
            for (name, other) in [("--output", output), ("--platforms", platforms)] + files.map({ ("a loan file", Optional($0)) }) {
                if let other, Self.samePath(indebtedness, other) {
                    throw ValidationError("--indebtedness names the same file as \(name): \(SafeText.sanitize(other))")
                }
            }
        }
        if let output {
            for file in files + [platforms].compactMap({ $0 }) where Self.samePath(output, file) {
                throw ValidationError("--output names an input file: \(SafeText.sanitize(file))")
            }
        }
        guard !files.isEmpty else { throw ValidationError("name one or more loan files") }
        guard (1...64).contains(threads) else { throw ValidationError("--threads takes 1 to 64") }
        if let output, output.isEmpty || output.contains("\n") {
            throw ValidationError("--output takes a file name (no line breaks)")
        }
    }

    func run() throws {
        let parser = LoanFileParser(granularity: period, threads: threads)
        let expected = files.reduce(0) { $0 + Int(FileFingerprint.of($1).size / 60) }
        var groupOf: [String: String] = [:]
        if let platforms {
            do {
                groupOf = try PlatformGroups.read(platforms)
            } catch {
                for diagnostic in error.diagnostics { StandardError.write(SafeText.sanitize(diagnostic.description) + "\n") }
                throw ExitCode.failure
            }
        }
        let accumulator = LoanAccumulator(granularity: period, expectedRows: expected, trackBorrowers: false,
                                          details: indebtedness == nil ? nil : try loanOptions.options())
        var problems = 0
        var sightings: [(file: String, sighting: LoanNameSighting)] = []
        for file in files {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory), isDirectory.boolValue {
                StandardError.write(SafeText.sanitize("\(file):1:1: is a directory, not a loan file (name its files, e.g. \(file)/*.csv)") + "\n")
                throw ExitCode.failure
            }
            do {
                let result = try parser.parse(path: file, into: accumulator)
                // Every message through the terminal sanitiser: a file name or a field may carry escapes.
                for problem in result.problems {
                    StandardError.write(SafeText.sanitize("\(file):\(problem.line):1: \(problem.message)") + "\n")
                }
                if result.problemCount > result.problems.count {
                    StandardError.write(SafeText.sanitize("\(file): \(result.problemCount - result.problems.count) more malformed rows") + "\n")
                }
                problems += result.problemCount
                sightings += result.firstSeen.filter { $0.column == "platform" }.map { (file, $0) }
            } catch {
                StandardError.write(SafeText.sanitize("\(error)") + "\n")
                throw ExitCode.failure
            }
        }
        // Nothing is written from input that was not valid throughout: a partial aggregate read as
        // whole is a wrong figure.
        if problems > 0 {
            StandardError.write("lendscope: \(problems) malformed row\(problems == 1 ? "" : "s"); no aggregate written\n")
            throw ExitCode.failure
        }
        // With a platforms.csv, every platform must be in it (a typo must not become a group of its own).
        if platforms != nil {
            var reported = Set<String>()
            for (file, seen) in sightings where groupOf[seen.name] == nil && reported.insert(seen.name).inserted {
                StandardError.write(SafeText.sanitize("\(file):\(seen.line):\(seen.characterColumn): column 'platform': "
                                                      + "'\(seen.name)' is not listed in \(platforms!)") + "\n")
            }
            if !reported.isEmpty { throw ExitCode.failure }
        }
        if let indebtedness {
            let figures: [Period: IndebtednessFigures]
            do {
                figures = try accumulator.indebtedness(groupOf: { groupOf[$0] ?? $0 }, threads: threads)
            } catch {
                StandardError.write(SafeText.sanitize("lendscope: over-indebtedness: \(error)") + "\n")
                throw ExitCode.failure
            }
            try Self.write(Array(IndebtednessTable.csv(figures, rule: MinCell.rule(minCell)).utf8), to: indebtedness,
                           option: "--indebtedness")
        }
        let bytes = Self.csv(accumulator.originationTable)
        guard let output else {
            // write(2), so a closed or full standard output is an error that says so, not a trap.
            if let problem = Platform.writeAll(1, bytes) {
                StandardError.write("lendscope: cannot write the aggregate to standard output: \(problem)\n")
                throw ExitCode.failure
            }
            return
        }
        try Self.write(bytes, to: output, option: "--output")
    }

    /// Writes `bytes` to `output` through a temporary file and a rename; only a regular file (or
    /// a new one) is replaced: never a device, a FIFO or a link.
    static func write(_ bytes: [UInt8], to output: String, option: String) throws {
        var info = stat()
        let exists = lstat(output, &info) == 0
        if exists && info.st_mode & S_IFMT != S_IFREG {
            StandardError.write(SafeText.sanitize("lendscope: \(output) is not a regular file; \(option) writes regular files only") + "\n")
            throw ExitCode.failure
        }
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: output), options: .atomic)
            // The replacement keeps the permissions the file had.
            if exists { _ = chmod(output, info.st_mode & 0o7777) }
        } catch {
            StandardError.write(SafeText.sanitize("lendscope: cannot write \(output): \(ExportWriter.reason(error))") + "\n")
            throw ExitCode.failure
        }
    }

    /// The aggregate as CSV bytes. Each name and period is rendered once and numbers are written
    /// digit by digit into one buffer: tens of thousands of rows, kept off the parse's budget.
    static func csv(_ table: OriginationTable) -> [UInt8] {
        let periods = table.periods.map { Array($0.description.utf8) }
        let platforms = table.platforms.map { Array(csvField($0).utf8) }
        let banks = table.banks.map { Array(csvField($0).utf8) }
        let header = Array("period,platform,bank,loans,amount_cny\n".utf8)
        // Longest line: the longest of each part, 20 digits of loans, a sign, 19 digits and a point.
        let longest = (periods.map(\.count).max() ?? 0) + (platforms.map(\.count).max() ?? 0)
            + (banks.map(\.count).max() ?? 0) + 20 + 22 + 5
        return [UInt8](unsafeUninitializedCapacity: header.count + table.cells.count * longest) { buffer, count in
            var at = 0
            func put(_ bytes: [UInt8]) {
                bytes.withUnsafeBufferPointer { source in
                    guard let start = source.baseAddress else { return }
                    UnsafeMutableRawPointer(buffer.baseAddress! + at).copyMemory(from: start, byteCount: source.count)
                }
                at += bytes.count
            }
            func put(_ byte: UInt8) { buffer[at] = byte; at += 1 }
            func put(digitsOf value: UInt64, atLeast minimum: Int = 1) {
                var length = 1
                var rest = value / 10
                while rest > 0 { length += 1; rest /= 10 }
                length = max(length, minimum)
                var remaining = value
                for position in stride(from: at + length - 1, through: at, by: -1) {
                    buffer[position] = UInt8(truncatingIfNeeded: remaining % 10) + 0x30
                    remaining /= 10
                }
                at += length
            }
            put(header)
            for cell in table.cells {
                put(periods[cell.period]); put(UInt8(ascii: ","))
                put(platforms[cell.platform]); put(UInt8(ascii: ","))
                put(banks[cell.bank]); put(UInt8(ascii: ","))
                put(digitsOf: UInt64(cell.loans)); put(UInt8(ascii: ","))
                if cell.cents < 0 { put(UInt8(ascii: "-")) }
                put(digitsOf: cell.cents.magnitude / 100); put(UInt8(ascii: "."))
                put(digitsOf: cell.cents.magnitude % 100, atLeast: 2)
                put(UInt8(ascii: "\n"))
            }
            count = at
        }
    }

    /// True when both name one file (the same inode), or the same path when one does not exist yet.
    static func samePath(_ a: String, _ b: String) -> Bool {
        var x = stat(), y = stat()
        if stat(a, &x) == 0, stat(b, &y) == 0 { return x.st_dev == y.st_dev && x.st_ino == y.st_ino }
        return URL(fileURLWithPath: a).standardizedFileURL.path == URL(fileURLWithPath: b).standardizedFileURL.path
    }

    static func csvField(_ text: String) -> String {
        text.contains(",") || text.contains("\"") ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }
}
