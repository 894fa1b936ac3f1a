import MarketReport
import TerminalText

/// A table of aligned columns drawn into a buffer; cells are clipped to their column by
/// display width, so a CJK name never pushes the next column out of place.
public struct TableWidget {
    public typealias Alignment = ColumnAlignment

    public struct Column: Sendable {
        public var title: String
        public var width: Int
        public var alignment: Alignment

        public init(_ title: String, width: Int, _ alignment: Alignment = .left) {
            self.title = title
            self.width = width
            self.alignment = alignment
        }
    }

    /// A cell's text and style; nil style means the row's style.
    public struct Item {
        public var text: String
        public var style: Style?

        public init(_ text: String, _ style: Style? = nil) {
            self.text = text
            self.style = style
        }
    }

    public var columns: [Column]
    public var gap = 1

    public init(columns: [Column]) {
        self.columns = columns
    }

    public func drawHeader(into buffer: inout ScreenBuffer, x: Int, y: Int, width: Int, style: Style = .header) {
        buffer.fill(x: x, y: y, width: width, height: 1, style: style)
        drawRow(columns.map { Item($0.title) }, into: &buffer, x: x, y: y, width: width, style: style)
    }

    /// Draws one row; the whole row (gaps included) takes `style`, cells may override it.
    public func drawRow(_ items: [Item], into buffer: inout ScreenBuffer, x: Int, y: Int, width: Int, style: Style) {
        buffer.fill(x: x, y: y, width: width, height: 1, style: style)
        var column = x
        for (index, spec) in columns.enumerated() where index < items.count {
            let available = min(spec.width, x + width - column)
            guard available > 0 else { break }
            var cellStyle = items[index].style ?? style
            if style.reverse { cellStyle.reverse = true }
            let text = DisplayWidth.fit(SafeText.sanitize(items[index].text, ascii: buffer.asciiOnly), width: available,
                                        ascii: buffer.asciiOnly,
                                        alignRight: spec.alignment == .right)
            buffer.put(text, x: column, y: y, style: cellStyle, maxWidth: available)
            column += spec.width + gap
        }
    }
}
