import Foundation
import MarketAnalytics
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Finishes over-indebtedness from the partitions of a `BorrowerSpillStore`: each partition
/// (every loan of its borrowers) is aggregated exactly in memory by (borrower, period end), the
/// borrowers' IDs compared by their bytes, then tallied per period end. Partitions go to the
/// threads in turn. A partition whose borrower-periods would pass a thread's share of the budget
/// is read in slices (by further bits of the borrower hash), each slice aggregated alone.
/// Debts go to `DebtValues` for the exact percentiles.
struct IndebtednessFinisher {
    let store: BorrowerSpillStore
    /// Platform id → group index (below 64).
    let groupOfPlatform: [Int]
    let groups: [String]
    /// The period keys reported, ascending, and their periods.
    let periodKeys: [UInt64]
    let periods: [Period]
    let threads: Int

    enum Failure: Error, CustomStringConvertible {
        case spill(SpillFile.Failure)
        case figures(Indebtedness.Failure)

        var description: String {
            switch self {
            case .spill(let failure): return failure.description
            case .figures(let failure): return failure.description
            }
        }
    }

    /// What the last run did beyond memory (for tests and the benchmark).
    private(set) var statistics = IndebtednessStatistics()

    mutating func run() throws(Failure) -> [Period: IndebtednessFigures] {
        guard groups.count <= Indebtedness.maximumGroups else { throw .figures(.tooManyGroups(groups.count)) }
        if let first = periodKeys.first, let last = periodKeys.last, last - first >= UInt64(Indebtedness.maximumPeriods) {
            throw .figures(.tooManyPeriods(Int(last - first + 1)))
        }
        let runs = store.allRuns
        let budget = store.options.memoryBytes
        // Period key → index among the reported periods, over the keys' range.
        let low = periodKeys.first ?? 0
        let span = Int((periodKeys.last ?? 0) - low) + 1
        var indexOfKey = [Int32](repeating: -1, count: periodKeys.isEmpty ? 0 : span)
        for (index, key) in periodKeys.enumerated() { indexOfKey[Int(key - low)] = Int32(index) }
        let periodIndex = indexOfKey
        let workers = max(1, threads)
        let next = Atomic<Int>(0)
        let results = (0..<workers).map { _ in
            FinisherWorker(groupCount: groups.count, periodCount: periodKeys.count,
                           valueBudget: max(1 << 10, budget / 32), temporaryDirectory: store.temporaryDirectory)
        }
        let tableBudget = max(1 << 10, budget / 4 / workers)
        runConcurrently(results.map { worker in
            { [groupOfPlatform, periodIndex] in
                while true {
                    let partition = next.add(1, ordering: .relaxed).oldValue
                    if partition >= BorrowerRecord.partitionCount || worker.failure != nil { break }
                    worker.finish(partition: partition, runs: runs, tableBudget: tableBudget, low: low,
                                  indexOfKey: periodIndex, groupOfPlatform: groupOfPlatform)
                }
            }
        })
        if let failure = results.compactMap(\.failure).first { throw .spill(failure) }
        statistics.partitionsSliced = results.reduce(0) { $0 + $1.partitionsSliced }
        statistics.debtsSpilled = results.contains { !$0.values.isInMemory }
        var tallies = results[0].tallies
        for worker in results.dropFirst() {
            for index in tallies.indices { tallies[index].merge(worker.tallies[index]) }
        }
        if tallies.contains(where: \.overflowed) { throw .figures(.amountsOverflow) }
        let percentiles: [(all: DebtPercentiles?, multi: DebtPercentiles?)]
        do throws(SpillFile.Failure) {
            percentiles = try DebtValues.percentiles(results.map(\.values), counts: tallies.map { ($0.borrowers, $0.borrowers - $0.byGroups[0], $0.maxAll, $0.maxMulti) },
                                                     budget: max(1 << 12, budget / 4))
        } catch {
            throw .spill(error)
        }
        var figures: [Period: IndebtednessFigures] = [:]
        for (index, period) in periods.enumerated() {
            figures[period] = tallies[index].figures(groups: groups, asOf: period.endDate,
                                                     debtAll: percentiles[index].all, debtMulti: percentiles[index].multi)
        }
        return figures
    }
}

