import MarketAnalytics
import MarketReport
import Testing
@testable import DashboardUI

/// The analyst views: drill-downs, banks, matrix, pairing, trends, what-if, alerts, export, copy.
@Suite("Analyst views")
struct ViewTests {
    /// The sample data at 2020Q2, the founding example's period.
    static func at2020Q2(width: Int = 80, height: Int = 24, features: Features = Features()) -> DashboardState {
        var state = DashboardState(width: width, height: height, features: features)
        _ = state.apply(.snapshotLoaded(Snapshot(dataset: Support.sampleDataset, directory: "sample-data", loadedAt: Support.noon)))
        for _ in 0..<6 { _ = state.send(.keyPressed(.left)) }
        return state
    }

    static func press(_ state: inout DashboardState, _ keys: Key...) {
        for key in keys { _ = state.send(.keyPressed(key)) }
    }

    @Test("Enter drills from the overview into the selected group; Esc comes back with the selection kept")
    func drillAndBack() {
        var state = Self.at2020Q2()
        Self.press(&state, .down)
        #expect(state.selectedGroup == "Lufax")
        Self.press(&state, .enter)
        #expect(state.viewStack == [.overview, .platform("Lufax")])
        // At 80 columns the breadcrumbs shorten to the current view; the sort stays.
        #expect(DashboardView.render(state).lines[0].hasPrefix(" Lufax │ ◀ 2020Q2 ▶"))
        var wide = state
        _ = wide.apply(.resized(width: 120, height: 24))
        #expect(DashboardView.render(wide).lines[0].contains("Overview › Lufax"))
        Self.press(&state, .down, .down)
        let bankSelected = state.listSelection[.platform("Lufax")]
        Self.press(&state, .enter)
        #expect(state.viewStack.count == 3)
        Self.press(&state, .escape)
        #expect(state.listSelection[.platform("Lufax")] == bankSelected)
        Self.press(&state, .character("q"))
        #expect(state.viewStack == [.overview])
        #expect(state.selectedGroup == "Lufax")
        #expect(state.send(.keyPressed(.character("q"))) == .quit)
    }

    @Test("the platform drill-down lists Ant Group's funders, own lending arms marked, caps flagged, products shown")
    func platformView() throws {
        var state = Self.at2020Q2(width: 120, height: 40)
        Self.press(&state, .enter)
        let (model, rows) = try #require(state.listModel)
        #expect(model.summary[0].text.contains("21.00% of the market"))
        #expect(model.summary[0].text.contains("own-funded 2.1%"))
        #expect(model.summary[1].text.contains("Huabei 花呗") && model.summary[1].text.contains("Jiebei 借呗"))
        #expect(rows.first?.id == "ICBC")
        let own = try #require(rows.first { $0.id == "Chongqing Ant Xiaowei Microcredit" })
        #expect(own.cells[1].text == "own lending arm" && own.cells[6].text == "own")
        let lanzhou = try #require(rows.first { $0.id == "Bank of Lanzhou" })
        // 2020Q2 ended before the caps were published: marked ~ (would breach), not ! (breach).
        // Capital in 2020Q2 is banks.csv's 2019Q4 row: 20.6 bn; 7.128 bn / 20.6 bn = 34.6%.
        #expect(lanzhou.cells[6].text == "~ 34.6%")
        #expect(lanzhou.cells[6].style == .accent)
        #expect(lanzhou.target == .pairing(group: "Ant Group", bank: "Bank of Lanzhou"))
    }

    @Test("b lists every bank, largest single-partner exposure first, caps flagged; Enter opens the bank")
    func banksView() throws {
        var state = Self.at2020Q2()
        Self.press(&state, .character("b"))
        let (_, rows) = try #require(state.listModel)
        let analysis = try #require(state.analysis)
        #expect(rows.map(\.id) == analysis.banks.map(\.bank))
        // 2020Q2 divides by banks.csv's 2019Q4 row: Tianjin Binhai 3.222 / 9.3 = 34.65% just above
        // Lanzhou 7.128 / 20.6 = 34.60%.
        #expect(rows.first?.id == "Tianjin Binhai Rural Commercial Bank")
        #expect(rows.dropFirst().first?.id == "Bank of Lanzhou")
        let xw = try #require(rows.first { $0.id == "XW Bank" })
        #expect(xw.cells[8].text == "~ 32.1%")      // Exp/T1 (largest partner), before the rule: 2.408 / 7.5
        #expect(xw.cells[9].text == "2")            // two partners over 25%: Ant Group and Meituan
        #expect(xw.cells[11].text == "~ 58.8%")     // all co-lending / total loans: 11.18 / 19
        Self.press(&state, .down, .enter)
        #expect(state.view == .bank("Bank of Lanzhou"))
        let (bankModel, bankRows) = try #require(state.listModel)
        #expect(bankModel.summary[0].text.contains("tier-1 CNY 20.6 bn (2019Q4)"))
        #expect(bankRows.first?.id == "Ant Group")
        Self.press(&state, .enter)
        #expect(state.viewStack == [.overview, .banks, .bank("Bank of Lanzhou"), .pairing(group: "Ant Group", bank: "Bank of Lanzhou")])
    }

