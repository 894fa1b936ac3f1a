import Foundation
import Testing
import MarketAnalytics
@testable import MarketReport

@Suite("Report output")
struct PeriodReportTests {
    static let q = Period("2020Q2")!

    static func analysis(platform: String = "Huabei 花呗", group: String = "Ant Group") -> PeriodAnalysis {
        let dataset = MarketDataset(
            balances: [
                BalanceRecord(period: q, platform: platform, bank: "Bank A", balanceCNY: 300e9, provenance: .estimated),
                BalanceRecord(period: q, platform: "JD", bank: "Bank A", balanceCNY: 100e9, provenance: .sourced),
            ],
            marketTotals: [MarketTotal(period: q, definition: "narrow", totalCNY: 1_000e9, provenance: .derived)],
            exchangeRates: [ExchangeRate(date: CalendarDate(iso: "2020-06-30")!, usdCNY: 8, basis: "period end")],
            groupOfPlatform: [platform: group],
            banks: [BankProfile(bank: "Bank A", type: "city", tier1CapitalCNY: 1_000e9, totalLoansCNY: 2_000e9)]
        )
        return PeriodAnalysis(dataset: dataset, period: q)
    }

    @Test("the table view aligns by display width and marks estimates")
    func tableView() {
        let text = PeriodReport(analysis: Self.analysis(), source: "data").render(.table)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == "LendScope report: 2020Q2 (data)")
        #expect(lines[1] == "Market   narrow: CNY 1,000.0 bn [D derived]")
        #expect(lines[2] == "FX       8.0000 CNY per US$ on 2020-06-30, period end [S]")
        let table = Array(lines[6...9])
        #expect(table == [
            "  #  Group                CNY bn  US$ bn   Share  Of groups  Δ pp  Flag",
            "  1  Ant Group             300.0    37.5  30.00%     75.00%   n/a  E*",
            "  2  JD                    100.0    12.5  10.00%     25.00%   n/a  S",
            "     others (unreported)   600.0    75.0  60.00%",
        ])
    }

    @Test("stacking past its exact limit is reported as unavailable with the reason, in text and JSON")
    func stackingUnavailable() throws {
        var loans = LoanFigures(originations: [
            BalanceRecord(period: Self.q, platform: "JD", bank: "Bank A", balanceCNY: 5e6, provenance: .derived),
        ])
        loans.stackingUnavailable = "over 786,432 borrower-periods"
        let dataset = MarketDataset(
            balances: [BalanceRecord(period: Self.q, platform: "JD", bank: "Bank A", balanceCNY: 100e9, provenance: .sourced)],
            groupOfPlatform: ["JD": "JD"], loans: loans)
        let report = PeriodReport(analysis: PeriodAnalysis(dataset: dataset, period: Self.q, measure: .originations))
        #expect(report.render(.table).contains(
            "Borrowers with loans from several platform groups (stacking, 2020Q2)\n"
                + "  unavailable: over 786,432 borrower-periods (counted exactly or not at all)\n"))
        let json = try #require(JSONSerialization.jsonObject(with: Data(report.render(.json).utf8)) as? [String: Any])
        #expect(json["stacking"] is NSNull)
        #expect(json["stacking_unavailable"] as? String == "over 786,432 borrower-periods")
    }

    @Test("JSON has exactly the documented top-level, platform, index and bank keys")
    func jsonKeys() throws {
        let report = PeriodReport(analysis: Self.analysis(), merger: Self.analysis().merger(of: ["Ant Group", "JD"]))
        let json = try #require(JSONSerialization.jsonObject(with: Data(report.render(.json).utf8)) as? [String: Any])
        #expect(Set(json.keys) == ["period", "measure", "market", "fx", "platforms", "others", "indices", "verdicts", "banks",
                                   "merger", "alerts", "stacking", "verdicts_unavailable", "indebtedness", "pricing", "suppression",
                                   "changes", "warn_at"])
        #expect(json["indebtedness"] is NSNull) // no loan files
        #expect(json["suppression"] is NSNull) // --min-cell off
        #expect((json["pricing"] as? [Any])?.isEmpty == true)
        #expect(json["verdicts_unavailable"] is NSNull)
        #expect(json["stacking"] is NSNull)
        #expect(json["measure"] as? String == "balances")
        let market = try #require(json["market"] as? [String: Any])
        #expect(Set(market.keys).isSuperset(of: ["definition", "total_cny", "flag"]))
        let platform = try #require((json["platforms"] as? [[String: Any]])?.first)
        #expect(Set(platform.keys).isSuperset(of: ["group", "balance_cny", "balance_usd", "share_of_market",
                                                   "share_of_platforms", "change_pp", "flag"]))
        #expect(platform["change_pp"] is NSNull)
        #expect(platform["share_of_market"] as? Double == 0.3)
        let indices = try #require(json["indices"] as? [String: Any])
        #expect(Set(indices.keys) == ["hhi", "hhi_upper", "hhi_upper_assumption", "hhi_upper_no_assumption", "hhi_platforms", "hhi_normalized", "cr1", "cr3", "cr4", "cr5",
                                      "cr8", "equivalent_firms", "gini", "gini_corrected", "entropy", "entropy_relative",
                                      "theil_t", "hall_tideman", "dominance", "linda"])
        let verdicts = try #require(json["verdicts"] as? [String: Any])
        #expect(Set(verdicts.keys) == ["us2023", "us2010", "eu2004", "china_aml"])
        let bank = try #require((json["banks"] as? [[String: Any]])?.first)
        #expect(Set(bank.keys).isSuperset(of: ["bank", "type", "platform_sourced_cny", "top_partner", "top_partner_share",
                                               "partner_hhi", "max_exposure_to_tier1", "colending_to_total_loans"]))
        // Bank A funds Ant Group 300 bn against tier-1 of 1,000 bn: 30%, over the 25% cap.
        #expect((json["alerts"] as? [[String: Any]])?.first?["rule"] as? String == "single_partner_exposure")
        let merger = try #require(json["merger"] as? [String: Any])
        #expect(Set(merger.keys).isSuperset(of: ["parties", "share", "hhi_before", "hhi_after", "delta_hhi", "verdicts"]))
        #expect(abs((merger["delta_hhi"] as? Double ?? 0) - 600) < 1e-6)
    }

    @Test("alerts carry rule, status, subject, value and limit; a bank over 25% of tier-1 triggers one")
    func alerts() throws {
        let q = Self.q
        let dataset = MarketDataset(
            balances: [BalanceRecord(period: q, platform: "P", bank: "Small Bank", balanceCNY: 3e9)],
            banks: [BankProfile(bank: "Small Bank", type: "rural", tier1CapitalCNY: 10e9, totalLoansCNY: 5e9)])
        let text = PeriodReport(analysis: PeriodAnalysis(dataset: dataset, period: q)).render(.json)
        let json = try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let alerts = try #require(json["alerts"] as? [[String: Any]])
        // No market total: no competition alerts on shares of the reported groups.
        #expect(alerts.map { $0["rule"] as? String } == ["single_partner_exposure", "aggregate_colending"])
        #expect(json["verdicts"] is NSNull)
        let first = try #require(alerts.first)
        #expect(first["subject"] as? String == "Small Bank with P")
        #expect(abs((first["value"] as? Double ?? 0) - 0.3) < 1e-12)
        #expect(first["limit"] as? Double == 0.25)
        // 2020Q2 ends before the notice of 2021-02-20: the figures would breach a rule not yet in force.
        #expect(first["status"] as? String == "breach")
        #expect(first["state"] as? String == "not_yet")
        #expect(first["rule_status"] as? String == "would breach; rule not yet in force (issued 2021-02-20)")
        #expect(first["in_force"] as? Bool == false)
        #expect(first["bank"] as? String == "Small Bank")
        #expect(first["partner"] as? String == "P")
        #expect(abs((first["excess_cny"] as? Double ?? 0) - 0.5e9) < 1e-3) // 3 bn − 25% × 10 bn
        #expect(first["date"] as? String == "2021-02-20")
    }

    @Test("CSV is the platform table with an others row, units in the headers (CNY bn, fractions), names quoted when needed")
    func csv() {
        let text = PeriodReport(analysis: Self.analysis()).render(.csv)
        #expect(text.split(separator: "\n").map(String.init) == [
            "period,rank,group,balance_cny_bn,balance_usd_bn,share_of_market,share_of_platforms,change_pp,flag,total_flag,source",
            "2020Q2,1,Ant Group,300,37.5,0.3,0.75,,E,,",
            "2020Q2,2,JD,100,12.5,0.1,0.25,,S,,",
            "2020Q2,,others (unreported),600,75,0.6,,,,,",
        ])
    }

    @Test("Markdown tables start with a header and an alignment rule")
    func markdown() {
        let lines = PeriodReport(analysis: Self.analysis()).render(.markdown).split(separator: "\n").map(String.init)
        let header = lines.firstIndex(of: "| # | Group | CNY bn | US$ bn | Share | Of groups | Δ pp | Flag |")
        #expect(header != nil)
        if let header { #expect(lines[header + 1] == "| ---: | --- | ---: | ---: | ---: | ---: | ---: | --- |") }
    }

    @Test("CJK names align: every row of the platform table has the same display width up to the flag")
    func cjkAlignment() {
        let analysis = Self.analysis(group: "蚂蚁集团 Ant")
        let model = PeriodReport(analysis: analysis).overviewTable
        let table = model.textLines(rows: model.rows)
        #expect(table[1].contains("蚂蚁集团 Ant"))
        // Cut each row before its flag (the last run after two spaces) and compare display widths.
        let widths = table.dropLast().map { line in
            DisplayWidth.of(String(line[..<line.range(of: "  ", options: .backwards)!.lowerBound]))
        }
        #expect(Set(widths).count == 1)
    }
}

import TerminalText
