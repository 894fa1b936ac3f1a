import TerminalText

/// How a cell should stand out; each front end maps it to its own styles (never colour alone).
public enum Emphasis: Sendable, Hashable {
    case normal, muted, warning, accent, good, estimate, bar
}

public enum ColumnAlignment: Sendable, Hashable {
    case left, right
}

/// One table, many renderings: the model that the screen draws, and that the CSV and Markdown
/// exports, the clipboard and the text report write, so they cannot disagree.
///
/// Each column has a title for people (the screen's, e.g. `CNY bn`) and a machine name for CSV
/// that carries its unit (`balance_cny_bn`, `share_of_market` as a fraction); each cell has its
/// display text, a sort key and its CSV value in the CSV column's unit. Bar columns exist on
/// screen only. `footer` rows (the market's unreported remainder) are pinned below the sorted rows.
/// `Target` is what a row opens on screen (the dashboard's view kind; `Never` for reports).
public struct DataTable<Target: Sendable>: Sendable {
    public enum Width: Sendable {
        case fixed(Int)
        /// Takes a share of the remaining width, between `min` and `max` cells.
        case flexible(min: Int, max: Int)
    }

    public enum SortKey: Comparable, Sendable {
        case number(Double)
        case text(String)
        case none

        public static func < (lhs: SortKey, rhs: SortKey) -> Bool {
            switch (lhs, rhs) {
            case let (.number(a), .number(b)): return a < b
            case let (.text(a), .text(b)): return a.lowercased() < b.lowercased()
            case (.none, .none): return false
            case (.none, _): return true
            case (_, .none): return false
            case (.number, .text): return true
            case (.text, .number): return false
            }
        }
    }

    public struct Column: Sendable {
        public var title: String
        public var width: Width
        public var alignment: ColumnAlignment
        /// The CSV header, with its unit; nil leaves the column out of CSV (bars).
        public var csvName: String?
        /// False for columns only the files carry (the other currency, full-precision extras).
        public var onScreen: Bool
        /// True for a bar: drawn on screen, left out of text and CSV.
        public var isBar: Bool
        /// False for long texts that files carry but the aligned text report cites once below the table.
        public var inText: Bool
        /// On a narrow screen, columns go in order of this number, highest first; 0 never goes
        /// (names, and the figures that decide a rule).
        public var priority: Int
        /// A narrower width that shows the cells' short codes (a bank type as `CC`): tried before
        /// any column is dropped.
        public var compact: Width?

        public init(_ title: String, _ width: Width, _ alignment: ColumnAlignment = .left, csv: String?,
                    onScreen: Bool = true, inText: Bool = true, priority: Int = 0, compact: Width? = nil) {
            self.title = title
            self.width = width
            self.alignment = alignment
            self.csvName = csv
            self.onScreen = onScreen
            self.isBar = false
            self.inText = inText
            self.priority = priority
            self.compact = compact
        }

        /// A bar column: screen only; it shrinks before anything else goes and goes first.
        public static func bar(_ title: String, _ width: Width, priority: Int = 9) -> Column {
            var column = Column(title, width, csv: nil, priority: priority)
            column.isBar = true
            return column
        }

        var minimumWidth: Int {
            switch width {
            case .fixed(let w): return w
            case .flexible(let minimum, _): return minimum
            }
        }
    }

    public struct Cell: Sendable {
        public var text: String
        public var style: Emphasis?
        public var sortKey: SortKey
        /// The CSV field, in the column's CSV unit.
        public var csv: String
        /// The code shown when the column is compact (its legend is the full text).
        public var short: String?

        public init(_ text: String, style: Emphasis? = nil, sort: SortKey = .none, csv: String? = nil, short: String? = nil) {
            self.text = text
            self.style = style
            self.sortKey = sort
            self.csv = csv ?? text
            self.short = short
        }

        /// A number: shown formatted, sorted by value, exported as `csvValue` (the value in the
        /// CSV column's unit; by default the value itself).
        public static func number(_ value: Double?, _ text: String, style: Emphasis? = nil, csvValue: Double? = nil) -> Cell {
            Cell(text, style: style, sort: value.map { .number($0) } ?? .none,
                 csv: (csvValue ?? value).map(DataTableCSV.number) ?? "")
        }

        public static func name(_ text: String, style: Emphasis? = nil) -> Cell {
            Cell(text, style: style, sort: .text(text))
        }

        /// Shown on screen, empty in CSV (a bar, a marker).
        public static func screenOnly(_ text: String, style: Emphasis? = nil, sort: SortKey = .none) -> Cell {
            Cell(text, style: style, sort: sort, csv: "")
        }
    }

