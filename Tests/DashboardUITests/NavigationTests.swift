import MarketAnalytics
import MarketReport
import Testing
@testable import DashboardUI

/// Search in every list view, jump by name, the trends list and the matrix shading: the keys an
/// analyst types, and what is on screen after them.
@Suite("Search, jump and toggles")
struct NavigationTests {
    static func state(width: Int = 80, height: Int = 24) -> DashboardState { ViewTests.at2020Q2(width: width, height: height) }

    static func type(_ state: inout DashboardState, _ text: String) {
        for character in text { _ = state.send(.keyPressed(.character(character))) }
    }

    @Test("b then /Lanz searches the banks; the letters never run as commands (L, a, n)")
    func searchBanks() {
        var state = Self.state()
        _ = state.send(.keyPressed(.character("b")))
        let period = state.analysis?.period
        Self.type(&state, "/Lanz")
        #expect(state.view == .banks, "a would have opened alerts")
        #expect(state.measure == .balances, "n would have switched to new lending")
        #expect(state.analysis?.period == period)
        #expect(state.listModel?.rows.map(\.id) == ["Bank of Lanzhou"])
        _ = state.send(.keyPressed(.enter))
        #expect(!state.isEditingFilter && state.filter == "Lanz")
        let screen = DashboardView.render(state).lines
        #expect(screen[0].contains("search \"Lanz\""))
        // Enter opens the only row; Esc clears the search first, then goes back.
        _ = state.send(.keyPressed(.enter))
        #expect(state.view == .bank("Bank of Lanzhou"))
        _ = state.send(.keyPressed(.escape))
        #expect(state.view == .banks && state.filter == "Lanz")
        _ = state.send(.keyPressed(.escape))
        #expect(state.view == .banks && state.filter.isEmpty)
        #expect(state.listModel!.rows.count > 40)
        _ = state.send(.keyPressed(.escape))
        #expect(state.view == .overview)
    }

    @Test("/ works in the group and bank drill-downs, the alerts and the matrix rows; each view keeps its own search")
    func searchEverywhere() {
        var state = Self.state()
        _ = state.send(.keyPressed(.enter)) // Ant Group's funders
        Self.type(&state, "/rural")
        _ = state.send(.keyPressed(.enter))
        let funders = state.listModel!.rows
        #expect(!funders.isEmpty && funders.allSatisfy { $0.id.lowercased().contains("rural") || $0.cells[1].text.contains("rural") })
        _ = state.send(.keyPressed(.character("a")))
        #expect(state.filter.isEmpty, "the alerts have their own search")
        Self.type(&state, "/xw")
        _ = state.send(.keyPressed(.enter))
        #expect(!state.listModel!.rows.isEmpty)
        #expect(state.listModel!.rows.allSatisfy { $0.cells.contains { $0.text.contains("XW Bank") } })
        _ = state.send(.keyPressed(.character("m")))
        Self.type(&state, "/luf")
        _ = state.send(.keyPressed(.enter))
        #expect(state.matrixGroups.map(\.group) == ["Lufax"])
        #expect(DashboardView.render(state).lines.contains { $0.hasPrefix(" Lufax") })
        _ = state.send(.keyPressed(.escape))
        #expect(state.matrixGroups.count > 5, "Esc cleared the matrix's search")
        Self.type(&state, "/zzz")
        _ = state.send(.keyPressed(.enter))
        #expect(DashboardView.render(state).lines.contains { $0.contains("no group matches \"zzz\"") })
    }

    @Test(": jumps by name prefix, any case, to a bank or a group, from any view; CJK names too")
    func jump() {
        var state = Self.state()
        _ = state.send(.keyPressed(.character("t")))
        Self.type(&state, ":lanz")
        #expect(state.jumpMatches.first == .bank("Bank of Lanzhou"), "a word of the name may start with the text")
        #expect(DashboardView.render(state).lines[23].contains("Bank of Lanzhou (bank)"))
        _ = state.send(.keyPressed(.enter))
        #expect(state.view == .bank("Bank of Lanzhou"))
        _ = state.send(.keyPressed(.escape))
        #expect(state.view == .banks, "Esc from a jumped-to bank goes to the banks list")
        Self.type(&state, ":ANT")
        #expect(state.jumpMatches.first == .group("Ant Group"), "the name's own prefix ranks first")
        _ = state.send(.keyPressed(.enter))
        #expect(state.view == .platform("Ant Group"))
        Self.type(&state, ":nobody")
        _ = state.send(.keyPressed(.enter))
        #expect(state.view == .platform("Ant Group"))
        #expect(state.statusMessage == "no bank or group starts with \"nobody\"")
        // Esc cancels without moving.
        Self.type(&state, ":lu")
        _ = state.send(.keyPressed(.escape))
        #expect(state.jumpQuery == nil && state.view == .platform("Ant Group"))

        var small = Support.smallState()
        Self.type(&small, ":微")
        #expect(small.jumpMatches.first == .group("WeBank 微众") || small.jumpMatches.isEmpty == false)
        _ = small.send(.keyPressed(.enter))
        #expect(small.view == .platform("WeBank 微众"))
    }

