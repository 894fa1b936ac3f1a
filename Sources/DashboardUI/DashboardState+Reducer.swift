import MarketAnalytics
import MarketReport

extension DashboardState {
    /// Applies one action. Pure: time and data come in through actions, never read here.
    public mutating func apply(_ action: Action) -> Effect {
        switch action {
        case .snapshotLoaded(let snapshot):
            return load(snapshot)
        case .reloadFailed(let messages):
            loadErrors = messages
            isReloading = false
            return .render
        case .reloadStarted:
            guard !isReloading else { return .none }
            isReloading = true
            return .render
        case .resized(let width, let height):
            self.width = max(0, width)
            self.height = max(0, height)
            keepSelectionVisible()
            return .render
        case .tick(let now):
            // Redraw only when the age shown changes: an idle screen sends almost nothing.
            let minutes = max(0, Int((now - (snapshot?.loadedEpochSeconds ?? now)) / 60))
            guard minutes != ageMinutes else { return .none }
            ageMinutes = minutes
            return .render
        case .exportFinished(let paths):
            statusMessage = "exported " + paths.joined(separator: " and ")
            return .render
        case .exportFailed(let message):
            statusMessage = "export failed: " + message
            return .render
        case .keyPressed(let key):
            let hadMessage = statusMessage != nil
            statusMessage = nil
            let effect = press(key)
            return effect == .none && hadMessage ? .render : effect
        }
    }

    /// Swaps in a snapshot: new data, or the same data (same version) under another key.
    /// - Returns: `.analyze` when a pending key is still not what arrived, else `.render`.
    private mutating func load(_ snapshot: Snapshot) -> Effect {
        let previousPeriod = periods.indices.contains(periodIndex) ? periods[periodIndex] : nil
        let sameData = self.snapshot.map { $0.version == snapshot.version && $0.directory == snapshot.directory } ?? false
        self.snapshot = snapshot
        if !sameData {
            loanFigures = LoanFiguresShown(snapshot.dataset.loans, rule: smallCells)
            loadErrors = []
            isReloading = false
            ageMinutes = 0
        }
        periods = snapshot.series.periods
        // Keep the period the user was looking at when it still exists.
        periodIndex = previousPeriod.flatMap { periods.firstIndex(of: $0) } ?? max(0, periods.count - 1)
        if selectedGroup == nil { selectedGroup = rows.first?.figures.group }
        keepSelectionValid()
        guard let pending = pendingKey else { return .render }
        if snapshot.dataset.loans == nil && pending.measure == .originations {
            pendingKey = nil // the loan files are gone: new lending cannot be shown
            return .render
        }
        if Self.satisfies(snapshot.series.key, pending) {
            pendingKey = nil
            return .render
        }
        return .analyze(pending)
    }

    /// True when analyses made for `shown` are what `wanted` asked for (nil definition: the default).
    static func satisfies(_ shown: AnalysisKey, _ wanted: AnalysisKey) -> Bool {
        shown.measure == wanted.measure && (wanted.definition == nil || wanted.definition == shown.definition)
    }

    /// Asks the worker for analyses under `key`; the screen says so until they arrive.
    private mutating func request(_ key: AnalysisKey) -> Effect {
        if let shown = series?.key, Self.satisfies(shown, key) {
            pendingKey = nil
            return .render
        }
        pendingKey = key
        return .analyze(key)
    }

    private mutating func press(_ key: Key) -> Effect {
        if case .paste(let text) = key {
            // Pasted text is typed into an open prompt, character by character; elsewhere it is
            // ignored: a paste never runs commands.
            guard isEditingFilter || jumpQuery != nil else { return .none }
            var effect = Effect.none
            for character in text where character != "\n" && character != "\r" {
                if (isEditingFilter ? editFilter(.character(character)) : editJump(.character(character))) == .render {
                    effect = .render
                }
            }
            return effect
        }
        if isEditingFilter { return editFilter(key) }
        if jumpQuery != nil { return editJump(key) }
        let command = Keymap.command(for: key, in: view)
        if showingHelp {
            // Help is modal: help, q and Esc close it; a view key closes it and opens the view.
            switch command {
            case .toggleHelp, .quit, .back:
                showingHelp = false
                return .render
            case .selectUp, .pageUp, .selectTop:
                guard helpScroll > 0 else { return .none }
                let page = max(1, height - 4)
                helpScroll = command == .selectUp ? helpScroll - 1 : command == .pageUp ? max(0, helpScroll - page) : 0
                return .render
            case .selectDown, .pageDown, .selectBottom:
                // The view clamps the offset to what there is to show.
                let limit = HelpScreen.scrollLimit(self)
                let next = command == .selectBottom ? limit : min(helpScroll + (command == .selectDown ? 1 : max(1, height - 4)), limit)
                guard next != helpScroll else { return .none }
                helpScroll = next
                return .render
            case .show:
                showingHelp = false
                return perform(command!)
            default:
                return .none
            }
        }
        guard let command else { return .none }
        return perform(command)
    }

