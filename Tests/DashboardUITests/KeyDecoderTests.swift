import Testing
@testable import DashboardUI

/// Each terminal family's bytes for each key, as the terminals send them (xterm's ctlseqs, rxvt's
/// and PuTTY's manuals, the linux console's keymap, tmux and screen under any TERM).
@Suite("Key decoder: terminal bytes → keys")
struct KeyDecoderTests {
    static func keys(_ text: String) -> [Key] {
        var decoder = KeyDecoder()
        return decoder.decode(Array(text.utf8)) + decoder.flush()
    }

    static let sequences: [(family: String, bytes: String, key: Key)] = [
        // xterm, normal and application cursor mode
        ("xterm", "\u{1B}[A", .up), ("xterm", "\u{1B}[B", .down), ("xterm", "\u{1B}[C", .right), ("xterm", "\u{1B}[D", .left),
        ("xterm app", "\u{1B}OA", .up), ("xterm app", "\u{1B}OB", .down), ("xterm app", "\u{1B}OC", .right),
        ("xterm app", "\u{1B}OD", .left),
        ("xterm", "\u{1B}[H", .home), ("xterm", "\u{1B}[F", .end), ("xterm app", "\u{1B}OH", .home), ("xterm app", "\u{1B}OF", .end),
        ("xterm", "\u{1B}[2~", .insert), ("xterm", "\u{1B}[3~", .delete), ("xterm", "\u{1B}[5~", .pageUp),
        ("xterm", "\u{1B}[6~", .pageDown),
        ("xterm", "\u{1B}OP", .function(1)), ("xterm", "\u{1B}OQ", .function(2)), ("xterm", "\u{1B}OR", .function(3)),
        ("xterm", "\u{1B}OS", .function(4)), ("xterm", "\u{1B}[15~", .function(5)), ("xterm", "\u{1B}[17~", .function(6)),
        ("xterm", "\u{1B}[18~", .function(7)), ("xterm", "\u{1B}[19~", .function(8)), ("xterm", "\u{1B}[20~", .function(9)),
        ("xterm", "\u{1B}[21~", .function(10)), ("xterm", "\u{1B}[23~", .function(11)), ("xterm", "\u{1B}[24~", .function(12)),
        // xterm with modifiers: the key, the modifier dropped
        ("xterm ctrl", "\u{1B}[1;5C", .right), ("xterm shift", "\u{1B}[1;2H", .home), ("xterm shift", "\u{1B}[1;2P", .function(1)),
        ("xterm ctrl", "\u{1B}[5;5~", .pageUp), ("xterm alt", "\u{1B}O3P", .function(1)),
        // screen, tmux, PuTTY and the VT220: Home and End by number
        ("tmux", "\u{1B}[1~", .home), ("tmux", "\u{1B}[4~", .end), ("PuTTY", "\u{1B}[11~", .function(1)),
        ("PuTTY", "\u{1B}[12~", .function(2)), ("PuTTY", "\u{1B}[13~", .function(3)), ("PuTTY", "\u{1B}[14~", .function(4)),
        // rxvt
        ("rxvt", "\u{1B}[7~", .home), ("rxvt", "\u{1B}[8~", .end), ("rxvt shift", "\u{1B}[2$", .insert),
        ("rxvt ctrl", "\u{1B}[5^", .pageUp), ("rxvt ctrl+shift", "\u{1B}[6@", .pageDown), ("rxvt shift", "\u{1B}[a", .up),
        ("rxvt ctrl", "\u{1B}Od", .left), ("rxvt alt", "\u{1B}\u{1B}[A", .up),
        // the linux console
        ("linux", "\u{1B}[[A", .function(1)), ("linux", "\u{1B}[[B", .function(2)), ("linux", "\u{1B}[[E", .function(5)),
        ("linux", "\u{1B}[1~", .home), ("linux", "\u{1B}[4~", .end),
        // the keypad in application mode
        ("keypad", "\u{1B}OM", .enter), ("keypad", "\u{1B}Op", .character("0")), ("keypad", "\u{1B}Oy", .character("9")),
        ("keypad", "\u{1B}Ok", .character("+")),
        // single bytes
        ("ascii", "\r", .enter), ("ascii", "\n", .enter), ("ascii", "\u{7F}", .backspace), ("ascii", "\u{08}", .backspace),
        ("ascii", "\t", .tab), ("ascii", "\u{02}", .control("b")), ("ascii", "\u{06}", .control("f")),
        ("xterm", "\u{1B}[Z", .backTab), ("ascii", "/", .character("/")), ("utf-8", "蚂", .character("蚂")), ("utf-8", "é", .character("é")),
        ("utf-8", "😀", .character("😀")),
    ]

    @Test("every family's sequence is one key", arguments: 0..<sequences.count)
    func table(_ index: Int) {
        let row = Self.sequences[index]
        #expect(Self.keys(row.bytes) == [row.key], "\(row.family): \(Array(row.bytes.utf8))")
    }

