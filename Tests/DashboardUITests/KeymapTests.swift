import Testing
@testable import DashboardUI

@Suite("Key table")
struct KeymapTests {
    @Test("no key is bound twice within one scope")
    func uniqueKeys() {
        for scope in [KeyScope.everywhere, .overview, .tables, .matrix] {
            let keys = Keymap.bindings.filter { $0.scope == scope }.flatMap(\.keys)
            #expect(Set(keys).count == keys.count, "a key is bound twice in \(scope)")
        }
    }

    @Test("a view's own bindings win: ← moves the matrix cursor, [ still changes the period there")
    func scopes() {
        #expect(Keymap.command(for: .left, in: .matrix) == .cursorLeft)
        #expect(Keymap.command(for: .character("["), in: .matrix) == .previousPeriod)
        #expect(Keymap.command(for: .left, in: .banks) == .previousPeriod)
        #expect(Keymap.command(for: .character(" "), in: .banks) == nil)
        #expect(Keymap.command(for: .character("/"), in: .banks) == nil)
        #expect(Keymap.command(for: .character("7"), in: .banks) == .sortBy(6))
        #expect(Keymap.command(for: .character("7"), in: .trends) == nil)
    }

    @Test("every F-key binding also has a letter")
    func functionKeysHaveLetters() {
        for binding in Keymap.bindings where binding.keys.contains(where: { if case .function = $0 { true } else { false } }) {
            #expect(binding.keys.contains { if case .character(let c) = $0 { c.isLetter || c.isPunctuation } else { false } })
        }
    }

    @Test("dispatch follows the table", arguments: [
        (Key.left, Command.previousPeriod), (.character("]"), .nextPeriod), (.character("j"), .selectDown),
        (.pageUp, .pageUp), (.character("H"), .selectTop), (.end, .selectBottom), (.character("<"), .sortLeft),
        (.character("4"), .sortBy(3)), (.character("/"), .startFilter), (.escape, .back), (.enter, .open), (.character("b"), .show(.banks)),
        (.character("u"), .toggleUnits), (.character("d"), .nextMarketDefinition), (.character("g"), .nextGuideline),
        (.function(1), .toggleHelp), (.character("q"), .quit),
    ])
    func dispatch(key: Key, command: Command) {
        #expect(Keymap.command(for: key) == command)
    }

    @Test("the footer hints come from the table, pairs joined")
    func hints() {
        let hints = Keymap.hints(ascii: false).map { "\($0.keys) \($0.label)" }
        #expect(hints == ["←→ period", "↑↓ select", "Enter open", "b banks", "m matrix", "t trends", "a alerts",
                          "w what-if", "<> sort", "/ filter", "u units", "d market", "g guideline", "? help", "q quit"])
        #expect(Keymap.hints(ascii: true).first.map { "\($0.keys) \($0.label)" } == "LeftRight period")
        let matrix = Keymap.hints(ascii: false, in: .matrix).map { "\($0.keys) \($0.label)" }
        #expect(matrix.prefix(3) == ["[] period", "↑↓ select", "←→ bank"])
    }

    @Test("the help screen lists every binding's help text")
    func helpListsEverything() {
        var state = Support.smallState(width: 160, height: 50)
        _ = state.send(.keyPressed(.character("?")))
        let screen = DashboardView.render(state).lines.joined(separator: "\n")
        for binding in Keymap.bindings {
            #expect(screen.contains(binding.help), "help misses '\(binding.help)'")
        }
    }
}
