import MarketAnalytics

/// Amounts in yuan or dollars, both in billions.
public enum Units: Sendable {
    case cny, usd
}

/// Everything the dashboard shows, as one value. Only `apply(_:)` changes it.
public struct DashboardState: Sendable {
    public internal(set) var snapshot: Snapshot?
    /// Every period of the snapshot, oldest first, with its analysis under the current definition.
    public internal(set) var periods: [Period] = []
    public internal(set) var analyses: [PeriodAnalysis] = []
    public internal(set) var periodIndex = 0
    public internal(set) var definitionIndex = 0
    public internal(set) var units: Units = .cny
    public internal(set) var guideline: Guideline = .us2010
    public internal(set) var sort: SortOrder = .byShare
    public internal(set) var filter = ""
    public internal(set) var isEditingFilter = false
    /// The selected group by name, so the selection follows it across re-sorts and periods.
    public internal(set) var selectedGroup: String?
    public internal(set) var scrollOffset = 0
    public internal(set) var showingHelp = false
    public internal(set) var width: Int
    public internal(set) var height: Int
    public let options: DisplayOptions
    /// The first problems of a failed load, shown until the next good one.
    public internal(set) var loadErrors: [String] = []

    public init(width: Int = 80, height: Int = 24, options: DisplayOptions = DisplayOptions()) {
        self.width = width
        self.height = height
        self.options = options
    }

    public var analysis: PeriodAnalysis? {
        analyses.indices.contains(periodIndex) ? analyses[periodIndex] : nil
    }

    public var marketDefinitions: [String] { snapshot?.dataset.marketDefinitions ?? [] }

    public var marketDefinition: String? {
        marketDefinitions.indices.contains(definitionIndex) ? marketDefinitions[definitionIndex] : nil
    }

    /// The rows on screen now: filtered and sorted.
    public var rows: [OverviewRow] {
        analysis?.overviewRows(filter: filter, sort: sort) ?? []
    }

    /// The index of the selected row in `rows`, if it is visible under the filter.
    public var selectedIndex: Int? {
        rows.firstIndex { $0.figures.group == selectedGroup }
    }
}
