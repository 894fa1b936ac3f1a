/// Everything a key can ask the dashboard to do.
public enum Command: Hashable, Sendable {
    case previousPeriod, nextPeriod
    case selectUp, selectDown, pageUp, pageDown, selectTop, selectBottom
    case cursorLeft, cursorRight
    case sortLeft, sortRight, sortBy(Int), invertSort
    case startFilter, startJump
    case open, back, quit
    case toggleMark
    case show(ViewKind)
    case toggleHelp
    case toggleUnits
    case nextMarketDefinition
    case nextGuideline
    case export
    case copyRow, copyTable
    case reload, togglePause
    case toggleMeasure
    case toggleMatrixShading
    case toggleTrendLine
    /// The bank on screen (or selected in the banks list): its caps over every period.
    case showCapHistory
}

/// Where a binding applies. View-specific bindings win over `everywhere`.
public enum KeyScope: Hashable, Sendable {
    case everywhere
    case overview
    /// Screens that are tables: the overview and every list view.
    case tables
    case matrix
    /// Screens with rows to search with `/`: the tables and the matrix.
    case searchable
    case trends
    /// Screens with a cell cursor: the pairing matrix and the overlap matrix.
    case grid
}

/// When a binding does something: some are off in a session (`--read-only`, `--no-export`,
/// `--no-clipboard`), and then the footer and the help screen leave them out.
public enum KeyAvailability: Sendable, Hashable {
    case always
    /// Only when export is allowed (`e`).
    case export
    /// Only when copying to the clipboard is allowed (`y`, `Y`).
    case clipboard

    public func isEnabled(_ features: Features) -> Bool {
        switch self {
        case .always: return true
        case .export: return features.export
        case .clipboard: return features.clipboard
        }
    }
}

/// A row of the key table: the keys, what they do, and the line the help screen shows.
public struct KeyBinding: Sendable {
    public let keys: [Key]
    public let command: Command
    public let help: String
    /// Shown in the footer's short list of hints.
    public let hint: String?
    public let section: String
    public let scope: KeyScope
    public let availability: KeyAvailability

    init(_ keys: [Key], _ command: Command, _ help: String, hint: String? = nil, section: String,
         scope: KeyScope = .everywhere, availability: KeyAvailability = .always) {
        self.keys = keys
        self.command = command
        self.help = help
        self.hint = hint
        self.section = section
        self.scope = scope
        self.availability = availability
    }
}

/// The one table of key bindings: it drives dispatch, the help screen and the footer, so the
/// three can never disagree. Every F-key also has a letter (some terminals eat F-keys).
public enum Keymap {
    public static let bindings: [KeyBinding] = [
        KeyBinding([.left, .character("["), .character("h")], .previousPeriod, "previous period", hint: "period",
                   section: "Periods"),
        KeyBinding([.right, .character("]"), .character("l")], .nextPeriod, "next period", section: "Periods"),
        KeyBinding([.up, .character("k")], .selectUp, "select the row above", hint: "select", section: "Rows"),
        KeyBinding([.down, .character("j")], .selectDown, "select the row below", section: "Rows"),
        KeyBinding([.pageUp, .control("b")], .pageUp, "one page up", section: "Rows"),
        KeyBinding([.pageDown, .control("f")], .pageDown, "one page down", section: "Rows"),
        KeyBinding([.home, .character("H")], .selectTop, "first row", section: "Rows"),
        KeyBinding([.end, .character("L")], .selectBottom, "last row", section: "Rows"),
        KeyBinding([.left, .character("h")], .cursorLeft, "matrices: column to the left ([ ] change period)",
                   hint: "column", section: "Rows", scope: .grid),
        KeyBinding([.right, .character("l")], .cursorRight, "matrices: column to the right", section: "Rows",
                   scope: .grid),
        KeyBinding([.character(" ")], .toggleTrendLine, "trends: show or hide the selected group's line",
                   section: "Rows", scope: .trends),
        KeyBinding([.character("s")], .toggleMatrixShading,
                   "matrix: shade by share of the group's funding, or of the bank's platform funding", hint: "shade",
                   section: "Rows", scope: .matrix),
        KeyBinding([.enter], .open, "open the selected row: group, bank or pairing", hint: "open", section: "Views"),
        KeyBinding([.escape], .back, "clear the search; else back one level", section: "Views"),
        KeyBinding([.character("b")], .show(.banks), "banks and their dependence on platforms", hint: "banks",
                   section: "Views"),
        KeyBinding([.character("m")], .show(.matrix), "pairing matrix: groups × banks", hint: "matrix", section: "Views"),
        KeyBinding([.character("t")], .show(.trends), "trends: market HHI and every group's share over time", hint: "trends",
                   section: "Views"),
        KeyBinding([.character("a")], .show(.alerts), "alerts: every rule triggered in the period", hint: "alerts",
                   section: "Views"),
        KeyBinding([.character("o")], .show(.indebtedness),
                   "over-indebtedness: borrowers owing on several groups at the period's end, overlap matrix",
                   hint: "owing", section: "Views"),
        KeyBinding([.character(" ")], .toggleMark, "mark a group for the merger what-if", section: "Views",
                   scope: .overview),
        KeyBinding([.character(":")], .startJump, "go to a bank or group by name (prefix, any case)", hint: "go to",
                   section: "Views"),
        KeyBinding([.character("w")], .show(.merger), "merger what-if of the marked groups", hint: "what-if",
                   section: "Views"),
        KeyBinding([.character("p")], .show(.pricing),
                   "pricing: new lending above each APR threshold, co-funded loans below the 30% floor",
                   hint: "pricing", section: "Views"),
        KeyBinding([.character("c")], .showCapHistory, "a bank's two caps over every period (from b or a bank)",
                   hint: "caps", section: "Views", scope: .tables),
        KeyBinding([.character("<")], .sortLeft, "sort by the column on the left", hint: "sort",
                   section: "Sorting and filtering", scope: .tables),
        KeyBinding([.character(">")], .sortRight, "sort by the column on the right", section: "Sorting and filtering",
                   scope: .tables),
        KeyBinding((1...9).map { .character(Character(String($0))) }, .sortBy(0), "sort by column n; again reverses",
                   section: "Sorting and filtering", scope: .tables),
        KeyBinding([.character("i")], .invertSort, "reverse the sort order", section: "Sorting and filtering",
                   scope: .tables),
        KeyBinding([.character("/")], .startFilter, "search this list by name (Enter keeps it, Esc clears it)",
                   hint: "search", section: "Sorting and filtering", scope: .searchable),
        KeyBinding([.character("u")], .toggleUnits, "amounts in CNY or US$", hint: "units", section: "Display"),
        KeyBinding([.character("n")], .toggleMeasure, "new lending (loan files) or outstanding balances",
                   section: "Display"),
        KeyBinding([.character("d")], .nextMarketDefinition, "next market definition", hint: "market", section: "Display"),
        KeyBinding([.character("g")], .nextGuideline, "next guideline (US, EU, China)", hint: "guideline",
                   section: "Display"),
        KeyBinding([.character("r")], .reload, "reload the data now", section: "Data"),
        KeyBinding([.character("P")], .togglePause, "pause or resume live refresh", section: "Data"),
        KeyBinding([.character("e")], .export, "export this view as CSV and Markdown", section: "Output",
                   availability: .export),
        KeyBinding([.character("y")], .copyRow, "copy the selected row (OSC 52 clipboard)", section: "Output",
                   availability: .clipboard),
        KeyBinding([.character("Y")], .copyTable, "copy the whole table", section: "Output", availability: .clipboard),
        KeyBinding([.character("?"), .function(1)], .toggleHelp, "this help", hint: "help", section: "General"),
        KeyBinding([.character("q"), .function(10)], .quit, "back one level; quit at the top", hint: "quit",
                   section: "General"),
    ]

