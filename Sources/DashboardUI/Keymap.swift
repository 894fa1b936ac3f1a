/// Everything a key can ask the dashboard to do.
public enum Command: Hashable, Sendable {
    case previousPeriod, nextPeriod
    case selectUp, selectDown, pageUp, pageDown, selectTop, selectBottom
    case sortLeft, sortRight, sortBy(Int), invertSort
    case startFilter, clearFilter
    case toggleHelp
    case toggleUnits
    case nextMarketDefinition
    case nextGuideline
    case quit
}

/// A row of the key table: the keys, what they do, and the line the help screen shows.
public struct KeyBinding: Sendable {
    public let keys: [Key]
    public let command: Command
    public let help: String
    /// Shown in the footer's short list of hints.
    public let hint: String?
    public let section: String
}

/// The one table of key bindings: it drives dispatch and the help screen and the footer, so
/// the three can never disagree. Every F-key also has a letter (some terminals eat F-keys).
public enum Keymap {
    public static let bindings: [KeyBinding] = [
        KeyBinding(keys: [.left, .character("["), .character("h")], command: .previousPeriod,
                   help: "previous period", hint: "period", section: "Periods"),
        KeyBinding(keys: [.right, .character("]"), .character("l")], command: .nextPeriod,
                   help: "next period", hint: nil, section: "Periods"),
        KeyBinding(keys: [.up, .character("k")], command: .selectUp, help: "select the row above", hint: "select",
                   section: "Rows"),
        KeyBinding(keys: [.down, .character("j")], command: .selectDown, help: "select the row below", hint: nil,
                   section: "Rows"),
        KeyBinding(keys: [.pageUp, .control("b")], command: .pageUp, help: "one page up", hint: nil, section: "Rows"),
        KeyBinding(keys: [.pageDown, .control("f")], command: .pageDown, help: "one page down", hint: nil, section: "Rows"),
        KeyBinding(keys: [.home, .character("H")], command: .selectTop, help: "first row", hint: nil, section: "Rows"),
        KeyBinding(keys: [.end, .character("L")], command: .selectBottom, help: "last row", hint: nil, section: "Rows"),
        KeyBinding(keys: [.character("<")], command: .sortLeft, help: "sort by the column on the left", hint: "sort",
                   section: "Sorting and filtering"),
        KeyBinding(keys: [.character(">")], command: .sortRight, help: "sort by the column on the right", hint: nil,
                   section: "Sorting and filtering"),
        KeyBinding(keys: (1...6).map { .character(Character(String($0))) }, command: .sortBy(0),
                   help: "sort by column n; again reverses", hint: nil, section: "Sorting and filtering"),
        KeyBinding(keys: [.character("i")], command: .invertSort, help: "reverse the sort order", hint: nil,
                   section: "Sorting and filtering"),
        KeyBinding(keys: [.character("/")], command: .startFilter, help: "filter groups by name",
                   hint: "filter", section: "Sorting and filtering"),
        KeyBinding(keys: [.escape], command: .clearFilter, help: "clear the filter", hint: nil,
                   section: "Sorting and filtering"),
        KeyBinding(keys: [.character("u")], command: .toggleUnits, help: "amounts in CNY or US$", hint: "units",
                   section: "Display"),
        KeyBinding(keys: [.character("d")], command: .nextMarketDefinition,
                   help: "next market definition", hint: "market", section: "Display"),
        KeyBinding(keys: [.character("g")], command: .nextGuideline,
                   help: "next guideline (US, EU, China)", hint: "guideline", section: "Display"),
        KeyBinding(keys: [.character("?"), .function(1)], command: .toggleHelp, help: "this help", hint: "help",
                   section: "General"),
        KeyBinding(keys: [.character("q"), .function(10)], command: .quit, help: "quit; closes help first", hint: "quit",
                   section: "General"),
    ]

    /// The command a key triggers, if any; digits carry their column number.
    public static func command(for key: Key) -> Command? {
        if case .character(let c) = key, let digit = c.wholeNumberValue, (1...6).contains(digit) {
            return .sortBy(digit - 1)
        }
        return bindings.first { $0.keys.contains(key) }?.command
    }

    /// The footer's hints, generated from the table: first key and short name of each hinted binding.
    public static func hints(ascii: Bool) -> [(keys: String, label: String)] {
        bindings.compactMap { binding in
            guard let hint = binding.hint else { return nil }
            let partner = bindings.first { $0.section == binding.section && $0.hint == nil && $0.command != binding.command
                && pairs(binding.command, $0.command) }
            let name: (Key) -> String = { ascii ? $0.asciiDescription : $0.description }
            let keys = partner.map { name(binding.keys[0]) + name($0.keys[0]) } ?? name(binding.keys[0])
            return (keys, hint)
        }
    }

    /// Bindings shown together in the footer (← with →, ↑ with ↓, < with >).
    static func pairs(_ a: Command, _ b: Command) -> Bool {
        switch (a, b) {
        case (.previousPeriod, .nextPeriod), (.selectUp, .selectDown), (.sortLeft, .sortRight): return true
        default: return false
        }
    }
}
