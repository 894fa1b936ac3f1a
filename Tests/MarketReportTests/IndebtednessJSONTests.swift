import Foundation
import MarketAnalytics
import Testing
@testable import MarketReport

@Suite("indebtedness JSON")
struct IndebtednessJSONTests {
    @Test("the issue's shape: classes as keys 1…5+, amounts in yuan, pairs once, percentiles, bad rates")
    func shape() throws {
        let end = CalendarDate(iso: "2021-12-31")!
        let e = end.dayNumber
        let loans = [
            IndebtednessLoan(borrower: Array("X".utf8), group: 0, amountCents: 12_345, originated: e - 5, termDays: 30),
            IndebtednessLoan(borrower: Array("X".utf8), group: 1, amountCents: 100, originated: e - 5, termDays: 30, isBad: true),
            IndebtednessLoan(borrower: Array("Y".utf8), group: 1, amountCents: 5_000, originated: e - 5, termDays: 30),
        ]
        let figures = try Indebtedness.figures(loans: loans, groups: ["Ant Group", "JD"], asOf: end)
        let data = try JSONEncoder().encode(IndebtednessJSON(figures))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["as_of"] as? String == "2021-12-31")
        #expect((object["definition"] as? String)?.contains("closed_on > E") == true)
        #expect(object["borrowers"] as? Int == 2)
        let byGroups = try #require(object["by_groups"] as? [String: Int])
        #expect(byGroups == ["1": 1, "2": 1, "3": 0, "4": 0, "5+": 0])
        let amounts = try #require(object["amount_by_groups"] as? [String: Double])
        #expect(amounts["1"] == 50 && amounts["2"] == 124.45)
        let overlap = try #require(object["overlap"] as? [[String: Any]])
        #expect(overlap.count == 1 && overlap[0]["a"] as? String == "Ant Group" && overlap[0]["b"] as? String == "JD")
        let debts = try #require(object["debt_percentiles"] as? [String: Any])
        #expect((debts["all"] as? [String: Double])?["max"] == 124.45)
        #expect((debts["multi"] as? [String: Double])?["p50"] == 124.45)
        let bad = try #require(object["bad_rate"] as? [String: Any])
        #expect(bad["single"] as? Double == 0)
        #expect(abs((bad["multi"] as? Double ?? 0) - 100.0 / 12_445.0) < 1e-15)
    }
}