    private mutating func perform(_ command: Command) -> Effect {
        switch command {
        case .quit:
            guard viewStack.count > 1 else { return .quit }
            viewStack.removeLast()
        case .back:
            // A search is cleared before the view is left: Esc undoes the last thing done.
            if !filter.isEmpty {
                filter = ""
                keepSelectionValid()
            } else if viewStack.count > 1 {
                viewStack.removeLast()
            } else {
                return .none
            }
        case .toggleHelp:
            showingHelp = true
            helpScroll = 0
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
        case .selectBottom: moveSelection(to: Int.max / 2)
        case .cursorLeft:
            if view == .indebtedness {
                lists[.indebtedness, default: ListState()].column = max(0, overlapCursor(count: overlapGroups.count).column - 1)
            } else {
                matrixColumn = max(0, matrixColumn - 1)
            }
        case .cursorRight:
            if view == .indebtedness {
                lists[.indebtedness, default: ListState()].column = min(overlapGroups.count - 1,
                                                                         overlapCursor(count: overlapGroups.count).column + 1)
            } else {
                matrixColumn += 1
            }
        case .sortLeft, .sortRight, .sortBy, .invertSort:
            return view == .overview ? sortOverview(command) : sortList(command)
        case .startFilter:
            isEditingFilter = true
        case .startJump:
            jumpQuery = ""
            jumpChoice = 0
        case .open:
            return open()
        case .toggleMark:
            guard let group = selectedGroup, selectedIndex != nil else { return .none }
            if markedGroups.contains(group) { markedGroups.remove(group) } else { markedGroups.insert(group) }
        case .show(let target):
            if target == .merger && markedGroups.count < 2 {
                statusMessage = "mark two or more groups with Space on the overview, then press w"
                return .render
            }
            guard target != view else { return .none }
            // Views by letter are siblings under the overview; drill-downs stack on top of them.
            viewStack = [.overview, target]
        case .showCapHistory:
            let bank: String?
            switch view {
            case .bank(let name): bank = name
            case .banks:
                let rows = listModel?.rows ?? []
                bank = (rows.first { $0.id == listSelection[view] } ?? rows.first)?.id
            default: bank = nil
            }
            guard let bank else {
                statusMessage = "c shows a bank's caps over time: open the banks list (b) or a bank first"
                return .render
            }
            viewStack.append(.capHistory(bank))
        case .toggleUnits:
            units = units == .cny ? .usd : .cny
        case .toggleMeasure:
            guard snapshot?.dataset.loans != nil else {
                statusMessage = "no loan files in this data directory: new lending needs loans/*.csv"
                return .render
            }
            let next: Measure = requestedKey.measure == .balances ? .originations : .balances
            // Keep the market definition when it has totals for the other measure too.
            let definitions = snapshot?.dataset.marketDefinitions(for: next) ?? []
            let definition = requestedKey.definition.flatMap { definitions.contains($0) ? $0 : nil }
            return request(AnalysisKey(definition: definition, measure: next, warnAt: requestedKey.warnAt))
        case .nextMarketDefinition:
            let definitions = snapshot?.dataset.marketDefinitions(for: requestedKey.measure) ?? []
            guard definitions.count > 1 else { return .none }
            let current = requestedKey.definition.flatMap { definitions.firstIndex(of: $0) } ?? 0
            return request(AnalysisKey(definition: definitions[(current + 1) % definitions.count], measure: requestedKey.measure,
                                       warnAt: requestedKey.warnAt))
        case .nextGuideline:
            let all = Guideline.allCases
            guideline = all[(all.firstIndex(of: guideline)! + 1) % all.count]
        case .export:
            return export()
        case .reload:
            return .reloadNow
        case .togglePause:
            isPaused.toggle()
        case .toggleTrendLine:
            let all = TrendsView.allGroups(self)
            let row = min(max(0, lists[.trends]?.row ?? 0), max(0, all.count - 1))
            guard all.indices.contains(row) else { return .none }
            var shown = trendGroups ?? Set(TrendsView.topGroups(self))
            if shown.contains(all[row]) { shown.remove(all[row]) } else { shown.insert(all[row]) }
            trendGroups = shown
        case .toggleMatrixShading:
            matrixShading = matrixShading == .shareOfGroup ? .shareOfBank : .shareOfGroup
        case .copyRow, .copyTable:
            return copy(wholeTable: command == .copyTable)
        }
        keepSelectionVisible()
        rememberOverlapCell()
        return .render
    }

