import MarketAnalytics

/// How hidden figures read (`--min-cell`), the same in every rendering: on screen, in the text
/// report, the Markdown export and the clipboard a hidden figure is a marker; in CSV it is empty
/// and in JSON null; each says once how many it hid and why.
public enum SuppressionText {
    /// `<10` for a count under 10; `n<10` for an amount, a percentile or a rate of fewer than 10
    /// borrowers (`<10` next to a yuan figure would read as yuan); `x` for a figure hidden so that
    /// no such figure can be worked out by subtraction (it is about 10 or more: `<10` would be untrue).
    public static func marker(_ reason: SuppressionReason, _ rule: SmallCellRule, count: Bool = true) -> String {
        reason == .complementary ? "x" : (count ? "<" : "n<") + String(rule.minimum)
    }

    /// A count, or its marker.
    public static func count(_ value: Int?, _ reason: SuppressionReason?, _ rule: SmallCellRule) -> String {
        if let reason { return marker(reason, rule) }
        return value.map { NumberFormat.grouped(Double($0), decimals: 0) } ?? "n/a"
    }

    /// " (12.3%)" for a share shown, nothing for one hidden (its count's marker says why).
    public static func share(_ value: Double?) -> String {
        value.map { " (\(NumberFormat.percent($0, decimals: 1)))" } ?? ""
    }

    /// The one-line note: how many cells, how many of them complements. Nil when the rule is off.
    public static func note(cells: Int, complementary: Int, _ rule: SmallCellRule) -> String? {
        noteParts(cells: cells, complementary: complementary, rule)?.joined(separator: ", ")
    }

    /// The note in its parts, the first the one to keep on a narrow screen; `short` says "sums"
    /// for "subtraction" (a screen tries it before it drops the part).
    public static func noteParts(cells: Int, complementary: Int, _ rule: SmallCellRule, short: Bool = false) -> [String]? {
        guard rule.isOn else { return nil }
        let small = cells - complementary
        let first = "\(small) cell\(small == 1 ? "" : "s") under \(rule.minimum) borrowers hidden (--min-cell)"
        return complementary > 0 ? [first, "\(complementary) more (x) against \(short ? "sums" : "subtraction")"] : [first]
    }

    /// What the markers mean, for a legend line.
    public static func legend(_ rule: SmallCellRule) -> String {
        "<\(rule.minimum) a count, n<\(rule.minimum) an amount or percentile, of fewer than \(rule.minimum) borrowers; "
            + "x a figure hidden so that none can be worked out by subtraction"
    }

    /// The JSON `reason`: the rule in words, what null means.
    public static func reason(cells: Int, complementary: Int, _ rule: SmallCellRule) -> String {
        let small = cells - complementary
        return "--min-cell \(rule.minimum): \(small) figure\(small == 1 ? "" : "s") counting or describing fewer than "
            + "\(rule.minimum) borrowers (the max always) \(small == 1 ? "is" : "are") null, and \(complementary) more that "
            + "would let one be worked out by subtraction; shares of a null count are null too; any other null keeps its meaning"
    }
}
