import Foundation
import MarketAnalytics

/// Where the parsing threads put their results: names registered once under a lock, cells and
/// status amounts merged at the end of each range, borrowers in a shared lock-free table.
public final class LoanAccumulator: @unchecked Sendable {
    public let granularity: Period.Granularity
    private let lock = NSLock()
    // Guarded by `lock`.
    private(set) var platformNames: [String] = []
    private var platformIndex: [String: Int] = [:]
    private(set) var bankNames: [String] = []
    private var bankIndex: [String: Int] = [:]
    /// (period key, platform, bank) → loans and cents.
    private var cells = CellTable(capacity: 4096)
    /// (period key, platform, status) → cents.
    private var statusCents = CellTable(capacity: 256)
    private(set) var rows = 0
    private var overflowedSums = false
    let borrowers: BorrowerTable
    /// More than 48 platforms cannot be told apart in the stacking bit sets.
    private(set) var tooManyPlatforms = false
    /// Each thread's (period, borrower) pairs behind the borrower-table keys, compared with one
    /// another as they arrive (no merged copy: the threads' tables are looked up in place).
    private var borrowerTables: [BorrowerIDs] = []
    /// Two different pairs shared a key: stacking is unavailable rather than merged.
    private var borrowerKeysCollided = false

    /// Adds a thread's borrowers, comparing each key's borrower and period with what other threads saw.
    func mergeBorrowerIDs(_ ids: BorrowerIDs) {
        lock.lock()
        defer { lock.unlock() }
        if ids.collided { borrowerKeysCollided = true }
        guard !borrowerKeysCollided else {
            borrowerTables = []
            return
        }
        if !borrowerTables.isEmpty {
            ids.forEach { key, period, bytes in
                if borrowerTables.contains(where: { $0.conflicts(key: key, period: period, bytes) }) { borrowerKeysCollided = true }
            }
        }
        borrowerTables.append(ids)
    }

    /// Names past the 65,536 a cell key holds were met (platform or bank).
    private var namesPastLimit: Set<String> = []

    /// Notes that a row named a 65,537th platform or bank (its cell cannot be keyed); the parse
    /// then fails the file at the first such name in file order, whatever the thread count.
    func noteNamePastLimit(_ column: String) {
        lock.lock()
        defer { lock.unlock() }
        namesPastLimit.insert(column)
    }

    /// The columns (`platform`, `bank`) that passed 65,536 names.
    var columnsPastNameLimit: Set<String> {
        lock.lock()
        defer { lock.unlock() }
        return namesPastLimit
    }

    /// How many platform and bank names are registered.
    var nameCounts: (platforms: Int, banks: Int) {
        lock.lock()
        defer { lock.unlock() }
        return (platformNames.count, bankNames.count)
    }

    /// - Parameter trackBorrowers: false when only the aggregate is wanted (no stacking): the
    ///   borrower table is then not allocated at all.
    /// - Parameter details: how over-indebtedness, pricing and co-funding are computed; nil
    ///   when they are not wanted (`lendscope aggregate` alone): rows are then not decoded past
    ///   the aggregate's fields.
    public init(granularity: Period.Granularity, expectedRows: Int, trackBorrowers: Bool = true,
                details: LoanDetailOptions? = nil) {
        self.granularity = granularity
        borrowers = BorrowerTable(expectedPairs: trackBorrowers ? expectedRows : 0, enabled: trackBorrowers)
        self.details = details.map(BorrowerSpillStore.init)
    }

    /// What the last `indebtedness` run did beyond memory.
    public private(set) var lastStatistics = IndebtednessStatistics()

    /// The loans over-indebtedness needs, partitioned by borrower (nil when not wanted).
    public let details: BorrowerSpillStore?
    /// (period key << 16 | platform) → fen above each APR threshold, then co-funding counts.
    private var termTotals: [UInt64: [Int64]] = [:]
    private var termsOverflowed = false
    /// True once a loan file had the `platform_funded_cny` column.
    private var sawPlatformFunded = false

    func notePlatformFundedColumn() {
        lock.lock()
        defer { lock.unlock() }
        sawPlatformFunded = true
    }

