import MarketAnalytics
import MarketReport
import TerminalText

/// Renders the state into a buffer. Pure: the same state always gives the same cells.
public enum DashboardView {
    public static func render(_ state: DashboardState) -> ScreenBuffer {
        let layout = DashboardLayout(width: state.width, height: state.height)
        var buffer = ScreenBuffer(width: state.width, height: state.height, asciiOnly: state.options.glyphs.isASCII)
        if layout.isTooSmall {
            drawTooSmall(into: &buffer)
        } else if state.showingHelp {
            HelpScreen.draw(state, into: &buffer)
        } else {
            // A list view's model, built once per frame (building it can scan every balance): the
            // title names its sort, the list screen draws it.
            let list: (model: TableModel, rows: [TableModel.Row])?
            switch state.view {
            case .overview, .matrix, .trends, .indebtedness: list = nil
            default: list = state.listModel
            }
            drawTitle(state, list: list, into: &buffer)
            drawInfoLine(state, into: &buffer)
            switch state.view {
            case .overview:
                OverviewTableView.draw(state, layout: layout, into: &buffer)
                IndexPanel.draw(state, layout: layout, into: &buffer)
            case .matrix:
                MatrixView.draw(state, top: 2, into: &buffer)
            case .trends:
                TrendsView.draw(state, top: 2, into: &buffer)
            case .indebtedness:
                IndebtednessView.draw(state, top: 2, into: &buffer)
            default:
                if let list { ListScreen.draw(state, model: list.model, rows: list.rows, layout: layout, into: &buffer) }
            }
            drawFooter(state, layout: layout, into: &buffer)
        }
        return buffer
    }

