import TerminalText

import MarketReport

/// The help screen, generated from the key table (only the keys this session enables) and the
/// glossary, so it always matches what the keys do and what the words mean. Sections flow into
/// two columns, and long lines wrap, when one column does not fit.
enum HelpScreen {
    struct Line {
        var keys: String
        var text: String
        var style: Style
    }

    static func draw(_ state: DashboardState, into buffer: inout ScreenBuffer) {
        let glyphs = state.options.glyphs
        let scroll = state.helpScroll
        buffer.fill(x: 0, y: 0, width: buffer.width, height: 1, style: .title)
        buffer.put(" LendScope help \(glyphs.vertical) ? or Esc closes", x: 0, y: 0, style: .title)
        let footer = " Flags: S sourced, D derived, R* recalled, E* estimated · HHI scale 0–10,000"
        buffer.put(glyphs.isASCII ? footer.replacingOccurrences(of: "–", with: "-").replacingOccurrences(of: "·", with: "-") : footer,
                   x: 0, y: buffer.height - 1, style: .muted)
        let available = buffer.height - 3
        let sections = sectionLines(glyphs: glyphs, features: state.features) + glossaryLines(state)
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

    /// How far the help can scroll at this size: 0 when it fits in two columns.
    static func scrollLimit(_ state: DashboardState) -> Int {
        let available = state.height - 3
        let sections = sectionLines(glyphs: state.options.glyphs, features: state.features) + glossaryLines(state)
        let longestKeys = sections.joined().filter { !$0.isTitle }.map { DisplayWidth.of($0.keys) }.max() ?? 10
        let half = state.width / 2
        if flow(sections, columns: 2, keyWidth: min(longestKeys + 2, half / 2), columnWidth: half, height: available) != nil {
            return 0
        }
        let lines = flow(sections, columns: 1, keyWidth: min(longestKeys + 2, state.width / 2), columnWidth: state.width,
                         height: Int.max)?[0].count ?? 0
        return max(0, lines - available)
    }

    /// Each section's lines: its title, then one line per binding this session enables.
    static func sectionLines(glyphs: GlyphSet, features: Features = Features()) -> [[(keys: String, text: String, isTitle: Bool)]] {
        var sections: [[(String, String, Bool)]] = []
        var section = ""
        for binding in Keymap.bindings where binding.availability.isEnabled(features) {
            if sections.isEmpty || binding.section != section {
                section = binding.section
                sections.append([(" " + binding.section, "", true)])
            }
            let keys = binding.keys.map { glyphs.isASCII ? $0.asciiDescription : $0.description }.joined(separator: " ")
            sections[sections.count - 1].append(("   " + keys, binding.help, false))
        }
        return sections
    }

    /// The glossary (every term the screens use, from `Glossary`), then the codes this data set
    /// gives rise to: bank types and the matrix's bank columns.
    static func glossaryLines(_ state: DashboardState) -> [[(keys: String, text: String, isTitle: Bool)]] {
        var sections: [[(keys: String, text: String, isTitle: Bool)]] = []
        var chunk: [(keys: String, text: String, isTitle: Bool)] = [(" Glossary", "", true)]
        // Short sections, so the two-column flow can balance them.
        for entry in Glossary.entries {
            chunk.append(("   " + entry.term, entry.definition, false))
            if chunk.count == 8 {
                sections.append(chunk)
                chunk = [(" Glossary (continued)", "", true)]
            }
        }
        if chunk.count > 1 { sections.append(chunk) }
        guard let snapshot = state.snapshot else { return sections }
        let types = Set(snapshot.dataset.banks.values.map(\.type)).filter { !$0.isEmpty }.sorted()
        if !types.isEmpty {
            sections.append([(" Bank type codes", "", true)] + types.map { ("   " + TypeCode.code($0), $0, false) }
                            + [("   OWN", "the group's own lending arm (in a group's funders)", false)])
        }
        if let analysis = state.analysis {
            let banks = Array(MatrixView.topBanks(state, analysis).prefix(20))
            let codes = MatrixView.abbreviations(banks)
            if !banks.isEmpty {
                sections.append([(" Matrix bank columns (\(analysis.period))", "", true)]
                                + zip(codes, banks).map { ("   " + $0, $1, false) })
            }
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
                for (index, piece) in TextFit.wrap(entry.text, width: textWidth).enumerated() {
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
}
