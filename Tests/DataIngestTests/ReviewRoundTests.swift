import Foundation
import Testing
@testable import DataIngest
import MarketAnalytics
#if canImport(Glibc)
import Glibc
#endif

/// Found by an adversarial review of the hostile-input work; each failed before its fix.
@Suite("Hostile input, the review's round")
struct ReviewRoundTests {
    @Test("a loan name past 1,024 bytes is refused, never looked up (a 65,536+ byte name once aliased a short one)")
    func longLoanName() throws {
        let long = String(repeating: "N", count: 65_560)
        let text = LoanParserTests.header + "L1,\(long),Bank A,b1,1,30,2020-02-01,0.1,current\n"
            + "L2,\"Collision Platform Name!\",Bank A,b2,2,30,2020-02-01,0.1,current\n"
        for threads in [1, 2] {
            let (accumulator, result) = try LoanParserTests.parse(text, threads: threads)
            #expect(LoanParserTests.cells(accumulator) == ["2020Q1 Collision Platform Name! Bank A 1 200"])
            #expect(result.problems.map(\.message) == ["row longer than 524288 bytes"]
                    || result.problems.map(\.message) == ["column 'platform': a name longer than 1024 bytes"])
        }
        let shorter = String(repeating: "N", count: 2_000)
        let (_, result) = try LoanParserTests.parse(LoanParserTests.header + "L1,\(shorter),Bank A,b1,1,30,2020-02-01,0.1,current\n")
        #expect(result.problems.map(\.message) == ["column 'platform': a name longer than 1024 bytes"])
    }

    @Test("a borrower ID past 65,535 bytes makes stacking unavailable rather than being compared in part")
    func longBorrower() throws {
        let id = String(repeating: "b", count: 70_000)
        let text = LoanParserTests.header + "L1,Huabei,Bank A,\(id)x,1,30,2020-02-01,0.1,current\n"
        let (accumulator, _) = try LoanParserTests.parse(text, threads: 1)
        #expect(accumulator.figures { $0 }.stackingUnavailable?.hasPrefix("two borrower IDs share a 64-bit key") == true)
    }

    @Test("capital below one yuan, an amount below one fen and a vanishing largest share are refused at their cells")
    func tinyFigures() {
        let tiny = "0." + String(repeating: "0", count: 319) + "1"
        let balances = "period,platform,bank,balance_cny\n2021Q1,A,B,1000000000000000\n"
        let banks = "bank,type,region,tier1_capital_cny,total_loans_cny,online_only\nB,city,x,\(tiny),5,false\n"
        #expect(Fixture.problems(["balances.csv": balances, "banks.csv": banks]).first?.hasSuffix("is below one fen (0.01 yuan): not an amount") == true)
        let half = "bank,type,region,tier1_capital_cny,total_loans_cny,online_only\nB,city,x,0.5,5,false\n"
        #expect(Fixture.problems(["balances.csv": balances, "banks.csv": half])
                == ["data/banks.csv:2:10: column 'tier1_capital_cny': below one yuan: not a bank's figure"])
        let market = "period,definition,total_cny,largest_unreported_share\n2021Q1,m,2000000000000000,\(tiny)\n"
        #expect(Fixture.problems(["balances.csv": "period,platform,bank,balance_cny\n2021Q1,A,B,1\n", "market.csv": market]).count == 1)
        let bounds = HHIBounds(marketShares: [0.3], largestUnreported: 1e-300)
        #expect(bounds.upper.isFinite && abs(bounds.upper - 900) < 1e-6)
    }

    @Test("a NUL byte in a small file is named at once (a sparse file is not text)")
    func nulByte() {
        #expect(Fixture.problems(["balances.csv": "period,platform,bank,balance_cny\n2021Q1,A\u{0},B,1\n"])
                == ["data/balances.csv:2:9: NUL byte: not a text file"])
    }

    @Test("a sparse loan file of 200 MB is refused in well under a second, not read to its end")
    func sparseLoanFile() throws {
        let dir = try SpecialFileTests.copyOfSample()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/loans", withIntermediateDirectories: true)
        let fd = open(dir + "/loans/x.csv", O_CREAT | O_WRONLY, 0o600)
        #expect(ftruncate(fd, 200 << 20) == 0)
        close(fd)
        let started = Date()
        #expect(SpecialFileTests.problems(dir) == ["DIR/loans/x.csv:1:1: the header row is longer than 64 KiB: is this a loan file?"])
        #expect(Date().timeIntervalSince(started) < 5) // generous for a shared machine; it was 10+ s
    }

    @Test("a loans entry that is not a readable folder is an error, not 'no loan data'", arguments: ["file", "dangling"])
    func brokenLoansFolder(kind: String) throws {
        let dir = try SpecialFileTests.copyOfSample()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        if kind == "file" {
            try Data("x".utf8).write(to: URL(fileURLWithPath: dir + "/loans"))
            #expect(SpecialFileTests.problems(dir) == ["DIR/loans:1:1: is not a folder: loan files go in a folder named loans"])
        } else {
            try FileManager.default.createSymbolicLink(atPath: dir + "/loans", withDestinationPath: dir + "/nowhere")
            #expect(SpecialFileTests.problems(dir).first?.hasPrefix("DIR/loans:1:1: is a symbolic link that leads nowhere") == true)
        }
    }

    @Test("a platforms.csv row with a bad flag is the one error: its platform's balances are not 'not listed'")
    func platformKnockOn() {
        #expect(Fixture.problems(["balances.csv": "period,platform,bank,balance_cny\n2021Q1,Beta,B,1\n",
                                  "platforms.csv": "platform,group,flag\nBeta,G,Z\n"])
                == ["data/platforms.csv:2:8: column 'flag': 'Z' is not a flag (use S, R, E or D)"])
    }

    @Test("a platforms.csv row with a field missing is the one error too")
    func platformMissingField() {
        #expect(Fixture.problems(["balances.csv": "period,platform,bank,balance_cny\n2021Q1,Beta,B,1\n",
                                  "platforms.csv": "platform,group,flag\nBeta,G\n"])
                == ["data/platforms.csv:2:6: expected 3 fields as in the header, found 2"])
    }

    @Test("names with a leading or trailing no-break, ideographic or em space are refused", arguments: ["\u{00A0}", "\u{3000}", "\u{2003}"])
    func unicodeSpaces(space: String) {
        let problems = Fixture.problems(["balances.csv": "period,platform,bank,balance_cny\n2021Q1,Alpha\(space),B,1\n2021Q1,Alpha,B,1\n"])
        #expect(problems.count == 1 && problems[0].contains("leading or trailing space in name"))
    }

    @Test("a loan header name with a quoted comma is one column")
    func quotedHeaderComma() throws {
        let text = "\"note, free\",loan_id,platform,bank,borrower_id,amount_cny,term_days,originated,rate_apr,status\n"
            + "\"a, b\",L1,Huabei,Bank A,b1,1,30,2020-02-01,0.1,current\n"
        let (accumulator, result) = try LoanParserTests.parse(text)
        #expect(result.problemCount == 0)
        #expect(LoanParserTests.cells(accumulator) == ["2020Q1 Huabei Bank A 1 100"])
    }

    @Test("an all-zero period has no normalised HHI (not −1)")
    func allZero() {
        #expect(ConcentrationIndex.normalizedHHI(shares: [0, 0, 0]) == nil)
    }
}