    @Test(": with several matches: Tab or ↓ chooses the next, the footer says which; combining marks cannot pile up")
    func jumpChoice() {
        var state = Self.state()
        Self.type(&state, ":bank of")
        let matches = state.jumpMatches
        #expect(matches.count > 3)
        _ = state.send(.keyPressed(.tab))
        _ = state.send(.keyPressed(.down))
        #expect(DashboardView.render(state).lines[23].contains("3 of \(matches.count)"))
        _ = state.send(.keyPressed(.up))
        _ = state.send(.keyPressed(.backTab))
        _ = state.send(.keyPressed(.backTab))
        #expect(DashboardView.render(state).lines[23].contains("\(matches.count) of \(matches.count)"), "Shift-Tab wraps to the last")
        _ = state.send(.keyPressed(.tab))
        _ = state.send(.keyPressed(.tab))
        _ = state.send(.keyPressed(.enter))
        #expect(state.view == .bank(matches[1].name))
        // A thousand combining marks on one letter: at most 40 scalars are typed.
        _ = state.send(.keyPressed(.character(":")))
        _ = state.send(.keyPressed(.paste("a" + String(repeating: "\u{301}", count: 3_000))))
        #expect((state.jumpQuery?.unicodeScalars.count ?? 0) <= 40)
    }

    @Test("a paste types into an open prompt and runs nothing elsewhere")
    func paste() {
        var state = Self.state()
        _ = state.send(.keyPressed(.character("b")))
        #expect(state.send(.keyPressed(.paste("aqn"))) == .none, "a, q and n would open alerts, go back, switch measure")
        #expect(state.view == .banks && state.measure == .balances)
        _ = state.send(.keyPressed(.character("/")))
        _ = state.send(.keyPressed(.paste("Lanz\u{1B}[31m\n")))
        #expect(state.filter == "Lanz[31m", "controls and line breaks are not typed")
        _ = state.send(.keyPressed(.escape))
        _ = state.send(.keyPressed(.character(":")))
        _ = state.send(.keyPressed(.paste("tianjin")))
        #expect(state.jumpMatches.first == .bank("Tianjin Binhai Rural Commercial Bank"))
    }

    @Test("Enter on a group inside a bank's screen opens that pairing's history")
    func bankToPairing() {
        var state = Self.state()
        Self.type(&state, ":lanz")
        _ = state.send(.keyPressed(.enter))
        _ = state.send(.keyPressed(.enter))
        #expect(state.view == .pairing(group: "Ant Group", bank: "Bank of Lanzhou"))
    }

    @Test("trends: one scale for every share line, Space shows or hides the selected group")
    func trends() {
        var state = Self.state(width: 100, height: 30)
        _ = state.send(.keyPressed(.character("t")))
        #expect(TrendsView.shownGroups(state).count == 5)
        let lines = DashboardView.render(state).lines
        #expect(lines.contains { $0.contains("one scale for all lines") && $0.contains("25%") })
        // Lufax (4.5%→6%) is drawn low on the 0–25% scale, not from bottom to top like Ant.
        let lufax = lines.first { $0.contains("Lufax") }!
        #expect(!lufax.contains("█") && !lufax.contains("▇"))
        // The sixth group is listed unticked; Space on it draws its line.
        for _ in 0..<5 { _ = state.send(.keyPressed(.down)) }
        #expect(DashboardView.render(state).lines.contains { $0.contains("[ ] 360 DigiTech") })
        _ = state.send(.keyPressed(.character(" ")))
        #expect(TrendsView.shownGroups(state).contains("360 DigiTech"))
        #expect(DashboardView.render(state).lines.contains { $0.contains("[x] 360 DigiTech") })
        // The export carries the groups shown.
        #expect(state.listModel!.model.columns.contains { $0.title == "360 DigiTech" })
        _ = state.send(.keyPressed(.up))
        _ = state.send(.keyPressed(.character(" ")))
        #expect(!TrendsView.shownGroups(state).contains("Du Xiaoman"))
    }

    @Test("axis labels skip rather than run together at 80 columns; the cursor's label always shows")
    func axisLabels() {
        let periods = (0..<12).map { Period("20\(19 + $0 / 4)Q\($0 % 4 + 1)")! }
        let placed = TrendsView.axisLabels(periods, cursor: 11, x: { 24 + $0 * 3 }, step: 3)
        #expect(placed.last?.index == 11)
        for (a, b) in zip(placed, placed.dropFirst()) {
            #expect(24 + a.index * 3 + a.text.count < 24 + b.index * 3, "\(a) runs into \(b)")
        }
    }

    @Test("HHI chart: axis values at its top and bottom, not a 0–10,000 title over a 500 scale")
    func hhiAxis() {
        var state = Self.state()
        _ = state.send(.keyPressed(.character("t")))
        let lines = DashboardView.render(state).lines
        #expect(!lines.contains { $0.contains("(0–10,000)") })
        #expect(lines[2].contains("┤"))
        #expect(lines.contains { $0.contains("┤") && $0.contains("Market HHI") == false })
    }

    @Test("matrix: s shades by the bank's platform funding; Tianjin Binhai at 100% on Ant is full, not empty")
    func matrixShading() {
        var state = Self.state()
        _ = state.send(.keyPressed(.character("m")))
        let analysis = state.analysis!
        let ant = analysis.groups.first { $0.group == "Ant Group" }!
        let byGroup = MatrixView.shadedShare(analysis, ant, bank: "Tianjin Binhai Rural Commercial Bank", .shareOfGroup)
        let byBank = MatrixView.shadedShare(analysis, ant, bank: "Tianjin Binhai Rural Commercial Bank", .shareOfBank)
        #expect(byGroup < 0.01)
        #expect(byBank == 1)
        #expect(MatrixView.shade(byBank, glyphs: .unicode, digits: false, shading: .shareOfBank) == "█")
        #expect(MatrixView.shade(byBank, glyphs: .ascii, digits: true, shading: .shareOfBank) == "X")
        _ = state.send(.keyPressed(.character("s")))
        #expect(state.matrixShading == .shareOfBank)
        let lines = DashboardView.render(state).lines
        #expect(lines[2].contains("Share of the bank's platform funding"))
        #expect(lines[0].contains("shade: of bank"))
    }
}
