import MarketReport

/// A view's content as a table: the shared `DataTable` model, whose rows open dashboard views.
/// The screen draws it; export writes its CSV and Markdown; copy sends its TSV.
public typealias TableModel = DataTable<ViewKind>

extension Style {
    /// The screen's style for a model's emphasis.
    init(emphasis: Emphasis) {
        switch emphasis {
        case .normal: self = .normal
        case .muted: self = .muted
        case .warning: self = .warning
        case .accent: self = .accent
        case .good: self = .good
        case .estimate: self = .estimate
        case .bar: self = .bar
        }
    }
}

/// A list view's sort: a column index and a direction.
public struct ListSort: Hashable, Sendable {
    public var column: Int
    public var descending: Bool

    public init(column: Int, descending: Bool) {
        self.column = column
        self.descending = descending
    }
}

import Foundation