    /// The overview as plain text, every row shown, no footer: for `--plain`, pipes and screen readers.
    public static func plainText(_ state: DashboardState) -> String {
        var tall = state
        let rows = state.rows.count
        tall.width = max(state.width, 80)
        tall.height = max(DashboardLayout.minimumHeight, rows + 3 + 3 + DashboardLayout.stackedPanelRows)
        tall.width = min(tall.width, DashboardLayout.sidePanelWidth - 1) // keep the panel below the table
        var buffer = render(tall)
        // The footer's key hints and the selected row's status line mean nothing on paper.
        buffer.fill(x: 0, y: buffer.height - 1, width: buffer.width, height: 1, style: .normal)
        buffer.fill(x: 0, y: DashboardLayout(width: tall.width, height: tall.height).statusY, width: buffer.width, height: 1,
                    style: .normal)
        var lines = buffer.trimmedLines
        while lines.last?.isEmpty == true { lines.removeLast() }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Shown to a viewer who finds every place taken (`--max-viewers`).
    public static func refusal(width: Int, height: Int, maxViewers: Int, ascii: Bool) -> ScreenBuffer {
        var buffer = ScreenBuffer(width: width, height: height, asciiOnly: ascii)
        let lines = ["LendScope", "",
                     "All \(maxViewers) viewer place\(maxViewers == 1 ? " is" : "s are") taken right now.",
                     "Please try again in a few minutes.", "", "This session ends by itself."]
        let top = max(0, (height - lines.count) / 2)
        for (offset, line) in lines.enumerated() {
            let x = max(0, (width - DisplayWidth.of(line)) / 2)
            buffer.put(line, x: x, y: top + offset, style: offset == 0 ? .title : offset == 2 ? .accent : .normal)
        }
        return buffer
    }

    static func drawTooSmall(into buffer: inout ScreenBuffer) {
        let lines = ["Terminal too small: \(buffer.width)×\(buffer.height)",
                     "LendScope needs at least \(DashboardLayout.minimumWidth)×\(DashboardLayout.minimumHeight)"]
        let top = max(0, (buffer.height - lines.count) / 2)
        for (offset, line) in lines.enumerated() {
            let text = buffer.asciiOnly ? line.replacingOccurrences(of: "×", with: "x") : line
            let x = max(0, (buffer.width - DisplayWidth.of(text)) / 2)
            buffer.put(text, x: x, y: top + offset, style: offset == 0 ? .warning : .normal)
        }
    }

    /// The title line: every part with a priority (0 = keep longest). When the line is wider than
    /// the screen, the least important parts go whole, so a period, a measure or a time is never
    /// cut mid-word: the directory first, then the breadcrumbs' ancestors, then the product name.
    static func drawTitle(_ state: DashboardState, list: (model: TableModel, rows: [TableModel.Row])?,
                          into buffer: inout ScreenBuffer) {
        let glyphs = state.options.glyphs
        buffer.fill(x: 0, y: 0, width: buffer.width, height: 1, style: .title)
        var parts: [PriorityLine.Part] = [.init(text: "LendScope", priority: 5)]
        // A kiosk always says it is one.
        if state.features.readOnly { parts.append(.init(text: "read-only", priority: 0)) }
        if let snapshot = state.snapshot {
            parts.append(.init(text: snapshot.directory, priority: 6))
            if state.viewStack.count > 1 {
                // The whole path while it fits; then the current view's name alone, which stays,
                // shortened if need be (a pairing's or a bank's screen must say whose it is).
                parts.append(.init(text: state.viewStack.map(\.title).joined(separator: glyphs.isASCII ? " > " : " › "),
                                   priority: 4))
            }
            if let period = state.analysis?.period {
                parts.append(.init(text: "\(glyphs.previous) \(period) \(glyphs.next) \(state.periodIndex + 1)/\(state.periods.count)",
                                   priority: 0))
            }
            // The measure on screen, in every view; and what is being computed when another was asked for.
            parts.append(.init(text: state.measure == .originations ? "new lending" : "balances", priority: 0))
            if let pending = state.pendingKey {
                let ellipsis = glyphs.isASCII ? "..." : "…"
                parts.append(.init(text: "computing \(pending.measure == .originations ? "new lending" : "balances")"
                                   + (pending.definition.map { ", \($0)" } ?? "") + ellipsis, priority: 0, shrinksTo: 14))
            }
            let age = state.ageMinutes == 0 ? "" : " (\(state.ageMinutes) min ago)"
            // After a failed reload, when the data on screen date from is what matters most.
            // (The banner below says which data are kept, with their time.)
            parts.append(state.loadErrors.isEmpty ? .init(text: "loaded \(snapshot.loadedAt)\(age)", priority: 1)
                         : .init(text: "reload failed", priority: 0))
            if state.isReloading { parts.append(.init(text: glyphs.isASCII ? "reloading..." : "reloading…", priority: 2)) }
            if state.isPaused { parts.append(.init(text: "refresh paused", priority: 1)) }
        } else {
            parts.append(.init(text: "loading…", priority: 0))
        }
        // The sort and the search: what decides which rows are on screen, in every list view.
        if state.view == .overview {
            let arrow = state.sort.descending ? glyphs.descending : glyphs.ascending
            // Named as its column header reads (the amount column says its currency and unit).
            let name = state.sort.column == .balance
                ? (state.units == .cny ? "CNY " : "US$ ") + (state.measure == .originations ? "mn" : "bn")
                : state.sort.column.title(ascii: glyphs.isASCII)
            parts.append(.init(text: "sort \(name) \(arrow)", priority: 0))
            if !state.markedGroups.isEmpty { parts.append(.init(text: "\(state.markedGroups.count) marked", priority: 3)) }
        } else if let model = list?.model {
            if let sort = state.listSorts[state.view] ?? model.defaultSort.map({ ListSort(column: $0.column, descending: $0.descending) }),
               model.columns.indices.contains(sort.column) {
                let title = model.columns[sort.column].title
                parts.append(.init(text: "sort \(title.isEmpty ? "bar" : title) \(sort.descending ? glyphs.descending : glyphs.ascending)",
                                   priority: 0))
            } else {
                parts.append(.init(text: "sort: as listed", priority: 2)) // the model's own order
            }
        }
        // The search always shows (a long one shortened): a filtered list must say it is one.
        if !state.filter.isEmpty || state.isEditingFilter {
            parts.append(.init(text: "search \"\(state.filter)\"", priority: 0, shrinksTo: 14))
        }
        if state.view == .matrix {
            parts.append(.init(text: state.matrixShading == .shareOfGroup ? "shade: of group" : "shade: of bank", priority: 0))
        }
        let separator = " \(glyphs.vertical) "
        var line = PriorityLine(parts: parts, separator: separator)
        // The directory goes first; then the breadcrumbs shorten to the current view, which stays.
        if DisplayWidth.of(line.text(line.parts)) > buffer.width { line.parts.removeAll { $0.priority == 6 } }
        if DisplayWidth.of(line.text(line.parts)) > buffer.width, let crumbs = line.parts.firstIndex(where: { $0.priority == 4 }),
           let current = state.viewStack.last?.title {
            line.parts[crumbs] = .init(text: current, priority: 0, shrinksTo: 12)
        }
        buffer.put(line.fit(width: buffer.width).text, x: 0, y: 0, style: .title)
    }

    static func drawInfoLine(_ state: DashboardState, into buffer: inout ScreenBuffer) {
        if let first = state.loadErrors.first {
            // The last good data stay on screen; the banner says what is wrong and how old they are.
            // (The title says when the data on screen were loaded.)
            let count = state.loadErrors.count
            let more = count > 1 ? " (\(count) errors)" : ""
            let kept = state.snapshot.map { "data of \($0.loadedAt)\(state.ageMinutes == 0 ? "" : " (\(state.ageMinutes) min ago)") kept · " } ?? ""
            // The file, line and column matter more than the directory they are in: the data
            // directory's own path is left out (the title names it on wide screens).
            var problem = first
            if let directory = state.snapshot?.directory, problem.hasPrefix(directory + "/") {
                problem = String(problem.dropFirst(directory.count + 1))
            }
            buffer.fill(x: 0, y: 1, width: buffer.width, height: 1, style: Style(.warning, bold: true, reverse: true))
            buffer.put(TextFit.truncateAtWord(" ! " + kept + problem + more, width: buffer.width, ascii: state.options.glyphs.isASCII),
                       x: 0, y: 1, style: Style(.warning, bold: true, reverse: true))
            return
        }
        guard let analysis = state.analysis else { return }
        // Whole fields by priority: the market and the units stay; the FX basis, then the rate, go
        // first (the FX rate is in the help screen's data notes and every export).
        var parts: [PriorityLine.Part] = []
        if analysis.measure == .originations {
            parts.append(.init(text: "New lending in \(analysis.period): " + (analysis.marketTotal.map {
                "shares of \($0.definition) new lending [\($0.provenance.rawValue)]"
            } ?? "shares of the reported groups (no market total)"), priority: 0))
            if let group = state.selectedGroup, let bad = analysis.badShare[group] {
                parts.append(.init(text: "\(group) overdue/default \(NumberFormat.percent(bad, decimals: 1))", priority: 3))
            }
        } else if let total = analysis.marketTotal {
            parts.append(.init(text: "Market \(total.definition) [\(total.provenance.rawValue)]", priority: 0))
        } else {
            parts.append(.init(text: "Market: none for \(analysis.period): shares of the platforms' sum", priority: 0))
        }
        let unit = analysis.measure == .originations ? "mn" : "bn"
        parts.append(.init(text: state.units == .cny ? "CNY \(unit)" : "US$ \(unit)", priority: 0))
        if let rate = analysis.exchangeRate {
            parts.append(.init(text: "FX \(NumberFormat.grouped(rate.usdCNY, decimals: 4)) on \(rate.date) "
                               + "[\(rate.provenance.rawValue)]", priority: 1))
            if !rate.basis.isEmpty { parts.append(.init(text: rate.basis, priority: 2)) }
        } else {
            parts.append(.init(text: "no FX rate", priority: 1))
        }
        let dot = state.options.glyphs.isASCII ? " - " : " · "
        buffer.put(PriorityLine(parts: parts, separator: dot).fit(width: buffer.width).text, x: 0, y: 1, style: .muted)
    }

    static func drawFooter(_ state: DashboardState, layout: DashboardLayout, into buffer: inout ScreenBuffer) {
        let y = layout.footerY
        let cursor = state.options.glyphs.isASCII ? "_" : "█"
        if state.isEditingFilter {
            let used = buffer.put(" Search: ", x: 0, y: y, style: .accent)
            let typed = buffer.put(state.filter + cursor, x: used, y: y, style: .normal)
            buffer.put("  Enter keeps it, Esc clears", x: used + typed, y: y, style: .muted)
            return
        }
        if let query = state.jumpQuery {
            let used = buffer.put(" Go to: ", x: 0, y: y, style: .accent)
            let typed = buffer.put(query + cursor, x: used, y: y, style: .normal)
            let matches = state.jumpMatches
            let arrow = state.options.glyphs.isASCII ? "->" : "→"
            let more = matches.count > 1 ? " (\(state.jumpChoice % matches.count + 1) of \(matches.count), Tab next)" : ""
            let hint = query.isEmpty ? "  a bank or group name; Enter opens, Esc cancels"
                : state.jumpTarget(matches).map { "  \(arrow) \($0.name) (\($0.kind))\(more) · Enter opens" }
                    ?? "  no bank or group starts with that"
            buffer.put(TextFit.truncateAtWord(hint, width: buffer.width - used - typed, ascii: state.options.glyphs.isASCII),
                       x: used + typed, y: y, style: .muted)
            return
        }
        if let message = state.statusMessage {
            buffer.fill(x: 0, y: y, width: buffer.width, height: 1, style: .accent)
            buffer.put(" " + message, x: 0, y: y, style: Style(.accent, bold: true, reverse: true))
            return
        }
        // Drop hints from the right (help and quit stay) until the rest fits.
        var hints = Keymap.hints(ascii: state.options.glyphs.isASCII, in: state.view, features: state.features)
        func width(_ list: [(keys: String, label: String)]) -> Int {
            list.reduce(0) { $0 + DisplayWidth.of($1.keys) + DisplayWidth.of($1.label) + 2 }
        }
        while width(hints) > buffer.width, hints.count > 2 { hints.remove(at: hints.count - 3) }
        var x = 0
        for hint in hints {
            guard x < buffer.width else { break }
            x += buffer.put(" " + hint.keys, x: x, y: y, style: Style(.accent, bold: true))
            x += buffer.put(" " + hint.label, x: x, y: y, style: .normal)
        }
    }
}
