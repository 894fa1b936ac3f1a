/// A horizontal bar in eighths of a cell: `value / scale` of `width` cells.
public enum BarGauge {
    /// - Returns: exactly `width` cells of text (bar then spaces). ASCII glyph sets round to whole cells.
    public static func render(value: Double, scale: Double, width: Int, glyphs: GlyphSet) -> String {
        guard width > 0 else { return "" }
        guard scale > 0, value > 0, value.isFinite else { return String(repeating: " ", count: width) }
        // A positive value always shows at least an eighth.
        let eighths = max(1, Int((min(value / scale, 1) * Double(width * 8)).rounded()))
        var full = eighths / 8
        var remainder = eighths % 8
        if glyphs.isASCII {
            // Whole cells only; a visible stub for anything above zero.
            full = max(1, Int((Double(eighths) / 8).rounded()))
            remainder = 0
        }
        var text = String(repeating: glyphs.barEighths[7], count: full)
        if remainder > 0 { text += glyphs.barEighths[remainder - 1] }
        let used = full + (remainder > 0 ? 1 : 0)
        return text + String(repeating: " ", count: max(0, width - used))
    }

    /// A round upper bound for a bar scale: 1, 2, 2.5 or 5 times a power of ten, at least `value`.
    public static func niceScale(_ value: Double) -> Double {
        guard value > 0, value.isFinite else { return 1 }
        var magnitude = 1.0
        while magnitude * 10 <= value { magnitude *= 10 }
        while magnitude > value { magnitude /= 10 }
        for step in [1.0, 2.0, 2.5, 5.0, 10.0] where step * magnitude >= value { return step * magnitude }
        return 10 * magnitude
    }
}
