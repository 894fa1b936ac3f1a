import Testing
@testable import DashboardUI

@Suite("Key table")
struct KeymapTests {
    @Test("no key is bound twice")
    func uniqueKeys() {
        let keys = Keymap.bindings.flatMap(\.keys)
        #expect(Set(keys).count == keys.count)
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
        (.character("4"), .sortBy(3)), (.character("/"), .startFilter), (.escape, .clearFilter),
        (.character("u"), .toggleUnits), (.character("d"), .nextMarketDefinition), (.character("g"), .nextGuideline),
        (.function(1), .toggleHelp), (.character("q"), .quit),
    ])
    func dispatch(key: Key, command: Command) {
        #expect(Keymap.command(for: key) == command)
    }

    @Test("the footer hints come from the table, pairs joined")
    func hints() {
        let hints = Keymap.hints(ascii: false).map { "\($0.keys) \($0.label)" }
        #expect(hints == ["←→ period", "↑↓ select", "<> sort", "/ filter", "u units", "d market", "g guideline", "? help", "q quit"])
        #expect(Keymap.hints(ascii: true).first.map { "\($0.keys) \($0.label)" } == "LeftRight period")
    }

    @Test("the help screen lists every binding's help text")
    func helpListsEverything() {
        var state = Support.smallState(width: 100, height: 40)
        _ = state.apply(.keyPressed(.character("?")))
        let screen = DashboardView.render(state).lines.joined(separator: "\n")
        for binding in Keymap.bindings {
            #expect(screen.contains(binding.help), "help misses '\(binding.help)'")
        }
    }
}