    @Test("End pressed in tmux is End, not Esc, [, 4, ~ (which went back, changed period and sorted)")
    func tmuxEnd() {
        #expect(Self.keys("\u{1B}[4~\u{1B}[1~j") == [.end, .home, .character("j")])
    }

    @Test("unknown CSI and SS3 sequences are consumed whole and ignored")
    func unknownSequences() {
        #expect(Self.keys("\u{1B}[99~x") == [.character("x")])
        #expect(Self.keys("\u{1B}[1;5X") == [])
        #expect(Self.keys("\u{1B}[?1;2c") == [])            // a device-attributes reply
        #expect(Self.keys("\u{1B}[<0;12;5M") == [])         // an SGR mouse report
        #expect(Self.keys("\u{1B}[M !!q") == [.character("q")]) // an X10 mouse report: three bytes after M
        #expect(Self.keys("\u{1B}[I\u{1B}[O") == [])         // focus in, focus out
        #expect(Self.keys("\u{1B}Oz") == [])
        #expect(Self.keys("\u{1B}[[Z") == [])
    }

    @Test("control strings, the linux form cut short, and mouse reports with UTF-8 are dropped whole")
    func strings() {
        #expect(Self.keys("\u{1B}]52;c;aGVsbG8=\u{07}j") == [.character("j")], "OSC ended by BEL")
        #expect(Self.keys("\u{1B}P1$r0m\u{1B}\\j") == [.character("j")], "DCS ended by ST")
        #expect(Self.keys("\u{1B}]0;title\u{1B}[Aj") == [.up, .character("j")], "an OSC cut by a new sequence")
        #expect(Self.keys("\u{1B}_apc\u{07}\u{1B}^pm\u{07}\u{1B}Xsos\u{07}") == [])
        #expect(Self.keys("\u{1B}]" + String(repeating: "x", count: 2_000) + "\u{07}q") == [.character("q")])
        #expect(Self.keys("\u{1B}[[\u{1B}[5~") == [.pageUp], "ESC [ [ then Esc: the Esc starts anew")
        #expect(Self.keys("\u{1B}[M\u{20}\u{C0}hq") == [.character("q")], "mouse report: space, À and h are its three characters")
    }

    @Test("a sequence whose rest comes after the escape delay is dropped, rest included; then keys are keys")
    func lateRest() {
        var decoder = KeyDecoder()
        #expect(decoder.decode(Array("\u{1B}[1;".utf8)).isEmpty)
        #expect(decoder.flush() == [])
        #expect(decoder.decode(Array("5~".utf8)).isEmpty, "the late rest is not a sort")
        #expect(decoder.decode(Array("j".utf8)) == [.character("j")])
        #expect(decoder.decode(Array("\u{1B}[1".utf8)).isEmpty)
        #expect(decoder.flush() == [])
        #expect(decoder.isPending, "the skip waits one more delay")
        #expect(decoder.flush() == [])
        #expect(!decoder.isPending)
        #expect(decoder.decode(Array("b".utf8)) == [.character("b")], "after the delay a letter is a key again")
        var overLong = KeyDecoder()
        #expect(overLong.decode(Array(("\u{1B}[" + String(repeating: "1", count: 40)).utf8)).isEmpty)
        #expect(overLong.flush() == [])
        #expect(overLong.decode(Array("b".utf8)) == [.character("b")])
    }

    @Test("the late rest of any started sequence is dropped: control strings, the 8-bit CSI, mouse reports")
    func lateRests() {
        for (head, tail) in [("\u{1B}]0;x", "b\u{07}"), ("\u{1B}]52;c;", "aGVsbG8=\u{07}"), ("\u{1B}P1$r", "b\u{1B}\\"),
                             ("\u{1B}_x", "b\u{1B}\\")] {
            var decoder = KeyDecoder()
            #expect(decoder.decode(Array(head.utf8)).isEmpty)
            #expect(decoder.flush() == [])
            #expect(decoder.decode(Array(tail.utf8)).isEmpty, "\(head) … \(tail)")
            #expect(decoder.decode(Array("j".utf8)) == [.character("j")])
        }
        for head: [UInt8] in [[0x9B], [0xC2, 0x9B], [0x9B, 0x5B]] {
            var decoder = KeyDecoder()
            _ = decoder.decode(head)
            #expect(decoder.flush() == [])
            #expect(decoder.decode(Array("5~".utf8)).isEmpty, "\(head) then 5~ late")
        }
        var mouse = KeyDecoder()
        #expect(mouse.decode(Array("\u{1B}[M ".utf8)).isEmpty)
        #expect(mouse.flush() == [])
        #expect(mouse.decode([0xC3, 0x80, 0x68]).isEmpty, "À and h are the report's")
        #expect(mouse.decode(Array("q".utf8)) == [.character("q")])
    }

