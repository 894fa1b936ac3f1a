import Testing
@testable import TerminalText

@Suite("Display width")
struct DisplayWidthTests {
    @Test("CJK ideographs and fullwidth forms take two cells; ASCII one; combining marks none",
          arguments: [("Huabei", 6), ("花呗", 4), ("Huabei 花呗", 11), ("ＡＢ", 4), ("e\u{301}", 1), ("한국", 4), ("", 0)])
    func widths(text: String, cells: Int) {
        #expect(DisplayWidth.of(text) == cells)
    }

    @Test("fit pads to the exact width and never splits a wide glyph")
    func fitting() {
        #expect(DisplayWidth.fit("花呗借呗", width: 5) == "花呗…")
        #expect(DisplayWidth.fit("花呗借呗", width: 6) == "花呗… ")
        #expect(DisplayWidth.fit("花呗借呗", width: 4, ellipsis: false) == "花呗")
        #expect(DisplayWidth.fit("花呗借呗", width: 3, ellipsis: false) == "花 ")
        #expect(DisplayWidth.fit("abc", width: 5, alignRight: true) == "  abc")
        #expect(DisplayWidth.fit("abcdef", width: 4, ascii: true) == "abc~")
        #expect(DisplayWidth.fit("x", width: 0) == "")
        for width in 1...9 {
            #expect(DisplayWidth.of(DisplayWidth.fit("Ant 蚂蚁集团 Group", width: width)) == width)
        }
    }
}

@Suite("Safe text")
struct SafeTextTests {
    @Test("escape sequences, controls, bidi overrides and zero-width characters become visible placeholders")
    func sanitizing() {
        #expect(SafeText.sanitize("A\u{1B}[2JB") == "A\u{FFFD}[2JB")
        #expect(SafeText.sanitize("evil\u{202E}txt") == "evil\u{FFFD}txt")
        #expect(SafeText.sanitize("a\u{200B}b\u{7F}c\u{9B}") == "a\u{FFFD}b\u{FFFD}c\u{FFFD}")
        #expect(SafeText.sanitize("tab\there") == "tab here")
        #expect(SafeText.sanitize("花呗") == "花呗")
    }

    @Test("ASCII mode replaces every non-ASCII scalar too")
    func asciiMode() {
        #expect(SafeText.sanitize("Huabei 花呗\u{1B}", ascii: true) == "Huabei ?????".prefix(9) + "?")
    }

    @Test("isSafe agrees with sanitize")
    func safety() {
        #expect(SafeText.isSafe("Ant Group 蚂蚁"))
        #expect(!SafeText.isSafe("a\u{2066}b"))
    }
}
