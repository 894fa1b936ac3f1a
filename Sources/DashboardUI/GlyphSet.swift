/// The glyphs the UI draws with: Unicode block elements by default, plain ASCII when the
/// locale is not UTF-8 or `--ascii` asks for it.
public struct GlyphSet: Hashable, Sendable {
    public let isASCII: Bool
    /// Partial bar cells from 1/8 to 7/8 of a cell, then the full cell.
    public let barEighths: [String]
    public let sparkLevels: [String]
    public let horizontal: String
    public let vertical: String
    public let ascending: String
    public let descending: String
    public let previous: String
    public let next: String
    public let ellipsis: String

    public static let unicode = GlyphSet(
        isASCII: false, barEighths: ["▏", "▎", "▍", "▌", "▋", "▊", "▉", "█"],
        sparkLevels: ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"], horizontal: "─", vertical: "│",
        ascending: "▲", descending: "▼", previous: "◀", next: "▶", ellipsis: "…")

    public static let ascii = GlyphSet(
        isASCII: true, barEighths: ["", "", "", "-", "-", "-", "-", "#"],
        sparkLevels: ["_", ".", "-", "~", "=", "+", "*", "#"], horizontal: "-", vertical: "|",
        ascending: "^", descending: "v", previous: "<", next: ">", ellipsis: "~")
}

/// How the screen is drawn; fixed at start-up from flags, locale and environment.
public struct DisplayOptions: Hashable, Sendable {
    public var glyphs: GlyphSet
    /// False with `NO_COLOR`, on monochrome terminals, or in plain mode.
    public var colors: Bool

    public init(glyphs: GlyphSet = .unicode, colors: Bool = true) {
        self.glyphs = glyphs
        self.colors = colors
    }
}
