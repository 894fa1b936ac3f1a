import TerminalText

/// A view's content as a table: what list screens draw, what export writes and copy copies.
/// Each cell has its display text, a sort key, and the plain value CSV gets (full precision).
public struct TableModel: Sendable {
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
        public var alignment: TableWidget.Alignment

        public init(_ title: String, _ width: Width, _ alignment: TableWidget.Alignment = .left) {
            self.title = title
            self.width = width
            self.alignment = alignment
        }
    }

    public struct Cell: Sendable {
        public var text: String
        public var style: Style?
        public var sortKey: SortKey
        public var csv: String

        public init(_ text: String, style: Style? = nil, sort: SortKey = .none, csv: String? = nil) {
            self.text = text
            self.style = style
            self.sortKey = sort
            self.csv = csv ?? text
        }

        /// A number: shown formatted, sorted and exported by value.
        public static func number(_ value: Double?, _ text: String, style: Style? = nil) -> Cell {
            Cell(text, style: style, sort: value.map { .number($0) } ?? .none, csv: value.map { "\($0)" } ?? "")
        }

        public static func name(_ text: String, style: Style? = nil) -> Cell {
            Cell(text, style: style, sort: .text(text))
        }
    }

    public struct Row: Sendable {
        public var id: String
        public var cells: [Cell]
        /// The view Enter opens from this row.
        public var target: ViewKind?
        /// Lines shown under the table while this row is selected.
        public var detail: [String]

        public init(id: String, cells: [Cell], target: ViewKind? = nil, detail: [String] = []) {
            self.id = id
            self.cells = cells
            self.target = target
            self.detail = detail
        }
    }

    public var title: String
    public var summary: [(text: String, style: Style)]
    public var columns: [Column]
    public var rows: [Row]
    /// The column a fresh view sorts by, and its direction; nil keeps the model's order.
    public var defaultSort: (column: Int, descending: Bool)?

    public init(title: String, summary: [(text: String, style: Style)] = [], columns: [Column], rows: [Row],
                defaultSort: (column: Int, descending: Bool)? = nil) {
        self.title = title
        self.summary = summary
        self.columns = columns
        self.rows = rows
        self.defaultSort = defaultSort
    }

    /// Rows in the given order; ties keep the model's order.
    public func sorted(by sort: ListSort?) -> [Row] {
        guard let sort, sort.column < columns.count else { return rows }
        return rows.enumerated().sorted { a, b in
            let (x, y) = (a.element.cells[sort.column].sortKey, b.element.cells[sort.column].sortKey)
            if x != y { return sort.descending ? y < x : x < y }
            return a.offset < b.offset
        }.map(\.element)
    }

    /// Column widths for a total width: fixed ones as given, flexible ones share the rest.
    public func widths(total: Int, gap: Int = 1) -> [Int] {
        let fixed = columns.reduce(0) { sum, column in
            if case .fixed(let w) = column.width { return sum + w }
            if case .flexible(let minimum, _) = column.width { return sum + minimum }
            return sum
        } + gap * max(0, columns.count - 1)
        var widths = columns.map { column -> Int in
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
            for (index, column) in columns.enumerated() where spare > 0 {
                if case .flexible(_, let maximum) = column.width, widths[index] < maximum {
                    widths[index] += 1
                    spare -= 1
                    grew = true
                }
            }
        }
        return widths
    }

    /// RFC 4180 CSV: the column titles, then each row's plain values.
    public func csv(rows: [Row]) -> String {
        func field(_ text: String) -> String {
            let safe = SafeText.sanitize(text)
            return safe.contains(",") || safe.contains("\"")
                ? "\"" + safe.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : safe
        }
        let lines = [columns.map { field($0.title) }.joined(separator: ",")]
            + rows.map { $0.cells.map { field($0.csv) }.joined(separator: ",") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A Markdown section: the title, the summary lines, and the table as displayed.
    public func markdown(rows: [Row], context: String) -> String {
        func cell(_ text: String) -> String { SafeText.sanitize(text).replacingOccurrences(of: "|", with: "\\|") }
        var lines = ["## \(cell(title))", "", cell(context), ""]
        for line in summary where !line.text.trimmingCharacters(in: .whitespaces).isEmpty {
            lines.append("- " + cell(line.text.trimmingCharacters(in: .whitespaces)))
        }
        if !summary.isEmpty { lines.append("") }
        lines.append("| " + columns.map { cell($0.title) }.joined(separator: " | ") + " |")
        lines.append("|" + columns.map { $0.alignment == .right ? " ---: |" : " --- |" }.joined())
        for row in rows { lines.append("| " + row.cells.map { cell($0.text) }.joined(separator: " | ") + " |") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Tab-separated text for the clipboard.
    public func tsv(rows: [Row]) -> String {
        ([columns.map(\.title)] + rows.map { $0.cells.map(\.text) })
            .map { $0.map { SafeText.sanitize($0) }.joined(separator: "\t") }.joined(separator: "\n") + "\n"
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