/// One finishing thread: its table, tallies and debts.
final class FinisherWorker: @unchecked Sendable {
    var tallies: [IndebtednessTally]
    let values: DebtValues
    private(set) var failure: SpillFile.Failure?
    /// Partitions too large for the table budget, finished in slices.
    private(set) var partitionsSliced = 0
    /// Kept between partitions (taken out while one is finished, so the hot loop works on a local).
    private var spareTable: BorrowerPeriodTable? = BorrowerPeriodTable()
    private var readBuffer = UnsafeMutableRawPointer.allocate(byteCount: 1, alignment: 16)
    private var readCapacity = 1

    init(groupCount: Int, periodCount: Int, valueBudget: Int, temporaryDirectory: String) {
        tallies = [IndebtednessTally](repeating: IndebtednessTally(groupCount: groupCount), count: periodCount)
        values = DebtValues(budget: valueBudget, temporaryDirectory: temporaryDirectory)
    }

    deinit {
        readBuffer.deallocate()
        spareTable?.release()
    }

    func finish(partition: Int, runs: [SpillRun], tableBudget: Int, low: UInt64, indexOfKey: [Int32], groupOfPlatform: [Int]) {
        // Borrower-periods at most: each record's periods, but never more than the period ends
        // reported (a 999,999,999-day term spans millions of quarters, of which few are reported).
        let expanded = min(runs.reduce(0) { $0 + $1.expanded[partition] }, runs.reduce(0) { $0 + $1.records[partition] } * max(1, indexOfKey.count))
        guard expanded > 0 else { return }
        // Bytes of the partition: its IDs take about (bytes − headers) of arena at most.
        let bytes = runs.reduce(0) { total, run in total + run.tailLengths[partition] + run.blocks[partition].reduce(0) { $0 + $1.length } }
        // Entries (at most one a record's period, fewer where a borrower has several loans) and
        // their IDs' bytes: an upper bound of the table's size at its 3/4 load.
        let estimate = expanded * (BorrowerPeriodTable.bytesPerEntry + 8) + bytes
        let slices = max(1, (estimate + tableBudget - 1) / tableBudget)
        if slices > 1 { partitionsSliced += 1 }
        var table = spareTable.take()!
        defer { spareTable = table }
        for slice in 0..<slices {
            table.reset(expected: expanded / slices + 16)
            do throws(SpillFile.Failure) {
                for run in runs {
                    for block in run.blocks[partition] {
                        if block.length + 16 > readCapacity {
                            readBuffer.deallocate()
                            readCapacity = block.length + 16
                            readBuffer = UnsafeMutableRawPointer.allocate(byteCount: readCapacity, alignment: 16)
                        }
                        try run.file!.read(into: readBuffer, count: block.length, at: block.offset)
                        (readBuffer + block.length).initializeMemory(as: UInt8.self, repeating: 0, count: 16)
                        Self.aggregate(readBuffer.assumingMemoryBound(to: UInt8.self), block.length, into: &table, slice: slice,
                                       of: slices, low: low, indexOfKey: indexOfKey, groupOfPlatform: groupOfPlatform)
                    }
                    if let tail = run.tails[partition], run.tailLengths[partition] > 0 {
                        Self.aggregate(tail, run.tailLengths[partition], into: &table, slice: slice, of: slices,
                                       low: low, indexOfKey: indexOfKey, groupOfPlatform: groupOfPlatform)
                    }
                }
                try emit(table)
            } catch {
                failure = error
                return
            }
        }
    }