    @Test("8-bit control strings and their UTF-8 forms are dropped whole")
    func eightBitStrings() {
        var decoder = KeyDecoder()
        for bytes: [UInt8] in [[0x90, 0x62, 0x9C], [0x9D, 0x30, 0x3B, 0x78, 0x62, 0x07], [0x9E, 0x78, 0x62, 0x9C],
                               [0x9F, 0x78, 0x62, 0x9C], [0x98, 0x78, 0x62, 0x9C], [0xC2, 0x9D, 0x30, 0x3B, 0x78, 0x62, 0xC2, 0x9C]] {
            #expect(decoder.decode(bytes + [0x6A]) == [.character("j")], "\(bytes)")
        }
        // In a 7-bit OSC, UTF-8 text holding the byte 0x9C does not end it early.
        #expect(Self.keys("\u{1B}]0;蜜b\u{07}j") == [.character("j")])
    }

    @Test("an over-long sequence is dropped without replaying its bytes as commands")
    func overLong() {
        #expect(Self.keys("\u{1B}[" + String(repeating: "1", count: 40) + "~j") == [.character("j")])
        #expect(Self.keys("\u{1B}O" + String(repeating: ";", count: 40) + "Pj") == [.character("j")])
        var decoder = KeyDecoder() // arriving in pieces
        #expect(decoder.decode(Array(("\u{1B}[" + String(repeating: "5", count: 35)).utf8)).isEmpty)
        #expect(decoder.decode(Array("55~k".utf8)) == [.character("k")])
    }

    @Test("an incomplete sequence waits for its rest; after the escape delay it is dropped, never replayed")
    func incomplete() {
        var decoder = KeyDecoder()
        #expect(decoder.decode(Array("\u{1B}[".utf8)).isEmpty)
        #expect(decoder.isPending)
        #expect(decoder.decode(Array("4".utf8)).isEmpty)
        #expect(decoder.decode(Array("~".utf8)) == [.end])
        #expect(!decoder.isPending)

        #expect(decoder.decode(Array("\u{1B}[1".utf8)).isEmpty)
        #expect(decoder.flush() == [])
        #expect(decoder.flush() == [], "one more delay: a late rest would have been dropped")
        #expect(decoder.decode(Array("b".utf8)) == [.character("b")])

        #expect(decoder.decode(Array("\u{1B}O".utf8)).isEmpty)
        #expect(decoder.flush() == [])
    }

    @Test("a lone Esc is Esc only once the delay has passed; Esc then a letter typed quickly is both")
    func loneEscape() {
        var decoder = KeyDecoder()
        #expect(decoder.decode([0x1B]).isEmpty)
        #expect(decoder.flush() == [.escape])
        #expect(Self.keys("\u{1B}b") == [.escape, .character("b")])
        #expect(Self.keys("\u{1B}蚂x") == [.escape, .character("蚂"), .character("x")])
        #expect(Self.keys("\u{1B}\r") == [.escape, .enter])
        #expect(Self.keys("\u{1B}\u{1B}") == [.escape, .escape])
    }

    @Test("a bracketed paste is one .paste key, whatever it holds, even split across reads")
    func paste() {
        #expect(Self.keys("\u{1B}[200~Lanz\u{1B}[4~q\u{1B}[201~j") == [.paste("Lanz\u{1B}[4~q"), .character("j")])
        var decoder = KeyDecoder()
        #expect(decoder.decode(Array("\u{1B}[200~ab".utf8)).isEmpty)
        #expect(decoder.isPending && decoder.pendingDelay == KeyDecoder.pasteDelay)
        #expect(decoder.decode(Array("c\u{1B}[20".utf8)).isEmpty)
        #expect(decoder.decode(Array("1~b".utf8)) == [.paste("abc"), .character("b")])
        #expect(decoder.pendingDelay == KeyDecoder.escapeDelay)
        // An end marker that never comes: the paste ends after the paste delay, as text.
        #expect(decoder.decode(Array("\u{1B}[200~mq".utf8)).isEmpty)
        #expect(decoder.flush() == [.paste("mq")])
        #expect(decoder.decode(Array("q".utf8)) == [.character("q")])
        // A huge paste is capped, not stored whole.
        var big = KeyDecoder()
        let keys = big.decode(Array(("\u{1B}[200~" + String(repeating: "x", count: 100_000) + "\u{1B}[201~").utf8))
        #expect(keys.count == 1)
        if case .paste(let text) = keys.first { #expect(text.count == KeyDecoder.longestPaste) }
    }

    @Test("a UTF-8 character split across reads is one key; malformed bytes are dropped")
    func utf8() {
        var decoder = KeyDecoder()
        let bytes = Array("蚂".utf8)
        #expect(decoder.decode(bytes.prefix(2)).isEmpty)
        #expect(decoder.decode(bytes.suffix(1)) == [.character("蚂")])
        #expect(Self.keys(String(decoding: [0xC2, 0x9B], as: UTF8.self)).allSatisfy { $0 != .escape })
        var raw = KeyDecoder()
        #expect(raw.decode([0x9B, 0x35, 0x7E]) == [.pageUp], "the 8-bit CSI is a sequence, never its bytes as keys")
        #expect(raw.decode([0xC2, 0x9B, 0x35, 0x7E]) == [.pageUp], "and so is U+009B")
        #expect(raw.decode([0x9B, 0x39, 0x39, 0x7E]) == [])
        #expect(raw.decode([0xFF, 0x41]) == [.character("A")])
    }
}