    /// Adds a thread's pricing and co-funding counts.
    func mergeTerms(_ terms: TermCells, periodKeys: [UInt64]) {
        lock.lock()
        defer { lock.unlock() }
        if terms.overflowed { termsOverflowed = true }
        terms.forEach { slot, platform, values in
            let key = periodKeys[slot] << 16 | UInt64(platform)
            var total = termTotals[key] ?? [Int64](repeating: 0, count: values.count)
            for (i, value) in values.enumerated() {
                let (sum, wrapped) = total[i].addingReportingOverflow(value)
                total[i] = sum
                if wrapped { termsOverflowed = true }
            }
            termTotals[key] = total
        }
    }

    /// Over-indebtedness at every period end of the loan files, exactly (spilling past the
    /// memory budget). `groupOf` maps a platform to its group.
    /// - Throws: a `SpillFile.Failure` description when temporary data cannot be written or read.
    public func indebtedness(groupOf: (String) -> String, threads: Int = 2) throws -> [Period: IndebtednessFigures] {
        guard let details else { return [:] }
        if let failure = details.firstFailure { throw IndebtednessError(description: failure.description) }
        lock.lock()
        let names = platformNames
        var keys = Set<UInt64>()
        var lastPeriod = UInt64.max
        cells.forEach { key, _, _ in
            if key >> 32 != lastPeriod { lastPeriod = key >> 32; keys.insert(lastPeriod) }
        }
        lock.unlock()
        let groupNames = Array(Set(names.map(groupOf))).sorted()
        let index = Dictionary(uniqueKeysWithValues: groupNames.enumerated().map { ($1, $0) })
        let periodKeys = keys.sorted()
        var finisher = IndebtednessFinisher(store: details, groupOfPlatform: names.map { index[groupOf($0)]! }, groups: groupNames,
                                            periodKeys: periodKeys, periods: periodKeys.map(period), threads: threads)
        do throws(IndebtednessFinisher.Failure) {
            let figures = try finisher.run()
            var statistics = finisher.statistics
            statistics.spilledBytes = details.spilledBytes
            lock.lock()
            lastStatistics = statistics
            lock.unlock()
            return figures
        } catch {
            switch error {
            case .spill(let failure): throw IndebtednessError(description: failure.description)
            case .figures(let failure): throw IndebtednessError(description: failure.description, isDataLimit: true)
            }
        }
    }

    func platformID(_ name: String) -> Int {
        lock.lock()
        defer { lock.unlock() }
        if let id = platformIndex[name] { return id }
        platformNames.append(name)
        platformIndex[name] = platformNames.count - 1
        if platformNames.count > BorrowerTable.platformBits { tooManyPlatforms = true }
        return platformNames.count - 1
    }

    func bankID(_ name: String) -> Int {
        lock.lock()
        defer { lock.unlock() }
        if let id = bankIndex[name] { return id }
        bankNames.append(name)
        bankIndex[name] = bankNames.count - 1
        return bankNames.count - 1
    }

    /// Adds one range's results: `cells` calls back with (period key, platform, bank, loans,
    /// cents), `statuses` with (period key, platform, status, cents).
    func merge(rows count: Int, sumOverflowed: Bool, expectedCells: Int,
               cells local: ((UInt64, Int, Int, Int, Int64) -> Void) -> Void,
               statuses: ((UInt64, Int, Int, Int64) -> Void) -> Void) {
        lock.lock()
        defer { lock.unlock() }
        cells.reserve(cells.count + expectedCells)
        local { period, platform, bank, loans, cents in
            cells.add(period << 32 | UInt64(platform) << 16 | UInt64(bank), cents: cents, items: loans)
        }
        statuses { period, platform, status, cents in
            statusCents.add(period << 32 | UInt64(platform) << 8 | UInt64(status), cents: cents)
        }
        rows += count
        if sumOverflowed { overflowedSums = true }
    }

    /// True when some period × platform × bank (or status, or borrower) amount passed the 64-bit range of
    /// cents (92,233,720,368,547,758.07 yuan): the amounts are then wrong and must not be shown.
    public var amountsOverflowed: Bool {
        lock.lock()
        defer { lock.unlock() }
        return overflowedSums || cells.overflowed || statusCents.overflowed || borrowers.amountsOverflowed || termsOverflowed
    }

    /// Period keys: months since year 0 (`year * 12 + month - 1`), or quarters (`year * 4 + q - 1`).
    func period(_ key: UInt64) -> Period {
        let k = Int(key)
        return granularity == .quarter ? Period(quarter: k % 4 + 1, of: k / 4)! : Period(month: k % 12 + 1, of: k / 12)!
    }

