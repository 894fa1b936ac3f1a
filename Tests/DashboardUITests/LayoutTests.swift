import MarketAnalytics
import MarketReport
import Testing
@testable import DashboardUI

/// Layout with priorities: what must stay on screen at 80 columns, what shrinks or goes, and
/// that a figure is never cut.
@Suite("Layout priorities")
struct LayoutTests {
    static let views: [(String, [Key])] = [
        ("overview", []), ("platform", [.enter]), ("banks", [.character("b")]), ("bank", [.character("b"), .enter]),
        ("matrix", [.character("m")]), ("pairing", [.character("m"), .enter]), ("trends", [.character("t")]),
        ("alerts", [.character("a")]), ("what-if", [.character(" "), .down, .character(" "), .character("w")]),
    ]

    @Test("at 80, 100 and 200 columns every view keeps the period, the measure and its sort in the title")
    func titleKeepsState() {
        for (width, height) in [(80, 24), (100, 30), (200, 50)] {
            for (name, keys) in Self.views {
                var state = ViewTests.at2020Q2(width: width, height: height)
                for key in keys { _ = state.send(.keyPressed(key)) }
                let title = DashboardView.render(state).lines[0]
                #expect(title.contains("◀ 2020Q2 ▶"), "\(name) \(width): \(title)")
                #expect(title.contains("balances"), "\(name) \(width): \(title)")
                if ["overview", "banks", "bank", "platform", "alerts"].contains(name) {
                    #expect(title.contains("sort"), "\(name) \(width): \(title)")
                }
            }
        }
    }

    @Test("at 80 columns the title keeps a long search (shortened), the bank's or pairing's name, the kiosk mark and the sort")
    func titleEssentials() {
        var state = ViewTests.at2020Q2()
        _ = state.send(.keyPressed(.character("b")))
        for key: Key in [.character("/")] + "zhangjiagang rural commercial".map({ .character($0) }) + [.enter] {
            _ = state.send(.keyPressed(key))
        }
        var title = DashboardView.render(state).lines[0]
        #expect(title.contains("search \"zhang"), "\(title)")
        #expect(title.contains("sort Exp/T1"), "\(title)")
        #expect(DashboardView.render(state).lines.contains { $0.contains("1 of 49 match") })
        _ = state.send(.keyPressed(.enter))
        title = DashboardView.render(state).lines[0]
        #expect(title.hasPrefix(" Zhangjiagang Rural"), "\(title)")
        _ = state.send(.keyPressed(.enter))
        title = DashboardView.render(state).lines[0]
        #expect(title.contains("×"), "a pairing's screen says whose: \(title)")
        _ = state.send(.keyPressed(.escape))
        _ = state.apply(.reloadFailed(["x.csv:1:1: broken"]))
        let lines = DashboardView.render(state).lines
        #expect(lines[0].contains("reload failed") && lines[0].contains("sort CNY bn"), "\(lines[0])")
        #expect(lines[1].hasPrefix(" ! data of 12:00:00 kept · x.csv:1:1: broken"), "\(lines[1])")
        var sorted = ViewTests.at2020Q2()
        _ = sorted.send(.keyPressed(.character("3")))
        #expect(DashboardView.render(sorted).lines[0].contains("sort CNY bn ▼"))
        _ = sorted.send(.keyPressed(.character("u")))
        #expect(DashboardView.render(sorted).lines[0].contains("sort US$ bn ▼"))
        let kiosk = ViewTests.at2020Q2(features: Features(readOnly: true))
        #expect(DashboardView.render(kiosk).lines[0].contains("read-only"))
    }

    @Test("without a market total the panel says the shares are the groups' own, and states no market HHI")
    func noMarketPanel() {
        var state = ViewTests.at2020Q2()
        _ = state.send(.keyPressed(.character("n")))
        let lines = DashboardView.render(state).lines
        #expect(lines.contains { $0.contains("No market total: every share is of the 12 groups' own sum") })
        #expect(!lines.contains { $0.contains("Market HHI") || $0.contains("On market shares") })
        #expect(lines.contains { $0.contains("(new lending: shares of the groups; no market total)") })
    }

    @Test("at the minimum size the others row, the status line and the panel do not overlap")
    func minimumSize() {
        let state = ViewTests.at2020Q2(width: 50, height: 12)
        let lines = DashboardView.render(state).lines
        #expect(lines.contains { $0.contains("others (unrep") && $0.contains("65.20%") })
        #expect(lines.contains { $0.hasPrefix(" R*/E*") })
        #expect(lines.contains { $0.contains("US 2010") })
        #expect(!lines.contains { $0.contains("0─2…") })
    }

