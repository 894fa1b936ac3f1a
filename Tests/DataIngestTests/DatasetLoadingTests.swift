import Foundation
import Testing
@testable import DataIngest
import MarketAnalytics

@Suite("Loading data directories")
struct DatasetLoadingTests {
    @Test("a valid directory loads with units, flags, groups and the default market definition")
    func validFixture() throws {
        let files = [
            "balances.csv": Fixture.balances,
            "market.csv": "definition,period,total_cny_bn,flag\nwide,2020Q1,100,S\nnarrow,2020Q1,50,D\nwide,2020Q2,100,E\n",
            "fx.csv": "date,usd_cny,basis\n2020-03-31,7.0808,period end\n",
            "platforms.csv": "platform,group\nHuabei,Ant Group\nJiebei,Ant Group\n",
        ]
        let dataset = try Fixture.validate(files).get()
        #expect(dataset.balances.count == 3)
        #expect(dataset.balances[1].balanceCNY == 5_500_000_000)
        #expect(dataset.balances[1].provenance == .estimated)
        #expect(dataset.marketDefinitions == ["wide", "narrow"])
        #expect(dataset.group(of: "Jiebei") == "Ant Group")
        #expect(dataset.exchangeRates.first?.usdCNY == 7.0808)
        #expect(dataset.periods.map(\.description) == ["2020Q1", "2020Q2"])
    }

    @Test("CRLF line endings, a BOM and columns in any order are accepted")
    func crlfAndBOM() throws {
        let text = "\u{FEFF}bank,balance_cny_mn,platform,period\r\nBank A,78.480,\"360, Jietiao\",2020Q2\r\n"
        let dataset = try Fixture.validate(["balances.csv": text]).get()
        #expect(dataset.balances.first?.platform == "360, Jietiao")
        #expect(dataset.balances.first?.balanceCNY == 78_480_000)
    }

    @Test("names are NFC-normalised, so é typed two ways is one platform")
    func nfcNames() throws {
        let decomposed = "Cafe\u{0301}"
        let text = "period,platform,bank,balance_cny\n2020Q1,\(decomposed),B,1\n2020Q1,Caf\u{E9},C,1\n"
        let dataset = try Fixture.validate(["balances.csv": text]).get()
        #expect(Set(dataset.balances.map { Array($0.platform.unicodeScalars) }).count == 1)
    }

    @Test("a missing flag column means sourced: the file's author vouches for it")
    func noFlagColumn() throws {
        let dataset = try Fixture.validate(["balances.csv": "period,platform,bank,balance_cny\n2020Q1,A,B,1\n"]).get()
        #expect(dataset.balances.first?.provenance == .sourced)
    }

    @Test("every file in sample-data/ loads and validates")
    func sampleDataLoads() throws {
        let directory = Fixture.packageRoot.appendingPathComponent("sample-data").path
        let dataset = try DataDirectory(path: directory).load()
        #expect(dataset.periods.count == 12)
        #expect(dataset.marketDefinitions.count >= 2)
        #expect(dataset.banks.count >= 40)
        let groups = Set(dataset.balances.map { dataset.group(of: $0.platform) })
        #expect(groups.count >= 10)
        let csvFiles = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".csv") }
        #expect(Set(csvFiles) == [DataDirectory.balancesFile, DataDirectory.marketFile, DataDirectory.fxFile,
                                  DataDirectory.platformsFile, DataDirectory.banksFile, DataDirectory.relatedPartiesFile])
    }

    @Test("the sample data carry the founding example: Ant Group 2020Q2 is CNY 1,732.0 bn, about 21% of the default market")
    func foundingExample() throws {
        let dataset = try DataDirectory(path: Fixture.packageRoot.appendingPathComponent("sample-data").path).load()
        let analysis = PeriodAnalysis(dataset: dataset, period: Period("2020Q2")!)
        let ant = try #require(analysis.groups.first)
        #expect(ant.group == "Ant Group")
        #expect(abs(ant.balanceCNY - 1_732.0e9) < 1)
        #expect(abs(ant.shareOfMarket - 0.21) < 0.005)
        // About 98% funded by partners (own micro-lenders about CNY 36.2 bn).
        #expect(abs(ant.ownFundedShare - 0.0209) < 0.001)
        #expect(analysis.banks.contains { $0.breachesSinglePartnerCap })
        #expect(analysis.banks.contains { $0.breachesAggregateCap })
        // 2021 contraction.
        let later = PeriodAnalysis(dataset: dataset, period: Period("2021Q4")!)
        #expect(later.groups.first { $0.group == "Ant Group" }!.balanceCNY < ant.balanceCNY)
    }

    @Test("a directory that does not exist reports the missing balances.csv under the path as typed")
    func missingDirectory() {
        #expect(throws: IngestFailure.self) { try DataDirectory(path: "/nonexistent/lendscope").load() }
        do {
            _ = try DataDirectory(path: "/nonexistent/lendscope").load()
        } catch {
            #expect(error.diagnostics.map(\.description) == ["/nonexistent/lendscope/balances.csv:1:1: required file is missing"])
        }
    }
}