    @Test("in force from 2021Q1: the banks view marks breaches with !, and the alerts view lists every pair per bank")
    func inForceAndEveryPair() throws {
        var state = Self.at2020Q2(width: 120, height: 40)
        Self.press(&state, .right, .right, .right, .character("b"))
        #expect(state.analysis?.period == Period("2021Q1"))
        let (banks, rows) = try #require(state.listModel)
        #expect(banks.summary[0].text.contains("7 over a cap · 11 bank × partner pairs over 25%"))
        #expect(rows.first { $0.id == "XW Bank" }?.cells[8].text == "» 39.0%") // over the cap in its transition
        Self.press(&state, .character("a"))
        let (_, alerts) = try #require(state.listModel)
        let xwPartners = alerts.filter { $0.cells[1].text == "XW Bank" && $0.cells[0].text == "25% T1 cap" }.map { $0.cells[2].text }
        #expect(xwPartners == ["Meituan", "Ant Group", "360 DigiTech"])
        try Support.expectSnapshot(DashboardView.render(state).lines, named: "alerts-2021Q1-120x40")
        // Enter on a cap alert opens the bank's caps over time; the pairing's history is one level
        // under the bank (b, the bank, Enter on the partner).
        Self.press(&state, .down)
        Self.press(&state, .enter)
        #expect(state.view == .capHistory("Suning Bank"))
        state.viewStack = [.overview, .banks, .bank("Suning Bank")]
        state.listSelection[.bank("Suning Bank")] = "Meituan"
        Self.press(&state, .enter)
        #expect(state.view == .pairing(group: "Meituan", bank: "Suning Bank"))
        let (pairing, history) = try #require(state.listModel)
        #expect(pairing.summary[1].text == "  over 25% of tier-1 capital in 6 periods: 2020Q3–2021Q4")
        #expect(state.listSelection[state.view] == "2021Q1") // opened on the period being looked at
        #expect(history.first { $0.id == "2020Q4" }?.cells[5].text == "over (not in force)")
        #expect(history.first { $0.id == "2021Q1" }?.cells[5].text == "over")
    }

    @Test("list views sort by any column; the same digit again reverses")
    func listSorting() throws {
        var state = Self.at2020Q2()
        Self.press(&state, .character("b"), .character("1"))
        #expect(try #require(state.listModel).rows.first?.id == "Agricultural Bank of China")
        Self.press(&state, .character("1"))
        #expect(try #require(state.listModel).rows.first?.id == "Zhongyuan Bank")
        #expect(state.listSorts[.banks] == ListSort(column: 0, descending: true))
    }

    @Test("the matrix cursor moves by bank and group; Enter opens the pairing over every period at the current one")
    func matrixAndPairing() throws {
        var state = Self.at2020Q2()
        Self.press(&state, .character("m"), .right, .down)
        #expect(state.matrixRow == 1 && state.matrixColumn == 1)
        let lines = DashboardView.render(state).lines
        #expect(lines.contains { $0.hasPrefix(" Lufax × ") })
        Self.press(&state, .enter)
        guard case .pairing(let group, _) = state.view else {
            Issue.record("Enter did not open a pairing")
            return
        }
        #expect(group == "Lufax")
        let (_, rows) = try #require(state.listModel)
        #expect(rows.count == 12)
        #expect(state.listSelection[state.view] == "2020Q2")
        Self.press(&state, .character("["))
        #expect(state.analysis?.period.description == "2020Q1")
    }

