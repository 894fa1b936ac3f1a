import MarketAnalytics

extension DashboardState {
    /// Applies one action. Pure: time and data come in through actions, never read here.
    public mutating func apply(_ action: Action) -> Effect {
        switch action {
        case .snapshotLoaded(let snapshot):
            load(snapshot)
            return .render
        case .reloadFailed(let messages):
            loadErrors = messages
            return .render
        case .resized(let width, let height):
            self.width = max(0, width)
            self.height = max(0, height)
            keepSelectionVisible()
            return .render
        case .tick:
            return .none
        case .keyPressed(let key):
            return press(key)
        }
    }

    private mutating func load(_ snapshot: Snapshot) {
        let previousPeriod = periods.indices.contains(periodIndex) ? periods[periodIndex] : nil
        let previousDefinition = marketDefinition
        self.snapshot = snapshot
        loadErrors = []
        periods = snapshot.dataset.periods
        // Keep the period and definition the user was looking at when they still exist.
        periodIndex = previousPeriod.flatMap { periods.firstIndex(of: $0) } ?? max(0, periods.count - 1)
        definitionIndex = previousDefinition.flatMap { marketDefinitions.firstIndex(of: $0) } ?? 0
        recomputeAnalyses()
        if selectedGroup == nil { selectedGroup = rows.first?.figures.group }
        keepSelectionValid()
    }

    private mutating func recomputeAnalyses() {
        guard let dataset = snapshot?.dataset else { return }
        analyses = periods.map { PeriodAnalysis(dataset: dataset, period: $0, definition: marketDefinition) }
    }

    private mutating func press(_ key: Key) -> Effect {
        if isEditingFilter { return editFilter(key) }
        if showingHelp {
            // Help is modal: the help keys, q and Esc close it; everything else is ignored.
            switch Keymap.command(for: key) {
            case .toggleHelp, .quit, .clearFilter: showingHelp = false; return .render
            default: return .none
            }
        }
        guard let command = Keymap.command(for: key) else { return .none }
        return perform(command)
    }

    private mutating func perform(_ command: Command) -> Effect {
        switch command {
        case .quit:
            return .quit
        case .toggleHelp:
            showingHelp = true
        case .previousPeriod:
            guard periodIndex > 0 else { return .none }
            periodIndex -= 1
            keepSelectionValid()
        case .nextPeriod:
            guard periodIndex + 1 < periods.count else { return .none }
            periodIndex += 1
            keepSelectionValid()
        case .selectUp: moveSelection(by: -1)
        case .selectDown: moveSelection(by: 1)
        case .pageUp: moveSelection(by: -max(1, visibleRowCount - 1))
        case .pageDown: moveSelection(by: max(1, visibleRowCount - 1))
        case .selectTop: moveSelection(to: 0)
        case .selectBottom: moveSelection(to: rows.count - 1)
        case .sortLeft:
            let columns = OverviewColumn.allCases
            let next = columns[(sort.column.rawValue + columns.count - 1) % columns.count]
            sort = SortOrder(column: next, descending: next.defaultDescending)
        case .sortRight:
            let columns = OverviewColumn.allCases
            let next = columns[(sort.column.rawValue + 1) % columns.count]
            sort = SortOrder(column: next, descending: next.defaultDescending)
        case .sortBy(let index):
            guard let column = OverviewColumn(rawValue: index) else { return .none }
            sort = column == sort.column
                ? SortOrder(column: column, descending: !sort.descending)
                : SortOrder(column: column, descending: column.defaultDescending)
        case .invertSort:
            sort.descending.toggle()
        case .startFilter:
            isEditingFilter = true
        case .clearFilter:
            guard !filter.isEmpty else { return .none }
            filter = ""
        case .toggleUnits:
            units = units == .cny ? .usd : .cny
        case .nextMarketDefinition:
            guard marketDefinitions.count > 1 else { return .none }
            definitionIndex = (definitionIndex + 1) % marketDefinitions.count
            recomputeAnalyses()
        case .nextGuideline:
            let all = Guideline.allCases
            guideline = all[(all.firstIndex(of: guideline)! + 1) % all.count]
        }
        keepSelectionVisible()
        return .render
    }

    private mutating func editFilter(_ key: Key) -> Effect {
        switch key {
        case .enter:
            isEditingFilter = false
        case .escape:
            isEditingFilter = false
            filter = ""
        case .backspace:
            guard !filter.isEmpty else { return .none }
            filter.removeLast()
        case .character(let c):
            // Only printable text goes into the filter; it is drawn back on screen.
            guard c.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }), filter.count < 40 else {
                return .none
            }
            filter.append(c)
        default:
            return .none
        }
        keepSelectionValid()
        return .render
    }

    // MARK: Selection

    /// Rows the table can show at the current size (the view uses the same layout).
    var visibleRowCount: Int { DashboardLayout(width: width, height: height).dataRows }

    private mutating func moveSelection(by delta: Int) {
        let current = selectedIndex ?? (delta > 0 ? -1 : rows.count)
        moveSelection(to: current + delta)
    }

    private mutating func moveSelection(to index: Int) {
        let rows = self.rows
        guard !rows.isEmpty else { return }
        selectedGroup = rows[min(max(0, index), rows.count - 1)].figures.group
    }

    /// After the rows change, keep the same group if it is still there, else the first row.
    private mutating func keepSelectionValid() {
        if selectedIndex == nil { selectedGroup = rows.first?.figures.group ?? selectedGroup }
        keepSelectionVisible()
    }

    private mutating func keepSelectionVisible() {
        let visible = visibleRowCount
        let count = rows.count
        scrollOffset = min(scrollOffset, max(0, count - visible))
        guard let index = selectedIndex else { return }
        if index < scrollOffset { scrollOffset = index }
        if index >= scrollOffset + visible { scrollOffset = index - visible + 1 }
    }
}