    @Test("second review: banner keeps file:line:col, trends without a market, matrix amounts whole, ASCII symbols")
    func secondReview() {
        // A long data directory: the banner names the file relative to it, and ends on a word.
        var state = DashboardState(width: 80, height: 24)
        let long = "/tmp/a-rather-long-directory-name-to-see-what-the-banner-does"
        _ = state.apply(.snapshotLoaded(Snapshot(dataset: Support.sampleDataset, directory: long, loadedAt: Support.noon)))
        _ = state.apply(.reloadFailed([long + "/balances.csv:7:44: column 'flag': 'X' is not a flag (use S, R, E or D)"]))
        let banner = DashboardView.render(state).lines[1]
        #expect(banner.contains("balances.csv:7:44: column 'flag'"), "\(banner)")
        // Trends after n (no new-lending total): no market HHI, no market share.
        var trends = ViewTests.at2020Q2()
        _ = trends.send(.keyPressed(.character("n")))
        _ = trends.send(.keyPressed(.character("t")))
        let lines = DashboardView.render(trends).lines
        #expect(!lines.contains { $0.contains("Market HHI") || $0.contains("Share of market") })
        #expect(lines.contains { $0.contains("Share of the groups' sum") })
        // Matrix status: the amount is whole even when the names are long.
        var matrix = ViewTests.at2020Q2()
        _ = matrix.send(.keyPressed(.character("m")))
        _ = matrix.send(.keyPressed(.right))
        let status = DashboardView.render(matrix).lines[22]
        #expect(status.range(of: #"CNY [0-9,]+\.[0-9]{2} bn"#, options: .regularExpression) != nil, "\(status)")
        // ASCII: the texts' symbols read as ASCII, not '?'.
        var ascii = ViewTests.at2020Q2()
        ascii = DashboardState(width: 80, height: 24, options: DisplayOptions(glyphs: .ascii))
        _ = ascii.apply(.snapshotLoaded(Snapshot(dataset: Support.sampleDataset, directory: "d", loadedAt: Support.noon)))
        _ = ascii.send(.keyPressed(.character("b")))
        let screen = DashboardView.render(ascii).lines.joined(separator: "\n")
        #expect(screen.contains("<= 25% of tier-1") && screen.contains("bank x partner"), "\(screen.prefix(400))")
    }

    @Test("the rows indicator has its own line: never drawn over a row's cells")
    func rowsIndicatorOwnLine() {
        var state = ViewTests.at2020Q2()
        _ = state.send(.keyPressed(.character("b")))
        let lines = DashboardView.render(state).lines
        let indicator = lines.firstIndex { $0.contains("rows 1–") }!
        #expect(!lines[indicator].contains("%"), "the indicator's line holds no figures: \(lines[indicator])")
        let rows = state.listModel!.rows
        let lastShown = lines[indicator - 1]
        #expect(rows.contains { lastShown.hasPrefix(String($0.id.prefix(10))) })
    }

    @Test("banks at 80 columns: names wide enough to tell banks apart, types as codes, the cap figures whole")
    func banksAt80() {
        var state = ViewTests.at2020Q2()
        _ = state.send(.keyPressed(.character("b")))
        let lines = DashboardView.render(state).lines
        let header = lines.first { $0.hasPrefix("Bank ") }!
        #expect(header.contains("Exp/T1") && header.contains("Colend"))
        #expect(header.contains("Type") && !header.contains("Ty…"))
        #expect(lines.contains { $0.hasPrefix("Bank of Lanzhou ") })
        #expect(lines.contains { $0.contains(" CC ") }, "city commercial as a code")
        // The selected bank's full type and any column left out are on the status line.
        let model = state.listModel!.model
        let layout = model.screenLayout(total: 80)
        #expect(!layout.hidden.isEmpty)
        let status = lines.first { $0.contains("Type ") && $0.contains("rows") }
        #expect(status != nil, "the status line names the selected row's full type")
    }

    @Test("screen layout: bars shrink, then compact, then columns go by priority; priority 0 stays")
    func screenLayoutOrder() {
        let table = DataTable<Never>(title: "t", columns: [
            .init("Name", .flexible(min: 20, max: 40), csv: "name"),
            .init("Type", .flexible(min: 12, max: 18), csv: "type", priority: 3, compact: .fixed(4)),
            .bar("", .flexible(min: 6, max: 24)),
            .init("Less", .fixed(10), .right, csv: "less", priority: 2),
            .init("Rule", .fixed(10), .right, csv: "rule"),
        ], rows: [])
        let wide = table.screenLayout(total: 200)
        #expect(wide.indices == [0, 1, 2, 3, 4] && wide.compact.isEmpty && wide.widths[2] == 24)
        let compact = table.screenLayout(total: 60)
        #expect(compact.compact == [1] && compact.hidden.isEmpty, "the type becomes a code before anything goes")
        let narrow = table.screenLayout(total: 50)
        #expect(narrow.compact == [1])
        #expect(narrow.hidden == [2], "then the bar goes, before the secondary figure")
        let tight = table.screenLayout(total: 44)
        #expect(tight.indices == [0, 3, 4] && tight.hidden == [1, 2], "then the highest priority number: the type")
        let tiny = table.screenLayout(total: 10)
        #expect(tiny.indices.contains(0) && tiny.indices.contains(4), "priority-0 columns never go")
    }

