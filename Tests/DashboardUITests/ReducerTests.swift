import MarketAnalytics
import Testing
@testable import DashboardUI

@Suite("Reducer, action by action")
struct ReducerTests {
    @Test("a loaded snapshot opens the latest period, the default definition, the top row selected")
    func snapshotLoaded() {
        var state = DashboardState()
        let effect = state.apply(.snapshotLoaded(Snapshot(dataset: Support.smallDataset(), directory: "data", loadedAt: Support.noon)))
        #expect(effect == .render)
        #expect(state.analysis?.period.description == "2020Q2")
        #expect(state.marketDefinition == "narrow")
        #expect(state.selectedGroup == "Ant Group")
        #expect(state.rows.map(\.figures.group) == ["Ant Group", "JD", "WeBank 微众"])
    }

    @Test("← and → move between periods and stop at the ends")
    func periods() {
        var state = Support.smallState()
        #expect(state.send(.keyPressed(.right)) == .none)
        #expect(state.send(.keyPressed(.left)) == .render)
        #expect(state.analysis?.period.description == "2020Q1")
        #expect(state.send(.keyPressed(.character("["))) == .none)
        #expect(state.send(.keyPressed(.character("l"))) == .render)
        #expect(state.analysis?.period.description == "2020Q2")
    }

    @Test("the selection follows the group across periods and re-sorts")
    func selectionFollowsIdentity() {
        var state = Support.smallState()
        _ = state.send(.keyPressed(.down))                 // JD (2nd in 2020Q2)
        #expect(state.selectedGroup == "JD")
        _ = state.send(.keyPressed(.left))                 // 2020Q1: JD is 3rd
        #expect(state.selectedGroup == "JD")
        #expect(state.selectedIndex == 2)
        _ = state.send(.keyPressed(.character("2")))       // sort by group A→Z
        #expect(state.rows.map(\.figures.group) == ["Ant Group", "JD", "WeBank 微众"])
        #expect(state.selectedGroup == "JD")
        #expect(state.selectedIndex == 1)
    }

    @Test("j, k, Home/H and End/L move the selection and clamp at the edges")
    func movement() {
        var state = Support.smallState()
        _ = state.send(.keyPressed(.character("k")))
        #expect(state.selectedGroup == "Ant Group")
        _ = state.send(.keyPressed(.character("L")))
        #expect(state.selectedGroup == "WeBank 微众")
        _ = state.send(.keyPressed(.character("j")))
        #expect(state.selectedGroup == "WeBank 微众")
        _ = state.send(.keyPressed(.home))
        #expect(state.selectedGroup == "Ant Group")
        _ = state.send(.keyPressed(.pageDown))
        #expect(state.selectedGroup == "WeBank 微众")
    }

    @Test("< and > move the sort column; a column's digit picks it and the same digit again reverses it; i inverts")
    func sorting() {
        var state = Support.smallState()
        #expect(state.sort == SortOrder(column: .share, descending: true))
        _ = state.send(.keyPressed(.character(">")))
        #expect(state.sort == SortOrder(column: .change, descending: true))
        _ = state.send(.keyPressed(.character("<")))
        _ = state.send(.keyPressed(.character("<")))
        #expect(state.sort == SortOrder(column: .balance, descending: true))
        _ = state.send(.keyPressed(.character("2")))
        #expect(state.sort == SortOrder(column: .group, descending: false))
        _ = state.send(.keyPressed(.character("2")))
        #expect(state.sort == SortOrder(column: .group, descending: true))
        #expect(state.rows.map(\.figures.group) == ["WeBank 微众", "JD", "Ant Group"])
        _ = state.send(.keyPressed(.character("i")))
        #expect(state.sort == SortOrder(column: .group, descending: false))
        _ = state.send(.keyPressed(.character("<")))
        _ = state.send(.keyPressed(.character("<")))
        #expect(state.sort.column == .flag) // wraps around
    }