    /// Adds a buffer of records (16 readable bytes after them) to the table.
    private static func aggregate(_ base: UnsafeMutablePointer<UInt8>, _ length: Int, into table: inout BorrowerPeriodTable,
                                  slice: Int, of slices: Int, low: UInt64, indexOfKey: [Int32], groupOfPlatform: [Int]) {
        indexOfKey.withUnsafeBufferPointer { periodIndex in
            groupOfPlatform.withUnsafeBufferPointer { groupOf in
                var at = 0
                while at < length {
                    let record = BorrowerRecord.read(base + at)
                    at &+= record.size
                    let (id, idLength, platform, first, bad, cents) = (record.id, record.length, record.platform,
                                                                     record.firstPeriod, record.bad, record.cents)
                    let count = UInt64(record.periods)
                    let hash = LoanFields.hash(id, idLength)
                    if slices > 1 && Int(truncatingIfNeeded: (hash >> 16) % UInt64(slices)) != slice { continue }
                    let bit = UInt64(1) << UInt64(groupOf[platform])
                    var key = max(first, low)
                    let end = min(first &+ count, low &+ UInt64(periodIndex.count))
                    while key < end {
                        let index = periodIndex[Int(key &- low)]
                        if index >= 0 { table.add(hash: hash, id: id, idLength, period: Int(index), bit: bit, cents: cents, bad: bad) }
                        key &+= 1
                    }
                }
            }
        }
    }

    /// The table's borrower-periods into the tallies (a batch a period) and the debts.
    private func emit(_ table: BorrowerPeriodTable) throws(SpillFile.Failure) {
        var tallies = self.tallies
        self.tallies = []
        defer { self.tallies = tallies }
        if table.overflowed { tallies[0].markOverflow() }
        // Entries by period: counted, then placed (a counting sort).
        let periods = tallies.count
        var starts = [Int](repeating: 0, count: periods + 1)
        table.forEach { period, _, _, _ in starts[period + 1] += 1 }
        for p in 0..<periods { starts[p + 1] += starts[p] }
        let total = starts[periods]
        let masks = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: max(1, total))
        let amounts = UnsafeMutableBufferPointer<Int64>.allocate(capacity: max(1, total))
        let bads = UnsafeMutableBufferPointer<Int64>.allocate(capacity: max(1, total))
        defer { masks.deallocate(); amounts.deallocate(); bads.deallocate() }
        var next = starts
        table.forEach { period, mask, amount, bad in
            let at = next[period]
            (masks[at], amounts[at], bads[at]) = (mask, amount, bad)
            next[period] = at + 1
        }
        var values = self.values.take()
        defer { self.values.put(values) }
        for period in 0..<periods where starts[period + 1] > starts[period] {
            let range = starts[period]..<starts[period + 1]
            tallies[period].add(masks: UnsafeBufferPointer(rebasing: masks[range]), amounts: UnsafeBufferPointer(rebasing: amounts[range]),
                                bads: UnsafeBufferPointer(rebasing: bads[range]))
            for i in range {
                let mask = masks[i]
                if !values.add(period: period, multi: mask & (mask &- 1) != 0, value: amounts[i]) {
                    try self.values.flush(&values)
                    _ = values.add(period: period, multi: mask & (mask &- 1) != 0, value: amounts[i])
                }
            }
        }
    }
}

/// Distinct (borrower, period) → groups mask, amount, bad amount; borrowers compared by their
/// bytes (kept in an arena), the hash only choosing the slot. One entry is five adjacent words,
/// so a lookup touches one cache line; written on raw memory because it is the finishing's hot loop.
struct BorrowerPeriodTable {
    static let bytesPerEntry = 40
    private struct Entry {
        var key: UInt64
        /// Arena offset (32 bits), ID length (16), period index (16).
        var meta: UInt64
        var mask: UInt64
        var amount: Int64
        var bad: Int64
    }
    private var entries = UnsafeMutablePointer<Entry>.allocate(capacity: 64)
    private var capacity = 64
    private var arena = UnsafeMutablePointer<UInt8>.allocate(capacity: 4096)
    private var arenaCapacity = 4096
    private var arenaUsed = 0
    private var mask = 63
    private var count = 0
    private(set) var overflowed = false

    init() {
        entries.initialize(repeating: Entry(key: 0, meta: 0, mask: 0, amount: 0, bad: 0), count: capacity)
    }

