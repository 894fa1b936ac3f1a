import Foundation
import Testing

@Suite("lendscope report and check, run as a binary")
struct ReportCommandTests {
    @Test("report --period 2020Q2 shows Ant Group at about 21% of the default market")
    func foundingExample() throws {
        let output = try BinaryRunner.run(["report", "--period", "2020Q2"])
        #expect(output.status == 0)
        let antLine = try #require(output.stdout.split(separator: "\n").first { $0.contains("Ant Group") })
        #expect(antLine.contains("1,732.0"))
        #expect(antLine.contains("21.00%"))
        #expect(output.stdout.contains("household-short-term-consumer"))
        #expect(output.stdout.contains("245.1")) // US$ bn at the period-end rate 7.0651
    }

    @Test("--fx-date 2020-11-03 --format json converts Ant Group at the as-reported rate: about US$260 bn")
    func asReportedRate() throws {
        let output = try BinaryRunner.run(["report", "--period", "2020Q2", "--fx-date", "2020-11-03", "--format", "json"])
        #expect(output.status == 0)
        let json = try #require(JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        let ant = try #require((json["platforms"] as? [[String: Any]])?.first)
        #expect(ant["group"] as? String == "Ant Group")
        let usd = try #require(ant["balance_usd"] as? Double)
        #expect(abs(usd - 2.6e11) < 0.01e11)
        #expect((json["fx"] as? [String: Any])?["date"] as? String == "2020-11-03")
    }

    @Test("without a terminal the default command prints the dashboard overview as plain text")
    func plainDashboard() throws {
        let output = try BinaryRunner.run([])
        #expect(output.status == 0)
        #expect(output.stdout.hasPrefix(" LendScope │ sample-data │ ◀ 2021Q4 ▶ 12/12 │ balances │ loaded "))
        #expect(!output.stdout.unicodeScalars.contains { $0.value == 0x1B })
        #expect(output.stdout.contains("others (unreported)"))
    }

    @Test("--plain --period opens the overview at that period; --ascii draws ASCII only")
    func plainPeriod() throws {
        let output = try BinaryRunner.run(["--plain", "--ascii", "--period", "2020Q2", "sample-data"])
        #expect(output.status == 0)
        let ant = try #require(output.stdout.split(separator: "\n").first { $0.contains("Ant Group") })
        #expect(ant.contains("1,732.0") && ant.contains("21.00%"))
        #expect(output.stdout.unicodeScalars.allSatisfy { $0.isASCII })
        let missing = try BinaryRunner.run(["--plain", "--period", "2030Q1"])
        #expect(missing.status == 64)
        #expect(missing.stderr.contains("no balances for period '2030Q1'"))
    }

    @Test("--market switches the denominator, and an unknown one lists the known ones")
    func marketDefinition() throws {
        let wide = try BinaryRunner.run(["report", "--period", "2020Q2", "--market", "consumer-credit-ex-mortgage", "--format", "csv"])
        #expect(wide.status == 0)
        let lines = wide.stdout.split(separator: "\n")
        #expect(lines[0] == "period,rank,group,balance_cny_bn,balance_usd_bn,share_of_market,share_of_platforms,change_pp,flag,"
                + "total_flag,source")
        #expect(lines[1].hasPrefix("2020Q2,1,Ant Group,1732,"))
        let unknown = try BinaryRunner.run(["report", "--market", "nope"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr == "error: unknown market definition 'nope' for balances (known: 'household-short-term-consumer', "
                + "'consumer-credit-ex-mortgage')\n")
    }