    @Test("/ edits a filter on group and product names; Enter keeps it, Esc clears it")
    func filtering() {
        var state = Support.smallState()
        _ = state.send(.keyPressed(.character("/")))
        #expect(state.isEditingFilter)
        for c in "微" { _ = state.send(.keyPressed(.character(c))) }
        #expect(state.rows.map(\.figures.group) == ["WeBank 微众"])
        #expect(state.selectedGroup == "WeBank 微众")
        _ = state.send(.keyPressed(.backspace))
        for c in "hua" { _ = state.send(.keyPressed(.character(c))) }
        #expect(state.rows.map(\.figures.group) == ["Ant Group"]) // matched through the product Huabei
        #expect(state.send(.keyPressed(.control("a"))) == .none)
        _ = state.send(.keyPressed(.enter))
        #expect(!state.isEditingFilter)
        #expect(state.filter == "hua")
        _ = state.send(.keyPressed(.character("q"))) // q is a command again, not text
        var cleared = state
        _ = cleared.send(.keyPressed(.escape))
        #expect(cleared.filter.isEmpty)
        #expect(cleared.rows.count == 3)
    }

    @Test("Esc while typing a filter abandons it")
    func escapeWhileTyping() {
        var state = Support.smallState()
        _ = state.send(.keyPressed(.character("/")))
        _ = state.send(.keyPressed(.character("x")))
        _ = state.send(.keyPressed(.escape))
        #expect(!state.isEditingFilter && state.filter.isEmpty)
    }

    @Test("u toggles units, d cycles the market definition (and the shares), g cycles guidelines")
    func displayToggles() {
        var state = Support.smallState()
        _ = state.send(.keyPressed(.character("u")))
        #expect(state.units == .usd)
        #expect(state.analysis?.groups.first?.shareOfMarket == 0.3)
        _ = state.send(.keyPressed(.character("d")))
        #expect(state.marketDefinition == "wide")
        #expect(state.analysis?.groups.first?.shareOfMarket == 0.15)
        _ = state.send(.keyPressed(.character("d")))
        #expect(state.marketDefinition == "narrow")
        #expect(state.guideline == .us2010)
        for expected in [Guideline.eu2004, .chinaAML, .us2023, .us2010] {
            _ = state.send(.keyPressed(.character("g")))
            #expect(state.guideline == expected)
        }
    }

    @Test("help is modal: ? opens it, other keys do nothing, ?, Esc or q close it; q at the top quits")
    func helpAndQuit() {
        var state = Support.smallState()
        _ = state.send(.keyPressed(.character("?")))
        #expect(state.showingHelp)
        #expect(state.send(.keyPressed(.right)) == .none)
        #expect(state.analysis?.period.description == "2020Q2")
        #expect(state.send(.keyPressed(.character("q"))) == .render)
        #expect(!state.showingHelp)
        _ = state.send(.keyPressed(.function(1)))
        _ = state.send(.keyPressed(.escape))
        #expect(!state.showingHelp)
        #expect(state.send(.keyPressed(.function(10))) == .quit)
        #expect(state.send(.keyPressed(.character("q"))) == .quit)
    }

    @Test("keys outside the keymap change nothing")
    func unboundKeys() {
        var state = Support.smallState()
        #expect(state.send(.keyPressed(.character("z"))) == .none)
        #expect(state.send(.keyPressed(.function(7))) == .none)
    }

    @Test("a resize relays out and keeps the selection in view")
    func resize() {
        var state = Support.sampleState(width: 80, height: 24)
        _ = state.send(.keyPressed(.end))
        _ = state.apply(.resized(width: 60, height: 14))
        let layout = DashboardLayout(width: 60, height: 14)
        #expect(state.width == 60 && state.height == 14)
        #expect(state.selectedIndex! >= state.scrollOffset)
        #expect(state.selectedIndex! < state.scrollOffset + layout.dataRows)
    }

    @Test("a failed reload keeps the data and shows the error until a good load; the view survives reloads")
    func reloads() {
        var state = Support.smallState()
        _ = state.send(.keyPressed(.left))
        _ = state.send(.keyPressed(.down))
        _ = state.apply(.reloadFailed(["data/balances.csv:3:1: boom"]))
        #expect(state.loadErrors == ["data/balances.csv:3:1: boom"])
        #expect(state.analysis?.period.description == "2020Q1")
        // A later good load is a new version of the data.
        _ = state.apply(.snapshotLoaded(Snapshot(dataset: Support.smallDataset(), directory: "data",
                                                 loadedAt: ClockTime(hour: 13, minute: 0, second: 0), version: 2)))
        #expect(state.loadErrors.isEmpty)
        #expect(state.analysis?.period.description == "2020Q1")
        #expect(state.selectedGroup == "WeBank 微众")
    }

