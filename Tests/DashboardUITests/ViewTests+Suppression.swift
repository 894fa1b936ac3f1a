import Foundation
import MarketAnalytics
import MarketReport
import Testing
@testable import DashboardUI

/// `--min-cell`: the `o` view, the overview panel and a pair's history hide what counts fewer
/// borrowers, say how many cells they hid, and the export and the clipboard hide the same.
extension ViewTests {
    static func at2020Q2(minCell: Int, width: Int = 80, height: Int = 24) -> DashboardState {
        var state = DashboardState(width: width, height: height, smallCells: SmallCellRule(minimum: minCell))
        _ = state.apply(.snapshotLoaded(Snapshot(dataset: Support.sampleDataset, directory: "sample-data", loadedAt: Support.noon)))
        for _ in 0..<6 { _ = state.send(.keyPressed(.left)) }
        return state
    }

    @Test("--min-cell screens at 80×24: o (25 and 300), the overview's panel (300), a pair's history (25)", arguments: [
        ("indebtedness-min-cell-25", 25, [Key.character("o"), .down, .down]),
        ("indebtedness-min-cell-300", 300, [.character("o")]),
        ("overview-min-cell-300", 300, []),
        ("overlap-pair-min-cell-25", 25, [.character("o"), .down, .enter]),
    ])
    func suppressedScreens(name: String, minCell: Int, keys: [Key]) throws {
        var state = Self.at2020Q2(minCell: minCell)
        for key in keys { _ = state.send(.keyPressed(key)) }
        try Support.expectSnapshot(DashboardView.render(state).lines, named: "\(name)-80x24")
    }

    @Test("o with --min-cell 25 at 2020Q2: class 3 (24 borrowers) reads <25, class 2 x, and the view says how many it hid")
    func suppressedClasses() throws {
        var state = Self.at2020Q2(minCell: 25)
        Self.press(&state, .character("o"))
        let screen = DashboardView.render(state).lines
        let f = try #require(state.indebtedness)
        #expect(f.reason(.byGroups(2)) == .fewerThanMinimum && f.reason(.byGroups(1)) == .complementary)
        #expect(screen.contains { $0.contains("1: 2,287  2: x  3: <25  4: 0  5+: 0") })
        #expect(screen.contains { $0.hasPrefix(" \(f.cells - f.complementaryCells) cells under 25 borrowers hidden (--min-cell), "
                                               + "\(f.complementaryCells) more (x) against subtraction") })
        // The max is one borrower's debt: never on screen while the rule is on.
        #expect(screen.contains { $0.contains("Debt p50/90/99/max: all ") && $0.contains("/n<25 · 2+ ") })
    }

    @Test("every path agrees: the o view's export (CSV, Markdown), its copy and the report's JSON hide the same figures")
    func suppressedPathsAgree() throws {
        var state = Self.at2020Q2(minCell: 25)
        Self.press(&state, .character("o"))
        let f = try #require(state.indebtedness)
        guard case .export(let request) = state.send(.keyPressed(.character("e"))) else {
            Issue.record("e did not ask for an export")
            return
        }
        let csv = try #require(request.files.first { $0.name.hasSuffix(".csv") }?.text)
        let lines = csv.split(separator: "\n").map(String.init)
        #expect(lines.contains("2020Q2,by_groups,3,,"))
        #expect(lines.contains("2020Q2,by_groups,2,,"))
        #expect(lines.contains("2020Q2,debt_all,max,,"))
        #expect(lines.contains("2020Q2,suppression,min_cell,,25"))
        #expect(lines.contains("2020Q2,suppression,cells,,\(f.cells)"))
        // As many empty values as the note says, every one of them a hidden figure.
        let empty = lines.dropFirst().filter { $0.hasSuffix(",") }
        #expect(empty.count == f.cells)
        let markdown = try #require(request.files.first { $0.name.hasSuffix(".md") }?.text)
        #expect(markdown.contains("| 2020Q2 | by_groups | 3 |  | <25 |"))
        #expect(markdown.contains("| 2020Q2 | by_groups | 2 |  | x |"))
        #expect(markdown.contains("- \(SuppressionText.note(cells: f.cells, complementary: f.complementaryCells, state.smallCells)!)"))
        guard case .copy(let tsv) = state.send(.keyPressed(.character("Y"))) else {
            Issue.record("Y did not copy")
            return
        }
        #expect(tsv.contains("2020Q2\tby_groups\t3\t\t<25\n") && tsv.contains("2020Q2\tdebt_all\tmax\t\tn<25\n"))
        // The report, under the same rule, nulls the same cells.
        let report = PeriodReport(analysis: try #require(state.analysis), rule: state.smallCells)
        let json = try #require(JSONSerialization.jsonObject(with: Data(report.render(.json).utf8)) as? [String: Any])
        let indebtedness = try #require(json["indebtedness"] as? [String: Any])
        let classes = try #require(indebtedness["by_groups"] as? [String: Any])
        #expect(classes["3"] is NSNull && classes["2"] is NSNull && classes["1"] as? Int == 2_287)
        let suppression = try #require(json["suppression"] as? [String: Any])
        #expect(suppression["min_cell"] as? Int == 25)
        #expect(suppression["cells"] as? Int == f.cells + (report.stacking?.cells ?? 0))
        let overlaps = try #require(indebtedness["overlap"] as? [[String: Any]])
        #expect(overlaps.filter { $0["borrowers"] is NSNull }.count == f.overlap.filter { $0.borrowers == nil }.count)
    }

    @Test("the overview's line on borrowers owing on 2+ groups: the share, or the marker of the count it hides")
    func suppressedPanelLine() {
        func line(_ minCell: Int) -> String? {
            DashboardView.render(Self.at2020Q2(minCell: minCell)).lines.first { $0.contains("owing on 2+ groups") }
        }
        #expect(line(25)?.contains("owing on 2+ groups: 10.8% of 2,563 (o)") == true)
        #expect(line(300)?.contains("owing on 2+ groups: <300 of 2,563 (o)") == true)
        // 276 on 2+ groups is not under 276, but it is the sum of classes 2 and 3 (252 and 24), both
        // hidden: shown, it would tie them down, so it is hidden too.
        #expect(line(276)?.contains("owing on 2+ groups: x of 2,563 (o)") == true)
    }

    @Test("the 2+ share over time leaves a gap for each period whose 2+ count is hidden")
    func suppressedSparkline() throws {
        var state = Self.at2020Q2(minCell: 300)
        Self.press(&state, .character("o"))
        let history = state.loanFigures.history
        let hiddenPeriods = history.filter { $0.figures.multi == nil }.count
        #expect(hiddenPeriods > 0 && hiddenPeriods < history.count)
        let line = try #require(DashboardView.render(state).lines.first { $0.hasPrefix(" 2+ share ") })
        // Three cells a period at 80 columns: each hidden period is three spaces.
        let spark = line.dropFirst(" 2+ share ".count).prefix(3 * history.count)
        #expect(spark.filter { $0 == " " }.count == 3 * hiddenPeriods)
    }
}