    @Test("report --format csv --merge writes the merger table; --all-periods lists every breach run; bad combinations are refused")
    func mergeCSVAndAllPeriods() throws {
        let merge = try BinaryRunner.run(["report", "--period", "2020Q2", "--merge", "JD Technology+Du Xiaoman", "--format", "csv"])
        #expect(merge.status == 0)
        let lines = merge.stdout.split(separator: "\n").map(String.init)
        #expect(lines[0] == "period,parties,merged_share,hhi_before_lower,hhi_before_upper,hhi_after_lower,hhi_after_upper,"
                + "delta_hhi,guideline,severity,finding,threshold,issued")
        #expect(lines.count == 5 && lines[1].hasPrefix("2020Q2,JD Technology + Du Xiaoman,"))
        let all = try BinaryRunner.run(["report", "--all-periods"])
        #expect(all.status == 0)
        // A run before the caps existed and the run after are two runs; the 30% floor's runs are listed too.
        // Lanzhou's capital is 19.1 bn in 2019Q1–Q3 (undated row), 20.6 bn from 2019Q4, 22.0 bn from 2020Q4.
        #expect(all.stdout.contains("Co-lending cap breaches (41 runs)"))
        #expect(all.stdout.contains("25% T1 cap     Bank of Lanzhou                       Ant Group         2019Q1  2020Q4        8   35.8%"))
        #expect(all.stdout.contains("25% T1 cap     Bank of Lanzhou                       Ant Group         2021Q1  2021Q2        2   30.7%"))
        #expect(all.stdout.contains("transition"))
        let panel = try BinaryRunner.run(["report", "--all-periods", "--format", "csv"])
        #expect(panel.stdout.hasPrefix("period,rank,group,balance_cny_bn,"))
        let refused = try BinaryRunner.run(["report", "--all-periods", "--period", "2020Q2"])
        #expect(refused.status == 64)
        #expect(refused.stderr.contains("--all-periods covers every period: leave out --period"))
    }

    @Test("--merge prints the what-if with ΔHHI and every guideline's verdict")
    func merge() throws {
        let output = try BinaryRunner.run(["report", "--period", "2020Q2", "--merge", "Ant Group+Lufax", "--format", "json"])
        #expect(output.status == 0)
        let json = try #require(JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        let merger = try #require(json["merger"] as? [String: Any])
        let shares = try #require(json["platforms"] as? [[String: Any]])
        let ant = try #require(shares.first { $0["group"] as? String == "Ant Group" }?["share_of_market"] as? Double)
        let lufax = try #require(shares.first { $0["group"] as? String == "Lufax" }?["share_of_market"] as? Double)
        #expect(abs((merger["delta_hhi"] as? Double ?? 0) - 2 * ant * 100 * lufax * 100) < 1e-6)
        #expect((merger["verdicts"] as? [String: Any])?.count == 4)
        let unknown = try BinaryRunner.run(["report", "--merge", "Ant Group+Nobody"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.hasPrefix("error: 'Nobody' is not a platform group in 2021Q4 (groups: Ant Group, "))
    }

    @Test("bad arguments are refused with a usage error", arguments: [
        (["report", "--period", "2020Q5"], "'2020Q5' is not a period"),
        (["report", "--fx-date", "2020-13-01"], "'2020-13-01' is not a date"),
        (["report", "--merge", "Ant Group"], "--merge needs two or more groups"),
    ])
    func badArguments(arguments: [String], message: String) throws {
        let output = try BinaryRunner.run(arguments)
        #expect(output.status == 64)
        #expect(output.stderr.contains(message))
    }

    @Test("a period without data is an error naming the covered range")
    func missingPeriod() throws {
        let output = try BinaryRunner.run(["report", "--period", "2030Q1"])
        #expect(output.status == 1)
        #expect(output.stderr == "error: no balances for period 2030Q1 (the data cover 2019Q1–2021Q4)\n")
    }

    @Test("check sample-data: exit 0 and a one-line summary")
    func checkSample() throws {
        let output = try BinaryRunner.run(["check", "sample-data"])
        #expect(output.status == 0)
        #expect(output.stdout.hasPrefix("sample-data: valid: "))
        #expect(output.stdout.split(separator: "\n").count == 1)
    }

    @Test("check and report on invalid data: exit 1, every problem on stderr as PATH:LINE:COLUMN, nothing printed")
    func invalidData() throws {
        let directory = try BinaryRunner.temporaryDirectory([
            "balances.csv": "period,platform,bank,balance_cny\n2020Q1,A,B,1,732\n2020Q1,\u{1B}[2J,B,-1\n",
        ])
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.path
        let expected = "\(path)/balances.csv:2:14: expected 4 fields as in the header, found 5\n"
            + "\(path)/balances.csv:3:8: column 'platform': escape character U+001B is not allowed in a name\n"
        for command in ["check", "report"] {
            let output = try BinaryRunner.run([command, path])
            #expect(output.status == 1)
            #expect(output.stderr == expected)
            #expect(output.stdout.isEmpty)
        }
    }

    @Test("error messages never carry raw escape sequences to the terminal")
    func sanitisedErrors() throws {
        let directory = try BinaryRunner.temporaryDirectory([
            "balances.csv": "period,platform,bank,balance_cny\n2020Q1,A,B,\"\u{1B}]0;pwned\u{7}\"\n",
        ])
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = try BinaryRunner.run(["check", directory.path])
        #expect(output.status == 1)
        #expect(!output.stderr.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 })
        #expect(output.stderr.contains("is not a plain decimal number"))
    }
}
