import ArgumentParser
import Foundation
import DataIngest
import MarketAnalytics
import TerminalText

/// The data directory argument shared by every subcommand.
struct DataDirectoryArgument: ParsableArguments {
    @Argument(help: "The data directory.", completion: .directory)
    var directory: String = "sample-data"

    /// Loads and validates the directory; on failure prints every problem to stderr and exits 1.
    func load() throws -> MarketDataset {
        do {
            return try DataDirectory(path: directory).load()
        } catch {
            for diagnostic in error.diagnostics {
                StandardError.write(SafeText.sanitize(diagnostic.description) + "\n")
            }
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
