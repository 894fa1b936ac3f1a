import TerminalText

/// A plain-text table aligned by display width, so CJK names line up in a terminal or a file.
struct TextTable {
    enum Alignment { case left, right }

    struct Column {
        var title: String
        var alignment: Alignment
    }

    var columns: [Column]
    var rows: [[String]] = []

    init(_ columns: [(String, Alignment)]) {
        self.columns = columns.map { Column(title: $0.0, alignment: $0.1) }
    }

    mutating func add(_ row: [String]) {
        rows.append(row.map { SafeText.sanitize($0) })
    }

    func render(indent: String = "") -> [String] {
        var widths = columns.map { DisplayWidth.of($0.title) }
        for row in rows {
            for (i, cell) in row.enumerated() { widths[i] = max(widths[i], DisplayWidth.of(cell)) }
        }
        func line(_ cells: [String]) -> String {
            let parts = cells.enumerated().map { i, cell in
                DisplayWidth.fit(cell, width: widths[i], alignRight: columns[i].alignment == .right)
            }
            var text = indent + parts.joined(separator: "  ")
            while text.hasSuffix(" ") { text.removeLast() }
            return text
        }
        return [line(columns.map(\.title))] + rows.map(line)
    }

    /// The same rows as a GitHub-flavoured Markdown table (pipes in cells escaped).
    func markdown() -> [String] {
        func escape(_ cell: String) -> String { cell.replacingOccurrences(of: "|", with: "\\|") }
        let header = "| " + columns.map { escape($0.title) }.joined(separator: " | ") + " |"
        let rule = "|" + columns.map { $0.alignment == .right ? " ---: |" : " --- |" }.joined()
        return [header, rule] + rows.map { "| " + $0.map(escape).joined(separator: " | ") + " |" }
    }
}

import Foundation