    public struct Row: Sendable {
        public var id: String
        public var cells: [Cell]
        /// What Enter opens from this row.
        public var target: Target?
        /// Lines shown under the table while this row is selected.
        public var detail: [String]

        public init(id: String, cells: [Cell], target: Target? = nil, detail: [String] = []) {
            self.id = id
            self.cells = cells
            self.target = target
            self.detail = detail
        }
    }

    public var title: String
    public var summary: [(text: String, style: Emphasis)]
    public var columns: [Column]
    public var rows: [Row]
    /// Pinned below the rows, never sorted or filtered away (e.g. "others (unreported)").
    public var footer: [Row]
    /// The column a fresh view sorts by, and its direction; nil keeps the model's order.
    public var defaultSort: (column: Int, descending: Bool)?

    public init(title: String, summary: [(text: String, style: Emphasis)] = [], columns: [Column], rows: [Row],
                footer: [Row] = [], defaultSort: (column: Int, descending: Bool)? = nil) {
        self.title = title
        self.summary = summary
        self.columns = columns
        self.rows = rows
        self.footer = footer
        self.defaultSort = defaultSort
    }

    /// Rows in the given order; ties keep the model's order.
    public func sorted(by sort: (column: Int, descending: Bool)?) -> [Row] {
        guard let sort, sort.column < columns.count else { return rows }
        return rows.enumerated().sorted { a, b in
            let (x, y) = (a.element.cells[sort.column].sortKey, b.element.cells[sort.column].sortKey)
            if x != y { return sort.descending ? y < x : x < y }
            return a.offset < b.offset
        }.map(\.element)
    }

    /// The indices of the columns shown on screen, in order.
    public var screenColumns: [Int] { columns.indices.filter { columns[$0].onScreen } }

    /// Which columns a screen of `total` cells shows, how wide, which in their compact form, and
    /// which were left out (the view says where their values went).
    public struct ScreenLayout: Sendable, Equatable {
        public var indices: [Int]
        public var widths: [Int]
        public var compact: Set<Int>
        public var hidden: [Int]
    }

    /// Fits the screen columns in `total` cells: bars shrink to their minimum, then compactable
    /// columns take their short form, then columns go by priority (highest first, the rightmost
    /// among equals); priority-0 columns always stay. Flexible columns share what is left.
    public func screenLayout(total: Int, gap: Int = 1) -> ScreenLayout {
        var shown = screenColumns
        var compact: Set<Int> = []
        var hidden: [Int] = []
        func minimum(_ index: Int) -> Int {
            compact.contains(index) ? (columns[index].compact.map { Column("", $0, csv: nil).minimumWidth } ?? 0)
                : columns[index].minimumWidth
        }
        func needed() -> Int { shown.reduce(0) { $0 + minimum($1) } + gap * max(0, shown.count - 1) }
        while needed() > total {
            if let next = shown.first(where: { columns[$0].compact != nil && !compact.contains($0) }) {
                compact.insert(next)
                continue
            }
            guard let drop = shown.reversed().filter({ columns[$0].priority > 0 })
                    .max(by: { columns[$0].priority < columns[$1].priority }) else { break }
            shown.removeAll { $0 == drop }
            hidden.append(drop)
        }
        var narrowed = self
        for index in compact { narrowed.columns[index].width = columns[index].compact! }
        var widths = narrowed.widths(total: total, gap: gap, indices: shown)
        // A compactable column whose texts would be cut shows its codes instead: a code is
        // readable, `rural comme…` is not.
        for (position, index) in shown.enumerated() where columns[index].compact != nil && !compact.contains(index) {
            let longest = (rows + footer).map { DisplayWidth.of($0.cells[index].text) }.max() ?? 0
            if longest > widths[position] {
                compact.insert(index)
                narrowed.columns[index].width = columns[index].compact!
                widths = narrowed.widths(total: total, gap: gap, indices: shown)
            }
        }
        return ScreenLayout(indices: shown, widths: widths, compact: compact, hidden: hidden.sorted())
    }

    /// Column widths for a total width, for the columns at `indices`: fixed ones as given,
    /// flexible ones share the rest.
    public func widths(total: Int, gap: Int = 1, indices: [Int]? = nil) -> [Int] {
        let chosen = (indices ?? Array(columns.indices)).map { columns[$0] }
        let fixed = chosen.reduce(0) { sum, column in
            switch column.width {
            case .fixed(let w): return sum + w
            case .flexible(let minimum, _): return sum + minimum
            }
        } + gap * max(0, chosen.count - 1)
        var widths = chosen.map { column -> Int in
            switch column.width {
            case .fixed(let w): return w
            case .flexible(let minimum, _): return minimum
            }
        }
        // Share the spare cells out one at a time, so every flexible column grows together.
        var spare = max(0, total - fixed)
        var grew = true
        while spare > 0 && grew {
            grew = false
            for (index, column) in chosen.enumerated() where spare > 0 {
                if case .flexible(_, let maximum) = column.width, widths[index] < maximum {
                    widths[index] += 1
                    spare -= 1
                    grew = true
                }
            }
        }
        return widths
    }

