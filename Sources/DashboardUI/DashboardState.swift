import MarketAnalytics
import MarketReport

/// Amounts in yuan or dollars, both in billions.
public enum Units: Sendable {
    case cny, usd
}

/// What the session may do besides looking: off in read-only kiosks.
public struct Features: Hashable, Sendable {
    /// Export writes CSV and Markdown files.
    public var export: Bool
    /// Copy sends text to the viewer's clipboard through OSC 52.
    public var clipboard: Bool
    /// A kiosk for remote viewers: no export, no paths, shown in the header.
    public var readOnly: Bool

    public init(export: Bool = true, clipboard: Bool = true, readOnly: Bool = false) {
        self.export = export && !readOnly
        self.clipboard = clipboard
        self.readOnly = readOnly
    }
}

/// A list view's state: what the user selected, where the window is, how it is sorted.
public struct ListState: Hashable, Sendable {
    /// The selected row's id (a group, a bank, a period…), so the selection follows the row.
    public var selection: String?
    public var scroll = 0
    /// nil: the model's default sort.
    public var sort: ListSort?
    /// The matrix cursor (row index, bank column).
    public var row = 0
    public var column = 0
    /// `/` search: only rows whose names contain this (case-insensitive) are listed.
    public var filter = ""

    public init(selection: String? = nil, scroll: Int = 0, sort: ListSort? = nil) {
        self.selection = selection
        self.scroll = scroll
        self.sort = sort
    }
}

/// Everything the dashboard shows, as one value. Only `apply(_:)` changes it.
public struct DashboardState: Sendable {
    public internal(set) var snapshot: Snapshot?
    /// Every period of the snapshot, oldest first.
    public internal(set) var periods: [Period] = []
    public internal(set) var periodIndex = 0
    /// Analyses asked of the worker (another measure or definition) and not yet arrived; the
    /// screen keeps showing `series`, under the key it says, meanwhile.
    public internal(set) var pendingKey: AnalysisKey?
    public internal(set) var units: Units = .cny
    public internal(set) var guideline: Guideline = .us2010
    /// `/` is being typed into the current view's search.
    public internal(set) var isEditingFilter = false
    /// `:` jump by name: the text typed so far, nil when not jumping.
    public internal(set) var jumpQuery: String?
    /// Which of the jump's matches Enter opens (Tab or ↓ for the next).
    public internal(set) var jumpChoice = 0
    public internal(set) var showingHelp = false
    public internal(set) var helpScroll = 0
    public internal(set) var width: Int
    public internal(set) var height: Int
    public let options: DisplayOptions
    public let features: Features
    /// `--min-cell`: over-indebtedness and stacking figures about fewer borrowers are hidden.
    public let smallCells: SmallCellRule
    /// The loan figures of the snapshot on screen under `smallCells`, made when it is loaded.
    public internal(set) var loanFigures = LoanFiguresShown(nil, rule: .off)
    /// The first problems of a failed load, shown until the next good one.
    public internal(set) var loadErrors: [String] = []

    /// The screens opened, the overview first; the last is on screen.
    public internal(set) var viewStack: [ViewKind] = [.overview]
    /// One list state per view kind, the overview and the matrix included: the selected row, the
    /// scroll offset, the sort, the matrix cursor. Kept when going back.
    public internal(set) var lists: [ViewKind: ListState] = [
        .overview: ListState(sort: ListSort(column: OverviewColumn.share.rawValue, descending: true)),
    ]
    /// The groups whose share lines the trends view draws (Space); nil: the five largest.
    public internal(set) var trendGroups: Set<String>?
    /// What the matrix's shades measure (`s`).
    public internal(set) var matrixShading: MatrixShading = .shareOfGroup
    /// Groups marked with Space for the merger what-if.
    public internal(set) var markedGroups: Set<String> = []
    /// A reload is running in the background.
    public internal(set) var isReloading = false
    /// Live refresh is paused (`p`): changes are noticed but not loaded.
    public internal(set) var isPaused = false
    /// Whole minutes since the data on screen were loaded.
    public internal(set) var ageMinutes = 0
    /// A one-line message (export written, copy sent), cleared by the next key.
    public internal(set) var statusMessage: String?

    public init(width: Int = 80, height: Int = 24, options: DisplayOptions = DisplayOptions(),
                features: Features = Features(), smallCells: SmallCellRule = .off) {
        self.width = width
        self.height = height
        self.options = options
        self.features = features
        self.smallCells = smallCells
    }

    public var view: ViewKind { viewStack.last ?? .overview }

    // MARK: Views of `lists`, by the names the reducer and the views use

    /// The current view's search text (each list view has its own).
    public internal(set) var filter: String {
        get { lists[view]?.filter ?? "" }
        set { lists[view, default: ListState()].filter = newValue }
    }

    /// The overview's sort, as an overview column.
    public internal(set) var sort: SortOrder {
        get {
            let stored = lists[.overview]?.sort ?? ListSort(column: OverviewColumn.share.rawValue, descending: true)
            return SortOrder(column: OverviewColumn(rawValue: stored.column) ?? .share, descending: stored.descending)
        }
        set { lists[.overview, default: ListState()].sort = ListSort(column: newValue.column.rawValue, descending: newValue.descending) }
    }

