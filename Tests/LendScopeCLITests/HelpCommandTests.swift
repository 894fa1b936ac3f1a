import DashboardUI
import Foundation
import Testing

/// `lendscope --help` and `lendscope help report` are generated from the option declarations and
/// the key table: every key and every option a user can use is in them.
@Suite("Generated help")
struct HelpCommandTests {
    /// Runs of whitespace as one space: the argument parser wraps lines.
    static func flat(_ text: String) -> String {
        text.split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ")
    }

    @Test("lendscope --help lists every binding of the key table, with its keys")
    func keysInTopLevelHelp() throws {
        let output = try BinaryRunner.run(["--help"])
        #expect(output.status == 0)
        let help = Self.flat(output.stdout)
        for binding in Keymap.bindings {
            #expect(help.contains(Self.flat(binding.help)), "missing: \(binding.help)")
            let keys = binding.keys.map(\.asciiDescription).joined(separator: " ")
            #expect(help.contains(keys), "missing keys: \(keys)")
        }
        // The keys the hand-written usage had lost.
        for key in ["n ", "r ", "p ", "Y ", ": "] { #expect(output.stdout.contains("\n  " + key)) }
    }

    @Test("lendscope --help lists the dashboard's options and every command's usage")
    func optionsInTopLevelHelp() throws {
        let output = try BinaryRunner.run(["--help"])
        let dashboard = try BinaryRunner.run(["help", "dashboard"])
        // Every option the dashboard declares (as its own help lists them) is in the top-level help.
        let declared = dashboard.stdout.split(separator: "\n").compactMap { line -> String? in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("--") else { return nil }
            return String(trimmed.prefix { $0 != " " && $0 != "," })
        }.filter { $0 != "--help" }
        #expect(declared.count >= 15, "\(declared)")
        for option in declared { #expect(output.stdout.contains(option), "missing \(option)") }
        for option in ["--read-only", "--trace", "--refresh", "--idle-timeout", "--period"] {
            #expect(declared.contains(option))
        }
        for command in ["lendscope report", "lendscope check", "lendscope aggregate", "lendscope ssh-config"] {
            #expect(output.stdout.contains(command))
        }
        // The argument parser folds a long usage line into [<options>]: report's own help lists them all.
        let report = try BinaryRunner.run(["report", "--help"])
        #expect(report.stdout.contains("--measure <measure>") && report.stdout.contains("--warn-at <fraction>"))
        #expect(output.stdout.split(separator: "\n").allSatisfy { $0.count <= 80 || $0.hasPrefix("USAGE") || $0.hasPrefix("       lendscope") })
    }

    @Test("lendscope help report lists report's options with their help")
    func reportHelp() throws {
        let output = try BinaryRunner.run(["help", "report"])
        #expect(output.status == 0)
        for option in ["--period", "--market", "--fx-date", "--merge", "--measure", "--format", "--all-periods"] {
            #expect(output.stdout.contains(option), "missing \(option)")
        }
    }
}
