import MarketAnalytics
import MarketReport
import TerminalText
import Testing
@testable import DashboardUI

/// The pricing and co-funding floor view (`p`), its drill to one group over every period, and the
/// co-funding alerts that open it.
@Suite("Pricing and the 30% floor")
struct PricingTests {
    static let q4 = Period("2020Q4")!, q1 = Period("2022Q1")!
    static let mn: Int64 = 100_000_000 // fen in a million yuan

    /// Three groups (one with a CJK name) in 2020Q4 and 2022Q1, before and after the floor applies.
    /// 2020Q4: Ant Group lends 10 mn, 2.5 mn above 24% and 0.5 mn above 36%; of 400 co-funded loans
    /// (8 mn), 40 (0.6 mn) are below the floor, all made before it applied. WeBank lends 4 mn, 1 mn
    /// above 24%, none below the floor. JD's files do not state the platform's part.
    /// 2022Q1: Ant Group 12 mn, 30 of 500 co-funded loans below the floor (0.9 of 9 mn); WeBank
    /// 5 mn, 20 of 200 below (0.6 of 3 mn); both made once the floor applied. JD lends nothing.
    static func dataset(hasPlatformFunded: Bool = true, jdGroup: String = "JD") -> MarketDataset {
        var loans = LoanFigures(originations: [
            BalanceRecord(period: q4, platform: "Huabei", bank: "B", balanceCNY: 10e6),
            BalanceRecord(period: q4, platform: "微粒贷", bank: "B", balanceCNY: 4e6),
            BalanceRecord(period: q4, platform: "JD", bank: "B", balanceCNY: 2e6),
            BalanceRecord(period: q1, platform: "Huabei", bank: "B", balanceCNY: 12e6),
            BalanceRecord(period: q1, platform: "微粒贷", bank: "B", balanceCNY: 5e6),
        ])
        loans.aprThresholds = APRThreshold.defaults
        loans.hasPlatformFunded = hasPlatformFunded
        loans.terms = [
            q4: [
                "Huabei": LendingTerms(newCents: 10 * mn, aboveCents: [25 * mn / 10, 5 * mn / 10], cofundedLoans: 400,
                                       cofundedCents: 8 * mn, belowFloorLoans: 40, belowFloorCents: 6 * mn / 10,
                                       fundedStatedLoans: 1_000),
                "微粒贷": LendingTerms(newCents: 4 * mn, aboveCents: [1 * mn, 0], cofundedLoans: 100, cofundedCents: 2 * mn,
                                    fundedStatedLoans: 500),
                "JD": LendingTerms(newCents: 2 * mn, aboveCents: [8 * mn / 10, 2 * mn / 10]),
            ],
            q1: [
                "Huabei": LendingTerms(newCents: 12 * mn, aboveCents: [12 * mn / 10, 0], cofundedLoans: 500,
                                       cofundedCents: 9 * mn, belowFloorLoans: 30, belowFloorCents: 9 * mn / 10,
                                       inForceBelowLoans: 30, inForceBelowCents: 9 * mn / 10, fundedStatedLoans: 1_200),
                "微粒贷": LendingTerms(newCents: 5 * mn, aboveCents: [5 * mn / 10, 0], cofundedLoans: 200, cofundedCents: 3 * mn,
                                    belowFloorLoans: 20, belowFloorCents: 6 * mn / 10, inForceBelowLoans: 20,
                                    inForceBelowCents: 6 * mn / 10, fundedStatedLoans: 300),
            ],
        ]
        return MarketDataset(
            balances: [
                BalanceRecord(period: q4, platform: "Huabei", bank: "B", balanceCNY: 200e9, provenance: .estimated),
                BalanceRecord(period: q4, platform: "微粒贷", bank: "B", balanceCNY: 100e9),
                BalanceRecord(period: q4, platform: "JD", bank: "B", balanceCNY: 50e9),
                BalanceRecord(period: q1, platform: "Huabei", bank: "B", balanceCNY: 300e9, provenance: .estimated),
                BalanceRecord(period: q1, platform: "微粒贷", bank: "B", balanceCNY: 60e9),
                BalanceRecord(period: q1, platform: "JD", bank: "B", balanceCNY: 80e9),
            ],
            marketTotals: [
                MarketTotal(period: q4, definition: "narrow", totalCNY: 1_000e9),
                MarketTotal(period: q1, definition: "narrow", totalCNY: 1_000e9),
            ],
            exchangeRates: [ExchangeRate(date: CalendarDate(iso: "2020-12-31")!, usdCNY: 6.5, basis: "period end"),
                            ExchangeRate(date: CalendarDate(iso: "2022-03-31")!, usdCNY: 6.4, basis: "period end")],
            groupOfPlatform: ["Huabei": "Ant Group", "微粒贷": "WeBank 微众", "JD": jdGroup],
            loans: loans)
    }

