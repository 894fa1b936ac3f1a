import MarketAnalytics

/// Every period's over-indebtedness and stacking as the session may show them (`--min-cell`):
/// the rule applied once per load, not once per frame, and read by every view, the panel, the
/// export and the clipboard alike.
public struct LoanFiguresShown: Sendable {
    public let indebtedness: [Period: SuppressedIndebtedness]
    public let stacking: [Period: SuppressedStacking]

    /// - Complexity: O(periods × (groups + pairs)) when the rule is on (about 5 ms a period in a
    ///   debug build at 64 groups and 2,016 pairs, 640 of them hidden), O(periods) when it is off.
    public init(_ loans: LoanFigures?, rule: SmallCellRule) {
        indebtedness = loans?.indebtedness.mapValues(rule.apply) ?? [:]
        stacking = loans?.stacking.mapValues(rule.apply) ?? [:]
    }

    /// Every period end's figures, oldest first: the 2+ share over time and a pair's history.
    public var history: [(period: Period, figures: SuppressedIndebtedness)] {
        indebtedness.sorted { $0.key < $1.key }.map { (period: $0.key, figures: $0.value) }
    }
}
