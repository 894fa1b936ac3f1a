/// The 30% co-funding floor of the February 2021 notice.
///
/// CBIRC General Office, 关于进一步规范商业银行互联网贷款业务的通知 (银保监办发〔2021〕24号),
/// published 2021-02-20, item 2: "商业银行与合作机构共同出资发放互联网贷款的，应严格落实出资比例区间管理要求，
/// 单笔贷款中合作方出资比例不得低于30%" — where a bank and a partner co-fund internet loans, the
/// partner's share of each single loan shall not be below 30%.
/// "Not below" allows the floor itself: exactly 30% complies, anything less breaches. A loan is
/// co-funded when both put money in: the platform's part is above zero and below the whole loan.
public enum CofundingFloor {
    public static let minimumShare = 0.30
    public static let source = ColendingCap.source
    /// Item 6 of the notice: item 2 applies from 2022-01-01 to new loans (`RuleCalendar`).
    public static let inForceFrom = RuleCalendar.newLoansFrom
    public static let operativeText = "item 2: in a single co-funded loan the partner's funding shall not be below 30%"

    /// True when the platform's part is below 30% of the loan, compared exactly in integers
    /// (`10 × part < 3 × loan`, in 128 bits: no product can overflow).
    public static func isBelow(platformCents: Int64, loanCents: Int64) -> Bool {
        let part = platformCents.multipliedFullWidth(by: 10)
        let floor = loanCents.multipliedFullWidth(by: 3)
        return (part.high, part.low) < (floor.high, floor.low)
    }
}

/// New lending priced above annual-rate thresholds, and co-funded loans below the floor, for one
/// platform in one period (amounts in fen).
public struct LendingTerms: Sendable, Hashable {
    /// Fen lent in the period (new lending).
    public var newCents: Int64
    /// Fen lent at a `rate_apr` strictly above each threshold, in the thresholds' order.
    public var aboveCents: [Int64]
    /// Co-funded loans (0 < platform part < loan) and their fen.
    public var cofundedLoans: Int
    public var cofundedCents: Int64
    /// Of those, loans whose platform part is below 30%, and their fen.
    public var belowFloorLoans: Int
    public var belowFloorCents: Int64
    /// Of those, the ones originated on or after the floor applies to new loans (2022-01-01,
    /// `RuleCalendar.newLoansFrom`): breaches of a rule in force; the rest would breach it.
    public var inForceBelowLoans = 0
    public var inForceBelowCents: Int64 = 0
    /// Loans whose file states `platform_funded_cny` (filled or empty): without any, the floor's
    /// figures are unknown, not zero.
    public var fundedStatedLoans = 0

    public init(newCents: Int64, aboveCents: [Int64], cofundedLoans: Int = 0, cofundedCents: Int64 = 0, belowFloorLoans: Int = 0,
                belowFloorCents: Int64 = 0, inForceBelowLoans: Int = 0, inForceBelowCents: Int64 = 0, fundedStatedLoans: Int = 0) {
        self.inForceBelowLoans = inForceBelowLoans
        self.inForceBelowCents = inForceBelowCents
        self.fundedStatedLoans = fundedStatedLoans
        self.newCents = newCents
        self.aboveCents = aboveCents
        self.cofundedLoans = cofundedLoans
        self.cofundedCents = cofundedCents
        self.belowFloorLoans = belowFloorLoans
        self.belowFloorCents = belowFloorCents
    }

    /// True once a sum passed the 64-bit range of fen: the figures are then wrong and not shown.
    public private(set) var overflowed = false

    /// Adds another platform's terms (a group's platforms together), sums checked.
    public mutating func add(_ other: LendingTerms) {
        func checked(_ a: inout Int64, _ b: Int64) {
            let (sum, wrapped) = a.addingReportingOverflow(b)
            a = sum
            if wrapped { overflowed = true }
        }
        checked(&newCents, other.newCents)
        for i in aboveCents.indices where i < other.aboveCents.count { checked(&aboveCents[i], other.aboveCents[i]) }
        cofundedLoans += other.cofundedLoans
        checked(&cofundedCents, other.cofundedCents)
        belowFloorLoans += other.belowFloorLoans
        checked(&belowFloorCents, other.belowFloorCents)
        inForceBelowLoans += other.inForceBelowLoans
        checked(&inForceBelowCents, other.inForceBelowCents)
        fundedStatedLoans += other.fundedStatedLoans
        if other.overflowed { overflowed = true }
    }
}

/// An annual-rate threshold, kept exactly: a fraction in billionths of one (24% → 240,000,000).
public struct APRThreshold: Sendable, Hashable, CustomStringConvertible {
    public let billionths: Int64

    public init(billionths: Int64) { self.billionths = billionths }

    /// A percentage as typed (`24`, `36`, `15.4`): up to 7 decimals, above 0 and at most 1,000.
    public init?(percent text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let whole = Int64(parts[0]), whole >= 0, whole <= 1000,
              parts[0].allSatisfy(\.isASCII), parts[0].allSatisfy(\.isNumber) else { return nil }
        var fraction: Int64 = 0
        if parts.count == 2 {
            let digits = parts[1]
            guard !digits.isEmpty, digits.count <= 7, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            fraction = Int64(digits)! * Int64(Self.pow10(7 - digits.count))
        }
        let value = whole * 10_000_000 + fraction
        guard value > 0, value <= 10_000_000_000 else { return nil }
        billionths = value
    }

    private static func pow10(_ n: Int) -> Int { (0..<n).reduce(1) { result, _ in result * 10 } }

    /// `24%`, `15.4%`.
    public var description: String {
        let whole = billionths / 10_000_000, fraction = billionths % 10_000_000
        guard fraction != 0 else { return "\(whole)%" }
        var digits = String(fraction)
        digits = String(repeating: "0", count: 7 - digits.count) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        return "\(whole).\(digits)%"
    }

    /// 24% and 36%: the two lines of the Supreme People's Court's 2015 private-lending provisions
    /// (interest up to 24% a year enforced, above 36% void), which the 2017 cash-loan notice
    /// (整治办函〔2017〕141号) applied to online lenders' all-in annual cost.
    public static let defaults = [APRThreshold(billionths: 240_000_000), APRThreshold(billionths: 360_000_000)]
}

/// A group's pricing and co-funding in one period: its platforms' `LendingTerms` added.
public struct GroupLendingTerms: Sendable, Hashable {
    public let group: String
    public let terms: LendingTerms

    public init(group: String, terms: LendingTerms) {
        self.group = group
        self.terms = terms
    }

    /// Share of new lending (by amount) above each threshold; nil without new lending.
    public var sharesAbove: [Double?] {
        terms.aboveCents.map { terms.newCents > 0 ? Double($0) / Double(terms.newCents) : nil }
    }

    /// True when some of the group's loans come from files that state `platform_funded_cny`:
    /// otherwise the floor's figures are unknown, not zero.
    public var floorKnown: Bool { terms.fundedStatedLoans > 0 }

    /// Share of co-funded loans below the floor, by count and by amount; nil without co-funded loans.
    public var belowFloorShareByCount: Double? {
        terms.cofundedLoans > 0 ? Double(terms.belowFloorLoans) / Double(terms.cofundedLoans) : nil
    }
    public var belowFloorShareByAmount: Double? {
        terms.cofundedCents > 0 ? Double(terms.belowFloorCents) / Double(terms.cofundedCents) : nil
    }
}
