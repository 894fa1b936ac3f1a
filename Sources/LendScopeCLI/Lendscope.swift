import ArgumentParser
import Foundation
import TerminalText

@main
struct Lendscope: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lendscope",
        abstract: "Market concentration and bank–platform dependence in short-term consumer lending.",
        usage: """
            lendscope [<directory>] [--ascii] [--plain] [--no-color] [--period <period>]
            lendscope report [<directory>] [--period <period>] [--market <definition>] [--fx-date <date>] [--merge <groups>] [--format <format>]
            lendscope check [<directory>]
            lendscope aggregate <file>... [--threads <n>] [--period quarter|month]
            lendscope ssh-config --user <name> --data <directory> [--port <n>] [--max-viewers <n>] [--out <directory>]
            """,
        discussion: """
            LendScope reads a data directory of CSV files (balances.csv, and optionally market.csv, fx.csv, \
            platforms.csv, banks.csv; see README.md) and computes each platform group's share of the market, \
            concentration indices with honest bounds, merger what-ifs, and banks' dependence on platforms \
            against the February 2021 co-lending caps.
            """,
        subcommands: [Dashboard.self, Report.self, Check.self, Aggregate.self, SSHConfig.self],
        defaultSubcommand: Dashboard.self
    )

    /// Runs the command; every message the argument parser prints (an invalid option value, an
    /// unknown TERM, a bad --period) goes through the terminal sanitiser, like everything else
    /// LendScope prints: an option value may carry escape sequences.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            let message = SafeText.sanitizeLines(fullMessage(for: error))
            if !message.isEmpty {
                let text = message.hasSuffix("\n") ? message : message + "\n"
                (code == .success ? FileHandle.standardOutput : FileHandle.standardError).write(Data(text.utf8))
            }
            Foundation.exit(code.rawValue)
        }
    }
}
