import Foundation
import Testing

/// `--min-cell`, run as a binary: on by default in a read-only kiosk, off elsewhere, a bad value
/// an argument error.
@Suite("--min-cell, run as a binary")
struct MinCellCommandTests {
    /// 30 borrowers owe to group A alone and 3 to A and B at the end of 2021: the 3 are fewer than 10.
    /// Eight groups, so that the plain overview is tall enough for the panel's last line.
    static func smallDirectory() throws -> URL {
        let balances = "period,platform,bank,balance_cny\n" + "ABCDEFGH".enumerated().map { "2021Q4,\($0.element),Bank,\(1_000 - 100 * $0.offset)\n" }.joined()
        let directory = try BinaryRunner.temporaryDirectory(["balances.csv": balances])
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("loans"), withIntermediateDirectories: true)
        var loans = "loan_id,platform,bank,borrower_id,amount_cny,term_days,originated,rate_apr,status\n"
        for n in 1...33 { loans += "L\(n),A,Bank,b\(n),100,90,2021-12-01,0.2,current\n" }
        for n in 31...33 { loans += "M\(n),B,Bank,b\(n),50,90,2021-12-01,0.2,current\n" }
        try Data(loans.utf8).write(to: directory.appendingPathComponent("loans/loans.csv"))
        return directory
    }

    static func panelLine(_ output: BinaryRunner.Output) -> String? {
        output.stdout.split(separator: "\n").map(String.init).first { $0.contains("owing on 2+ groups") }
    }

    @Test("--read-only hides fewer than 10 borrowers by default; --min-cell 0 (or 1) turns it off; without --read-only it is off")
    func kioskDefault() throws {
        let directory = try Self.smallDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let kiosk = try BinaryRunner.run(["--plain", "--read-only", directory.path])
        #expect(kiosk.status == 0, "\(kiosk.stderr)")
        #expect(Self.panelLine(kiosk)?.contains("owing on 2+ groups: <10 of 33 (o)") == true, "\(kiosk.stdout)")
        for off in ["0", "1"] {
            let open = try BinaryRunner.run(["--plain", "--read-only", "--min-cell", off, directory.path])
            #expect(Self.panelLine(open)?.contains("owing on 2+ groups: 9.1% of 33 (o)") == true, "\(open.stdout)")
        }
        let plain = try BinaryRunner.run(["--plain", directory.path])
        #expect(Self.panelLine(plain)?.contains("owing on 2+ groups: 9.1% of 33 (o)") == true)
        let chosen = try BinaryRunner.run(["--plain", "--min-cell", "3", directory.path])
        #expect(Self.panelLine(chosen)?.contains("9.1% of 33") == true) // exactly 3: shown
        let stricter = try BinaryRunner.run(["--plain", "--min-cell", "4", directory.path])
        #expect(Self.panelLine(stricter)?.contains("<4 of 33") == true)
    }

    @Test("report --min-cell: null in JSON with a suppression object, a marker in the text; off by default")
    func report() throws {
        let directory = try Self.smallDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let json = try BinaryRunner.run(["report", directory.path, "--min-cell", "10", "--format", "json"])
        #expect(json.status == 0, "\(json.stderr)")
        let object = try #require(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let indebtedness = try #require(object["indebtedness"] as? [String: Any])
        #expect(indebtedness["borrowers"] as? Int == 33)
        let classes = try #require(indebtedness["by_groups"] as? [String: Any])
        #expect(classes["2"] is NSNull && classes["1"] is NSNull && classes["3"] as? Int == 0)
        let suppression = try #require(object["suppression"] as? [String: Any])
        #expect(suppression["min_cell"] as? Int == 10)
        #expect((suppression["reason"] as? String)?.hasPrefix("--min-cell 10: ") == true)
        let text = try BinaryRunner.run(["report", directory.path, "--min-cell", "10"])
        #expect(text.stdout.contains("  By number of groups: 1: x (x); 2: <10 (n<10); 3: 0 (CNY 0.00 mn)"))
        let exact = try BinaryRunner.run(["report", directory.path, "--format", "json"])
        let open = try #require(JSONSerialization.jsonObject(with: Data(exact.stdout.utf8)) as? [String: Any])
        #expect(open["suppression"] is NSNull)
        #expect(((open["indebtedness"] as? [String: Any])?["by_groups"] as? [String: Any])?["2"] as? Int == 3)
    }

    @Test("a bad --min-cell is an argument error that says what is allowed", arguments: [
        ["--min-cell", "1000001"], ["--min-cell=-1"], ["report", "--min-cell", "2000000"],
    ])
    func badValue(arguments: [String]) throws {
        let output = try BinaryRunner.run(arguments + ["--plain"].filter { _ in arguments.first != "report" })
        #expect(output.status == 64)
        #expect(output.stderr.contains("--min-cell takes a number of borrowers from 0 to 1000000 (0 or 1: off)"), "\(output.stderr)")
    }

    @Test("a value that is not a number is refused by the parser; aggregate takes --min-cell only with --indebtedness")
    func notANumber() throws {
        let output = try BinaryRunner.run(["--plain", "--min-cell", "ten"])
        #expect(output.status == 64 && output.stderr.contains("The value 'ten' is invalid for '--min-cell <n>'"))
        let directory = try Self.smallDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let loans = directory.appendingPathComponent("loans/loans.csv").path
        let alone = try BinaryRunner.run(["aggregate", loans, "--min-cell", "10"])
        #expect(alone.status == 64 && alone.stderr.contains("--min-cell goes with --indebtedness"))
        let out = directory.appendingPathComponent("indebtedness.csv").path
        let written = try BinaryRunner.run(["aggregate", loans, "--indebtedness", out, "--min-cell", "10"])
        #expect(written.status == 0, "\(written.stderr)")
        let table = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(table.contains("2021Q4,by_groups,2,,") && table.contains("2021Q4,overlap,A,B,"))
        #expect(table.contains("2021Q4,suppression,min_cell,,10"))
        let exact = try BinaryRunner.run(["aggregate", loans, "--indebtedness", out])
        #expect(exact.status == 0)
        #expect(try String(contentsOfFile: out, encoding: .utf8).contains("2021Q4,overlap,A,B,3\n"))
    }
}
