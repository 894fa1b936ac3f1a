import Testing
@testable import DashboardUI

@Suite("Widgets render into cells")
struct WidgetTests {
    @Test("bars use eighth blocks, fill exactly the width, and never hide a positive value")
    func bars() {
        #expect(BarGauge.render(value: 0.5, scale: 1, width: 4, glyphs: .unicode) == "██  ")
        #expect(BarGauge.render(value: 0.53125, scale: 1, width: 4, glyphs: .unicode) == "██▏ ")
        #expect(BarGauge.render(value: 1, scale: 1, width: 3, glyphs: .unicode) == "███")
        #expect(BarGauge.render(value: 2, scale: 1, width: 3, glyphs: .unicode) == "███")
        #expect(BarGauge.render(value: 0.0001, scale: 1, width: 3, glyphs: .unicode) == "▏  ")
        #expect(BarGauge.render(value: 0, scale: 1, width: 3, glyphs: .unicode) == "   ")
        #expect(BarGauge.render(value: 0.5, scale: 1, width: 4, glyphs: .ascii) == "##  ")
        #expect(BarGauge.render(value: 0.01, scale: 1, width: 4, glyphs: .ascii) == "#   ")
    }

    @Test("bar scales round up to 1, 2, 2.5 or 5 times a power of ten")
    func scales() {
        #expect(BarGauge.niceScale(0.21) == 0.25)
        #expect(BarGauge.niceScale(0.1192) == 0.2)
        #expect(abs(BarGauge.niceScale(0.043) - 0.05) < 1e-12)
        #expect(BarGauge.niceScale(0.7) == 1)
    }

    @Test("sparklines scale between the series' minimum and maximum")
    func sparklines() {
        #expect(Sparkline.render([1, 2, 3, 4, 5, 6, 7, 8], glyphs: .unicode) == "▁▂▃▄▅▆▇█")
        #expect(Sparkline.render([5, 5], glyphs: .unicode) == "▅▅")
        #expect(Sparkline.render([0, 10], glyphs: .ascii) == "_#")
        #expect(Sparkline.render([], glyphs: .unicode) == "")
    }

    @Test("tables align CJK names by display width and clip without splitting a wide glyph")
    func tables() {
        let table = TableWidget(columns: [.init("Name", width: 7), .init("Share", width: 6, .right)])
        var buffer = ScreenBuffer(width: 14, height: 3)
        table.drawHeader(into: &buffer, x: 0, y: 0, width: 14)
        table.drawRow([.init("蚂蚁集团"), .init("21.0%")], into: &buffer, x: 0, y: 1, width: 14, style: .normal)
        table.drawRow([.init("JD"), .init("1.5%")], into: &buffer, x: 0, y: 2, width: 14, style: .selected)
        #expect(buffer.lines == [
            "Name     Share",
            "蚂蚁集…  21.0%",
            "JD        1.5%",
        ])
        #expect(buffer.styleMap[2] == "SSSSSSSSSSSSSS")
    }

    @Test("a wide glyph that would straddle the right edge is not drawn")
    func wideGlyphAtEdge() {
        var buffer = ScreenBuffer(width: 5, height: 1)
        let used = buffer.put("ab花呗", x: 0, y: 0)
        #expect(used == 4)
        #expect(buffer.lines == ["ab花 "])
    }

    @Test("escape sequences and bidi overrides in text become visible placeholders in the buffer")
    func sanitisedInBuffer() {
        var buffer = ScreenBuffer(width: 12, height: 1)
        buffer.put("a\u{1B}[2J\u{202E}b", x: 0, y: 0)
        #expect(buffer.lines == ["a\u{FFFD}[2J\u{FFFD}b     "])
        #expect(!buffer.cells.contains { $0.text.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x202E } })
    }

    @Test("ASCII buffers replace non-ASCII data before layout")
    func asciiBuffer() {
        var buffer = ScreenBuffer(width: 8, height: 1, asciiOnly: true)
        buffer.put("花呗 ok", x: 0, y: 0)
        #expect(buffer.lines == ["?? ok   "])
    }

    @Test("combining marks join their base glyph")
    func combining() {
        var buffer = ScreenBuffer(width: 3, height: 1)
        buffer.put("e\u{301}x", x: 0, y: 0)
        #expect(buffer.lines == ["e\u{301}x "])
    }
}