    /// The command a key triggers in a view, if any; digits carry their column number.
    public static func command(for key: Key, in view: ViewKind = .overview) -> Command? {
        let scopes = scopes(of: view)
        if scopes.contains(.tables), case .character(let c) = key, let digit = c.wholeNumberValue, (1...9).contains(digit) {
            return .sortBy(digit - 1)
        }
        let specific = bindings.first { $0.scope != .everywhere && scopes.contains($0.scope) && $0.keys.contains(key) }
        return (specific ?? bindings.first { $0.scope == .everywhere && $0.keys.contains(key) })?.command
    }

    static func scopes(of view: ViewKind) -> Set<KeyScope> {
        switch view {
        case .overview: return [.overview, .tables, .searchable]
        case .matrix: return [.matrix, .grid, .searchable]
        case .trends: return [.trends]
        case .indebtedness: return [.grid]
        default: return [.tables, .searchable]
        }
    }

    /// The footer's hints for a view, generated from the table: first key and short name of each
    /// hinted binding that applies there.
    public static func hints(ascii: Bool, in view: ViewKind = .overview,
                             features: Features = Features()) -> [(keys: String, label: String)] {
        let scopes = scopes(of: view).union([.everywhere])
        let name: (Key) -> String = { ascii ? $0.asciiDescription : $0.description }
        // The first key that still does this binding's command here (a view may take ← for itself).
        func key(_ binding: KeyBinding) -> String? {
            binding.keys.first { command(for: $0, in: view) == binding.command }.map(name)
        }
        return bindings.compactMap { binding in
            guard let hint = binding.hint, scopes.contains(binding.scope), binding.availability.isEnabled(features),
                  let first = key(binding) else { return nil }
            let partner = bindings.first { $0.section == binding.section && $0.hint == nil && pairs(binding.command, $0.command) }
            return (first + (partner.flatMap(key) ?? ""), hint)
        }
    }

    /// The key table as plain text for `lendscope help dashboard`, by section, ASCII key names (a
    /// terminal's help output may not be UTF-8), generated from `bindings` like the help screen.
    public static func plainText(features: Features = Features()) -> String {
        var lines: [String] = []
        var section = ""
        for binding in bindings where binding.availability.isEnabled(features) {
            if binding.section != section {
                section = binding.section
                lines.append(section + ":")
            }
            // Within 78 columns, so the argument parser's own wrapping leaves the table as it is.
            let keys = binding.keys.map(\.asciiDescription).joined(separator: " ")
            let pad = 18
            let text = TextFit.wrap(binding.help, width: 78 - pad)
            if keys.count + 4 > pad { lines.append("  " + keys) }
            for (index, piece) in text.enumerated() {
                let lead = index == 0 && keys.count + 4 <= pad ? "  " + keys : ""
                lines.append(lead.padding(toLength: pad, withPad: " ", startingAt: 0) + piece)
            }
        }
        return lines.joined(separator: "\n")
    }

    /// Bindings shown together in the footer (← with →, ↑ with ↓, < with >).
    static func pairs(_ a: Command, _ b: Command) -> Bool {
        switch (a, b) {
        case (.previousPeriod, .nextPeriod), (.selectUp, .selectDown), (.sortLeft, .sortRight),
             (.cursorLeft, .cursorRight): return true
        default: return false
        }
    }
}