    @Test("Space marks groups; w shows the merger with ΔHHI and every guideline, or asks for two marks")
    func mergerWhatIf() throws {
        var state = Self.at2020Q2()
        Self.press(&state, .character(" "), .character("w"))
        #expect(state.view == .overview)
        #expect(state.statusMessage == "mark two or more groups with Space on the overview, then press w")
        Self.press(&state, .down, .character(" "), .character("w"))
        #expect(state.view == .merger)
        let analysis = try #require(state.analysis)
        let merger = try #require(analysis.merger(of: ["Ant Group", "Lufax"]))
        let (model, rows) = try #require(state.listModel)
        #expect(model.summary[1].text.contains("ΔHHI \(NumberFormat.grouped(merger.deltaHHI, decimals: 1))"))
        #expect(rows.map(\.id) == ["us2023", "us2010", "eu2004", "china_aml"])
        #expect(rows[0].detail[0].contains("2023-12-18"))
        Self.press(&state, .escape, .character(" "))
        #expect(state.markedGroups == ["Ant Group"])
    }

    @Test("alerts list every rule the period triggers, as in the report")
    func alertsView() throws {
        var state = Self.at2020Q2()
        Self.press(&state, .character("a"))
        let (_, rows) = try #require(state.listModel)
        let alerts = try #require(state.analysis?.alerts)
        #expect(rows.count == alerts.count)
        #expect(rows.first?.cells[1].text == alerts.first?.subject.bank)
        #expect(rows.first?.cells[2].text == alerts.first?.subject.partner)
        Self.press(&state, .enter)
        #expect(state.view == .capHistory("Tianjin Binhai Rural Commercial Bank"))
    }

    @Test("trends mark the events inside the data and list the one after it")
    func trends() {
        var state = Self.at2020Q2(width: 100, height: 30)
        Self.press(&state, .character("t"))
        let text = DashboardView.render(state).lines.joined(separator: "\n")
        #expect(text.contains("2020-11-03 Ant Group IPO suspended"))
        // The rule calendar's events, numbered in date order (at 100×30 the four in the data fit).
        #expect(text.contains("1 2020-07-17 Interim Measures: two-year transition begins"))
        #expect(text.contains("4 2021-02-20 CBIRC notice: 25% tier-1 / 50% loans caps (transition)"))
        #expect(text.contains("21.00%"))
        #expect(TrendsView.periodIndex(of: CalendarDate(iso: "2021-02-20")!, in: state.periods) == 8)
    }

