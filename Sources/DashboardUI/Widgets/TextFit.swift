import TerminalText

/// Text fitted to a width by whole words (display cells, CJK-aware): every screen's wrapping and
/// shortening, so nothing is cut mid-word or mid-figure.
enum TextFit {
    /// The text, or as many whole words as fit followed by an ellipsis: never a word cut in two.
    static func truncateAtWord(_ text: String, width: Int, ascii: Bool) -> String {
        guard DisplayWidth.of(text) > width else { return text }
        let ellipsis = ascii ? "..." : "…"
        let indent = String(text.prefix { $0 == " " })
        var line = ""
        for word in text.dropFirst(indent.count).split(separator: " ") {
            let candidate = line.isEmpty ? indent + word : line + " " + word
            if DisplayWidth.of(candidate) + DisplayWidth.of(ellipsis) + 1 > width { break }
            line = candidate
        }
        return line + " " + ellipsis
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
