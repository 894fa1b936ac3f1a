import DataIngest
import MarketAnalytics
import Testing

/// `total_flag`: the flag of the group total a row is part of, kept apart from the split's.
@Suite("total_flag column")
struct TotalFlagTests {
    @Test("read per row; empty cells are nil")
    func read() throws {
        let dataset = try Fixture.validate(["balances.csv": """
            period,platform,bank,balance_cny_bn,flag,total_flag,source
            2020Q1,Huabei,Bank A,10,E,S,"total from filings [S]; split estimated"
            2020Q1,Huabei,Bank B,5,E,S,"total from filings [S]; split estimated"
            2020Q1,JD,Bank A,4,E,,estimate

            """]).get()
        #expect(dataset.balances.filter { $0.platform == "Huabei" }.allSatisfy { $0.totalProvenance == .sourced })
        #expect(dataset.balances.first { $0.platform == "JD" }?.totalProvenance == nil)
    }

    @Test("a bad flag is an error at its cell")
    func badFlag() {
        let problems = Fixture.problems(["balances.csv": """
            period,platform,bank,balance_cny_bn,flag,total_flag,source
            2020Q1,Huabei,Bank A,10,E,X,note

            """])
        #expect(problems == ["data/balances.csv:2:27: column 'total_flag': 'X' is not a flag (use S, R, E or D, or leave it empty)"])
    }

    @Test("two different flags for one platform's total in a period: an error")
    func conflicting() {
        let problems = Fixture.problems(["balances.csv": """
            period,platform,bank,balance_cny_bn,flag,total_flag,source
            2020Q1,Huabei,Bank A,10,E,R,note
            2020Q1,Huabei,Bank B,5,E,S,note

            """])
        #expect(problems == ["data/balances.csv:3:26: column 'total_flag': 'S' here but 'R' at line 2 for (2020Q1, Huabei): "
                             + "a platform's total has one flag in a period"])
    }

    @Test("given on some rows of a platform's period and not others: an error at the row that differs")
    func mixed() {
        let problems = Fixture.problems(["balances.csv": """
            period,platform,bank,balance_cny_bn,flag,total_flag,source
            2020Q1,Huabei,Bank A,10,E,S,note
            2020Q1,Huabei,Bank B,5,E,,note
            2020Q2,Huabei,Bank B,5,E,,note

            """])
        #expect(problems == ["data/balances.csv:3:26: column 'total_flag': empty here but given at line 2 for (2020Q1, Huabei): "
                             + "give it on every row of a platform's period or on none"])
    }
}
