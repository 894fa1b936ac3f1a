import Testing
@testable import DataIngest

/// Errors a person can act on: the root cause at its position, once, with no knock-on noise.
@Suite("Clear errors")
struct UnclearErrorTests {
    @Test("a header-only balances.csv is an error at 1:1 (check, report and the dashboard share the rule)")
    func headerOnly() {
        #expect(Fixture.problems(["balances.csv": "period,platform,bank,balance_cny\n"])
                == ["data/balances.csv:1:1: no balance rows: the file has only its header"])
    }

    @Test("CR-only line endings are named as such")
    func crOnly() {
        #expect(Fixture.problems(["balances.csv": "period,platform,bank,balance_cny\r2021Q1,A,B,1\r"])
                == ["data/balances.csv:1:1: line endings are CR only: save the file with LF or CRLF line endings"])
    }

    @Test("a bad online_only value is the one error: the bank's rows in balances.csv are not 'not listed' too")
    func rootCauseOnly() {
        var balances = "period,platform,bank,balance_cny\n"
        for quarter in 1...4 { balances += "2021Q\(quarter),A,B,1\n" }
        let banks = "bank,type,region,tier1_capital_cny,total_loans_cny,online_only\nB,city,x,10,100,perhaps\n"
        #expect(Fixture.problems(["balances.csv": balances, "banks.csv": banks])
                == ["data/banks.csv:2:17: column 'online_only': 'perhaps' is not true or false"])
    }
}
