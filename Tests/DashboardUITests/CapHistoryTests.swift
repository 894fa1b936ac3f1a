import Testing
@testable import DashboardUI
import MarketAnalytics

/// A bank's caps over every period: Enter on a cap alert opens it, `c` opens it from the banks list.
@Suite("Cap history")
struct CapHistoryTests {
    @Test("Enter on a cap alert opens the bank's caps over time, one row per period with value and state")
    func enterOnCapAlert() throws {
        var state = ViewTests.at2020Q2(width: 100, height: 30)
        ViewTests.press(&state, .character("a"))
        let alerts = try #require(state.analysis?.alerts)
        let first = try #require(alerts.first)
        #expect(first.rule == .singlePartnerExposure)
        ViewTests.press(&state, .enter)
        #expect(state.view == .capHistory(first.subject.bank!))
        let (model, rows) = try #require(state.listModel)
        #expect(rows.count == state.periods.count)
        // 2020Q2 of Tianjin Binhai: 3.222 bn over 9.3 bn of capital (banks.csv's 2019Q4 row) = 34.6%,
        // before the notice: marked ~.
        let q2 = try #require(rows.first { $0.id == "2020Q2" })
        #expect(q2.cells[1].text == "~ 34.6%")
        #expect(q2.cells[3].text == "~ over")
        #expect(q2.cells[7].text == "not yet")
        let q1 = try #require(rows.first { $0.id == "2021Q1" })
        #expect(q1.cells[7].text == "transition")
        // The cap row pins the bars' scale to the cap.
        #expect(model.footer.first?.cells[1].text == "25.0%")
        try Support.expectSnapshot(DashboardView.render(state).lines, named: "cap-history-100x30")
    }

    @Test("the caps over time render at 80×24 and 200×50", arguments: [(80, 24), (200, 50)])
    func sizes(width: Int, height: Int) throws {
        var state = ViewTests.at2020Q2(width: width, height: height)
        ViewTests.press(&state, .character("b"), .down, .character("c"))
        #expect(state.view == .capHistory("Bank of Lanzhou"))
        let lines = DashboardView.render(state).lines
        #expect(lines.count == height && lines.allSatisfy { $0.count <= width })
        try Support.expectSnapshot(lines, named: "cap-history-\(width)x\(height)")
    }

    @Test("c opens the selected bank's caps from the banks list, and says how when no bank is on screen")
    func keyFromBanks() {
        var state = ViewTests.at2020Q2(width: 80, height: 24)
        ViewTests.press(&state, .character("c"))
        #expect(state.statusMessage?.hasPrefix("c shows a bank's caps over time") == true)
        ViewTests.press(&state, .character("b"), .character("c"))
        #expect(state.view == .capHistory("Tianjin Binhai Rural Commercial Bank"))
    }
}