    /// The overlap cursor's pair by name, so that it stays on the same two groups when the
    /// period changes and the groups' order (most borrowers first) moves.
    private mutating func rememberOverlapCell() {
        guard view == .indebtedness else { return }
        let names = overlapGroups
        guard !names.isEmpty else { return }
        let cursor = overlapCursor(count: names.count)
        lists[.indebtedness, default: ListState()].selection = names[cursor.row] + "\u{0}" + names[cursor.column]
    }

    /// Puts the overlap cursor back on the remembered pair, if both groups are still there.
    private mutating func restoreOverlapCell() {
        guard let pair = lists[.indebtedness]?.selection?.split(separator: "\u{0}", omittingEmptySubsequences: false),
              pair.count == 2 else { return }
        let names = overlapGroups
        if let row = names.firstIndex(of: String(pair[0])), let column = names.firstIndex(of: String(pair[1])) {
            lists[.indebtedness, default: ListState()].row = row
            lists[.indebtedness, default: ListState()].column = column
        }
    }

    // MARK: Sorting

    private mutating func sortOverview(_ command: Command) -> Effect {
        let columns = OverviewColumn.allCases
        switch command {
        case .sortLeft:
            let next = columns[(sort.column.rawValue + columns.count - 1) % columns.count]
            sort = SortOrder(column: next, descending: next.defaultDescending)
        case .sortRight:
            let next = columns[(sort.column.rawValue + 1) % columns.count]
            sort = SortOrder(column: next, descending: next.defaultDescending)
        case .sortBy(let index):
            guard let column = OverviewColumn(rawValue: index) else { return .none }
            sort = column == sort.column
                ? SortOrder(column: column, descending: !sort.descending)
                : SortOrder(column: column, descending: column.defaultDescending)
        default:
            sort.descending.toggle()
        }
        keepSelectionVisible()
        return .render
    }

    private mutating func sortList(_ command: Command) -> Effect {
        guard let (model, _) = listModel, !model.columns.isEmpty else { return .none }
        let count = model.columns.count
        let current = listSorts[view] ?? model.defaultSort.map { ListSort(column: $0.column, descending: $0.descending) }
            ?? ListSort(column: 0, descending: false)
        var next = current
        switch command {
        case .sortLeft: next = ListSort(column: (current.column + count - 1) % count, descending: false)
        case .sortRight: next = ListSort(column: (current.column + 1) % count, descending: false)
        case .sortBy(let index):
            guard index < count else { return .none }
            next = index == current.column ? ListSort(column: index, descending: !current.descending)
                : ListSort(column: index, descending: false)
        default: next.descending.toggle()
        }
        listSorts[view] = next
        keepSelectionVisible()
        return .render
    }

    // MARK: Views

    private mutating func open() -> Effect {
        switch view {
        case .overview:
            guard let group = selectedGroup, selectedIndex != nil else { return .none }
            viewStack.append(.platform(group))
        case .matrix:
            guard let analysis else { return .none }
            let banks = MatrixView.topBanks(self, analysis)
            let groups = matrixGroups
            guard !groups.isEmpty, !banks.isEmpty else { return .none }
            let cursor = matrixCursor(rows: groups.count, columns: banks.count)
            let pairing = ViewKind.pairing(group: groups[cursor.row].group, bank: banks[cursor.column])
            listSelection[pairing] = analysis.period.description // start on the period being looked at
            viewStack.append(pairing)
        case .indebtedness:
            let names = overlapGroups
            guard let analysis, !names.isEmpty else { return .none }
            let cursor = overlapCursor(count: names.count)
            guard cursor.row != cursor.column else {
                statusMessage = "choose a cell off the diagonal: two different groups"
                return .render
            }
            let pair = ViewKind.overlapPair(a: names[cursor.row], b: names[cursor.column])
            listSelection[pair] = analysis.period.description
            viewStack.append(pair)
        default:
            guard let (_, rows) = listModel, let row = rows.first(where: { $0.id == listSelection[view] }) ?? rows.first,
                  let target = row.target else { return .none }
            listSelection[view] = row.id
            // A history over every period (a pairing's, a group's pricing) opens on the period being looked at.
            if target.listsPeriods, let period = analysis?.period { listSelection[target] = period.description }
            viewStack.append(target)
        }
        keepSelectionVisible()
        return .render
    }

