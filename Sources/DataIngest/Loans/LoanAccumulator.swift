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
    private var cells: [UInt64: (loans: Int, cents: Int64)] = [:]
    /// (period key, platform, status) → cents.
    private var statusCents: [UInt64: Int64] = [:]
    private(set) var rows = 0
    let borrowers: BorrowerTable
    /// More than 48 platforms cannot be told apart in the stacking bit sets.
    private(set) var tooManyPlatforms = false

    /// - Parameter trackBorrowers: false when only the aggregate is wanted (no stacking): the
    ///   borrower table is then not allocated at all.
    public init(granularity: Period.Granularity, expectedRows: Int, trackBorrowers: Bool = true) {
        self.granularity = granularity
        borrowers = BorrowerTable(expectedPairs: trackBorrowers ? expectedRows : 0, enabled: trackBorrowers)
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

    func merge(cells local: CellTable, status: CellTable, rows count: Int) {
        lock.lock()
        defer { lock.unlock() }
        local.forEach { key, loans, cents in
            let old = cells[key] ?? (0, 0)
            cells[key] = (old.loans + loans, old.cents + cents)
        }
        status.forEach { key, _, cents in statusCents[key, default: 0] += cents }
        rows += count
    }

    /// Period keys: months since year 0 (`year * 12 + month - 1`), or quarters (`year * 4 + q - 1`).
    func period(_ key: UInt64) -> Period {
        let k = Int(key)
        return granularity == .quarter ? Period(quarter: k % 4 + 1, of: k / 4)! : Period(month: k % 12 + 1, of: k / 12)!
    }

    /// The aggregate, cents summed exactly, one row per period × platform × bank, sorted by
    /// period, then platform and bank name (byte order).
    public var originations: [(period: Period, platform: String, bank: String, loans: Int, cents: Int64)] {
        lock.lock()
        defer { lock.unlock() }
        // Sort on integers: names ranked once, not compared per pair.
        func ranks(_ names: [String]) -> [Int] {
            var rank = [Int](repeating: 0, count: names.count)
            for (position, index) in names.indices.sorted(by: { Array(names[$0].utf8).lexicographicallyPrecedes(Array(names[$1].utf8)) }).enumerated() {
                rank[index] = position
            }
            return rank
        }
        let platformRank = ranks(platformNames)
        let bankRank = ranks(bankNames)
        let keyed = cells.map { key, value -> (sort: UInt64, key: UInt64, loans: Int, cents: Int64) in
            let platform = Int(key >> 16 & 0xFFFF), bank = Int(key & 0xFFFF)
            return ((key >> 32) << 40 | UInt64(platformRank[platform]) << 20 | UInt64(bankRank[bank]), key, value.loans, value.cents)
        }.sorted { $0.sort < $1.sort }
        return keyed.map { cell in
            (period(cell.key >> 32), platformNames[Int(cell.key >> 16 & 0xFFFF)], bankNames[Int(cell.key & 0xFFFF)], cell.loans, cell.cents)
        }
    }

    /// Everything as analysis values, with platform → group applied for stacking.
    public func figures(groupOf: (String) -> String) -> LoanFigures {
        var figures = LoanFigures()
        for cell in originations {
            figures.originations.append(BalanceRecord(period: cell.period, platform: cell.platform, bank: cell.bank,
                                                      balanceCNY: Double(cell.cents) / 100, provenance: .derived,
                                                      source: "loan-level files"))
            figures.loanCounts[LoanFigures.countKey(cell.period, cell.platform, cell.bank)] = cell.loans
        }
        lock.lock()
        let statuses = statusCents
        let names = platformNames
        figures.rows = rows
        lock.unlock()
        for (key, value) in statuses {
            let status = LoanStatus.allCases[Int(key & 0xFF)]
            let platform = names[Int(key >> 8 & 0xFFFF)]
            figures.amountByStatus[period(key >> 32), default: [:]][platform, default: [:]][status, default: 0] += Double(value) / 100
        }
        guard !borrowers.overflowed, !tooManyPlatforms else { return figures }
        // Stacking: platforms → groups, then count borrowers using 2+ and 3+ groups per period.
        var groupIndex: [String: Int] = [:]
        let groupOfPlatform = names.map { name -> Int in
            let group = groupOf(name)
            if let id = groupIndex[group] { return id }
            groupIndex[group] = groupIndex.count
            return groupIndex.count - 1
        }
        var perPeriod: [UInt64: (borrowers: Int, two: Int, three: Int, twoCents: Int64, threeCents: Int64)] = [:]
        borrowers.forEach { _, word, cents in
            let periodKey = word >> UInt64(BorrowerTable.platformBits)
            var groups = Set<Int>()
            var bits = word & BorrowerTable.platformMask
            while bits != 0 {
                groups.insert(groupOfPlatform[bits.trailingZeroBitCount])
                bits &= bits - 1
            }
            var entry = perPeriod[periodKey] ?? (0, 0, 0, 0, 0)
            entry.borrowers += 1
            if groups.count >= 2 { entry.two += 1; entry.twoCents += cents }
            if groups.count >= 3 { entry.three += 1; entry.threeCents += cents }
            perPeriod[periodKey] = entry
        }
        for (key, entry) in perPeriod {
            figures.stacking[period(key)] = StackingFigures(
                borrowers: entry.borrowers, multiPlatform2: entry.two, multiPlatform3: entry.three,
                amountMultiPlatform2: Double(entry.twoCents) / 100, amountMultiPlatform3: Double(entry.threeCents) / 100)
        }
        return figures
    }
}
