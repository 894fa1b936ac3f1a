import Testing
@testable import DashboardUI

/// Whole screens from the sample data, compared as lines of text (ratatui style).
/// `RECORD=1 swift test --filter ScreenTests` rewrites the snapshots; review the diff.
@Suite("Whole screens")
struct ScreenTests {
    @Test("overview screens at 80×24 and 120×40 in UTF-8 and ASCII",
          arguments: [(80, 24, false), (120, 40, false), (80, 24, true), (120, 40, true)])
    func overview(width: Int, height: Int, ascii: Bool) throws {
        var state = Support.sampleState(width: width, height: height,
                                        options: DisplayOptions(glyphs: ascii ? .ascii : .unicode))
        _ = state.send(.keyPressed(.character("[")))
        _ = state.send(.keyPressed(.character("[")))
        let buffer = DashboardView.render(state)
        try Support.expectSnapshot(buffer.lines, named: "overview-\(width)x\(height)-\(ascii ? "ascii" : "utf8")")
        if ascii {
            #expect(buffer.lines.allSatisfy { $0.unicodeScalars.allSatisfy(\.isASCII) })
        }
    }

    @Test("emphasis without colour: the style map of the 80×24 overview (selection, estimates, verdict, sparkline)")
    func styleMap() throws {
        let state = Support.sampleState(options: DisplayOptions(colors: false))
        try Support.expectSnapshot(DashboardView.render(state).styleMap, named: "overview-80x24-styles")
    }

    @Test("the 2020Q2 overview shows Ant Group at 21.00% with the numbers of the report")
    func foundingExampleOnScreen() {
        var state = Support.sampleState()
        for _ in 0..<6 { _ = state.send(.keyPressed(.left)) }
        let lines = DashboardView.render(state).lines
        #expect(lines[0].contains("2020Q2"))
        let ant = lines.first { $0.contains("Ant Group") } ?? ""
        #expect(ant.contains("1,732.0") && ant.contains("21.00%") && ant.contains("+2.36") && ant.contains("E*"))
        _ = state.send(.keyPressed(.character("u")))
        #expect(DashboardView.render(state).lines.contains { $0.contains("Ant Group") && $0.contains("245.1") })
    }

    @Test("the help screen fits 80×24 and the filter footer shows what is typed")
    func helpAndFilter() throws {
        var state = Support.sampleState()
        _ = state.send(.keyPressed(.character("?")))
        try Support.expectSnapshot(DashboardView.render(state).lines, named: "help-80x24-utf8")
        _ = state.send(.keyPressed(.character("?")))
        for key: Key in [.character("/"), .character("j"), .character("d")] { _ = state.send(.keyPressed(key)) }
        let lines = DashboardView.render(state).lines
        #expect(lines[23].hasPrefix(" Search: jd█  Enter keeps it, Esc clears"))
        #expect(lines[3].contains("JD Technology"))
    }

    @Test("below the minimum size a centred message gives the current and needed size; no crash at any size",
          arguments: [(1, 1), (0, 0), (49, 30), (80, 11), (2, 40)])
    func tooSmall(width: Int, height: Int) {
        let state = Support.sampleState(width: width, height: height)
        let buffer = DashboardView.render(state)
        #expect(buffer.width == width && buffer.height == height)
        if width >= 30 && height >= 2 {
            #expect(buffer.lines.contains { $0.contains("Terminal too small: \(width)×\(height)") })
            #expect(buffer.lines.contains { $0.contains("at least 50×12") })
        }
    }

    @Test("every size from the minimum up renders without overlapping the footer", arguments: [50, 60, 79, 109, 110, 200])
    func sizes(width: Int) {
        for height in [12, 20, 24, 50] {
            let state = Support.sampleState(width: width, height: height)
            let lines = DashboardView.render(state).lines
            #expect(lines.count == height)
            #expect(lines[height - 1].hasPrefix(" ←→ period"))
        }
    }

    @Test("plain text: every row, no footer, nothing but text")
    func plain() {
        let text = DashboardView.plainText(Support.sampleState())
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.filter { $0.contains("E*") }.count == 12)
        #expect(!text.contains("q quit"))
        #expect(!text.unicodeScalars.contains { $0.value == 0x1B })
        #expect(lines.last?.hasPrefix(" HHI ") == true)
    }
}