    @Test("no percentage or amount is cut mid-number on any view at 80×24 (every cell ends on a whole figure)")
    func numbersWhole() {
        for (name, keys) in Self.views {
            var state = ViewTests.at2020Q2()
            for key in keys { _ = state.send(.keyPressed(key)) }
            for line in DashboardView.render(state).lines {
                // A number followed directly by an ellipsis was cut.
                #expect(line.range(of: #"[0-9][.,]?…"#, options: .regularExpression) == nil, "\(name): \(line)")
            }
        }
    }

    @Test("the overview's status line gives the selected group's flag in words and its source note")
    func overviewSource() {
        var state = ViewTests.at2020Q2()
        let lines = DashboardView.render(state).lines
        let status = lines[DashboardLayout(width: 80, height: 24).statusY]
        #expect(status.contains("R*/E*: total recalled, unconfirmed, split across banks estimated"), "\(status)")
        _ = state.send(.keyPressed(.down))
        let lufax = DashboardView.render(state).lines[DashboardLayout(width: 80, height: 24).statusY]
        #expect(lufax.contains("E*: estimated") && lufax.contains("estimate: group trajectory"), "\(lufax)")
        #expect(lines.contains { $0.contains("Ant Group") && $0.contains("R*/E*") })
    }

    @Test("list views' status line says where the selected row's figure comes from")
    func listSources() {
        var state = ViewTests.at2020Q2(width: 160, height: 30)
        _ = state.send(.keyPressed(.character("b")))
        var lines = DashboardView.render(state).lines
        #expect(lines.contains { $0.contains("capital of 2019Q4 E*: estimated · approximate end-2019 scale") })
        _ = state.send(.keyPressed(.escape))
        _ = state.send(.keyPressed(.enter)) // Ant Group's funders, 2020Q2: a total recalled from the prospectus
        lines = DashboardView.render(state).lines
        #expect(lines.contains { $0.contains("R*/E*: total recalled, unconfirmed, split across banks estimated · group total RMB 1,732.0 bn") })
        _ = state.send(.keyPressed(.enter)) // the pairing's history, on 2020Q2
        lines = DashboardView.render(state).lines
        #expect(lines.contains { $0.contains("R*/E*: total recalled") })
    }

    @Test("a sourced total split by estimate: total_flag gives the total's flag, the row flag the split's")
    func totalAndSplitFlags() {
        let q = Period("2020Q2")!
        let dataset = MarketDataset(
            balances: [
                BalanceRecord(period: q, platform: "P", bank: "A", balanceCNY: 60e9, provenance: .estimated,
                              totalProvenance: .sourced, source: "group total from filings [S]; split estimated"),
                BalanceRecord(period: q, platform: "P", bank: "B", balanceCNY: 40e9, provenance: .estimated,
                              totalProvenance: .sourced, source: "group total from filings [S]; split estimated"),
                BalanceRecord(period: q, platform: "Q", bank: "A", balanceCNY: 10e9, provenance: .sourced,
                              totalProvenance: .sourced),
                BalanceRecord(period: q, platform: "Q", bank: "B", balanceCNY: 10e9, provenance: .estimated),
            ],
            marketTotals: [MarketTotal(period: q, definition: "m", totalCNY: 1_000e9)],
            exchangeRates: [], groupOfPlatform: [:])
        let analysis = AnalysisSeries(dataset: dataset, key: AnalysisKey()).analyses[0]
        let p = analysis.groups.first { $0.group == "P" }!
        let q2 = analysis.groups.first { $0.group == "Q" }!
        #expect(p.totalProvenance == .sourced && p.provenance == .estimated)
        #expect(OverviewModel.flagText(p) == "S/E*")
        #expect(q2.totalProvenance == nil, "a row without total_flag: the total is no stronger than its rows")
        #expect(OverviewModel.flagText(q2) == "E*")
        #expect(p.source == "group total from filings [S]; split estimated")
        let table: DataTable<Never> = OverviewModel.table(analysis, ranked: analysis.groups.enumerated().map { ($0.offset + 1, $0.element) })
        let csv = table.csv(rows: table.rows)
        #expect(csv.split(separator: "\n")[0].contains("flag,total_flag,source"))
        #expect(csv.contains(",E,S,group total from filings [S]; split estimated"))
    }
}