    @Test("ticks redraw only when the data's age in minutes changes: an idle screen sends almost nothing")
    func ticks() {
        var state = DashboardState()
        _ = state.apply(.snapshotLoaded(Snapshot(dataset: Support.smallDataset(), directory: "data", loadedAt: Support.noon,
                                                 loadedEpochSeconds: 1_000)))
        #expect(state.apply(.tick(epochSeconds: 1_030)) == .none)
        #expect(state.apply(.tick(epochSeconds: 1_061)) == .render)
        #expect(state.ageMinutes == 1)
        #expect(DashboardView.render(state).lines[0].contains("loaded 12:00:00 (1 min ago)"))
        #expect(state.apply(.tick(epochSeconds: 1_100)) == .none)
    }

    @Test("r asks for a reload, P pauses and resumes live refresh; the header says so")
    func reloadAndPause() {
        var state = Support.smallState(width: 120)
        #expect(state.send(.keyPressed(.character("r"))) == .reloadNow)
        #expect(state.apply(.reloadStarted) == .render)
        #expect(DashboardView.render(state).lines[0].contains("reloading…"))
        #expect(state.apply(.reloadStarted) == .none)
        _ = state.send(.keyPressed(.character("P")))
        #expect(state.isPaused)
        #expect(DashboardView.render(state).lines[0].contains("refresh paused"))
        _ = state.send(.keyPressed(.character("P")))
        #expect(!state.isPaused)
        _ = state.apply(.snapshotLoaded(Snapshot(dataset: Support.smallDataset(), directory: "data", loadedAt: Support.noon,
                                                 version: 2)))
        #expect(!state.isReloading)
    }

    @Test("a failed reload: the banner names the first error and the count, the title the age of the data shown")
    func banner() {
        var state = Support.smallState(width: 100)
        _ = state.apply(.reloadFailed(["data/balances.csv:7:3: column 'flag': '\u{1B}[2J' is not a flag", "second"]))
        let lines = DashboardView.render(state).lines
        #expect(lines[1].hasPrefix(" ! data of 12:00:00 kept · balances.csv:7:3: column 'flag': '\u{FFFD}[2J' is not a flag (2 errors)"))
        #expect(lines[0].contains("reload failed"))
        #expect(!lines.joined().unicodeScalars.contains { $0.value == 0x1B })
        #expect(lines.contains { $0.contains("Ant Group") })
    }

    @Test("d and n ask the worker for analyses under the new key; the screen keeps its key until they arrive")
    func analysesComeFromTheWorker() {
        var state = Support.smallState()
        let effect = state.apply(.keyPressed(.character("d")))
        #expect(effect == .analyze(AnalysisKey(definition: "wide", measure: .balances)))
        // Nothing computed on the UI side: still the narrow market, with the request pending.
        #expect(state.marketDefinition == "narrow")
        #expect(state.analysis?.groups.first?.shareOfMarket == 0.3)
        #expect(state.pendingKey == AnalysisKey(definition: "wide", measure: .balances))
        #expect(DashboardView.render(state).lines[0].contains("computing"))
        // The worker's answer for the same data (same version) is swapped in, keeping the data's age.
        _ = state.apply(.tick(epochSeconds: 180))
        let dataset = Support.smallDataset()
        let wide = Snapshot(dataset: dataset, directory: "data", loadedAt: Support.noon, version: 1,
                            key: AnalysisKey(definition: "wide", measure: .balances))
        #expect(state.apply(.snapshotLoaded(wide)) == .render)
        #expect(state.marketDefinition == "wide")
        #expect(state.analysis?.groups.first?.shareOfMarket == 0.15)
        #expect(state.pendingKey == nil)
        #expect(state.ageMinutes == 3)
        // A reload that still carries the old key asks again instead of showing the old key silently.
        _ = state.apply(.keyPressed(.character("d")))
        let narrow = Snapshot(dataset: dataset, directory: "data", loadedAt: Support.noon, version: 2,
                              key: AnalysisKey(definition: "wide", measure: .balances))
        #expect(state.apply(.snapshotLoaded(narrow)) == .analyze(AnalysisKey(definition: "narrow", measure: .balances)))
    }
}
