import Testing
@testable import DataIngest

/// Every error a data directory can produce, with its exact text and position.
@Suite("Data directory errors")
struct ValidationErrorTests {
    @Test("a missing balances.csv is named")
    func missingBalances() {
        #expect(Fixture.problems([:]) == ["data/balances.csv:1:1: required file is missing"])
    }

    @Test("an empty file needs a header row")
    func emptyFile() {
        #expect(Fixture.problems(["balances.csv": ""]) == ["data/balances.csv:1:1: file is empty: a header row is required"])
    }

    @Test("a missing required column is named; the amount column may carry any unit suffix")
    func missingColumns() {
        #expect(Fixture.problems(["balances.csv": "period,platform,balance_cny\n2020Q1,A,1\n"])
                == ["data/balances.csv:1:1: missing required column 'bank'"])
        #expect(Fixture.problems(["balances.csv": "period,platform,bank\n2020Q1,A,B\n"])
                == ["data/balances.csv:1:1: missing required column 'balance_cny' (or 'balance_cny_mn', 'balance_cny_bn')"])
    }

    @Test("two unit variants of one amount are refused")
    func twoUnits() {
        #expect(Fixture.problems(["balances.csv": "period,platform,bank,balance_cny,balance_cny_bn\n2020Q1,A,B,1,1\n"])
                == ["data/balances.csv:1:1: columns 'balance_cny' and 'balance_cny_bn' give the same amount twice: keep one"])
    }

    @Test("numbers must be plain decimals, and the message says why",
          arguments: [("1,732.0", "thousands separator"), ("¥1732", "currency sign"), ("21%", "percent sign"),
                      ("1.7e12", "exponent notation"), (" 17", "spaces around it"), ("+17", "plus sign"), ("abc", nil)])
    func plainDecimals(text: String, reason: String?) {
        let csv = "period,platform,bank,balance_cny\n2020Q1,A,B,\"\(text)\"\n"
        let suffix = reason.map { " (\($0))" } ?? ""
        #expect(Fixture.problems(["balances.csv": csv])
                == ["data/balances.csv:2:12: column 'balance_cny': '\(text)' is not a plain decimal number\(suffix)"])
    }

    @Test("an empty amount is named")
    func emptyAmount() {
        #expect(Fixture.problems(["balances.csv": "period,platform,bank,balance_cny\n2020Q1,A,B,\n"])
                == ["data/balances.csv:2:12: column 'balance_cny': empty value where a number is required"])
    }

    @Test("a negative amount is refused at its field")
    func negativeAmount() {
        #expect(Fixture.problems(["balances.csv": "period,platform,bank,balance_cny\n2020Q1,A,B,-5\n"])
                == ["data/balances.csv:2:12: column 'balance_cny': negative amount '-5'"])
    }

    @Test("a duplicate (period, platform, bank) names both lines")
    func duplicateRow() {
        let csv = "period,platform,bank,balance_cny\n2020Q1,A,B,1\n2020Q1,A,C,1\n2020Q1,A,B,2\n"
        #expect(Fixture.problems(["balances.csv": csv])
                == ["data/balances.csv:4:1: duplicate row for (2020Q1, A, B): first given at line 2"])
    }

    @Test("a platform or bank missing from platforms.csv or banks.csv is named at its field")
    func unknownNames() {
        let files = [
            "balances.csv": "period,platform,bank,balance_cny\n2020Q1,A,B,1\n2020Q1,Z,Y,1\n",
            "platforms.csv": "platform,group\nA,G\n",
            "banks.csv": "bank,type,region,tier1_capital_cny,total_loans_cny,online_only\nB,city,x,10,100,false\n",
        ]
        #expect(Fixture.problems(files) == [
            "data/balances.csv:3:8: column 'platform': 'Z' is not listed in platforms.csv",
        ])
        let banksOnly = ["balances.csv": files["balances.csv"]!, "banks.csv": files["banks.csv"]!]
        #expect(Fixture.problems(banksOnly) == ["data/balances.csv:3:10: column 'bank': 'Y' is not listed in banks.csv"])
    }

    @Test("a zero tier-1 capital or zero total loans is an error at its cell, not 'unknown'; empty stays unknown")
    func zeroCapital() {
        let header = "bank,type,region,tier1_capital_cny_bn,total_loans_cny_bn,online_only\n"
        let balances = "period,platform,bank,balance_cny\n2021Q1,A,ICBC,1\n"
        #expect(Fixture.problems(["balances.csv": balances, "banks.csv": header + "ICBC,state,national,0,18600,false\n"])
                == ["data/banks.csv:2:21: column 'tier1_capital_cny_bn': must be above zero (leave the cell empty when it is not known)"])
        #expect(Fixture.problems(["balances.csv": balances, "banks.csv": header + "ICBC,state,national,2900,0.00,false\n"])
                == ["data/banks.csv:2:26: column 'total_loans_cny_bn': must be above zero (leave the cell empty when it is not known)"])
        #expect(Fixture.problems(["balances.csv": balances, "banks.csv": header + "ICBC,state,national,-1,5,false\n"])
                == ["data/banks.csv:2:21: column 'tier1_capital_cny_bn': negative amount '-1'"])
        #expect(Fixture.problems(["balances.csv": balances, "banks.csv": header + "ICBC,state,national,,,false\n"]).isEmpty)
        // Every problem of a row, not only its first.
        #expect(Fixture.problems(["balances.csv": balances, "banks.csv": header + "ICBC,state,national,-5,0.00,maybe\n"]) == [
            "data/banks.csv:2:21: column 'tier1_capital_cny_bn': negative amount '-5'",
            "data/banks.csv:2:24: column 'total_loans_cny_bn': must be above zero (leave the cell empty when it is not known)",
            "data/banks.csv:2:29: column 'online_only': 'maybe' is not true or false",
        ])
    }

    @Test("market.csv: an optional measure column (balances or originations) and largest_unreported_share (0 < x ≤ 1)")
    func marketMeasureAndLargestUnreported() throws {
        let balances = "period,platform,bank,balance_cny\n2021Q1,A,B,1\n"
        let header = "period,definition,total_cny,measure,largest_unreported_share\n"
        let good = header + "2021Q1,m,100,,0.05\n2021Q1,m,10,originations,\n"
        let dataset = try Fixture.validate(["balances.csv": balances, "market.csv": good]).get()
        #expect(dataset.marketTotals.map(\.measure) == [.balances, .originations])
        #expect(dataset.marketTotals.map(\.largestUnreportedShare) == [0.05, nil])
        #expect(dataset.marketDefinitions(for: .originations) == ["m"])
        #expect(Fixture.problems(["balances.csv": balances, "market.csv": header + "2021Q1,m,100,loans,\n"])
                == ["data/market.csv:2:14: column 'measure': 'loans' is not a measure (use balances or originations)"])
        #expect(Fixture.problems(["balances.csv": balances, "market.csv": header + "2021Q1,m,100,,5\n"])
                == ["data/market.csv:2:15: column 'largest_unreported_share': '5' is not a fraction from 0.000001 to 1 (write 5% as 0.05)"])
        #expect(Fixture.problems(["balances.csv": balances, "market.csv": header + "2021Q1,m,100,,0\n"]).count == 1)
        // One total per period, definition and measure: the same definition may have both.
        #expect(Fixture.problems(["balances.csv": balances, "market.csv": header + "2021Q1,m,100,,\n2021Q1,m,90,balances,\n"])
                == ["data/market.csv:3:1: duplicate row for (2021Q1, m): first given at line 2"])
    }

    @Test("quarters and months cannot mix in one directory")
    func mixedGranularity() {
        let csv = "period,platform,bank,balance_cny\n2020Q1,A,B,1\n2020-06,A,B,1\n"
        #expect(Fixture.problems(["balances.csv": csv]) == [
            "data/balances.csv:3:1: column 'period': month '2020-06' in a directory of quarters "
                + "(first period '2020Q1' at data/balances.csv:2:1)",
        ])
    }

    @Test("a malformed period is named")
    func badPeriod() {
        #expect(Fixture.problems(["balances.csv": "period,platform,bank,balance_cny\n2020-Q1,A,B,1\n"])
                == ["data/balances.csv:2:1: column 'period': '2020-Q1' is not a period (use YYYYQn or YYYY-MM)"])
    }

    @Test("group balances above the market total are refused at the total")
    func totalBelowBalances() {
        let files = [
            "balances.csv": "period,platform,bank,balance_cny_bn\n2020Q1,A,B,6\n2020Q1,C,B,5\n",
            "market.csv": "period,definition,total_cny_bn\n2020Q1,narrow,10\n2020Q1,wide,20\n",
        ]
        #expect(Fixture.problems(files) == [
            "data/market.csv:2:15: column 'total': the 2020Q1 total for 'narrow' (CNY 10.0 bn) is below the platform "
                + "balances reported for that period (CNY 11.0 bn)",
        ])
    }

    @Test("invalid UTF-8 is reported with its byte offset, never replaced")
    func invalidUTF8() {
        var bytes = Array("period,platform,bank,balance_cny\n2020Q1,A".utf8)
        bytes += [0xFF]
        bytes += Array(",B,1\n".utf8)
        guard case .failure(let failure) = Fixture.validateBytes(["balances.csv": bytes]) else {
            Issue.record("invalid UTF-8 was accepted")
            return
        }
        #expect(failure.diagnostics.map(\.description) == ["data/balances.csv:2:9: invalid UTF-8: byte 0xFF at byte offset 41"])
    }

    @Test("an overlong UTF-8 encoding is invalid too")
    func overlongUTF8() {
        let bytes = Array("period,platform,bank,balance_cny\n".utf8) + [0xC0, 0xAF] + Array(",B,C,1\n".utf8)
        guard case .failure(let failure) = Fixture.validateBytes(["balances.csv": bytes]) else {
            Issue.record("overlong UTF-8 was accepted")
            return
        }
        #expect(failure.diagnostics.map(\.description) == ["data/balances.csv:2:1: invalid UTF-8: byte 0xC0 at byte offset 33"])
    }

    @Test("an unterminated quote is reported at the opening quote")
    func unterminatedQuote() {
        #expect(Fixture.problems(["balances.csv": "period,platform,bank,balance_cny\n2020Q1,\"A,B,1\n2020Q1,A,B,1\n"])
                == ["data/balances.csv:2:8: unterminated quoted field: the quote opened here is never closed"])
    }

    @Test("a row with the wrong number of fields is named with both counts")
    func raggedRow() {
        #expect(Fixture.problems(["balances.csv": "period,platform,bank,balance_cny\n2020Q1,A,B\n2020Q1,A,C,1,9\n"]) == [
            "data/balances.csv:2:10: expected 4 fields as in the header, found 3",
            "data/balances.csv:3:14: expected 4 fields as in the header, found 5",
        ])
    }

    @Test("control, escape, bidirectional and zero-width characters in a name are refused at the character",
          arguments: [("\u{1B}[2J", "escape character U+001B"), ("Ant\u{202E}puorG", "bidirectional control U+202E"),
                      ("A\u{7F}", "control character U+007F"), ("A\u{200B}B", "zero-width character U+200B"),
                      ("A\u{2066}", "bidirectional control U+2066"), ("A\u{85}", "C1 control character U+0085"),
                      ("A\u{2028}", "line separator U+2028"), ("\u{FEFF}A", "byte order mark U+FEFF"),
                      ("A\tB", "control character U+0009")])
    func unsafeNames(name: String, what: String) {
        let column = 8 + name.unicodeScalars.firstIndex { $0.value < 0x20 || $0.value >= 0x7F && $0.value <= 0x9F
            || [0x202E, 0x200B, 0x2066, 0x2028, 0xFEFF].contains($0.value) }.map {
                name.unicodeScalars.distance(from: name.unicodeScalars.startIndex, to: $0)
            }!
        #expect(Fixture.problems(["balances.csv": "period,platform,bank,balance_cny\n2020Q1,\(name),B,1\n"])
                == ["data/balances.csv:2:\(column): column 'platform': \(what) is not allowed in a name"])
    }

    @Test("a quoted name containing a newline is refused at the newline's line and column")
    func newlineInName() {
        #expect(Fixture.problems(["balances.csv": "period,platform,bank,balance_cny\n2020Q1,\"Ant\nGroup\",B,1\n"])
                == ["data/balances.csv:2:12: column 'platform': control character U+000A is not allowed in a name"])
    }

    @Test("every problem is reported, sorted by file and position")
    func allProblems() {
        let files = [
            "balances.csv": "period,platform,bank,balance_cny\n2020Q1,A,B,-1\n2020Q1,A,C,1 000\n",
            "fx.csv": "date,usd_cny\n2020-02-30,7\n",
        ]
        #expect(Fixture.problems(files) == [
            "data/balances.csv:2:12: column 'balance_cny': negative amount '-1'",
            "data/balances.csv:3:12: column 'balance_cny': '1 000' is not a plain decimal number (thousands separator)",
            "data/fx.csv:2:1: column 'date': '2020-02-30' is not a date (use YYYY-MM-DD)",
        ])
    }

    @Test("bad flags, booleans, rates and owner groups are named")
    func otherFields() {
        let files = [
            "balances.csv": "period,platform,bank,balance_cny,flag\n2020Q1,A,B,1,X\n",
            "fx.csv": "date,usd_cny\n2020-03-31,0\n",
            "banks.csv": "bank,type,region,tier1_capital_cny,total_loans_cny,online_only,owner_group\n"
                + "B,city,x,10,100,maybe,\nL,lender,,,,false,Nobody\n",
        ]
        #expect(Fixture.problems(files) == [
            "data/balances.csv:2:14: column 'flag': 'X' is not a flag (use S, R, E or D)",
            "data/banks.csv:2:17: column 'online_only': 'maybe' is not true or false",
            "data/banks.csv:3:19: column 'owner_group': 'Nobody' is not a platform group",
            "data/fx.csv:2:12: column 'usd_cny': an exchange rate must be positive",
        ])
    }

    @Test("paths keep the directory as the user typed it, without a doubled slash")
    func displayPaths() {
        #expect(DataDirectory(path: "sample-data/").displayPath("balances.csv") == "sample-data/balances.csv")
        #expect(DataDirectory(path: "./x").displayPath("fx.csv") == "./x/fx.csv")
    }
}