    private mutating func export() -> Effect {
        guard features.export else {
            statusMessage = "export is disabled in this session"
            return .render
        }
        guard let analysis, let model = ViewModels.model(for: view, self) else { return .none }
        let rows = view == .overview ? model.rows : (listModel?.rows ?? model.rows)
        let measure = analysis.measure == .originations ? "new lending" : "outstanding balances"
        let context = "LendScope, \(snapshot?.directory ?? ""), \(analysis.period), \(measure), "
            + "market: \(marketDefinition ?? "sum of groups")"
        let stem = "lendscope-\(view.fileStem)-\(analysis.period)"
        // Every export says its period, once (the what-if's model already has the column).
        let prefix = model.columns.contains { $0.csvName == "period" } ? [] : [(name: "period", value: analysis.period.description)]
        var files = [ExportRequest.File(name: stem + ".csv", text: model.csv(rows: rows, prefix: prefix))]
        var markdown = model.markdown(rows: rows, context: context)
        if view == .overview {
            // The index panel's figures travel with the table they describe.
            let indices = OverviewModel.indices(analysis)
            files.append(ExportRequest.File(name: "lendscope-overview-indices-\(analysis.period).csv",
                                            text: indices.csv(rows: indices.rows, prefix: prefix)))
            markdown += "\n### Concentration\n\n" + indices.markdownTable(rows: indices.rows).joined(separator: "\n") + "\n"
            if let verdicts = analysis.verdicts {
                markdown += "\n### Guideline verdicts\n\n| Guideline | Finding | Threshold | Issued |\n| --- | --- | --- | --- |\n"
                    + verdicts.map { "| \($0.guideline.shortTitle) | \($0.finding) | \($0.threshold) | \($0.guideline.date) |" }
                        .joined(separator: "\n") + "\n"
            } else {
                markdown += "\n" + (analysis.verdictsUnavailable ?? "") + "\n"
            }
        }
        files.append(ExportRequest.File(name: stem + ".md", text: markdown))
        return .export(ExportRequest(files: files))
    }

    private mutating func copy(wholeTable: Bool) -> Effect {
        guard features.clipboard else {
            statusMessage = "copy is disabled in this session"
            return .render
        }
        guard let model = ViewModels.model(for: view, self) else { return .none }
        let rows = view == .overview ? model.rows : (listModel?.rows ?? model.rows)
        let selectedID = view == .overview ? selectedGroup : listSelection[view] ?? rows.first?.id
        let chosen = wholeTable ? rows : rows.filter { $0.id == selectedID }
        guard !chosen.isEmpty else { return .none }
        statusMessage = "copied \(chosen.count) row\(chosen.count == 1 ? "" : "s") to the clipboard (OSC 52)"
        return .copy(model.tsv(rows: chosen))
    }

    /// The match Enter opens: the one chosen with Tab/↓ among `matches`.
    func jumpTarget(_ matches: [JumpTarget]) -> JumpTarget? {
        matches.isEmpty ? nil : matches[jumpChoice % matches.count]
    }

    /// Where `:` would go with what is typed so far: groups and banks whose name (or a word of it)
    /// starts with the text, the name's own prefix first, then the order on screen.
    public var jumpMatches: [JumpTarget] {
        guard let query = jumpQuery, !query.isEmpty, let snapshot else { return [] }
        let dataset = snapshot.dataset
        let groups = Set(dataset.groupOfPlatform.values).union(analysis?.groups.map(\.group) ?? [])
        let banks = Set(dataset.banks.keys).union(analysis?.banks.map(\.bank) ?? [])
        let candidates = groups.sorted().map(JumpTarget.group) + banks.sorted().map(JumpTarget.bank)
        return candidates.compactMap { target in NameSearch.jumpRank(target.name, query).map { (target, $0) } }
            .sorted { $0.1 < $1.1 }.map(\.0)
    }