    /// The dashboard on `dataset` at its latest period, 2022Q1.
    static func state(_ dataset: MarketDataset = dataset(), width: Int = 80, height: Int = 24) -> DashboardState {
        var state = DashboardState(width: width, height: height)
        _ = state.apply(.snapshotLoaded(Snapshot(dataset: dataset, directory: "data", loadedAt: Support.noon)))
        return state
    }

    static func press(_ state: inout DashboardState, _ keys: Key...) {
        for key in keys { _ = state.send(.keyPressed(key)) }
    }

    /// A row's cell in the column with this CSV name.
    static func cell(_ row: TableModel.Row, _ csv: String, in model: TableModel) throws -> TableModel.Cell {
        let index = try #require(model.columns.firstIndex { $0.csvName == csv }, "no column \(csv)")
        return row.cells[index]
    }

    @Test("p opens the pricing view from the overview, a list, a drill-down and the help screen")
    func pOpensPricing() {
        for keys: [Key] in [[], [.character("b")], [.enter], [.character("a"), .enter], [.character("?")]] {
            var state = Self.state()
            for key in keys { Self.press(&state, key) }
            Self.press(&state, .character("p"))
            #expect(state.viewStack == [.overview, .pricing], "after \(keys)")
            #expect(!state.showingHelp)
        }
        // Live refresh pauses with P now.
        var state = Self.state()
        Self.press(&state, .character("P"))
        #expect(state.isPaused && state.view == .overview)
    }

    @Test("each row's figures are the hand-computed shares of the group's new lending and co-funded loans")
    func rowValues() throws {
        var state = Self.state()
        Self.press(&state, .character("p"), .left) // 2020Q4: ← changes the period as in every list
        #expect(state.analysis?.period == Self.q4)
        let (model, rows) = try #require(state.listModel)
        // Largest new lending first.
        #expect(rows.map(\.id) == ["Ant Group", "WeBank 微众", "JD"])
        let ant = rows[0]
        #expect(try Self.cell(ant, "new_lending_cny_mn", in: model).text == "10.00")
        #expect(try Self.cell(ant, "share_above_apr_24", in: model).text == "25.0%")   // 2.5 of 10 mn
        #expect(try Self.cell(ant, "share_above_apr_24", in: model).csv == "0.25")
        #expect(try Self.cell(ant, "share_above_apr_36", in: model).text == "5.0%")    // 0.5 of 10 mn
        #expect(try Self.cell(ant, "cofunded_loans", in: model).text == "400")
        #expect(try Self.cell(ant, "cofunded_cny_mn", in: model).text == "8.00")
        #expect(try Self.cell(ant, "below_floor_loans", in: model).text == "40")
        #expect(try Self.cell(ant, "below_floor_cny_mn", in: model).text == "0.60")
        // 0.6 of 8 mn co-funded, before the floor applied: would breach (~).
        let share = try Self.cell(ant, "below_floor_share_by_amount", in: model)
        #expect(share.text == "~ 7.5%" && share.csv == "0.075" && share.style == .accent)
        #expect(try Self.cell(ant, "below_floor_share_by_count", in: model).csv == "0.1") // 40 of 400
        #expect(try Self.cell(ant, "floor_state", in: model).text == "not yet in force")
        let webank = rows[1]
        #expect(try Self.cell(webank, "share_above_apr_24", in: model).text == "25.0%") // 1 of 4 mn
        #expect(try Self.cell(webank, "below_floor_share_by_amount", in: model).text == "0.0%")
        // JD's files do not state the platform's part: unknown, not zero.
        let jd = rows[2]
        #expect(try Self.cell(jd, "share_above_apr_24", in: model).text == "40.0%")
        #expect(try Self.cell(jd, "share_above_apr_36", in: model).text == "10.0%")
        #expect(try Self.cell(jd, "below_floor_loans", in: model).text == "n/a")
        #expect(try Self.cell(jd, "below_floor_share_by_amount", in: model).csv == "")

        // 2022Q1: below the floor with loans made once it applied: a breach (!), the floor in force.
        Self.press(&state, .right)
        let (after, now) = try #require(state.listModel)
        let webankNow = try #require(now.first { $0.id == "WeBank 微众" })
        let breach = try Self.cell(webankNow, "below_floor_share_by_amount", in: after)
        #expect(breach.text == "! 20.0%" && breach.style == .warning) // 0.6 of 3 mn
        #expect(try Self.cell(webankNow, "floor_state", in: after).text == "in force")
        #expect(now.map(\.id) == ["Ant Group", "WeBank 微众"]) // JD lent nothing
    }

