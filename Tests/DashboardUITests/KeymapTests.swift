import MarketReport
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
        #expect(Keymap.command(for: .character("/"), in: .banks) == .startFilter, "search in every list view")
        #expect(Keymap.command(for: .character("/"), in: .matrix) == .startFilter)
        #expect(Keymap.command(for: .character("/"), in: .trends) == nil)
        #expect(Keymap.command(for: .character(":"), in: .trends) == .startJump)
        #expect(Keymap.command(for: .character(" "), in: .trends) == .toggleTrendLine)
        #expect(Keymap.command(for: .character("s"), in: .matrix) == .toggleMatrixShading)
        #expect(Keymap.command(for: .character("s"), in: .banks) == nil)
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
        (.function(1), .toggleHelp), (.character("q"), .quit), (.character("p"), .show(.pricing)),
        (.character("P"), .togglePause),
    ])
    func dispatch(key: Key, command: Command) {
        #expect(Keymap.command(for: key) == command)
    }

    @Test("the footer hints come from the table, pairs joined")
    func hints() {
        let hints = Keymap.hints(ascii: false).map { "\($0.keys) \($0.label)" }
        #expect(hints == ["←→ period", "↑↓ select", "Enter open", "b banks", "m matrix", "t trends", "a alerts",
                          "o owing", ": go to", "w what-if", "p pricing", "c caps", "<> sort", "/ search", "u units", "d market", "g guideline", "? help", "q quit"])
        #expect(Keymap.hints(ascii: true).first.map { "\($0.keys) \($0.label)" } == "LeftRight period")
        let matrix = Keymap.hints(ascii: false, in: .matrix).map { "\($0.keys) \($0.label)" }
        #expect(matrix.prefix(3) == ["[] period", "↑↓ select", "←→ column"])
        let overlap = Keymap.hints(ascii: false, in: .indebtedness).map { "\($0.keys) \($0.label)" }
        #expect(overlap.prefix(3) == ["[] period", "↑↓ select", "←→ column"])
    }

    @Test("the help screen lists every binding's help text and the whole glossary (scrolled through)")
    func helpListsEverything() {
        var state = Support.smallState(width: 200, height: 50)
        _ = state.send(.keyPressed(.character("?")))
        var screen = ""
        for _ in 0..<20 {
            screen += DashboardView.render(state).lines.joined(separator: "\n")
            _ = state.send(.keyPressed(.pageDown))
        }
        let flat = screen.split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ")
        func words(_ text: String) -> String { text.split(separator: " ").joined(separator: " ") }
        for binding in Keymap.bindings {
            #expect(screen.contains(binding.help), "help misses '\(binding.help)'")
        }
        for entry in Glossary.entries {
            #expect(flat.contains(words(entry.term)), "glossary misses the term '\(entry.term)'")
            // Definitions wrap; their first words are on one line.
            #expect(flat.contains(words(entry.definition).split(separator: " ").prefix(4).joined(separator: " ")),
                    "glossary misses the definition of '\(entry.term)'")
        }
    }

    @Test("in a read-only session the footer and the help leave out the keys that do nothing there")
    func readOnlyKeys() {
        let readOnly = Features(export: false, clipboard: false, readOnly: true)
        let hints = Keymap.hints(ascii: false, features: readOnly).map(\.label)
        #expect(!hints.contains("export") && !hints.contains("copy"))
        var state = DashboardState(width: 200, height: 60, features: readOnly)
        _ = state.apply(.snapshotLoaded(Snapshot(dataset: Support.smallDataset(), directory: "d", loadedAt: Support.noon)))
        _ = state.send(.keyPressed(.character("?")))
        let screen = DashboardView.render(state).lines.joined(separator: "\n")
        #expect(!screen.contains("export this view"))
        #expect(!screen.contains("copy the selected row"))
        #expect(screen.contains("pause or resume live refresh"))
        #expect(!Keymap.plainText(features: readOnly).contains("export this view"))
        #expect(Keymap.plainText().contains("export this view"))
        // With --allow-clipboard the copy keys come back.
        let clipboard = Features(export: false, clipboard: true, readOnly: true)
        #expect(Keymap.plainText(features: clipboard).contains("copy the selected row"))
    }

    @Test("the index table's conventions and the glossary are the same text")
    func glossaryFeedsConventions() {
        let state = Support.sampleState()
        let table = OverviewModel.indices(state.analysis!)
        let conventions = Dictionary(uniqueKeysWithValues: table.rows.map { ($0.id, $0.cells[3].text) })
        #expect(conventions["gini"] == Glossary.definition("gini"))
        #expect(conventions["equivalent_firms"] == Glossary.definition("equivalent_firms"))
        #expect(conventions["cr5"] == Glossary.definition("cr"))
        #expect(conventions["hhi_platforms"]?.contains("not of the market") == true)
        #expect(Glossary.entries.allSatisfy { !$0.definition.isEmpty })
        #expect(Set(Glossary.entries.map(\.id)).count == Glossary.entries.count)
    }
}
