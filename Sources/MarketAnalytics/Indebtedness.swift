/// Over-indebtedness across platforms at a period's end: who owes on several platform groups at
/// the same time, how much, and where groups overlap. Pure and exact: borrowers are told apart
/// by their ID's bytes, never by a hash alone.
///
/// Definitions (the README, the help glossary and the JSON state them the same way):
/// - a loan is *outstanding at* the end date E when it was originated on or before E, its term
///   runs past E (`originated + term_days > E`, in days), and, when it has a `closed_on` date, it
///   closed after E. Its outstanding amount is its principal at origination (`amount_cny`):
///   repayments within the term are not modelled unless `closed_on` ends the loan;
/// - a borrower's groups at E are the platform groups of their outstanding loans.

/// Days since 1970-01-01 of a calendar date (proleptic Gregorian), for day arithmetic.
extension CalendarDate {
    public var dayNumber: Int {
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}

/// One loan as the over-indebtedness figures need it.
public struct IndebtednessLoan: Sendable, Hashable {
    /// The borrower ID's bytes, compared whole.
    public var borrower: [UInt8]
    /// The loan's platform group, an index into the groups' list (below 64).
    public var group: Int
    public var amountCents: Int64
    /// `originated`, as a day number (`CalendarDate.dayNumber`).
    public var originated: Int
    public var termDays: Int
    /// `closed_on` as a day number, when the loan file gives one.
    public var closedOn: Int?
    /// Overdue, default or written off.
    public var isBad: Bool

    public init(borrower: [UInt8], group: Int, amountCents: Int64, originated: Int, termDays: Int, closedOn: Int? = nil,
                isBad: Bool = false) {
        self.borrower = borrower
        self.group = group
        self.amountCents = amountCents
        self.originated = originated
        self.termDays = termDays
        self.closedOn = closedOn
        self.isBad = isBad
    }

    /// Outstanding at the end of day `end` (see the definition above).
    public func isOutstanding(at end: Int) -> Bool {
        originated <= end && originated + termDays > end && (closedOn.map { $0 > end } ?? true)
    }
}

/// Nearest-rank percentiles of borrowers' total outstanding debt, in fen.
public struct DebtPercentiles: Sendable, Hashable {
    public let p50: Int64
    public let p90: Int64
    public let p99: Int64
    public let max: Int64

    /// Nearest rank: the value at rank ⌈p/100 × N⌉ of the N values in ascending order.
    static func of(_ sortedAscending: [Int64]) -> DebtPercentiles? {
        guard !sortedAscending.isEmpty else { return nil }
        func rank(_ p: Int) -> Int64 {
            let n = sortedAscending.count
            let index = (p * n + 99) / 100 // ⌈p·N/100⌉, 1-based
            return sortedAscending[Swift.max(1, Swift.min(n, index)) - 1]
        }
        return DebtPercentiles(p50: rank(50), p90: rank(90), p99: rank(99), max: sortedAscending.last!)
    }
}

/// The figures at one period end.
public struct IndebtednessFigures: Sendable, Hashable {
    public struct Overlap: Sendable, Hashable {
        /// The two groups, `a` before `b` by name.
        public let a: String
        public let b: String
        /// Borrowers owing to both at the end date.
        public let borrowers: Int
    }

    public let asOf: CalendarDate
    /// Distinct borrowers with at least one loan outstanding.
    public let borrowers: Int
    /// Borrowers owing to exactly 1, 2, 3, 4 and 5 or more groups.
    public let byGroups: [Int]
    /// What each of those classes owes in all, in fen.
    public let amountByGroupsCents: [Int64]
    /// Every pair of groups with shared borrowers (pairs with none left out), by name.
    public let overlap: [Overlap]
    /// Each group's borrowers, by name: the denominators of the overlap shares.
    public let borrowersByGroup: [String: Int]
    /// Of all borrowers, and of those on 2 or more groups; nil when there are none.
    public let debtAll: DebtPercentiles?
    public let debtMulti: DebtPercentiles?
    /// Share by amount of bad loans among borrowers on 1 group and on 2 or more; nil without any.
    public let badRateSingle: Double?
    public let badRateMulti: Double?

    /// Borrowers on 2 or more groups, and their share of all borrowers.
    public var multi: Int { byGroups.dropFirst().reduce(0, +) }
    public var multiShare: Double? { borrowers > 0 ? Double(multi) / Double(borrowers) : nil }