    @Test("the floor's state comes from one function: the period's co-funding alerts, else the floor's date")
    func floorState() throws {
        let series = AnalysisSeries(dataset: Self.dataset(), key: AnalysisKey())
        #expect(series.analyses.map(PricingView.floorStateLabel) == ["not yet in force", "in force"])
        // Without the platform's part no alert is raised: the date decides.
        let unknown = AnalysisSeries(dataset: Self.dataset(hasPlatformFunded: false), key: AnalysisKey())
        #expect(unknown.analyses.map(PricingView.floorStateLabel) == ["not yet in force", "in force"])
    }

    @Test("Enter on a co-fund alert opens that group's pricing over every period, at the period on screen")
    func alertOpensDrill() throws {
        var state = Self.state()
        Self.press(&state, .character("a"))
        let (model, rows) = try #require(state.listModel)
        let alerts = try #require(state.analysis?.alerts)
        let index = try #require(alerts.firstIndex { $0.rule == .cofundingFloor && $0.subject == .group("WeBank 微众") })
        let row = try #require(rows.first { $0.id == "\(index)" })
        // The value says it is a share by amount, whole on screen; the limit is not a bare 0.0%.
        let value = try Self.cell(row, "value", in: model)
        #expect(value.text.contains("20.0% by am") && value.csv == "0.2")
        #expect(!(try Self.cell(row, "limit", in: model).text.contains("0.0%")))
        let column = try #require(model.columns.firstIndex { $0.csvName == "value" })
        #expect(model.screenLayout(total: 80).widths[try #require(model.screenLayout(total: 80).indices.firstIndex(of: column))]
                >= DisplayWidth.of(value.text))
        let position = try #require(rows.firstIndex { $0.id == row.id })
        for _ in 0..<position { Self.press(&state, .down) }
        Self.press(&state, .enter)
        #expect(state.viewStack == [.overview, .alerts, .pricingGroup("WeBank 微众")])
        #expect(state.listSelection[state.view] == "2022Q1")
        let screen = DashboardView.render(state).lines
        #expect(screen.contains { $0.contains("WeBank 微众 pricing") })
        Self.press(&state, .escape)
        #expect(state.view == .alerts)
    }

    @Test("Enter on a group opens it over every period: a period without new lending says so")
    func drill() throws {
        var state = Self.state()
        Self.press(&state, .character("p"), .left, .end) // 2020Q4, the last row: JD, whose files lack the platform's part
        Self.press(&state, .enter)
        #expect(state.view == .pricingGroup("JD"))
        #expect(state.listSelection[state.view] == "2020Q4")
        let (model, rows) = try #require(state.listModel)
        #expect(rows.map(\.id) == ["2020Q4", "2022Q1"])
        #expect(try Self.cell(rows[0], "share_above_apr_24", in: model).text == "40.0%")
        #expect(try Self.cell(rows[1], "new_lending_cny_mn", in: model).text == "none")
        #expect(try Self.cell(rows[1], "floor_state", in: model).text == "in force")
        #expect(model.summary.contains { $0.text.contains("co-funding unknown") })
        // Ant Group: below the floor in both periods.
        Self.press(&state, .escape, .home, .enter)
        #expect(state.view == .pricingGroup("Ant Group"))
        let (antModel, antRows) = try #require(state.listModel)
        #expect(try antRows.map { try Self.cell($0, "below_floor_share_by_amount", in: antModel).text } == ["~ 7.5%", "! 10.0%"])
        #expect(antModel.summary.contains { $0.text.contains("below the 30% floor in 2 periods: 2020Q4, 2022Q1") })
    }

    @Test("a run of periods below the floor ends where a period is missing from the data")
    func runsStopAtGaps() {
        let periods = ["2019Q4", "2020Q1", "2020Q3", "2020Q4"].map { Period($0)! }
        #expect(ViewModels.periodRuns(periods, [true, true, true, false], ascii: false) == ["2019Q4–2020Q1", "2020Q3"])
        #expect(ViewModels.periodRuns(periods, [false, true, true, true], ascii: true) == ["2020Q1", "2020Q3-2020Q4"])
    }

    @Test("export and copy render the table the screen shows, under the view's file stem")
    func exportAndCopy() throws {
        var state = Self.state()
        Self.press(&state, .character("p"))
        guard case .export(let request) = state.send(.keyPressed(.character("e"))) else {
            Issue.record("e did not ask for an export")
            return
        }
        #expect(request.files.map(\.name) == ["lendscope-pricing-2022Q1.csv", "lendscope-pricing-2022Q1.md"])
        let csv = request.files[0].text.split(separator: "\n").map(String.init)
        #expect(csv[0] == "period,group,new_lending_cny_mn,share_above_apr_24,share_above_apr_36,cofunded_loans,cofunded_cny_mn,"
                + "below_floor_loans,below_floor_cny_mn,below_floor_share_by_amount,floor_state,below_floor_share_by_count,"
                + "below_floor_in_force_loans,below_floor_in_force_cny_mn,above_apr_24_cny_mn,above_apr_36_cny_mn")
        #expect(csv[1] == "2022Q1,Ant Group,12,0.1,0,500,9,30,0.9,0.1,in force,0.06,30,0.9,1.2,0")
        #expect(request.files[1].text.contains("| WeBank 微众 | 5.00 | 10.0% | 0.0% | 200 | 3.00 | 20 | 0.60 | ! 20.0% | in force |"))
        guard case .copy(let text) = state.send(.keyPressed(.character("y"))) else {
            Issue.record("y did not copy")
            return
        }
        #expect(text == "Group\tNew CNY mn\t> 24%\t> 36%\tCo-funded\tCo-fund mn\t<30% n\t<30% mn\tBy amount\tFloor\n"
                + "Ant Group\t12.00\t10.0%\t0.0%\t500\t9.00\t30\t0.90\t! 10.0%\tin force\n")
        Self.press(&state, .enter)
        guard case .export(let drill) = state.send(.keyPressed(.character("e"))) else {
            Issue.record("e did not ask for an export")
            return
        }
        #expect(drill.files.map(\.name) == ["lendscope-pricing-ant-group-2022Q1.csv", "lendscope-pricing-ant-group-2022Q1.md"])
        #expect(drill.files[0].text.split(separator: "\n").count == 3) // the header and two periods
    }

    @Test("without loan files, or without the platform's part, the view says so plainly")
    func unavailable() throws {
        var dataset = Self.dataset()
        dataset.loans = nil
        var state = Self.state(dataset)
        Self.press(&state, .character("p"))
        #expect(DashboardView.render(state).lines[2].contains("No loan files in this data directory"))
        Self.press(&state, .escape, .character("a"))
        #expect(!(state.analysis?.alerts.contains { $0.rule == .cofundingFloor } ?? true))

        var unchecked = Self.state(Self.dataset(hasPlatformFunded: false))
        Self.press(&unchecked, .character("p"))
        let (model, rows) = try #require(unchecked.listModel)
        #expect(model.summary[0].text.contains("the 30% floor is not checked"))
        #expect(try Self.cell(rows[0], "below_floor_loans", in: model).text == "n/a")
        #expect(try Self.cell(rows[0], "share_above_apr_24", in: model).text == "10.0%")
    }

    @Test("a group's name from the data reaches the screen and the files only through the sanitiser")
    func untrustedNames() throws {
        let hostile = "JD\u{1B}]52;c;cHduZWQ=\u{07}\u{1B}[2J"
        var state = Self.state(Self.dataset(jdGroup: hostile), width: 100, height: 30)
        Self.press(&state, .character("p"), .left, .end)
        #expect(state.listSelection[.pricing] == hostile)
        for view in [ViewKind.pricing, .pricingGroup(hostile)] {
            if view != state.view { Self.press(&state, .enter) }
            #expect(state.view == view)
            let lines = DashboardView.render(state).lines
            #expect(lines.contains { $0.contains("JD") }, "the name is shown, made safe")
            #expect(!lines.joined().unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }, "\(view)")
            guard case .export(let request) = state.send(.keyPressed(.character("e"))),
                  case .copy(let copied) = state.send(.keyPressed(.character("Y"))) else {
                Issue.record("e or Y did nothing")
                return
            }
            for text in request.files.map(\.text) + [copied] {
                #expect(!text.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 }, "\(view)")
            }
        }
    }

    @Test("the pricing view and a group's drill render at 80×24, 100×30 and 200×50", arguments: [
        ("pricing", [Key.character("p")]), ("pricing-group", [.character("p"), .enter]),
        ("pricing-2020Q4", [.character("p"), .left, .down]),
    ])
    func screens(name: String, keys: [Key]) throws {
        for (width, height) in [(80, 24), (100, 30), (200, 50)] {
            var state = Self.state(width: width, height: height)
            for key in keys { Self.press(&state, key) }
            try Support.expectSnapshot(DashboardView.render(state).lines, named: "\(name)-\(width)x\(height)")
        }
    }
}