    func release() {
        entries.deallocate()
        arena.deallocate()
    }

    /// Empties the table, sized for about `expected` entries (an upper bound: it grows if need be).
    mutating func reset(expected: Int) {
        var wanted = 64
        while wanted < expected { wanted <<= 1 }
        if wanted != capacity {
            entries.deallocate()
            entries = UnsafeMutablePointer<Entry>.allocate(capacity: wanted)
            capacity = wanted
        }
        entries.initialize(repeating: Entry(key: 0, meta: 0, mask: 0, amount: 0, bad: 0), count: capacity)
        mask = capacity - 1
        count = 0
        arenaUsed = 0
        overflowed = false
    }

    @inline(__always)
    mutating func add(hash: UInt64, id: UnsafePointer<UInt8>, _ length: Int, period: Int, bit: UInt64, cents: Int64, bad: Bool) {
        var key = (hash ^ UInt64(period) &* 0x9E37_79B9_7F4A_7C15) &* 0xD6E8_FEB8_6659_FD93
        key ^= key >> 29
        if key == 0 { key = 1 }
        var slot = Int(truncatingIfNeeded: key) & mask
        while true {
            let found = entries[slot].key
            if found == 0 { break }
            if found == key {
                let packed = entries[slot].meta
                if Int(packed >> 32 & 0xFFFF) == length && Int(packed >> 48) == period
                    && memcmp(arena + Int(packed & 0xFFFF_FFFF), id, length) == 0 {
                    entries[slot].mask |= bit
                    var wrapped = false
                    (entries[slot].amount, wrapped) = entries[slot].amount.addingReportingOverflow(cents)
                    if wrapped { overflowed = true }
                    if bad {
                        (entries[slot].bad, wrapped) = entries[slot].bad.addingReportingOverflow(cents)
                        if wrapped { overflowed = true }
                    }
                    return
                }
            }
            slot = (slot &+ 1) & mask
        }
        if arenaUsed + length > arenaCapacity { growArena(length) }
        (arena + arenaUsed).update(from: id, count: length)
        entries[slot] = Entry(key: key, meta: UInt64(arenaUsed) | UInt64(length) << 32 | UInt64(period) << 48,
                              mask: bit, amount: cents, bad: bad ? cents : 0)
        arenaUsed += length
        count += 1
        if count &* 4 > capacity &* 3 { grow() }
    }

    private mutating func growArena(_ length: Int) {
        var wanted = arenaCapacity * 2
        while wanted < arenaUsed + length { wanted *= 2 }
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: wanted)
        grown.update(from: arena, count: arenaUsed)
        arena.deallocate()
        (arena, arenaCapacity) = (grown, wanted)
    }

    private mutating func grow() {
        let old = entries, oldCapacity = capacity
        capacity *= 2
        mask = capacity - 1
        entries = UnsafeMutablePointer<Entry>.allocate(capacity: capacity)
        entries.initialize(repeating: Entry(key: 0, meta: 0, mask: 0, amount: 0, bad: 0), count: capacity)
        for i in 0..<oldCapacity where old[i].key != 0 {
            var slot = Int(truncatingIfNeeded: old[i].key) & mask
            while entries[slot].key != 0 { slot = (slot &+ 1) & mask }
            entries[slot] = old[i]
        }
        old.deallocate()
    }

    /// Every entry: period index, groups mask, amount, bad amount.
    func forEach(_ body: (Int, UInt64, Int64, Int64) -> Void) {
        for i in 0..<capacity where entries[i].key != 0 {
            let e = entries[i]
            body(Int(e.meta >> 48), e.mask, e.amount, e.bad)
        }
    }
}

/// What an over-indebtedness run had to do beyond memory.
public struct IndebtednessStatistics: Sendable {
    /// Partition bytes written to temporary files.
    public var spilledBytes: Int64 = 0
    /// Partitions finished in slices (larger than a thread's table budget).
    public var partitionsSliced = 0
    /// True when the borrowers' debts went to a temporary file for the percentiles.
    public var debtsSpilled = false
}
