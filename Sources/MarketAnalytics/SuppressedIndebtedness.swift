/// One period end's over-indebtedness figures as a reader may see them under a `SmallCellRule`:
/// every figure optional (nil when hidden), with which cells were hidden and why. The screen,
/// the exports, the clipboard, the JSON and the text report all read the figures from here, so
/// what one hides no other shows. Nil for a reason of its own keeps its meaning: the percentiles
/// of an empty class stay nil, a bad rate without any amount stays nil; `reason(_:)` tells the two
/// apart.
public struct SuppressedIndebtedness: Sendable, Hashable {
    /// The two classes with debt percentiles.
    public enum DebtClass: Sendable, Hashable {
        case all, multi
    }

    /// A published figure. All but `multi` and `multi3` are rows of the long table that exports and
    /// `aggregate --indebtedness` write; those two (borrowers on 2+ and on 3+ groups) are sums the
    /// screens and the text report show.
    public enum Cell: Sendable, Hashable {
        case borrowers
        /// Class index 0…4: 1, 2, 3, 4 and 5+ groups.
        case byGroups(Int)
        case amountByGroups(Int)
        case groupBorrowers(String)
        /// A pair with `a` before `b` by name.
        case overlap(String, String)
        case debt(DebtClass, DebtPercentiles.Point)
        case badSingle, badMulti
        case multi, multi3

        /// True for the rows of the long table (what `cells` counts).
        public var isTableCell: Bool { self != .multi && self != .multi3 }

        /// True for a count of borrowers; false for an amount or a percentile.
        public var isCount: Bool {
            switch self {
            case .borrowers, .byGroups, .groupBorrowers, .overlap, .multi, .multi3: return true
            case .amountByGroups, .debt, .badSingle, .badMulti: return false
            }
        }
    }

    public let rule: SmallCellRule
    private let figures: IndebtednessFigures
    /// Every hidden figure and why.
    public let hidden: [Cell: SuppressionReason]

    init(rule: SmallCellRule, figures: IndebtednessFigures, hidden: [Cell: SuppressionReason]) {
        self.rule = rule
        self.figures = figures
        self.hidden = hidden
    }

    public func reason(_ cell: Cell) -> SuppressionReason? { hidden[cell] }

    /// Why a ratio is hidden: either part's reason, the numerator's first.
    public func reason(_ part: Cell, of whole: Cell) -> SuppressionReason? { hidden[part] ?? hidden[whole] }

    private func shown<T>(_ cell: Cell, _ value: T) -> T? { hidden[cell] == nil ? value : nil }

    // MARK: How many

    /// Hidden rows of the long table: for the note every rendering carries.
    public var cells: Int { hidden.keys.filter(\.isTableCell).count }
    /// Of `cells`, those hidden only so that no other can be worked out by subtraction.
    public var complementaryCells: Int { hidden.filter { $0.key.isTableCell && $0.value == .complementary }.count }

    // MARK: The figures

    public var asOf: CalendarDate { figures.asOf }
    public var borrowers: Int? { shown(.borrowers, figures.borrowers) }
    public var byGroups: [Int?] { figures.byGroups.indices.map { shown(.byGroups($0), figures.byGroups[$0]) } }
    public var amountByGroupsCents: [Int64?] {
        figures.amountByGroupsCents.indices.map { shown(.amountByGroups($0), figures.amountByGroupsCents[$0]) }
    }
    public var multi: Int? { shown(.multi, figures.multi) }
    public var multi3: Int? { shown(.multi3, figures.multi3) }
    /// What all borrowers owe, those on 2+ groups, those on one: hidden with their count.
    public var totalCents: Int64? { shown(.borrowers, figures.totalCents) }
    public var multiCents: Int64? { shown(.multi, figures.multiCents) }
    public var singleCents: Int64? { shown(.byGroups(0), figures.singleCents) }
    public var badSingleCents: Int64? { shown(.badSingle, figures.badSingleCents) }
    public var badMultiCents: Int64? { shown(.badMulti, figures.badMultiCents) }

    /// A count's share of all borrowers (`.multi`, `.multi3` or a class); nil when either is hidden
    /// or there are no borrowers.
    public func share(_ cell: Cell) -> Double? {
        let count: Int
        switch cell {
        case .multi: count = figures.multi
        case .multi3: count = figures.multi3
        case .byGroups(let index): count = figures.byGroups[index]
        default: return nil
        }
        return reason(cell, of: .borrowers) == nil && figures.borrowers > 0 ? Double(count) / Double(figures.borrowers) : nil
    }

