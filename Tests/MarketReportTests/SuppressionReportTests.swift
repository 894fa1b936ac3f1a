import Foundation
import Testing
import MarketAnalytics
@testable import MarketReport

/// `--min-cell` in the report's text and JSON and in the long table: a hidden figure is a marker,
/// null, or empty, and each says how many and why; off, nothing changes.
@Suite("Small-cell suppression in reports")
struct SuppressionReportTests {
    static let q = Period("2021Q4")!

    /// 40 borrowers on Ant Group alone, 25 on JD alone, 4 on both; stacking of 50 with 6 on 2+ groups.
    static func figures() throws -> IndebtednessFigures {
        let end = q.endDate
        var loans: [IndebtednessLoan] = []
        func borrow(_ who: String, _ group: Int, _ yuan: Int64) {
            loans.append(IndebtednessLoan(borrower: Array(who.utf8), group: group, amountCents: yuan * 100, originated: end.dayNumber - 5,
                                          termDays: 30, isBad: who.hasSuffix("7")))
        }
        for n in 0..<40 { borrow("a\(n)", 0, 100 + Int64(n)) }
        for n in 0..<25 { borrow("j\(n)", 1, 200 + Int64(n)) }
        for n in 0..<4 { borrow("b\(n)", 0, 50); borrow("b\(n)", 1, 60) }
        return try Indebtedness.figures(loans: loans, groups: ["Ant Group", "JD"], asOf: end)
    }

    static func report(_ minimum: Int) throws -> PeriodReport {
        var loans = LoanFigures(originations: [BalanceRecord(period: q, platform: "JD", bank: "Bank A", balanceCNY: 5e6)],
                                stacking: [q: StackingFigures(borrowers: 50, multiPlatform2: 6, multiPlatform3: 0,
                                                              amountMultiPlatform2: 1_200, amountMultiPlatform3: 0)])
        loans.indebtedness = [q: try figures()]
        let dataset = MarketDataset(balances: [BalanceRecord(period: q, platform: "JD", bank: "Bank A", balanceCNY: 100e9)],
                                    groupOfPlatform: ["JD": "JD"], loans: loans)
        return PeriodReport(analysis: PeriodAnalysis(dataset: dataset, period: q), rule: SmallCellRule(minimum: minimum))
    }

