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
    public var dayNumber: Int { Self.dayNumber(year: year, month: month, day: day) }

    /// The same for parts not checked to be a date (the loan parser's, checked already).
    @inlinable
    public static func dayNumber(year: Int, month: Int, day: Int) -> Int {
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

    public init(p50: Int64, p90: Int64, p99: Int64, max: Int64) {
        (self.p50, self.p90, self.p99, self.max) = (p50, p90, p99, max)
    }

    /// The percentiles reported, in percent.
    public static let levels = [50, 90, 99]

    /// Nearest rank: the 1-based rank ⌈p/100 × N⌉ of the value the p-th percentile is, among N
    /// values in ascending order (at least 1).
    public static func nearestRank(_ p: Int, of count: Int) -> Int {
        Swift.max(1, Swift.min(count, (p * count + 99) / 100))
    }

    /// The percentiles of values sorted in ascending order; nil for none.
    public static func of(_ sortedAscending: [Int64]) -> DebtPercentiles? {
        guard !sortedAscending.isEmpty else { return nil }
        let n = sortedAscending.count
        func at(_ p: Int) -> Int64 { sortedAscending[nearestRank(p, of: n) - 1] }
        return DebtPercentiles(p50: at(50), p90: at(90), p99: at(99), max: sortedAscending.last!)
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

        public init(a: String, b: String, borrowers: Int) {
            (self.a, self.b, self.borrowers) = (a, b, borrowers)
        }
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
    /// Bad (overdue, default, written-off) outstanding fen of borrowers on 1 group and on 2 or more.
    public let badSingleCents: Int64
    public let badMultiCents: Int64

    public init(asOf: CalendarDate, borrowers: Int, byGroups: [Int], amountByGroupsCents: [Int64], overlap: [Overlap],
                borrowersByGroup: [String: Int], debtAll: DebtPercentiles?, debtMulti: DebtPercentiles?,
                badSingleCents: Int64, badMultiCents: Int64) {
        self.asOf = asOf
        self.borrowers = borrowers
        self.byGroups = byGroups
        self.amountByGroupsCents = amountByGroupsCents
        self.overlap = overlap
        self.borrowersByGroup = borrowersByGroup
        self.debtAll = debtAll
        self.debtMulti = debtMulti
        self.badSingleCents = badSingleCents
        self.badMultiCents = badMultiCents
    }

    /// Borrowers on 2 or more groups, and their share of all borrowers.
    public var multi: Int { byGroups.dropFirst().reduce(0, +) }
    public var multiShare: Double? { borrowers > 0 ? Double(multi) / Double(borrowers) : nil }
    /// Borrowers on 3 or more groups.
    public var multi3: Int { byGroups.dropFirst(2).reduce(0, +) }
    /// Outstanding fen of borrowers on 1 group, on 2 or more, and of all.
    public var singleCents: Int64 { amountByGroupsCents[0] }
    public var multiCents: Int64 { amountByGroupsCents.dropFirst().reduce(0, &+) }
    public var totalCents: Int64 { amountByGroupsCents.reduce(0, &+) }

    /// Share by amount of bad loans among borrowers on 1 group and on 2 or more; nil without any.
    public var badRateSingle: Double? { singleCents > 0 ? Double(badSingleCents) / Double(singleCents) : nil }
    public var badRateMulti: Double? { multiCents > 0 ? Double(badMultiCents) / Double(multiCents) : nil }

    /// Borrowers owing to both groups (0 when they share none).
    public func shared(_ x: String, _ y: String) -> Int {
        let (a, b) = x < y ? (x, y) : (y, x)
        return overlap.first { $0.a == a && $0.b == b }?.borrowers ?? 0
    }

    /// The keys the JSON and the tables use for the classes.
    public static let classNames = ["1", "2", "3", "4", "5+"]
}

/// The counts behind the figures of one period end, borrower by borrower, mergeable: partitions
/// of borrowers are tallied apart (on different threads) and added together. Percentiles are not
/// here: they need every debt, which the caller collects (in memory or spilled).
public struct IndebtednessTally: Sendable {
    public let groupCount: Int
    public private(set) var byGroups = [Int](repeating: 0, count: 5)
    public private(set) var amountByGroups = [Int64](repeating: 0, count: 5)
    public private(set) var badSingle: Int64 = 0
    public private(set) var badMulti: Int64 = 0
    /// Borrowers sharing groups i < j, at `i * groupCount + j`.
    public private(set) var pairs: [Int]
    public private(set) var perGroup: [Int]
    /// True once a sum passed the 64-bit range of fen: the amounts are then wrong.
    public private(set) var overflowed = false
    /// What all borrowers owe: checked, so that no class's sum, nor the multi total, can wrap.
    public private(set) var totalAmount: Int64 = 0
    /// The largest debt of all borrowers and of those on 2+ groups.
    public private(set) var maxAll: Int64 = 0
    public private(set) var maxMulti: Int64 = 0

    public init(groupCount: Int) {
        self.groupCount = groupCount
        pairs = [Int](repeating: 0, count: groupCount * groupCount)
        perGroup = [Int](repeating: 0, count: groupCount)
    }

    public var borrowers: Int { byGroups.reduce(0, +) }

    /// One borrower at the end date: the mask of groups they owe to, what they owe, the bad part.
    public mutating func add(mask: UInt64, amount: Int64, bad: Int64) {
        var (m, a, b) = (mask, amount, bad)
        withUnsafePointer(to: &m) { m in
            withUnsafePointer(to: &a) { a in
                withUnsafePointer(to: &b) { b in
                    add(masks: UnsafeBufferPointer(start: m, count: 1), amounts: UnsafeBufferPointer(start: a, count: 1),
                        bads: UnsafeBufferPointer(start: b, count: 1))
                }
            }
        }
    }

    /// Many borrowers at once (the same as `add` for each): the arrays are opened once a batch,
    /// which matters on the finishing's hot path (tens of millions of borrower-periods).
    public mutating func add(masks: UnsafeBufferPointer<UInt64>, amounts: UnsafeBufferPointer<Int64>, bads: UnsafeBufferPointer<Int64>) {
        let groups = groupCount
        var maxAll = self.maxAll, maxMulti = self.maxMulti, badSingle = self.badSingle, badMulti = self.badMulti
        var total = totalAmount
        var wrapped = false
        byGroups.withUnsafeMutableBufferPointer { byGroups in
            amountByGroups.withUnsafeMutableBufferPointer { amountByGroups in
                pairs.withUnsafeMutableBufferPointer { pairs in
                    perGroup.withUnsafeMutableBufferPointer { perGroup in
                        for i in 0..<masks.count {
                            let mask = masks[i], amount = amounts[i], bad = bads[i]
                            let count = mask.nonzeroBitCount
                            guard count > 0 else { continue }
                            let slot = Swift.min(count, 5) &- 1
                            byGroups[slot] &+= 1
                            if amount > maxAll { maxAll = amount }
                            var overflow = false
                            (amountByGroups[slot], overflow) = amountByGroups[slot].addingReportingOverflow(amount)
                            if overflow { wrapped = true }
                            (total, overflow) = total.addingReportingOverflow(amount)
                            if overflow { wrapped = true }
                            if count >= 2 {
                                if amount > maxMulti { maxMulti = amount }
                                (badMulti, overflow) = badMulti.addingReportingOverflow(bad)
                            } else {
                                (badSingle, overflow) = badSingle.addingReportingOverflow(bad)
                            }
                            if overflow { wrapped = true }
                            var bits = mask
                            while bits != 0 {
                                let g = bits.trailingZeroBitCount
                                perGroup[g] &+= 1
                                bits &= bits &- 1
                                var rest = bits
                                while rest != 0 {
                                    pairs[g &* groups &+ rest.trailingZeroBitCount] &+= 1
                                    rest &= rest &- 1
                                }
                            }
                        }
                    }
                }
            }
        }
        (self.maxAll, self.maxMulti, self.badSingle, self.badMulti, totalAmount) = (maxAll, maxMulti, badSingle, badMulti, total)
        if wrapped { overflowed = true }
    }

    /// Marks the amounts as wrong (a sum passed 64 bits before it reached the tally).
    public mutating func markOverflow() { overflowed = true }

    public mutating func merge(_ other: IndebtednessTally) {
        maxAll = Swift.max(maxAll, other.maxAll)
        maxMulti = Swift.max(maxMulti, other.maxMulti)
        for i in 0..<5 {
            byGroups[i] += other.byGroups[i]
            let (sum, wrapped) = amountByGroups[i].addingReportingOverflow(other.amountByGroups[i])
            amountByGroups[i] = sum
            if wrapped { overflowed = true }
        }
        let (total, w0) = totalAmount.addingReportingOverflow(other.totalAmount)
        totalAmount = total
        if w0 { overflowed = true }
        let (single, w1) = badSingle.addingReportingOverflow(other.badSingle)
        let (multi, w2) = badMulti.addingReportingOverflow(other.badMulti)
        (badSingle, badMulti) = (single, multi)
        if w1 || w2 || other.overflowed { overflowed = true }
        for i in pairs.indices { pairs[i] += other.pairs[i] }
        for i in perGroup.indices { perGroup[i] += other.perGroup[i] }
    }

    /// The figures, with the groups' names (index → name) and the percentiles found by the caller.
    public func figures(groups: [String], asOf: CalendarDate, debtAll: DebtPercentiles?, debtMulti: DebtPercentiles?)
        -> IndebtednessFigures {
        var overlap: [IndebtednessFigures.Overlap] = []
        for i in 0..<groupCount {
            for j in (i + 1)..<Swift.max(i + 1, groupCount) where pairs[i * groupCount + j] > 0 {
                let (a, b) = groups[i] < groups[j] ? (groups[i], groups[j]) : (groups[j], groups[i])
                overlap.append(.init(a: a, b: b, borrowers: pairs[i * groupCount + j]))
            }
        }
        overlap.sort { ($0.a, $0.b) < ($1.a, $1.b) }
        var perName: [String: Int] = [:]
        for i in 0..<groupCount where perGroup[i] > 0 { perName[groups[i]] = perGroup[i] }
        return IndebtednessFigures(asOf: asOf, borrowers: borrowers, byGroups: byGroups, amountByGroupsCents: amountByGroups,
                                   overlap: overlap, borrowersByGroup: perName, debtAll: debtAll, debtMulti: debtMulti,
                                   badSingleCents: badSingle, badMultiCents: badMulti)
    }
}

public enum Indebtedness {
    /// The most groups one borrower's mask holds.
    public static let maximumGroups = 64
    /// The most period ends, first to last (341 years of months): the debts' packing and the
    /// percentile passes are sized for it.
    public static let maximumPeriods = 4096

    public enum Failure: Error, Equatable, CustomStringConvertible {
        case tooManyGroups(Int)
        case amountsOverflow
        case tooManyPeriods(Int)

        public var description: String {
            switch self {
            case .tooManyGroups(let count):
                return "over-indebtedness counts at most \(Indebtedness.maximumGroups) platform groups; the loan files have \(count)"
            case .tooManyPeriods(let count):
                return "over-indebtedness covers at most \(Indebtedness.maximumPeriods) period ends from the first to the last; "
                    + "the loan files span \(count)"
            case .amountsOverflow:
                return "outstanding amounts at one period end sum past 92,233,720,368,547,758.07 yuan; not summed"
            }
        }
    }

    /// The definition in words, carried with the figures (JSON, help, README say the same).
    public static let definition = "a loan is outstanding at the end date E when originated <= E, originated + term_days > E "
        + "(days) and, where closed_on is given, closed_on > E; its amount is the principal at origination (repayments "
        + "within the term are not modelled unless closed_on ends the loan); a borrower's groups are the platform groups "
        + "of their outstanding loans; percentiles are nearest-rank (the value at rank ceil(p/100 x N))"

    /// The figures at the end of `asOf`, exactly, in memory: the reference the partitioned,
    /// spilling computation in the loan parser is tested against. `groups` names the group indices.
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
        var tally = IndebtednessTally(groupCount: groups.count)
        var all: [Int64] = [], multi: [Int64] = []
        for borrower in table.values {
            tally.add(mask: borrower.mask, amount: borrower.amount, bad: borrower.bad)
            all.append(borrower.amount)
            if borrower.mask.nonzeroBitCount >= 2 { multi.append(borrower.amount) }
        }
        if tally.overflowed { throw Failure.amountsOverflow }
        return tally.figures(groups: groups, asOf: asOf, debtAll: DebtPercentiles.of(all.sorted()),
                             debtMulti: DebtPercentiles.of(multi.sorted()))
    }
}
