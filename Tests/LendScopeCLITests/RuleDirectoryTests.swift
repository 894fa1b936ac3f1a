import Foundation
import Testing

/// Hand-made data directories run through the binary: the rules as a regulator reads them in
/// `report`, with every expected figure worked out here, not taken from the program.
@Suite("Rules on hand-made directories")
struct RuleDirectoryTests {
    static func json(_ output: BinaryRunner.Output) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
    }

    @Test("AML 41% / 25% / 9.5% of a 1,000 bn market: three hold 75.5%, A and B presumed dominant, C counted but not")
    func amlAsWritten() throws {
        let directory = try BinaryRunner.temporaryDirectory([
            "balances.csv": "period,platform,bank,balance_cny_bn\n2021Q4,A,X,410\n2021Q4,B,X,250\n2021Q4,C,X,95\n2021Q4,D,X,80\n",
            "market.csv": "period,definition,total_cny_bn\n2021Q4,m,1000\n",
        ])
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = try BinaryRunner.run(["report", directory.path, "--format", "json"])
        #expect(output.status == 0)
        let aml = try #require((try Self.json(output)["verdicts"] as? [String: Any])?["china_aml"] as? [String: Any])
        #expect(aml["presumed_dominant"] as? [String] == ["A", "B"])
        #expect(aml["counted_not_presumed"] as? [String] == ["C"])
        #expect(aml["article"] as? String == "art. 19 (2008 law)")
        let table = try BinaryRunner.run(["report", directory.path])
        #expect(table.stdout.contains("dominance presumed: A, B (jointly); C counted but under 1/10, not presumed"))
    }

    @Test("the article follows the period: 2022Q3 cites art. 24")
    func amlArticle() throws {
        let directory = try BinaryRunner.temporaryDirectory([
            "balances.csv": "period,platform,bank,balance_cny_bn\n2022Q3,A,X,600\n2022Q3,B,X,100\n",
            "market.csv": "period,definition,total_cny_bn\n2022Q3,m,1000\n",
        ])
        defer { try? FileManager.default.removeItem(at: directory) }
        let aml = try #require((try Self.json(try BinaryRunner.run(["report", directory.path, "--format", "json"]))["verdicts"]
                                as? [String: Any])?["china_aml"] as? [String: Any])
        #expect((aml["article"] as? String)?.hasPrefix("art. 24") == true)
        #expect(aml["presumed_dominant"] as? [String] == ["A", "B"]) // A ≥ 1/2; A + B = 70% ≥ 2/3
    }

    @Test("a zero tier-1 capital is refused at its cell by check and report, never read as 'unknown'")
    func zeroCapital() throws {
        let directory = try BinaryRunner.temporaryDirectory([
            "balances.csv": "period,platform,bank,balance_cny_bn\n2021Q4,A,ICBC,100\n",
            "banks.csv": "bank,type,region,tier1_capital_cny_bn,total_loans_cny_bn,online_only\nICBC,state,national,0,18600,false\n",
        ])
        defer { try? FileManager.default.removeItem(at: directory) }
        for command in ["check", "report"] {
            let output = try BinaryRunner.run([command, directory.path])
            #expect(output.status == 1)
            #expect(output.stderr == "\(directory.path)/banks.csv:2:21: column 'tier1_capital_cny_bn': must be above zero "
                    + "(leave the cell empty when it is not known)\n")
            #expect(output.stdout.isEmpty)
        }
    }

    @Test("a stated largest_unreported_share sets the upper bound and is named; the no-assumption bound is given too")
    func largestUnreported() throws {
        // A 30%, B 20%: R = 50%; stated 5% → 10 firms of 5%: 900 + 400 + 250 = 1,550; no assumption: 1,300 + 2,500.
        let directory = try BinaryRunner.temporaryDirectory([
            "balances.csv": "period,platform,bank,balance_cny_bn\n2021Q4,A,X,300\n2021Q4,B,X,200\n",
            "market.csv": "period,definition,total_cny_bn,largest_unreported_share\n2021Q4,m,1000,0.05\n",
        ])
        defer { try? FileManager.default.removeItem(at: directory) }
        let indices = try #require(try Self.json(try BinaryRunner.run(["report", directory.path, "--format", "json"]))["indices"]
                                   as? [String: Any])
        #expect(abs((indices["hhi_upper"] as? Double ?? 0) - 1_550) < 1e-6)
        #expect(abs((indices["hhi_upper_no_assumption"] as? Double ?? 0) - 3_800) < 1e-6)
        #expect((indices["hhi_upper_assumption"] as? String)?.contains("5.00% of the market (largest_unreported_share") == true)
    }

    @Test("new lending: caps stay on balances; verdicts need a new-lending total in market.csv (measure column)")
    func newLendingBasis() throws {
        let loans = "loan_id,platform,bank,borrower_id,amount_cny,term_days,originated,rate_apr,status\n"
            + "L1,A,X,b1,1000.00,90,2021-11-02,0.18,current\nL2,B,X,b2,3000.00,90,2021-11-03,0.18,current\n"
        let files = [
            "balances.csv": "period,platform,bank,balance_cny_bn\n2021Q4,A,X,30\n2021Q4,B,X,10\n",
            "banks.csv": "bank,type,region,tier1_capital_cny_bn,total_loans_cny_bn,online_only\nX,city,r,100,1000,false\n",
            "market.csv": "period,definition,total_cny_bn\n2021Q4,m,1000\n",
        ]
        let directory = try BinaryRunner.temporaryDirectory(files)
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("loans"), withIntermediateDirectories: true)
        try Data(loans.utf8).write(to: directory.appendingPathComponent("loans/l.csv"))
        let new = try Self.json(try BinaryRunner.run(["report", directory.path, "--measure", "originations", "--format", "json"]))
        #expect(new["verdicts"] is NSNull)
        let bank = try #require((new["banks"] as? [[String: Any]])?.first)
        #expect(bank["max_exposure_to_tier1"] as? Double == 0.3) // 30 bn balance / 100 bn, not new lending
        let alerts = try #require(new["alerts"] as? [[String: Any]])
        #expect(alerts.map { $0["rule"] as? String } == ["single_partner_exposure"])
        // With a new-lending total (CNY 10,000 of new lending), B's 3,000 is 30% of the market.
        try Data("period,definition,total_cny,measure\n2021Q4,m,1000000000000,balances\n2021Q4,m,10000,originations\n".utf8)
            .write(to: directory.appendingPathComponent("market.csv"))
        let judged = try Self.json(try BinaryRunner.run(["report", directory.path, "--measure", "originations", "--format", "json"]))
        #expect(judged["verdicts"] is [String: Any])
        let b = try #require((judged["platforms"] as? [[String: Any]])?.first { $0["group"] as? String == "B" })
        #expect(b["share_of_market"] as? Double == 0.3)
    }
}
