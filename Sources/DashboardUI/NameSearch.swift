import MarketReport

/// Matching typed text against names: `/` search (contains) and `:` jump (prefix of the name or
/// of one of its words), both case-insensitive; CJK names match by their characters.
enum NameSearch {
    static func contains(_ name: String, _ query: String) -> Bool {
        query.isEmpty || name.lowercased().contains(query.lowercased())
    }

    /// A list row matches when one of its text cells (names, types, rules) contains the query.
    static func row(_ row: TableModel.Row, contains query: String) -> Bool {
        contains(row.id, query) || row.cells.contains { cell in
            if case .text = cell.sortKey { return contains(cell.text, query) } else { return false }
        }
    }

    /// How well `name` answers a jump: 0 starts with the query, 1 has a word that does, nil neither.
    static func jumpRank(_ name: String, _ query: String) -> Int? {
        let name = name.lowercased(), query = query.lowercased()
        guard !query.isEmpty else { return nil }
        if name.hasPrefix(query) { return 0 }
        let words = name.split { $0 == " " || $0 == "(" || $0 == "-" || $0 == "/" }
        return words.contains { $0.hasPrefix(query) } ? 1 : nil
    }
}

/// What `:` can jump to.
public enum JumpTarget: Hashable, Sendable {
    case group(String)
    case bank(String)

    public var name: String {
        switch self {
        case .group(let name), .bank(let name): return name
        }
    }

    var kind: String {
        switch self {
        case .group: return "group"
        case .bank: return "bank"
        }
    }
}
