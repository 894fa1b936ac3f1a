import ArgumentParser
import Foundation
import DataIngest
import MarketAnalytics
import TerminalText

/// The data directory argument shared by every subcommand.
struct DataDirectoryArgument: ParsableArguments {
    @Argument(help: "The data directory.", completion: .directory)
    var directory: String = "sample-data"

    @OptionGroup(title: "Loan files") var loans: LoanOptionsArguments

    /// The directory with the loan options given.
    var dataDirectory: DataDirectory {
        get throws { DataDirectory(path: directory, loanOptions: try loans.options()) }
    }

    /// Loads and validates the directory as the dashboard does: one generation of the files, read
    /// again while a writer is changing them (an engine run switching `CURRENT`, a copy step), never
    /// a mix. On failure prints every problem to stderr and exits 1.
    func load() throws -> MarketDataset {
        let directory = try dataDirectory
        switch directory.loadConsistently(settle: 0.05) {
        case .loaded(let dataset):
            return dataset
        case .failed(let error):
            for diagnostic in error.diagnostics {
                StandardError.write(SafeText.sanitize(diagnostic.description) + "\n")
            }
            throw ExitCode.failure
        case .unstable, .cancelled:
            StandardError.write("error: \(SafeText.sanitize(directory.path)): the files kept changing while they were read; "
                                + "nothing was accepted (try again once the writer is done)\n")
            throw ExitCode.failure
        }
    }
}

enum StandardError {
    static func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}

/// A problem that depends on the data (an unknown period, definition or group): exit 1 with a message.
struct DataRequestError: Error, CustomStringConvertible {
    let description: String
}

/// How over-indebtedness is computed from loan files: its memory budget, where it spills, and
/// the APR thresholds of the pricing figures. Shared by every subcommand that reads loans.
struct LoanOptionsArguments: ParsableArguments {
    @Option(help: ArgumentHelp("Memory for the over-indebtedness work, in MiB (16 or more); past it, partitions spill "
                               + "to --temp-dir.", valueName: "MiB"))
    var memory: Int = LoanDetailOptions.defaultMemoryBytes >> 20

    @Option(help: ArgumentHelp("Directory for spilled partitions (default: $TMPDIR, else /tmp). Files are unlinked "
                               + "as soon as they are made, so none is left behind on any exit.", valueName: "dir"),
            completion: .directory)
    var tempDir: String?

    @Option(help: ArgumentHelp("APR thresholds of the pricing figures, in percent, comma-separated.", valueName: "list"))
    var aprThresholds: String = "24,36"

    func validate() throws {
        // Below 16 MiB the partitions' own bookkeeping (1,024 of them a thread) would pass the budget.
        guard (16...1_048_576).contains(memory) else { throw ValidationError("--memory takes 16 to 1048576 (MiB)") }
        _ = try thresholds()
        if let tempDir {
            guard !tempDir.isEmpty, !tempDir.contains("\n") else { throw ValidationError("--temp-dir takes a directory (no line breaks)") }
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: tempDir, isDirectory: &isDirectory) else {
                throw ValidationError("--temp-dir \(SafeText.sanitize(tempDir)): no such directory")
            }
            guard isDirectory.boolValue else { throw ValidationError("--temp-dir \(SafeText.sanitize(tempDir)): not a directory") }
        }
    }

    func thresholds() throws -> [APRThreshold] { try Self.parseThresholds(aprThresholds) }

    static func parseThresholds(_ aprThresholds: String) throws -> [APRThreshold] {
        let parts = aprThresholds.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let values = parts.compactMap(APRThreshold.init(percent:))
        guard !parts.isEmpty, parts.count <= 8, values.count == parts.count, Set(values).count == values.count else {
            throw ValidationError("--apr-thresholds takes up to 8 different percentages above 0 and at most 1000, "
                                  + "comma-separated (e.g. 24,36)")
        }
        return values.sorted { $0.billionths < $1.billionths }
    }

    func options() throws -> LoanDetailOptions {
        LoanDetailOptions(memoryBytes: memory << 20, temporaryDirectory: tempDir ?? LoanDetailOptions.defaultTemporaryDirectory,
                          aprThresholds: try thresholds().map(\.billionths))
    }
}
