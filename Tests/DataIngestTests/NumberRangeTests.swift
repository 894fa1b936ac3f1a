import Testing
@testable import DataIngest

/// Every amount, capital, total and rate is finite and within a stated range, checked at its cell.
@Suite("Numbers within the accepted ranges")
struct NumberRangeTests {
    static let nines = String(repeating: "9", count: 400)

    @Test("a 400-digit balance is refused at its cell, not summed to infinity (and not blamed on market.csv)")
    func infiniteBalance() {
        let files = ["balances.csv": "period,platform,bank,balance_cny\n2021Q1,A,B,\(Self.nines)\n2021Q1,C,B,10\n",
                     "market.csv": "period,definition,total_cny\n2021Q1,m,1000\n"]
        #expect(Fixture.problems(files) == [
            "data/balances.csv:2:12: column 'balance_cny': '999999999999999999999999…' is too large to be a figure",
        ])
    }

    @Test("amounts above CNY 10^15 are refused in every file that carries one", arguments: [
        ("balances.csv", "period,platform,bank,balance_cny_bn\n2021Q1,A,B,1000001\n",
         "data/balances.csv:2:12: column 'balance_cny_bn': '1000001' is above the largest amount accepted (CNY 10^15, 1,000 trillion yuan)"),
        ("market.csv", "period,definition,total_cny\n2021Q1,m,10000000000000000000000000\n",
         "data/market.csv:2:10: column 'total_cny': '100000000000000000000000…' is above the largest amount accepted (CNY 10^15, 1,000 trillion yuan)"),
        ("banks.csv", "bank,type,region,tier1_capital_cny,total_loans_cny,online_only\nB,city,x,2000000000000000,5,false\n",
         "data/banks.csv:2:10: column 'tier1_capital_cny': '2000000000000000' is above the largest amount accepted (CNY 10^15, 1,000 trillion yuan)"),
    ])
    func tooLarge(file: String, text: String, message: String) {
        var files = ["balances.csv": "period,platform,bank,balance_cny\n2021Q1,A,B,10\n"]
        files[file] = text
        #expect(Fixture.problems(files).contains(message))
    }

    @Test("exactly CNY 10^15 is accepted; the FX rate must lie in 0.01–1,000 yuan per dollar")
    func boundaries() {
        #expect(Fixture.problems(["balances.csv": "period,platform,bank,balance_cny_bn\n2021Q1,A,B,1000000\n"]).isEmpty)
        let balances = "period,platform,bank,balance_cny\n2021Q1,A,B,10\n"
        for (rate, ok) in [("0.01", true), ("1000", true), ("0.00999", false), ("0.0000000000000000000000001", false), ("1000.01", false)] {
            let problems = Fixture.problems(["balances.csv": balances, "fx.csv": "date,usd_cny\n2021-03-31,\(rate)\n"])
            #expect(problems.isEmpty == ok, "\(rate)")
            if !ok {
                #expect(problems == ["data/fx.csv:2:12: column 'usd_cny': '\(rate)' is outside the rates accepted (0.01 to 1,000 yuan per US dollar)"])
            }
        }
    }
}

extension NumberRangeTests {
    @Test("the limits are decided on the digits: 10^15 + 6 fen and a rate of 1000.00000000000001 are above them")
    func limitsOnDigits() {
        #expect(PlainDecimal.exceeds("1000000000000000.06", exponent: 0, limit: 1e15))
        #expect(!PlainDecimal.exceeds("1000000000000000.00", exponent: 0, limit: 1e15))
        #expect(PlainDecimal.exceeds("1000000.000000001", exponent: 9, limit: 1e15))
        #expect(!PlainDecimal.exceeds("0001000000", exponent: 9, limit: 1e15))
        #expect(PlainDecimal.exceeds("1000.00000000000001", exponent: 0, limit: 1_000))
        #expect(Fixture.problems(["balances.csv": "period,platform,bank,balance_cny\n2021Q1,A,B,1000000000000000.06\n"]).count == 1)
        #expect(Fixture.problems(["balances.csv": "period,platform,bank,balance_cny\n2021Q1,A,B,10\n",
                                  "fx.csv": "date,usd_cny\n2021-03-31,1000.00000000000001\n"]).count == 1)
    }
}