    @Test("e asks the loop to export the view as CSV and Markdown; the result shows in the footer until the next key")
    func export() throws {
        var state = Self.at2020Q2()
        Self.press(&state, .character("b"))
        guard case .export(let request) = state.send(.keyPressed(.character("e"))) else {
            Issue.record("e did not ask for an export")
            return
        }
        #expect(request.files.map(\.name) == ["lendscope-banks-2020Q2.csv", "lendscope-banks-2020Q2.md"])
        let csv = request.files[0].text.split(separator: "\n")
        #expect(csv[0] == "period,bank,type,online_only,platform_sourced_cny_bn,platform_sourced_usd_bn,top_partner,"
                + "top_partner_share,partner_hhi,max_exposure_to_tier1,partners_over_cap,partners_over_cap_names,colending_to_total_loans")
        #expect(csv[1].hasPrefix("2020Q2,Tianjin Binhai Rural Commercial Bank,rural commercial,false,"))
        #expect(request.files[1].text.hasPrefix("## Banks\n\nLendScope, sample-data, 2020Q2, outstanding balances"))
        _ = state.apply(.exportFinished(["./lendscope-banks-2020Q2.csv", "./lendscope-banks-2020Q2.md"]))
        #expect(DashboardView.render(state).lines[23].contains("exported ./lendscope-banks-2020Q2.csv and"))
        Self.press(&state, .down)
        #expect(state.statusMessage == nil)
    }

    @Test("y copies the selected row, Y the table; both can be disabled, and so can export")
    func copyAndDisable() {
        var state = Self.at2020Q2()
        #expect(state.send(.keyPressed(.character("y"))) == .copy("#\tGroup\tCNY bn\tShare\tΔ pp\tFlag\n1\tAnt Group\t1,732.0\t21.00%\t+2.36\tR*/E*\n"))
        guard case .copy(let table) = state.send(.keyPressed(.character("Y"))) else {
            Issue.record("Y did not copy")
            return
        }
        #expect(table.split(separator: "\n").count == 13)
        var kiosk = Self.at2020Q2(features: Features(export: false, clipboard: false))
        #expect(kiosk.send(.keyPressed(.character("e"))) == .render)
        #expect(kiosk.statusMessage == "export is disabled in this session")
        #expect(kiosk.send(.keyPressed(.character("y"))) == .render)
        #expect(kiosk.statusMessage == "copy is disabled in this session")
    }

    @Test("n switches to new lending when the directory has loan files, and says why not otherwise")
    func measureSwitch() throws {
        var state = Self.at2020Q2()
        Self.press(&state, .character("n"))
        #expect(state.measure == .originations)
        let lines = DashboardView.render(state).lines
        #expect(lines[0].contains("new lending"))
        #expect(lines[1].hasPrefix(" New lending in 2020Q2: shares of the reported groups (no market total)"))
        #expect(lines[2].contains("CNY mn"))
        let shares = try #require(state.analysis?.groups.map(\.shareOfMarket))
        #expect(abs(shares.reduce(0, +) - 1) < 1e-9)
        // Caps stay on balances: the banks view shows the same exposures as under balances, and the
        // competition verdicts are absent (no new-lending total in the sample's market.csv).
        #expect(state.analysis?.verdicts == nil)
        Self.press(&state, .character("b"))
        let (banks, rows) = try #require(state.listModel)
        #expect(banks.summary[0].text.contains("7 would be over a cap"))
        #expect(rows.first { $0.id == "Bank of Lanzhou" }?.cells[8].text == "~ 34.6%")
        #expect(DashboardView.render(state).lines[0].contains("new lending"))
        Self.press(&state, .escape, .character("n"))
        #expect(state.measure == .balances)
        var small = Support.smallState()
        Self.press(&small, .character("n"))
        #expect(small.measure == .balances)
        #expect(small.statusMessage == "no loan files in this data directory: new lending needs loans/*.csv")
    }

    @Test("the what-if export carries the period once, the parties, both bounds and ΔHHI")
    func whatIfExport() throws {
        var state = Self.at2020Q2()
        Self.press(&state, .character(" "), .down, .character(" "), .character("w"))
        guard case .export(let request) = state.send(.keyPressed(.character("e"))) else {
            Issue.record("e did not ask for an export")
            return
        }
        let lines = request.files[0].text.split(separator: "\n")
        #expect(lines[0] == "period,parties,merged_share,hhi_before_lower,hhi_before_upper,hhi_after_lower,hhi_after_upper,"
                + "delta_hhi,guideline,severity,finding,threshold,issued")
        #expect(lines[1].hasPrefix("2020Q2,Ant Group + Lufax,0.26"))
    }

    @Test("at 80 columns the title drops whole parts, never a time: a failed reload keeps when the data date from")
    func titleNeverCutsATime() {
        var state = Self.at2020Q2(width: 80, height: 24)
        Self.press(&state, .character("b"), .enter)
        _ = state.apply(.reloadFailed(["sample-data/balances.csv:7:3: broken"]))
        let title = DashboardView.render(state).lines[0]
        #expect(title.contains("reload failed"))
        #expect(DashboardView.render(state).lines[1].contains("data of 12:00:00 kept"), "when the data on screen date from")
        #expect(title.contains("◀ 2020Q2 ▶") && title.contains("balances"))
        for width in [50, 60, 70] {
            var narrow = state
            _ = narrow.apply(.resized(width: width, height: 24))
            let line = DashboardView.render(narrow).lines[0].trimmingCharacters(in: .whitespaces)
            // Whatever fits ends at a whole part: the period is never cut.
            #expect(line.contains("◀ 2020Q2 ▶ 6/12"), "\(width): \(line)")
            #expect(!line.hasSuffix("…"), "\(width): \(line)")
        }
    }

    @Test("view keys work from the help screen and close it")
    func viewsFromHelp() {
        var state = Self.at2020Q2()
        Self.press(&state, .character("?"), .character("b"))
        #expect(!state.showingHelp && state.view == .banks)
    }

    @Test("matrix column headers tell banks with the same initials apart")
    func abbreviations() {
        #expect(MatrixView.abbreviations(["Bank of China", "Bank of Communications", "ICBC", "China Construction Bank",
                                          "China CITIC Bank"]) == ["China", "Commu", "ICBC", "Const", "CITIC"])
        // Three names whose codes still meet are numbered: every column reads differently.
        let codes = MatrixView.abbreviations(["Bank of Chongqing", "Bank of China", "Chongqing Rural Commercial Bank",
                                              "China Resources Commercial Bank"])
        #expect(Set(codes).count == 4, "\(codes)")
        let sample = Array(Support.sampleDataset.banks.keys).sorted()
        #expect(Set(MatrixView.abbreviations(sample)).count == sample.count)
        // CJK names (no spaces): what follows their common prefix, in at most five cells.
        #expect(MatrixView.abbreviations(["中国工商银行", "中国建设银行", "中国银行", "中国农业银行", "微众银行"])
                == ["工商", "建设", "银行", "农业", "微众"])
    }

    @Test("o: the overlap cursor moves by group; Enter on a cell opens the pair over every period at the current one")
    func overlapMatrix() throws {
        var state = Self.at2020Q2()
        Self.press(&state, .character("o"))
        let figures = try #require(state.analysis?.indebtedness)
        let groups = IndebtednessView.groups(SmallCellRule.off.apply(figures))
        #expect(groups.first == "Ant Group") // most borrowers first
        // The diagonal is a group with itself: Enter there says so and opens nothing.
        Self.press(&state, .enter)
        #expect(state.view == .indebtedness && state.statusMessage != nil)
        Self.press(&state, .down, .down, .right, .enter)
        #expect(state.view == .overlapPair(a: groups[2], b: groups[1]))
        #expect(state.listSelection[state.view] == "2020Q2")
        let (model, rows) = try #require(state.listModel)
        #expect(rows.count == 12)
        // Shared borrowers and the shares of each group's, as the period's figures give them.
        let row = try #require(rows.first { $0.id == "2020Q2" })
        let shared = figures.shared(groups[2], groups[1])
        #expect(row.cells[1].text == NumberFormat.grouped(Double(shared), decimals: 0))
        #expect(row.cells[2].text == NumberFormat.percent(Double(shared) / Double(figures.borrowersByGroup[groups[2]]!), decimals: 1))
        #expect(model.columns.map(\.csvName) == ["period", "shared_borrowers", "share_of_a", "share_of_b", "borrowers_a", "borrowers_b"])
    }

    @Test("o: the cursor stays on the same two groups when the period changes")
    func overlapCursorFollowsThePair() throws {
        var state = Self.at2020Q2()
        Self.press(&state, .character("o"), .down, .down, .down, .right)
        let before = try #require(state.lists[.indebtedness]?.selection)
        for key in [Key.character("["), .character("["), .character("]"), .character("]"), .character("]")] {
            Self.press(&state, key)
            let names = state.overlapGroups
            let cursor = state.overlapCursor(count: names.count)
            #expect(names[cursor.row] + "\u{0}" + names[cursor.column] == before, "\(state.analysis!.period)")
        }
    }

    @Test("o without loan files says what it needs")
    func overlapWithoutLoans() {
        var dataset = Support.sampleDataset
        dataset.loans = nil
        var state = DashboardState(width: 80, height: 24)
        _ = state.apply(.snapshotLoaded(Snapshot(dataset: dataset, directory: "d", loadedAt: Support.noon)))
        Self.press(&state, .character("o"))
        #expect(DashboardView.render(state).lines[2].contains("No loan files in this data directory"))
    }

    @Test("every view renders at 80×24, 100×30 and 200×50", arguments: [
        ("overview", []), ("platform", [Key.enter]), ("banks", [.character("b")]), ("bank", [.character("b"), .enter]),
        ("matrix", [.character("m")]), ("matrix-of-bank", [.character("m"), .character("s")]),
        ("pairing", [.character("m"), .enter]), ("trends", [.character("t")]),
        ("what-if", [.character(" "), .down, .character(" "), .character("w")]), ("alerts", [.character("a")]),
        ("help", [.character("?")]), ("search-banks", [.character("b"), .character("/"), .character("l"), .character("a"),
                                                       .character("n"), .character("z"), .enter]),
        ("go-to", [.character("t"), .character(":"), .character("l"), .character("a"), .character("n")]),
        ("indebtedness", [.character("o"), .down, .down]), ("overlap-pair", [.character("o"), .down, .enter]),
    ])
    func screens(name: String, keys: [Key]) throws {
        for (width, height) in [(80, 24), (100, 30), (200, 50)] {
            var state = Self.at2020Q2(width: width, height: height)
            for key in keys { _ = state.send(.keyPressed(key)) }
            try Support.expectSnapshot(DashboardView.render(state).lines, named: "\(name)-\(width)x\(height)")
        }
    }
}
