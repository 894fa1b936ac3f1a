import TerminalText

/// The help screen, generated from the key table so it always matches what the keys do.
/// Sections flow into two columns, and long lines wrap, when one column does not fit.
enum HelpScreen {
    struct Line {
        var keys: String
        var text: String
        var style: Style
    }

    static func draw(into buffer: inout ScreenBuffer, glyphs: GlyphSet, scroll: Int = 0) {
        buffer.fill(x: 0, y: 0, width: buffer.width, height: 1, style: .title)
        buffer.put(" LendScope help \(glyphs.vertical) ? or Esc closes", x: 0, y: 0, style: .title)
        let footer = " Flags: S sourced, D derived, R* recalled, E* estimated · HHI scale 0–10,000"
        buffer.put(glyphs.isASCII ? footer.replacingOccurrences(of: "–", with: "-").replacingOccurrences(of: "·", with: "-") : footer,
                   x: 0, y: buffer.height - 1, style: .muted)
        let available = buffer.height - 3
        let sections = sectionLines(glyphs: glyphs)
        let longestKeys = sections.joined().filter { !$0.isTitle }.map { DisplayWidth.of($0.keys) }.max() ?? 10
        for columns in [2, 1] {
            let columnWidth = buffer.width / columns
            let keyWidth = min(longestKeys + 2, columnWidth / 2)
            guard let flowed = flow(sections, columns: columns, keyWidth: keyWidth, columnWidth: columnWidth,
                                    height: columns == 1 ? Int.max : available) else { continue }
            // One column scrolls (↑/↓) when even two columns do not fit.
            let offset = columns == 1 ? min(max(0, scroll), max(0, flowed[0].count - available)) : 0
            for (index, column) in flowed.enumerated() {
                for (row, line) in column.dropFirst(offset).prefix(available).enumerated() {
                    let x = index * columnWidth
                    buffer.put(line.keys, x: x, y: 2 + row, style: line.style,
                               maxWidth: line.style == .header ? columnWidth - 1 : keyWidth)
                    buffer.put(line.text, x: x + keyWidth, y: 2 + row, maxWidth: columnWidth - keyWidth - 1)
                }
            }
            if columns == 1 && flowed[0].count > available {
                let more = " \(offset + 1)\(glyphs.isASCII ? "-" : "–")\(offset + available) of \(flowed[0].count), ↑↓ scroll "
                buffer.put(glyphs.isASCII ? more.replacingOccurrences(of: "↑↓", with: "Up/Down") : more,
                           x: max(0, buffer.width - DisplayWidth.of(more)), y: 0, style: .title)
            }
            return
        }
    }

    /// Each section's lines: its title, then one line per binding.
    static func sectionLines(glyphs: GlyphSet) -> [[(keys: String, text: String, isTitle: Bool)]] {
        var sections: [[(String, String, Bool)]] = []
        for binding in Keymap.bindings {
            if sections.isEmpty || Keymap.bindings.first(where: { $0.section == binding.section })?.command == binding.command {
                sections.append([(" " + binding.section, "", true)])
            }
            let keys = binding.keys.map { glyphs.isASCII ? $0.asciiDescription : $0.description }.joined(separator: " ")
            sections[sections.count - 1].append(("   " + keys, binding.help, false))
        }
        return sections
    }

    /// Lays sections into `columns` columns of at most `height` lines, wrapping help text;
    /// a section is never split across columns. Nil when they do not fit.
    static func flow(_ sections: [[(keys: String, text: String, isTitle: Bool)]], columns: Int, keyWidth: Int,
                     columnWidth: Int, height: Int) -> [[Line]]? {
        let textWidth = max(8, columnWidth - keyWidth - 1)
        var result: [[Line]] = [[]]
        for section in sections {
            var lines: [Line] = []
            for entry in section {
                if entry.isTitle {
                    lines.append(Line(keys: entry.keys, text: "", style: .header))
                    continue
                }
                for (index, piece) in wrap(entry.text, width: textWidth).enumerated() {
                    lines.append(Line(keys: index == 0 ? entry.keys : "", text: piece, style: .accent))
                }
            }
            let current = result[result.count - 1]
            let needed = lines.count + (current.isEmpty ? 0 : 1)
            if current.count + needed > height && !current.isEmpty && result.count < columns {
                result.append(lines)
            } else {
                result[result.count - 1] += (current.isEmpty ? [] : [Line(keys: "", text: "", style: .normal)]) + lines
            }
        }
        return result.allSatisfy { $0.count <= height } ? result : nil
    }

    /// Words into lines of at most `width` display cells.
    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            let candidate = line.isEmpty ? String(word) : line + " " + word
            if DisplayWidth.of(candidate) > width && !line.isEmpty {
                lines.append(line)
                line = String(word)
            } else {
                line = candidate
            }
        }
        if !line.isEmpty || lines.isEmpty { lines.append(line) }
        return lines
    }
}