    static func json(_ report: PeriodReport) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(report.render(.json).utf8)) as? [String: Any])
    }

    @Test("JSON: hidden figures null, a suppression object with min_cell, cells and reason; other nulls keep their meaning")
    func json() throws {
        let object = try Self.json(try Self.report(5))
        let indebtedness = try #require(object["indebtedness"] as? [String: Any])
        #expect(indebtedness["borrowers"] as? Int == 69)
        let classes = try #require(indebtedness["by_groups"] as? [String: Any])
        // Class 2 (4 borrowers) is under 5; class 1 goes with it, or 69 − 65 would give it back.
        #expect(classes["2"] is NSNull && classes["1"] is NSNull && classes["3"] as? Int == 0)
        let amounts = try #require(indebtedness["amount_by_groups"] as? [String: Any])
        #expect(amounts["2"] is NSNull && amounts["1"] is NSNull && amounts["5+"] as? Double == 0)
        let overlap = try #require(indebtedness["overlap"] as? [[String: Any]])
        #expect(overlap.count == 1 && overlap[0]["a"] as? String == "Ant Group" && overlap[0]["borrowers"] is NSNull)
        let debts = try #require(indebtedness["debt_percentiles"] as? [String: Any])
        let all = try #require(debts["all"] as? [String: Any])
        #expect(all["max"] is NSNull && all["p50"] is Double)
        // The 4 on 2+ groups: every figure of their row hidden, the row itself kept (an empty class is null).
        let multi = try #require(debts["multi"] as? [String: Any])
        #expect(Set(multi.keys) == ["p50", "p90", "p99", "max"] && multi.values.allSatisfy { $0 is NSNull })
        let bad = try #require(indebtedness["bad_rate"] as? [String: Any])
        #expect(bad["single"] is NSNull && bad["multi"] is NSNull)
        let stacking = try #require(object["stacking"] as? [String: Any])
        #expect(stacking["multi_platform_2"] as? Int == 6 && stacking["multi_platform_3"] as? Int == 0)
        let suppression = try #require(object["suppression"] as? [String: Any])
        #expect(Set(suppression.keys) == ["min_cell", "cells", "complementary", "reason"])
        #expect(suppression["min_cell"] as? Int == 5)
        let view = SmallCellRule(minimum: 5).apply(try Self.figures())
        #expect(suppression["cells"] as? Int == view.cells && suppression["complementary"] as? Int == view.complementaryCells)
        #expect((suppression["reason"] as? String)?.contains("any other null keeps its meaning") == true)
        // Stacking's 6 on 2+ groups are under 7.
        let seven = try Self.json(try Self.report(7))
        #expect((seven["stacking"] as? [String: Any])?["multi_platform_2"] is NSNull)
        #expect((seven["stacking"] as? [String: Any])?["amount_multi_platform_2"] is NSNull)
    }

    @Test("JSON off: no suppression, every figure exact, as before")
    func jsonOff() throws {
        for minimum in [0, 1] {
            let object = try Self.json(try Self.report(minimum))
            #expect(object["suppression"] is NSNull)
            let indebtedness = try #require(object["indebtedness"] as? [String: Any])
            #expect((indebtedness["by_groups"] as? [String: Int]) == ["1": 65, "2": 4, "3": 0, "4": 0, "5+": 0])
            #expect(((indebtedness["debt_percentiles"] as? [String: Any])?["all"] as? [String: Double])?["max"] == 224)
        }
    }

    @Test("the text report: markers where figures were, and a note saying how many and why")
    func text() throws {
        let text = try Self.report(5).render(.table)
        #expect(text.contains("  69 borrowers owe CNY 0.01 mn; <5 on 2+ groups owe n<5; 0 (0.0%) on 3+ groups\n"))
        #expect(text.contains("  By number of groups: 1: x (x); 2: <5 (n<5); 3: 0 (CNY 0.00 mn);"))
        #expect(text.contains("  Bad (overdue, default, written off) by amount: 1 group x, 2+ groups n<5\n"))
        #expect(text.contains("2+ groups n<5 / n<5 / n<5 / n<5\n"))
        let view = SmallCellRule(minimum: 5).apply(try Self.figures())
        #expect(text.contains("  \(view.cells - view.complementaryCells) cells under 5 borrowers hidden (--min-cell), "
                              + "\(view.complementaryCells) more (x) against subtraction\n"))
        #expect(text.contains("  <5 a count, n<5 an amount or percentile, of fewer than 5 borrowers; x a figure hidden"))
        // No pair is shown, so none is ranked among the largest overlaps.
        #expect(!text.contains("Largest overlaps"))
        let open = try Self.report(0).render(.table)
        #expect(open.contains("4 (5.8%) on 2+ groups") && !open.contains("--min-cell"))
    }

    @Test("the long table: a hidden value empty, suppression rows at the period's end; off, the exact table as before")
    func longTable() throws {
        let figures = [Self.q: try Self.figures()]
        let exact = IndebtednessTable.csv(figures)
        #expect(exact == IndebtednessTable.csv(figures, rule: SmallCellRule(minimum: 1)))
        #expect(exact.contains("2021Q4,overlap,Ant Group,JD,4\n") && !exact.contains("suppression"))
        let hidden = IndebtednessTable.csv(figures, rule: SmallCellRule(minimum: 5))
        let lines = hidden.split(separator: "\n").map(String.init)
        #expect(lines.contains("2021Q4,overlap,Ant Group,JD,"))
        #expect(lines.contains("2021Q4,by_groups,2,,") && lines.contains("2021Q4,by_groups,3,,0"))
        #expect(lines.contains("2021Q4,borrowers,,,69") && lines.contains("2021Q4,group_borrowers,Ant Group,,44"))
        // With classes 1 and 2 hidden, the groups' 44 + 29 = c1 + 2·c2 and 69 = c1 + c2 would give c2 = 4:
        // the smaller group's count is hidden too.
        #expect(lines.contains("2021Q4,group_borrowers,JD,,"))
        let view = SmallCellRule(minimum: 5).apply(try Self.figures())
        #expect(Array(lines.suffix(3)) == ["2021Q4,suppression,min_cell,,5", "2021Q4,suppression,cells,,\(view.cells)",
                                            "2021Q4,suppression,complementary,,\(view.complementaryCells)"])
        #expect(lines.filter { $0.hasSuffix(",") }.count == view.cells)
        // The same rows as the exact table, in the same order, but the three at the end.
        #expect(lines.dropLast(3).map { $0.split(separator: ",", omittingEmptySubsequences: false).prefix(4) }
                == exact.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).prefix(4) })
    }

    @Test("--all-periods JSON: every period's report under the rule")
    func allPeriods() throws {
        let report = try Self.report(5)
        let series = AnalysisSeries([report.analysis], key: AnalysisKey())
        let object = try #require(JSONSerialization.jsonObject(with: Data(SeriesReport(series: series, rule: SmallCellRule(minimum: 5))
            .render(.json).utf8)) as? [String: Any])
        let period = try #require((object["periods"] as? [[String: Any]])?.first)
        #expect((period["suppression"] as? [String: Any])?["min_cell"] as? Int == 5)
        #expect(((period["indebtedness"] as? [String: Any])?["by_groups"] as? [String: Any])?["2"] is NSNull)
    }
}