    /// The aggregate, cents summed exactly, one row per period × platform × bank, sorted by
    /// period, then platform and bank name (byte order).
    public var originationTable: OriginationTable {
        lock.lock()
        defer { lock.unlock() }
        // Sort on integers: names ranked once, not compared per pair.
        func ranks(_ names: [String]) -> [UInt64] {
            var rank = [UInt64](repeating: 0, count: names.count)
            for (position, index) in names.indices.sorted(by: { Array(names[$0].utf8).lexicographicallyPrecedes(Array(names[$1].utf8)) }).enumerated() {
                rank[index] = UInt64(position)
            }
            return rank
        }
        let platformRank = ranks(platformNames)
        let bankRank = ranks(bankNames)
        // Period keys are few: collected with a one-entry memo, then sorted and found by binary search.
        var periodSet = Set<UInt64>()
        var lastPeriod = UInt64.max
        cells.forEach { key, _, _ in
            if key >> 32 != lastPeriod { lastPeriod = key >> 32; periodSet.insert(lastPeriod) }
        }
        let periodKeys = periodSet.sorted()
        func periodIndex(_ key: UInt64) -> Int {
            var (low, high) = (0, periodKeys.count)
            while low < high {
                let middle = (low + high) / 2
                if periodKeys[middle] < key { low = middle + 1 } else { high = middle }
            }
            return low
        }
        // Sorted as plain integers where they fit, one 64-bit word a cell: period index (12 bits),
        // platform rank (16), bank rank (16), then the cell's position (20); else as tuples.
        var keyed: [(period: Int, platform: UInt64, bank: UInt64, key: UInt64, loans: Int, cents: Int64)] = []
        keyed.reserveCapacity(cells.count)
        cells.forEach { key, loans, cents in
            keyed.append((periodIndex(key >> 32), platformRank[Int(key >> 16 & 0xFFFF)], bankRank[Int(key & 0xFFFF)],
                          key, loans, cents))
        }
        if periodKeys.count < 1 << 12 && keyed.count < 1 << 20 {
            var packed = keyed.indices.map {
                UInt64(keyed[$0].period) << 52 | keyed[$0].platform << 36 | keyed[$0].bank << 20 | UInt64($0)
            }
            RadixSort.sort(&packed, from: 20)  // the low 20 bits are the position
            keyed = packed.map { keyed[Int($0 & 0xFFFFF)] }
        } else {
            keyed.sort { ($0.period, $0.platform, $0.bank) < ($1.period, $1.platform, $1.bank) }
        }
        return OriginationTable(
            periods: periodKeys.map(period), platforms: platformNames, banks: bankNames,
            cells: keyed.map { cell in
                OriginationTable.Cell(period: cell.period, platform: Int(cell.key >> 16 & 0xFFFF),
                                      bank: Int(cell.key & 0xFFFF), loans: cell.loans, cents: cell.cents)
            })
    }

    /// The same with names and periods spelled out.
    public var originations: [(period: Period, platform: String, bank: String, loans: Int, cents: Int64)] {
        let table = originationTable
        return table.cells.map { (table.periods[$0.period], table.platforms[$0.platform], table.banks[$0.bank], $0.loans, $0.cents) }
    }

