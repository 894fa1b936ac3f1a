/// A loan's repayment status, as loan files write it.
public enum LoanStatus: String, CaseIterable, Sendable {
    case current, repaid, overdue, `default`, writtenOff = "written_off"

    /// Overdue, defaulted and written-off loans count as bad in the delinquency share.
    public var isBad: Bool { self == .overdue || self == .default || self == .writtenOff }
}

/// Borrowers taking loans from several platform groups in one period (stacking).
public struct StackingFigures: Hashable, Sendable {
    /// Distinct borrowers with a loan originated in the period.
    public let borrowers: Int
    /// Borrowers with loans from 2 or more / 3 or more platform groups.
    public let multiPlatform2: Int
    public let multiPlatform3: Int
    /// Those borrowers' amounts originated in the period, in yuan.
    public let amountMultiPlatform2: Double
    public let amountMultiPlatform3: Double

    public init(borrowers: Int, multiPlatform2: Int, multiPlatform3: Int, amountMultiPlatform2: Double,
                amountMultiPlatform3: Double) {
        self.borrowers = borrowers
        self.multiPlatform2 = multiPlatform2
        self.multiPlatform3 = multiPlatform3
        self.amountMultiPlatform2 = amountMultiPlatform2
        self.amountMultiPlatform3 = amountMultiPlatform3
    }
}

/// What loan-level files add to a data directory: new lending per period × platform × bank,
/// amounts by status, and stacking per period.
public struct LoanFigures: Sendable {
    /// Loans originated: one record per period × platform × bank, amount in yuan (exact cents).
    public var originations: [BalanceRecord]
    /// Amount originated per period, platform and status, in yuan.
    public var amountByStatus: [Period: [String: [LoanStatus: Double]]]
    /// Nil for a period whose stacking could not be computed exactly (see the README's limit).
    public var stacking: [Period: StackingFigures]
    /// Why stacking is missing for every period (the files passed an exact limit); nil when it
    /// was computed.
    public var stackingUnavailable: String?
    public var rows: Int
    /// Over-indebtedness at each period end (see `Indebtedness`); empty when not computed.
    public var indebtedness: [Period: IndebtednessFigures] = [:]
    /// Why over-indebtedness is missing (too many groups, amounts past 64 bits).
    public var indebtednessUnavailable: String?
    /// The APR thresholds of `terms`, in order.
    public var aprThresholds: [APRThreshold] = []
    /// Pricing and co-funding per period and platform (platforms with none left out).
    public var terms: [Period: [String: LendingTerms]] = [:]
    /// True when the loan files carry `platform_funded_cny`: the co-funding floor is then checked.
    public var hasPlatformFunded = false

    public init(originations: [BalanceRecord] = [],
                amountByStatus: [Period: [String: [LoanStatus: Double]]] = [:],
                stacking: [Period: StackingFigures] = [:], rows: Int = 0) {
        self.originations = originations
        self.amountByStatus = amountByStatus
        self.stacking = stacking
        self.rows = rows
    }
}

/// Which amounts the analysis measures: outstanding balances or new lending.
public enum Measure: String, CaseIterable, Sendable {
    case balances
    case originations
}