    /// RFC 4180 CSV: the machine column names, then each row's values in those units, the footer last.
    public func csv(rows: [Row], prefix: [(name: String, value: String)] = []) -> String {
        let kept = columns.indices.filter { columns[$0].csvName != nil }
        let header = prefix.map { DataTableCSV.field($0.name) } + kept.map { DataTableCSV.field(columns[$0].csvName!) }
        let body = (rows + footer).map { row in
            (prefix.map { DataTableCSV.field($0.value) } + kept.map { DataTableCSV.field(row.cells[$0].csv) })
                .joined(separator: ",")
        }
        return ([header.joined(separator: ",")] + body).joined(separator: "\n") + "\n"
    }

    /// Columns that text renderings show: everything but bars.
    var textColumns: [Int] { columns.indices.filter { !columns[$0].isBar && columns[$0].inText } }

    /// A Markdown section: the title, the summary lines, and the table as displayed (footer included).
    public func markdown(rows: [Row], context: String) -> String {
        func cell(_ text: String) -> String { SafeText.sanitize(text).replacingOccurrences(of: "|", with: "\\|") }
        var lines = ["## \(cell(title))", "", cell(context), ""]
        for line in summary where !line.text.trimmingCharacters(in: .whitespaces).isEmpty {
            lines.append("- " + cell(line.text.trimmingCharacters(in: .whitespaces)))
        }
        if !summary.isEmpty { lines.append("") }
        lines += markdownTable(rows: rows)
        return lines.joined(separator: "\n") + "\n"
    }

    /// The table alone as GitHub-flavoured Markdown.
    public func markdownTable(rows: [Row]) -> [String] {
        func cell(_ text: String) -> String { SafeText.sanitize(text).replacingOccurrences(of: "|", with: "\\|") }
        let shown = textColumns
        var lines = ["| " + shown.map { cell(columns[$0].title) }.joined(separator: " | ") + " |"]
        lines.append("|" + shown.map { columns[$0].alignment == .right ? " ---: |" : " --- |" }.joined())
        for row in rows + footer { lines.append("| " + shown.map { cell(row.cells[$0].text) }.joined(separator: " | ") + " |") }
        return lines
    }

    /// Aligned plain text (display-width aware), footer included: the text report's table.
    public func textLines(rows: [Row], indent: String = "") -> [String] {
        let shown = textColumns
        var table = TextTable(shown.map { (columns[$0].title, columns[$0].alignment == .right ? .right : .left) })
        for row in rows + footer { table.add(shown.map { row.cells[$0].text }) }
        return table.render(indent: indent)
    }

    /// Tab-separated text for the clipboard: the columns and texts the screen shows, bars left out.
    public func tsv(rows: [Row]) -> String {
        let shown = columns.indices.filter { columns[$0].onScreen && !columns[$0].isBar }
        return ([shown.map { columns[$0].title }] + rows.map { row in shown.map { row.cells[$0].text } })
            .map { $0.map { SafeText.sanitize($0) }.joined(separator: "\t") }.joined(separator: "\n") + "\n"
    }
}

/// CSV field and number formats shared by every CSV LendScope writes.
public enum DataTableCSV {
    /// RFC 4180 quoting, after the terminal sanitiser (a spreadsheet is often viewed in a terminal).
    public static func field(_ text: String) -> String {
        let safe = SafeText.sanitize(text)
        return safe.contains(",") || safe.contains("\"") || safe.contains("\n")
            ? "\"" + safe.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : safe
    }

    /// Rounded to 15 significant digits (the precision a double always carries, so a unit
    /// conversion's last-bit noise such as 0.30000000000000004 reads 0.3), never with an exponent,
    /// whole numbers without a decimal point (`1`, not `1.0`); empty when not finite. JSON carries
    /// every bit.
    public static func number(_ value: Double) -> String {
        guard value.isFinite else { return "" }
        if value == 0 { return "0" }
        let magnitude = Int((abs(value)).log10Floor)
        let decimals = max(0, 14 - magnitude)
        var text = String(format: "%.\(min(decimals, 340))f", value)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text == "-0" ? "0" : text
    }
}

import Foundation

extension Double {
    /// ⌊log10 |x|⌋ for a finite non-zero x.
    var log10Floor: Double { Foundation.log10(Swift.abs(self)).rounded(.down) }
}