    /// The keys the JSON and the tables use for the classes.
    public static let classNames = ["1", "2", "3", "4", "5+"]
}

public enum Indebtedness {
    /// The most groups one borrower's mask holds.
    public static let maximumGroups = 64

    public enum Failure: Error, Equatable, CustomStringConvertible {
        case tooManyGroups(Int)

        public var description: String {
            switch self {
            case .tooManyGroups(let count):
                return "over-indebtedness counts at most \(Indebtedness.maximumGroups) platform groups; the loan files have \(count)"
            }
        }
    }

    /// The figures at the end of `asOf`, exactly, in memory. `groups` names the group indices.
    public static func figures(loans: [IndebtednessLoan], groups: [String], asOf: CalendarDate) throws -> IndebtednessFigures {
        guard groups.count <= maximumGroups else { throw Failure.tooManyGroups(groups.count) }
        let end = asOf.dayNumber
        struct Borrower {
            var mask: UInt64 = 0
            var amount: Int64 = 0
            var bad: Int64 = 0
        }
        var table: [[UInt8]: Borrower] = [:]
        for loan in loans where loan.isOutstanding(at: end) {
            table[loan.borrower, default: Borrower()].mask |= 1 << UInt64(loan.group)
            table[loan.borrower]!.amount += loan.amountCents
            if loan.isBad { table[loan.borrower]!.bad += loan.amountCents }
        }
        return summarize(table.values.map { ($0.mask, $0.amount, $0.bad) }, groups: groups, asOf: asOf)
    }

    /// The figures from each borrower's (group mask, outstanding fen, bad fen): the part shared by
    /// the in-memory path and a partitioned one.
    public static func summarize(_ borrowers: [(mask: UInt64, amount: Int64, bad: Int64)], groups: [String],
                                 asOf: CalendarDate) -> IndebtednessFigures {
        var byGroups = [Int](repeating: 0, count: 5)
        var amountByGroups = [Int64](repeating: 0, count: 5)
        var pairs = [Int](repeating: 0, count: groups.count * groups.count)
        var perGroup = [Int](repeating: 0, count: groups.count)
        var all: [Int64] = []
        var multi: [Int64] = []
        var bad = (single: Int64(0), singleTotal: Int64(0), multi: Int64(0), multiTotal: Int64(0))
        all.reserveCapacity(borrowers.count)
        for borrower in borrowers {
            let count = borrower.mask.nonzeroBitCount
            guard count > 0 else { continue }
            let slot = min(count, 5) - 1
            byGroups[slot] += 1
            amountByGroups[slot] += borrower.amount
            all.append(borrower.amount)
            if count >= 2 {
                multi.append(borrower.amount)
                bad.multi += borrower.bad
                bad.multiTotal += borrower.amount
            } else {
                bad.single += borrower.bad
                bad.singleTotal += borrower.amount
            }
            var bits = borrower.mask
            var members: [Int] = []
            while bits != 0 {
                let index = bits.trailingZeroBitCount
                members.append(index)
                perGroup[index] += 1
                bits &= bits - 1
            }
            for i in members.indices {
                for j in members.indices where j > i { pairs[members[i] * groups.count + members[j]] += 1 }
            }
        }
        var overlap: [IndebtednessFigures.Overlap] = []
        for i in groups.indices {
            for j in groups.indices where j > i && pairs[i * groups.count + j] > 0 {
                let (a, b) = groups[i] < groups[j] ? (groups[i], groups[j]) : (groups[j], groups[i])
                overlap.append(.init(a: a, b: b, borrowers: pairs[i * groups.count + j]))
            }
        }
        overlap.sort { ($0.a, $0.b) < ($1.a, $1.b) }
        all.sort()
        multi.sort()
        return IndebtednessFigures(
            asOf: asOf, borrowers: all.count, byGroups: byGroups, amountByGroupsCents: amountByGroups, overlap: overlap,
            borrowersByGroup: Dictionary(uniqueKeysWithValues: groups.indices.filter { perGroup[$0] > 0 }.map { (groups[$0], perGroup[$0]) }),
            debtAll: DebtPercentiles.of(all), debtMulti: DebtPercentiles.of(multi),
            badRateSingle: bad.singleTotal > 0 ? Double(bad.single) / Double(bad.singleTotal) : nil,
            badRateMulti: bad.multiTotal > 0 ? Double(bad.multi) / Double(bad.multiTotal) : nil)
    }
}
