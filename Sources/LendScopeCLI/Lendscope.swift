import ArgumentParser
import DashboardUI
import Foundation
import TerminalText

@main
struct Lendscope: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lendscope",
        abstract: "Market concentration and bank–platform dependence in short-term consumer lending.",
        // Each command's usage line, generated from its own option declarations.
        usage: commandUsage,
        discussion: """
            LendScope reads a data directory of CSV files (balances.csv, and optionally market.csv, fx.csv, \
            platforms.csv, banks.csv, loans/*.csv; see README.md) and computes each platform group's share of \
            the market, concentration indices with honest bounds, merger what-ifs, and banks' dependence on \
            platforms against the February 2021 co-lending caps.

            DASHBOARD OPTIONS (the default command; 'lendscope help dashboard'):

            """ + dashboardOptions + "\n\nDASHBOARD KEYS (also on ? in the dashboard, with a glossary):\n"
            + Keymap.plainText(),
        version: LendScopeVersion.current,
        subcommands: [Dashboard.self, Report.self, Check.self, Aggregate.self, Sql.self, Pseudonymise.self, SSHConfig.self],
        defaultSubcommand: Dashboard.self
    )

    /// One usage line per command as the argument parser writes it from the declarations; the
    /// default command (the dashboard) without its name.
    static var commandUsage: String {
        let commands: [(name: String, usage: String)] = [
            ("", Dashboard.usageString()), ("report", Report.usageString()), ("check", Check.usageString()),
            ("aggregate", Aggregate.usageString()), ("sql", Sql.usageString()), ("pseudonymise", Pseudonymise.usageString()),
            ("ssh-config", SSHConfig.usageString()),
        ]
        return commands.map { name, usage in
            let arguments = usage.split(separator: " ", maxSplits: 1).dropFirst().first.map(String.init) ?? ""
            return (["lendscope", name, arguments].filter { !$0.isEmpty }).joined(separator: " ")
        }.joined(separator: "\n")
    }

    /// The dashboard's options section, as the argument parser writes it from the declarations.
    static var dashboardOptions: String {
        // 78 columns: the argument parser re-wraps discussion lines longer than 80.
        let help = Dashboard.helpMessage(columns: 78)
        guard let start = help.range(of: "ARGUMENTS:\n") ?? help.range(of: "OPTIONS:\n") else { return "" }
        return help[start.upperBound...].split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.contains("--help") && !$0.contains("Show help information") && $0 != "OPTIONS:" }
            .joined(separator: "\n").trimmingCharacters(in: .newlines)
    }

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

/// The version every engine run's manifest records.
enum LendScopeVersion {
    static let current = "0.22.0"
}
