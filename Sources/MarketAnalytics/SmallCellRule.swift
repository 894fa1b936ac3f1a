/// Small-cell suppression (`--min-cell N`): a shared screen must not single out a handful of
/// borrowers, so every over-indebtedness and stacking figure that counts fewer than N borrowers
/// is hidden, and so is any figure that would let a hidden one be worked out by subtraction.
///
/// The rule is "fewer than N": a count of exactly N is shown; a count of 0 is shown too (it singles
/// out no one, and the overlap list leaves empty pairs out anyway). N of 0 or 1 turns the rule off.
/// The figures it covers, and why each:
/// - counts of borrowers (the classes by number of groups, each group's borrowers, each overlap
///   pair, 2+ and 3+, all borrowers) under N;
/// - what a hidden class owes, and the bad amount of the 1-group or 2+ class when it is hidden;
/// - a debt percentile at or above which fewer than N borrowers owe (nearest rank r of n values:
///   n − r + 1 < N). That hides the whole percentile row of a class under N, the `max` always (it
///   is one borrower's debt), and p99 below about 100·N borrowers: under 100 borrowers the nearest
///   rank p99 *is* the max;
/// - complementary cells: see `SmallCellRule+Subtraction.swift`.
/// Ratios (shares, bad rates, the 2+ share over time) are hidden with either of their parts.
public struct SmallCellRule: Sendable, Hashable {
    /// The smallest count shown; 0 or 1 shows everything.
    public let minimum: Int

    /// What `--min-cell` accepts.
    public static let range = 0...1_000_000
    /// The minimum of a read-only kiosk unless `--min-cell` says otherwise.
    public static let kioskDefault = 10
    public static let off = SmallCellRule(minimum: 0)

    public init(minimum: Int) {
        precondition(Self.range.contains(minimum), "--min-cell is checked before a rule is made")
        self.minimum = minimum
    }

    public var isOn: Bool { minimum > 1 }

    /// True for a count from 1 to N − 1.
    public func isSmall(_ count: Int) -> Bool { isOn && count > 0 && count < minimum }

    /// The figures at one period end as a reader may see them.
    /// - Complexity: O(pairs + groups) and a few eliminations on at most five identities.
    public func apply(_ figures: IndebtednessFigures) -> SuppressedIndebtedness {
        guard isOn else { return SuppressedIndebtedness(rule: self, figures: figures, hidden: [:]) }
        var hidden = hiddenCounts(figures)
        // What a hidden class owes goes with its count, for the same reason.
        for index in 0..<5 {
            if let reason = hidden[.byGroups(index)] { hidden[.amountByGroups(index)] = reason }
        }
        if let reason = hidden[.byGroups(0)] { hidden[.badSingle] = reason }
        if let reason = hidden[.multi] { hidden[.badMulti] = reason }
        for (class_, percentiles, count) in [(SuppressedIndebtedness.DebtClass.all, figures.debtAll, figures.borrowers),
                                             (.multi, figures.debtMulti, figures.multi)] where percentiles != nil {
            for point in DebtPercentiles.Point.allCases where isSmall(point.borrowersAtOrAbove(count: count)) {
                hidden[.debt(class_, point)] = .fewerThanMinimum
            }
        }
        return SuppressedIndebtedness(rule: self, figures: figures, hidden: hidden)
    }

    /// Stacking in one period as a reader may see it. Its counts obey no sum that could give one
    /// away (2+ and 3+ overlap, and no class between them is published), so no cell is hidden
    /// only to protect another.
    public func apply(_ stacking: StackingFigures) -> SuppressedStacking {
        var hidden: [SuppressedStacking.Cell: SuppressionReason] = [:]
        for (cell, count) in [(SuppressedStacking.Cell.borrowers, stacking.borrowers), (.multiPlatform2, stacking.multiPlatform2),
                              (.multiPlatform3, stacking.multiPlatform3)] where isSmall(count) {
            hidden[cell] = .fewerThanMinimum
        }
        if hidden[.multiPlatform2] != nil { hidden[.amountMultiPlatform2] = .fewerThanMinimum }
        if hidden[.multiPlatform3] != nil { hidden[.amountMultiPlatform3] = .fewerThanMinimum }
        return SuppressedStacking(rule: self, figures: stacking, hidden: hidden)
    }
}

/// Why a figure is hidden.
public enum SuppressionReason: Sendable, Hashable {
    /// It counts, or describes, fewer borrowers than the minimum (primary suppression).
    case fewerThanMinimum
    /// It counts at least the minimum, but with it shown a hidden figure could be worked out by
    /// subtraction (complementary suppression).
    case complementary
}

extension DebtPercentiles {
    /// The four figures of a percentile row.
    public enum Point: Int, CaseIterable, Sendable, Hashable {
        case p50, p90, p99, max

        /// The `p` of the nearest rank; nil for the maximum.
        public var percent: Int? { self == .max ? nil : [50, 90, 99][rawValue] }

        public var name: String { ["p50", "p90", "p99", "max"][rawValue] }

        /// How many of `count` borrowers owe at least this figure by rank: n − r + 1 (1 for the max).
        public func borrowersAtOrAbove(count: Int) -> Int {
            guard let percent else { return 1 }
            return count - DebtPercentiles.nearestRank(percent, of: count) + 1
        }
    }

    public func value(_ point: Point) -> Int64 {
        switch point {
        case .p50: return p50
        case .p90: return p90
        case .p99: return p99
        case .max: return max
        }
    }
}