    /// The selected group by name, so the selection follows it across re-sorts and periods.
    public internal(set) var selectedGroup: String? {
        get { lists[.overview]?.selection }
        set { lists[.overview, default: ListState()].selection = newValue }
    }

    public internal(set) var scrollOffset: Int {
        get { lists[.overview]?.scroll ?? 0 }
        set { lists[.overview, default: ListState()].scroll = newValue }
    }

    /// The matrix cursor: a group row and a bank column.
    public internal(set) var matrixRow: Int {
        get { lists[.matrix]?.row ?? 0 }
        set { lists[.matrix, default: ListState()].row = newValue }
    }

    public internal(set) var matrixColumn: Int {
        get { lists[.matrix]?.column ?? 0 }
        set { lists[.matrix, default: ListState()].column = newValue }
    }

    /// Each list view's selected row id.
    public internal(set) var listSelection: [ViewKind: String] {
        get { lists.compactMapValues(\.selection) }
        set { for key in Set(lists.keys).union(newValue.keys) { lists[key, default: ListState()].selection = newValue[key] } }
    }

    /// Each list view's scroll offset.
    public internal(set) var listScroll: [ViewKind: Int] {
        get { lists.mapValues(\.scroll) }
        set { for (key, value) in newValue { lists[key, default: ListState()].scroll = value } }
    }

    /// Each list view's sort, when the user chose one.
    public internal(set) var listSorts: [ViewKind: ListSort] {
        get { lists.filter { $0.key != .overview }.compactMapValues(\.sort) }
        set { for (key, value) in newValue where key != .overview { lists[key, default: ListState()].sort = value } }
    }

    /// Every period's analysis on screen, with the key they were made for.
    public var series: AnalysisSeries? { snapshot?.series }

    public var analyses: [PeriodAnalysis] { series?.analyses ?? [] }

    public var analysis: PeriodAnalysis? {
        analyses.indices.contains(periodIndex) ? analyses[periodIndex] : nil
    }

    /// Outstanding balances, or new lending when the directory has loan files (`n`): the measure
    /// of the analyses on screen.
    public var measure: Measure { series?.key.measure ?? .balances }

    /// The key the screen wants: a pending request, else what is shown.
    public var requestedKey: AnalysisKey { pendingKey ?? series?.key ?? AnalysisKey() }

    /// Market definitions with totals for the measure on screen.
    public var marketDefinitions: [String] { snapshot?.dataset.marketDefinitions(for: measure) ?? [] }

    public var marketDefinition: String? { series?.key.definition }

    /// The overview rows on screen now: filtered and sorted.
    public var rows: [OverviewRow] {
        analysis?.overviewRows(filter: lists[.overview]?.filter ?? "", sort: sort) ?? []
    }

    /// The index of the selected row in `rows`, if it is visible under the filter.
    public var selectedIndex: Int? {
        rows.firstIndex { $0.figures.group == selectedGroup }
    }

    /// The current list view's table and its rows in display order.
    public var listModel: (model: TableModel, rows: [TableModel.Row])? {
        guard view != .overview, let model = ViewModels.model(for: view, self) else { return nil }
        let sort = listSorts[view] ?? model.defaultSort.map { ListSort(column: $0.column, descending: $0.descending) }
        let rows = model.sorted(by: sort.map { ($0.column, $0.descending) })
        let query = filter
        return (model, query.isEmpty ? rows : rows.filter { NameSearch.row($0, contains: query) })
    }

    /// The matrix's group rows: the period's groups, narrowed by the matrix's search.
    public var matrixGroups: [GroupFigures] {
        let query = lists[.matrix]?.filter ?? ""
        let groups = analysis?.groups ?? []
        return query.isEmpty ? groups : groups.filter { NameSearch.contains($0.group, query) }
    }

    /// The period end's over-indebtedness and the period's stacking as this session shows them.
    public var indebtedness: SuppressedIndebtedness? { analysis.flatMap { loanFigures.indebtedness[$0.period] } }
    public var stacking: SuppressedStacking? { analysis.flatMap { loanFigures.stacking[$0.period] } }

    /// The overlap matrix's groups in the period (`o`): most borrowers first, hidden counts last.
    var overlapGroups: [String] { indebtedness?.groupsByBorrowers ?? [] }

    /// The overlap matrix's cursor (`o`), clamped to its size.
    func overlapCursor(count: Int) -> (row: Int, column: Int) {
        let state = lists[.indebtedness] ?? ListState()
        return (min(max(0, state.row), max(0, count - 1)), min(max(0, state.column), max(0, count - 1)))
    }

    /// The matrix cursor clamped to the matrix's size.
    func matrixCursor(rows: Int, columns: Int) -> (row: Int, column: Int) {
        (min(max(0, matrixRow), max(0, rows - 1)), min(max(0, matrixColumn), max(0, columns - 1)))
    }
}
