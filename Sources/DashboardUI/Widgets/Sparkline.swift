/// A one-line chart of a series, one cell per value, scaled between the series' min and max, or
/// on a scale the caller gives (so several lines can be compared).
public enum Sparkline {
    /// Each value on the fixed scale `0…ceiling`: the lowest glyph for zero, the highest at the ceiling.
    public static func render(_ values: [Double], glyphs: GlyphSet, ceiling: Double) -> [String] {
        let levels = glyphs.sparkLevels
        return values.map { value in
            guard ceiling > 0 else { return levels[0] }
            let level = Int((value / ceiling * Double(levels.count - 1)).rounded())
            return levels[min(max(0, level), levels.count - 1)]
        }
    }

    public static func render(_ values: [Double], glyphs: GlyphSet) -> String {
        guard let low = values.min(), let high = values.max() else { return "" }
        let levels = glyphs.sparkLevels
        return values.map { value in
            guard high > low else { return levels[levels.count / 2] }
            let level = Int(((value - low) / (high - low) * Double(levels.count - 1)).rounded())
            return levels[min(max(0, level), levels.count - 1)]
        }.joined()
    }
}

extension Sparkline {
    /// The gap a hidden value leaves (`--min-cell`): a space, so no level tells it.
    public static let gap = " "

    /// As `render(_:glyphs:ceiling:)`, with nil values as gaps.
    public static func render(_ values: [Double?], glyphs: GlyphSet, ceiling: Double) -> [String] {
        let levels = render(values.map { $0 ?? 0 }, glyphs: glyphs, ceiling: ceiling)
        return zip(values, levels).map { $0.0 == nil ? gap : $0.1 }
    }

    /// As `render(_:glyphs:)`, scaled on the values shown, with nil values as gaps.
    public static func render(_ values: [Double?], glyphs: GlyphSet) -> String {
        let shown = values.compactMap { $0 }
        let line = Array(render(shown, glyphs: glyphs))
        var next = 0
        return values.map { value -> String in
            guard value != nil else { return gap }
            defer { next += 1 }
            return String(line[next])
        }.joined()
    }
}
