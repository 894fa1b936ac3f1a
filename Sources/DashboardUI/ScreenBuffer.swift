import TerminalText

/// One terminal cell: the text drawn there (a scalar and any combining marks) and its style.
/// A wide glyph fills its cell and marks the next one as its continuation.
public struct Cell: Hashable, Sendable {
    public var text: String
    public var style: Style
    public var isContinuation: Bool

    public static let blank = Cell(text: " ", style: .normal, isContinuation: false)
}

/// A grid of cells that widgets draw into; the backend copies it to the terminal, and tests
/// compare its lines. Drawing clips at the edges and never splits a wide glyph.
public struct ScreenBuffer: Hashable, Sendable {
    public let width: Int
    public let height: Int
    /// In ASCII mode every non-ASCII scalar is replaced before layout.
    public let asciiOnly: Bool
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int, asciiOnly: Bool = false) {
        self.width = max(0, width)
        self.height = max(0, height)
        self.asciiOnly = asciiOnly
        cells = Array(repeating: .blank, count: self.width * self.height)
    }

    public subscript(x: Int, y: Int) -> Cell {
        cells[y * width + x]
    }

    /// Draws `text` (sanitised here: nothing from data reaches the terminal raw) from column `x`
    /// on row `y`, clipped to `maxWidth` cells and the buffer edge.
    /// - Returns: the number of cells used.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, style: Style = .normal, maxWidth: Int? = nil) -> Int {
        guard y >= 0, y < height, x < width else { return 0 }
        let limit = min(width, x + (maxWidth ?? width))
        var column = x
        var pending: String.UnicodeScalarView? = nil
        var pendingWidth = 0
        func flush(_ buffer: inout ScreenBuffer) -> Bool {
            guard let scalars = pending else { return true }
            pending = nil
            if column + pendingWidth > limit { return false }
            if column >= 0 {
                buffer.cells[y * buffer.width + column] = Cell(text: String(scalars), style: style, isContinuation: false)
                if pendingWidth == 2 {
                    buffer.cells[y * buffer.width + column + 1] = Cell(text: "", style: style, isContinuation: true)
                }
            }
            column += pendingWidth
            return true
        }
        for scalar in SafeText.sanitize(text, ascii: asciiOnly).unicodeScalars {
            let w = DisplayWidth.of(scalar)
            if w == 0, pending != nil {
                pending!.append(scalar) // a combining mark joins the glyph before it
                continue
            }
            if w == 0 { continue }
            guard flush(&self) else { return column - x }
            pending = String.UnicodeScalarView([scalar])
            pendingWidth = w
        }
        _ = flush(&self)
        return column - x
    }

    /// Fills a rectangle's cells with spaces in `style`.
    public mutating func fill(x: Int, y: Int, width: Int, height: Int, style: Style) {
        for row in max(0, y)..<min(self.height, y + height) {
            for column in max(0, x)..<min(self.width, x + width) {
                cells[row * self.width + column] = Cell(text: " ", style: style, isContinuation: false)
            }
        }
    }

    /// The text of each row, trailing spaces kept, exactly as wide as the buffer in cells.
    public var lines: [String] {
        (0..<height).map { row in
            var line = ""
            for column in 0..<width {
                let cell = cells[row * width + column]
                if !cell.isContinuation { line += cell.text }
            }
            return line
        }
    }

    /// Rows with trailing spaces removed: what a screen reader or a pipe should get.
    public var trimmedLines: [String] {
        lines.map { line in
            var text = line
            while text.hasSuffix(" ") { text.removeLast() }
            return text
        }
    }

    /// One character per cell naming its style, for tests that check emphasis without a terminal:
    /// `.` normal, `T` title, `H` header, `S` selected, `E` estimate, `W` warning, `G` good,
    /// `B` bar, `m` muted, `A` accent; lower case `s` for any other role shown reversed.
    public var styleMap: [String] {
        (0..<height).map { row in
            String((0..<width).map { column -> Character in
                let style = cells[row * width + column].style
                switch style.role {
                case .normal: return style.reverse ? "s" : "."
                case .title: return "T"
                case .header: return "H"
                case .selected: return "S"
                case .estimate: return style.reverse ? "e" : "E"
                case .warning: return style.reverse ? "w" : "W"
                case .good: return "G"
                case .bar: return style.reverse ? "b" : "B"
                case .muted: return "m"
                case .accent: return "A"
                }
            })
        }
    }
}