    /// Everything as analysis values, with platform → group applied for stacking.
    public func figures(groupOf: (String) -> String) -> LoanFigures {
        var figures = LoanFigures()
        for cell in originations {
            figures.originations.append(BalanceRecord(period: cell.period, platform: cell.platform, bank: cell.bank,
                                                      balanceCNY: Double(cell.cents) / 100, provenance: .derived,
                                                      source: "loan-level files"))
        }
        lock.lock()
        let statuses = statusCents
        let names = platformNames
        figures.rows = rows
        let terms = termTotals
        figures.hasPlatformFunded = sawPlatformFunded
        lock.unlock()
        if let details {
            let thresholds = details.options.aprThresholds.map(APRThreshold.init(billionths:))
            figures.aprThresholds = thresholds
            for (key, values) in terms {
                let n = thresholds.count
                figures.terms[period(key >> 16), default: [:]][names[Int(key & 0xFFFF)]] = LendingTerms(
                    newCents: values[0], aboveCents: Array(values[1...n]), cofundedLoans: Int(values[n + 1]),
                    cofundedCents: values[n + 2], belowFloorLoans: Int(values[n + 3]), belowFloorCents: values[n + 4],
                    inForceBelowLoans: Int(values[n + 5]), inForceBelowCents: values[n + 6], fundedStatedLoans: Int(values[n + 7]))
            }
        }
        statuses.forEach { key, _, value in
            let status = LoanStatus.allCases[Int(key & 0xFF)]
            let platform = names[Int(key >> 8 & 0xFFFF)]
            figures.amountByStatus[period(key >> 32), default: [:]][platform, default: [:]][status, default: 0] += Double(value) / 100
        }
        if tooManyPlatforms {
            figures.stackingUnavailable = "over \(BorrowerTable.platformBits) platforms"
            return figures
        }
        if borrowerKeysCollided {
            figures.stackingUnavailable = "two borrower IDs share a 64-bit key (by chance or crafted); "
                + "borrowers are never merged on a hash"
            return figures
        }
        if borrowers.periodsOutOfRange {
            figures.stackingUnavailable = granularity == .month ? "loans dated after 5460" : "loans dated after 16383"
            return figures
        }
        if borrowers.overflowed {
            // Grouped by hand: the formatters live in MarketReport, which this module does not use.
            let digits = Array(String(borrowers.exactLimit))
            let grouped = digits.enumerated().map { ($0 > 0 && (digits.count - $0) % 3 == 0 ? "," : "") + String($1) }.joined()
            figures.stackingUnavailable = "over \(grouped) borrower-periods"
            return figures
        }
        // Stacking: platforms → groups, then count borrowers using 2+ and 3+ groups per period.
        var groupIndex: [String: Int] = [:]
        let groupOfPlatform = names.map { name -> Int in
            let group = groupOf(name)
            if let id = groupIndex[group] { return id }
            groupIndex[group] = groupIndex.count
            return groupIndex.count - 1
        }
        // One bit a group: a borrower's groups are the OR of its platforms' bits.
        let groupBit = groupOfPlatform.map { UInt64(1) << UInt64($0) }
        // Per period, in an array over the range of period keys (every borrower's period has cells).
        lock.lock()
        var low = UInt64.max, high = UInt64(0)
        cells.forEach { key, _, _ in (low, high) = (min(low, key >> 32), max(high, key >> 32)) }
        lock.unlock()
        guard low <= high, high - low < 1 << 20 else { return figures }
        // Amounts summed as Double: exact up to 2^53 cents (90 trillion yuan) a period, and no trap past it.
        var perPeriod = [(borrowers: Int, two: Int, three: Int, twoCents: Double, threeCents: Double)](
            repeating: (0, 0, 0, 0, 0), count: Int(high - low) + 1)
        borrowers.forEach { _, word, cents in
            let index = Int(truncatingIfNeeded: (word >> UInt64(BorrowerTable.platformBits)) &- low)
            guard index >= 0, index < perPeriod.count else { return }
            var groups: UInt64 = 0
            var bits = word & BorrowerTable.platformMask
            while bits != 0 {
                groups |= groupBit[bits.trailingZeroBitCount]
                bits &= bits &- 1
            }
            let count = groups.nonzeroBitCount
            perPeriod[index].borrowers += 1
            if count >= 2 { perPeriod[index].two += 1; perPeriod[index].twoCents += Double(cents) }
            if count >= 3 { perPeriod[index].three += 1; perPeriod[index].threeCents += Double(cents) }
        }
        for (index, entry) in perPeriod.enumerated() where entry.borrowers > 0 {
            figures.stacking[period(low + UInt64(index))] = StackingFigures(
                borrowers: entry.borrowers, multiPlatform2: entry.two, multiPlatform3: entry.three,
                amountMultiPlatform2: entry.twoCents / 100, amountMultiPlatform3: entry.threeCents / 100)
        }
        return figures
    }
}

/// The aggregate as indices into name and period lists, for writers that render each name once.
public struct OriginationTable: Sendable {
    public struct Cell: Sendable {
        /// Indices into `periods`, `platforms` and `banks`.
        public let period: Int
        public let platform: Int
        public let bank: Int
        public let loans: Int
        public let cents: Int64
    }

    /// Ascending.
    public let periods: [Period]
    public let platforms: [String]
    public let banks: [String]
    /// Sorted by period, then platform and bank name (byte order).
    public let cells: [Cell]
}

/// Over-indebtedness could not be computed: temporary data could not be written or read (the
/// reload fails, the last good data stays), or the data passes a limit (`isDataLimit`: shown
/// as unavailable, with the reason).
public struct IndebtednessError: Error, CustomStringConvertible {
    public let description: String
    public var isDataLimit = false
}
