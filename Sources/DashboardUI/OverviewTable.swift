import MarketAnalytics

/// The overview table's sortable columns, in display order.
public enum OverviewColumn: Int, CaseIterable, Sendable {
    case rank, group, balance, share, change, flag

    public var title: String {
        switch self {
        case .rank: return "#"
        case .group: return "Group"
        case .balance: return "Balance"
        case .share: return "Share"
        case .change: return "Δ pp"
        case .flag: return "Flag"
        }
    }

    /// The title in the glyph set's alphabet.
    public func title(ascii: Bool) -> String {
        ascii && self == .change ? "chg pp" : title
    }

    /// The natural first direction: names A→Z, figures largest first.
    var defaultDescending: Bool {
        switch self {
        case .rank, .group: return false
        default: return true
        }
    }
}

public struct SortOrder: Hashable, Sendable {
    public var column: OverviewColumn
    public var descending: Bool

    public init(column: OverviewColumn, descending: Bool) {
        self.column = column
        self.descending = descending
    }

    public static let byShare = SortOrder(column: .share, descending: true)
}

/// A row of the overview table: a group and its rank by balance in the period.
public struct OverviewRow: Sendable {
    public let rank: Int
    public let figures: GroupFigures
}

extension PeriodAnalysis {
    /// The rows the overview shows: filtered by name (case-insensitive, group or product),
    /// then sorted; ties keep rank order so the table never jitters.
    public func overviewRows(filter: String, sort: SortOrder) -> [OverviewRow] {
        let needle = filter.lowercased()
        let rows = groups.enumerated().map { OverviewRow(rank: $0.offset + 1, figures: $0.element) }.filter { row in
            needle.isEmpty || row.figures.group.lowercased().contains(needle)
                || row.figures.platforms.contains { $0.name.lowercased().contains(needle) }
        }
        func key(_ row: OverviewRow) -> Double {
            switch sort.column {
            case .rank: return Double(row.rank)
            case .balance: return row.figures.balanceCNY
            case .share: return row.figures.shareOfMarket
            case .change: return row.figures.changePP ?? -.infinity
            case .flag: return Double(row.figures.provenance.rawValue.unicodeScalars.first!.value)
            case .group: return 0
            }
        }
        return rows.sorted { a, b in
            if sort.column == .group {
                let (x, y) = (a.figures.group.lowercased(), b.figures.group.lowercased())
                if x != y { return sort.descending ? x > y : x < y }
            } else {
                let (x, y) = (key(a), key(b))
                if x != y { return sort.descending ? x > y : x < y }
            }
            return a.rank < b.rank
        }
    }
}