    public var multiShare: Double? { share(.multi) }
    public var badRateSingle: Double? { reason(.badSingle, of: .byGroups(0)) == nil ? figures.badRateSingle : nil }
    public var badRateMulti: Double? { reason(.badMulti, of: .multi) == nil ? figures.badRateMulti : nil }

    /// A percentile row with each figure optional; nil when the class is empty (as before).
    public struct Percentiles: Sendable, Hashable {
        public let values: [DebtPercentiles.Point: Int64]
        public func value(_ point: DebtPercentiles.Point) -> Int64? { values[point] }
    }

    public func debt(_ class_: DebtClass) -> Percentiles? {
        guard let p = class_ == .all ? figures.debtAll : figures.debtMulti else { return nil }
        var values: [DebtPercentiles.Point: Int64] = [:]
        for point in DebtPercentiles.Point.allCases where hidden[.debt(class_, point)] == nil { values[point] = p.value(point) }
        return Percentiles(values: values)
    }

    /// Each group with borrowers at the end date, by name, its count nil when hidden.
    public var borrowersByGroup: [String: Int?] {
        figures.borrowersByGroup.reduce(into: [:]) { $0[$1.key] = .some(shown(.groupBorrowers($1.key), $1.value)) }
    }

    /// The groups with borrowers, most first; hidden ones after, by name, so that the order tells
    /// nothing about the counts it hides.
    public var groupsByBorrowers: [String] {
        let (shownGroups, hiddenGroups) = (figures.borrowersByGroup.filter { hidden[.groupBorrowers($0.key)] == nil },
                                            figures.borrowersByGroup.filter { hidden[.groupBorrowers($0.key)] != nil })
        return shownGroups.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map(\.key) + hiddenGroups.keys.sorted()
    }

    public struct Pair: Sendable, Hashable {
        public let a: String
        public let b: String
        /// Nil when hidden.
        public let borrowers: Int?
    }

    /// Every pair with shared borrowers, by name (pairs with none left out, as before).
    public var overlap: [Pair] {
        figures.overlap.map { Pair(a: $0.a, b: $0.b, borrowers: shown(.overlap($0.a, $0.b), $0.borrowers)) }
    }

    public static func pairCell(_ x: String, _ y: String) -> Cell { x < y ? .overlap(x, y) : .overlap(y, x) }

    /// Borrowers owing to both (0 when none); nil when hidden.
    public func shared(_ x: String, _ y: String) -> Int? { shown(Self.pairCell(x, y), figures.shared(x, y)) }

    /// Shared borrowers as a share of the row group's: hidden with either count; nil for the diagonal
    /// or a group without borrowers.
    public func share(row: String, column: String) -> Double? {
        guard row != column, reason(Self.pairCell(row, column), of: .groupBorrowers(row)) == nil,
              let base = figures.borrowersByGroup[row], base > 0 else { return nil }
        return Double(figures.shared(row, column)) / Double(base)
    }
}

/// Stacking in one period as a reader may see it: each figure nil when hidden.
public struct SuppressedStacking: Sendable, Hashable {
    public enum Cell: Sendable, Hashable, CaseIterable {
        case borrowers, multiPlatform2, multiPlatform3, amountMultiPlatform2, amountMultiPlatform3
    }

    public let rule: SmallCellRule
    private let figures: StackingFigures
    public let hidden: [Cell: SuppressionReason]

    init(rule: SmallCellRule, figures: StackingFigures, hidden: [Cell: SuppressionReason]) {
        self.rule = rule
        self.figures = figures
        self.hidden = hidden
    }

    public func reason(_ cell: Cell) -> SuppressionReason? { hidden[cell] }
    public var cells: Int { hidden.count }

    private func shown<T>(_ cell: Cell, _ value: T) -> T? { hidden[cell] == nil ? value : nil }

    public var borrowers: Int? { shown(.borrowers, figures.borrowers) }
    public var multiPlatform2: Int? { shown(.multiPlatform2, figures.multiPlatform2) }
    public var multiPlatform3: Int? { shown(.multiPlatform3, figures.multiPlatform3) }
    public var amountMultiPlatform2: Double? { shown(.amountMultiPlatform2, figures.amountMultiPlatform2) }
    public var amountMultiPlatform3: Double? { shown(.amountMultiPlatform3, figures.amountMultiPlatform3) }

    /// A count's share of the period's borrowers; nil when either is hidden or there are none.
    public func share(_ cell: Cell) -> Double? {
        guard hidden[cell] == nil, hidden[.borrowers] == nil, figures.borrowers > 0 else { return nil }
        let count = cell == .multiPlatform3 ? figures.multiPlatform3 : figures.multiPlatform2
        return Double(count) / Double(figures.borrowers)
    }
}