    private mutating func editJump(_ key: Key) -> Effect {
        switch key {
        case .enter:
            let matches = jumpMatches
            let query = jumpQuery ?? ""
            jumpQuery = nil
            guard let target = jumpTarget(matches) else {
                if !query.isEmpty { statusMessage = "no bank or group starts with \"\(query)\"" }
                return .render
            }
            switch target {
            case .group(let group):
                viewStack = [.overview, .platform(group)]
            case .bank(let bank):
                lists[.banks, default: ListState()].selection = bank
                viewStack = [.overview, .banks, .bank(bank)]
            }
            keepSelectionVisible()
        case .escape:
            jumpQuery = nil
        case .tab, .down:
            // The next match (two names may differ only in case): Tab or ↓, ↑ back.
            jumpChoice += 1
        case .up, .backTab:
            // The previous match, round to the last.
            let count = max(1, jumpMatches.count)
            jumpChoice = (jumpChoice % count + count - 1) % count
        case .backspace:
            guard jumpQuery?.isEmpty == false else { return .none }
            jumpQuery?.removeLast()
            jumpChoice = 0
        case .character(let c):
            guard Self.typable(c), (jumpQuery?.unicodeScalars.count ?? 0) + c.unicodeScalars.count <= Self.longestTyped else {
                return .none
            }
            jumpQuery?.append(c)
            jumpChoice = 0
        default:
            return .none
        }
        return .render
    }

    /// The longest search or go-to text, in Unicode scalars (not characters: a thousand combining
    /// marks on one letter are one character, and would make every match slow).
    static let longestTyped = 40

    /// Printable text only: what is typed is drawn back on screen.
    static func typable(_ c: Character) -> Bool {
        c.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7F && !(0x80...0x9F).contains($0.value) }
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
            guard Self.typable(c), filter.unicodeScalars.count + c.unicodeScalars.count <= Self.longestTyped else {
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

    /// Rows the current table can show at the current size (the view uses the same layout).
    var visibleRowCount: Int {
        let layout = DashboardLayout(width: width, height: height)
        if view == .overview { return layout.dataRows }
        return listModel.map { ListScreen.dataRows($0.model, layout: layout) } ?? 1
    }

    private mutating func moveSelection(by delta: Int) {
        switch view {
        case .overview:
            let current = selectedIndex ?? (delta > 0 ? -1 : rows.count)
            moveSelection(to: current + delta)
        case .matrix:
            matrixRow = min(max(0, matrixRow + delta), max(0, matrixGroups.count - 1))
        case .trends:
            let count = TrendsView.allGroups(self).count
            lists[.trends, default: ListState()].row = min(max(0, (lists[.trends]?.row ?? 0) + delta), max(0, count - 1))
        case .indebtedness:
            let count = overlapGroups.count
            lists[.indebtedness, default: ListState()].row = min(max(0, overlapCursor(count: count).row + delta), max(0, count - 1))
        default:
            guard let (_, rows) = listModel else { return }
            let current = rows.firstIndex { $0.id == listSelection[view] } ?? 0
            moveSelection(to: current + delta)
        }
    }

    private mutating func moveSelection(to index: Int) {
        switch view {
        case .overview:
            let rows = self.rows
            guard !rows.isEmpty else { return }
            selectedGroup = rows[min(max(0, index), rows.count - 1)].figures.group
        case .matrix:
            matrixRow = max(0, min(index, matrixGroups.count - 1))
        case .trends:
            lists[.trends, default: ListState()].row = max(0, min(index, TrendsView.allGroups(self).count - 1))
        case .indebtedness:
            lists[.indebtedness, default: ListState()].row = max(0, min(index, overlapGroups.count - 1))
        default:
            guard let (_, rows) = listModel, !rows.isEmpty else { return }
            listSelection[view] = rows[min(max(0, index), rows.count - 1)].id
        }
    }

    /// After the rows change, keep the same group if it is still there, else the first row.
    private mutating func keepSelectionValid() {
        if selectedIndex == nil { selectedGroup = rows.first?.figures.group ?? selectedGroup }
        if view == .indebtedness { restoreOverlapCell() }
        if view == .matrix { matrixRow = min(matrixRow, max(0, matrixGroups.count - 1)) }
        keepSelectionVisible()
    }

    private mutating func keepSelectionVisible() {
        if view == .overview {
            let visible = DashboardLayout(width: width, height: height).dataRows
            let count = rows.count
            scrollOffset = min(scrollOffset, max(0, count - visible))
            guard let index = selectedIndex else { return }
            if index < scrollOffset { scrollOffset = index }
            if index >= scrollOffset + visible { scrollOffset = index - visible + 1 }
            return
        }
        guard let (model, rows) = listModel else { return }
        let visible = ListScreen.dataRows(model, layout: DashboardLayout(width: width, height: height))
        var offset = min(listScroll[view] ?? 0, max(0, rows.count - visible))
        if let index = rows.firstIndex(where: { $0.id == listSelection[view] }) {
            if index < offset { offset = index }
            if index >= offset + visible { offset = index - visible + 1 }
        } else if let first = rows.first {
            listSelection[view] = first.id
            offset = 0
        }
        listScroll[view] = offset
    }
}
