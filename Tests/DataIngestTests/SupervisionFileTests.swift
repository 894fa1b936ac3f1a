import Testing
@testable import DataIngest
import MarketAnalytics

/// `banks.csv` by period and `related_parties.csv`: what they mean, and every error at its cell.
@Suite("Bank figures by period and related parties")
struct SupervisionFileTests {
    static let balances = """
        period,platform,bank,balance_cny_bn
        2021Q1,Huabei,Bank A,10
        2021Q2,Huabei,Bank A,10
        2021Q2,Weilidai,MYbank,3

        """
    static let platforms = "platform,group\nHuabei,Ant Group\nWeilidai,Tencent\n"

    static func banks(_ rows: String) -> String {
        "bank,period,type,region,tier1_capital_cny_bn,total_loans_cny_bn,online_only,flag,source\n" + rows
    }

    @Test("a dated row gives figures from its period on; an undated row serves the periods before")
    func datedRows() throws {
        let dataset = try Fixture.validate([
            "balances.csv": Self.balances, "platforms.csv": Self.platforms,
            "banks.csv": Self.banks("Bank A,,city,X,40,300,false,E,end-2020\nBank A,2021Q2,city,X,50,320,false,S,2021Q2 filing\n"
                                    + "MYbank,,online-only,Y,30,160,true,E,\n"),
        ]).get()
        let profile = try #require(dataset.banks["Bank A"])
        #expect(profile.figureRows.count == 2)
        #expect(profile.figures(at: Period("2021Q1")!).tier1CapitalCNY == 40e9)
        #expect(profile.figures(at: Period("2021Q2")!).tier1CapitalCNY == 50e9)
        #expect(profile.figures(at: Period("2021Q2")!).capital?.provenance == .sourced)
        #expect(PeriodAnalysis(dataset: dataset, period: Period("2021Q1")!).banks[0].maxExposureToTier1 == 0.25)
        #expect(PeriodAnalysis(dataset: dataset, period: Period("2021Q2")!).dependence(of: "Bank A")?.maxExposureToTier1 == 0.2)
    }

    @Test("two rows for one bank and period are an error at the period's cell")
    func duplicatePeriod() {
        #expect(Fixture.problems([
            "balances.csv": Self.balances,
            "banks.csv": Self.banks("Bank A,2021Q1,city,X,40,300,false,E,\nBank A,2021Q1,city,X,41,300,false,E,\n"
                                    + "MYbank,,online-only,Y,30,160,true,E,\n"),
        ]) == ["data/banks.csv:3:8: bank 'Bank A' is listed twice for 2021Q1: first at line 2"])
    }

    @Test("a bank's type, region, online_only and owner_group read the same on every row")
    func standingFactsAgree() {
        #expect(Fixture.problems([
            "balances.csv": Self.balances,
            "banks.csv": Self.banks("Bank A,,city,X,40,300,false,E,\nBank A,2021Q2,rural,X,41,300,false,E,\n"
                                    + "MYbank,,online-only,Y,30,160,true,E,\n"),
        ]) == ["data/banks.csv:3:15: column 'type': 'rural' here but 'city' at line 2 for bank 'Bank A': "
               + "a bank's type is the same on every row"])
    }

    @Test("a bank period of another granularity, or not a period, is named at its cell")
    func badPeriods() {
        #expect(Fixture.problems([
            "balances.csv": Self.balances,
            "banks.csv": Self.banks("Bank A,2021-03,city,X,40,300,false,E,\nMYbank,2021Q5,online-only,Y,30,160,true,E,\n"),
        ]) == ["data/banks.csv:2:8: column 'period': month '2021-03' in a directory of quarters (write an annual figure "
               + "as the year's last period)",
               "data/banks.csv:3:8: column 'period': '2021Q5' is not a period (use YYYYQn or YYYY-MM)"])
    }

    @Test("related parties load symmetric links; an unknown name is an error at its cell")
    func relatedParties() throws {
        let good = try Fixture.validate([
            "balances.csv": Self.balances, "platforms.csv": Self.platforms,
            "related_parties.csv": "party,related_party,relation,source\nMYbank,Ant Group,shareholder,annual report\n",
        ]).get()
        #expect(good.relatedParties == [RelatedPartyLink(party: "MYbank", relatedParty: "Ant Group", relation: "shareholder",
                                                         source: "annual report")])
        #expect(Fixture.problems([
            "balances.csv": Self.balances, "platforms.csv": Self.platforms,
            "related_parties.csv": "party,related_party,relation,source\nMYbank,Ant Group,shareholder,x\n"
                + "MYbank,Ant Groop,shareholder,x\nMYbank,MYbank,self,x\nAnt Group,MYbank,again,x\n",
        ]) == ["data/related_parties.csv:3:8: column 'related_party': 'Ant Groop' is not a platform group, platform or bank of this directory",
               "data/related_parties.csv:4:8: column 'related_party': a party is not related to itself",
               "data/related_parties.csv:5:1: 'Ant Group' and 'MYbank' are linked twice: first at line 2"])
    }

    @Test("a missing column of related_parties.csv is named")
    func relatedPartiesColumns() {
        #expect(Fixture.problems([
            "balances.csv": Self.balances,
            "related_parties.csv": "party,related_party\nMYbank,Bank A\n",
        ]) == ["data/related_parties.csv:1:1: missing required column 'relation'",
               "data/related_parties.csv:1:1: missing required column 'source'"])
    }
}
