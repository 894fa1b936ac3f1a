import EngineJobs
import MarketAnalytics
import Testing
@testable import MarketReport

/// The long table has two writers: the report's (which can hide small cells) and `EngineRows`
/// (what engine jobs are compared with). With suppression off they must write the same rows.
@Suite("the long table's two writers")
struct EngineRowsAgreementTests {
    @Test("with the rule off, IndebtednessTable.rows is EngineRows.indebtedness, row for row")
    func sameRows() throws {
        let end = CalendarDate(iso: "2021-12-31")!
        let e = end.dayNumber
        var loans: [IndebtednessLoan] = []
        for i in 0..<40 {
            loans.append(IndebtednessLoan(borrower: Array("B\(i % 13)".utf8), group: i % 4, amountCents: Int64(1_000 + 37 * i),
                                          originated: e - 5, termDays: 30, isBad: i % 5 == 0))
        }
        let figures = try Indebtedness.figures(loans: loans, groups: ["A", "B", "C", "D"], asOf: end)
        let report = IndebtednessTable.rows(SmallCellRule.off.apply(figures)).map { [$0.table, $0.a, $0.b, $0.value] }
        let engine = EngineRows.indebtedness(figures).map { [$0.table, $0.a, $0.b, $0.value] }
        #expect(!engine.isEmpty && report == engine)
    }
}
