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

    /// Bytes a finishing table needs per borrower-period, its ID's bytes apart.
    static let entryBytes = 48

    func run() throws(Failure) -> [Period: IndebtednessFigures] {
        guard groups.count <= Indebtedness.maximumGroups else { throw .figures(.tooManyGroups(groups.count)) }
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
                           valueBudget: max(1 << 16, budget / 16), temporaryDirectory: store.temporaryDirectory)
        }
        let tableBudget = max(1 << 16, budget / 4 / workers)
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
        var tallies = results[0].tallies
        for worker in results.dropFirst() {
            for index in tallies.indices { tallies[index].merge(worker.tallies[index]) }
        }
        if tallies.contains(where: \.overflowed) { throw .figures(.amountsOverflow) }
        let percentiles: [(all: DebtPercentiles?, multi: DebtPercentiles?)]
        do throws(SpillFile.Failure) {
            percentiles = try DebtValues.percentiles(results.map(\.values), counts: tallies.map { ($0.borrowers, $0.borrowers - $0.byGroups[0]) },
                                                     budget: max(1 << 20, budget / 4))
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
    /// Reused between partitions.
    private var table = BorrowerPeriodTable()
    private var readBuffer = UnsafeMutableRawPointer.allocate(byteCount: 1, alignment: 16)
    private var readCapacity = 1

    init(groupCount: Int, periodCount: Int, valueBudget: Int, temporaryDirectory: String) {
        tallies = [IndebtednessTally](repeating: IndebtednessTally(groupCount: groupCount), count: periodCount)
        values = DebtValues(budget: valueBudget, temporaryDirectory: temporaryDirectory)
    }

    deinit { readBuffer.deallocate() }

    func finish(partition: Int, runs: [SpillRun], tableBudget: Int, low: UInt64, indexOfKey: [Int32], groupOfPlatform: [Int]) {
        let expanded = runs.reduce(0) { $0 + $1.expanded[partition] }
        guard expanded > 0 else { return }
        // Bytes of the partition: its IDs take about (bytes − headers) of arena at most.
        let bytes = runs.reduce(0) { total, run in total + run.tailLengths[partition] + run.blocks[partition].reduce(0) { $0 + $1.length } }
        let estimate = expanded * IndebtednessFinisher.entryBytes + bytes
        let slices = max(1, (estimate + tableBudget - 1) / tableBudget)
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
                        aggregate(readBuffer.assumingMemoryBound(to: UInt8.self), block.length, slice: slice, of: slices,
                                  low: low, indexOfKey: indexOfKey, groupOfPlatform: groupOfPlatform)
                    }
                    if let tail = run.tails[partition], run.tailLengths[partition] > 0 {
                        aggregate(tail, run.tailLengths[partition], slice: slice, of: slices,
                                  low: low, indexOfKey: indexOfKey, groupOfPlatform: groupOfPlatform)
                    }
                }
                try emit()
            } catch {
                failure = error
                return
            }
        }
    }

    /// Adds a buffer of records (16 readable bytes after them) to the table.
    private func aggregate(_ base: UnsafeMutablePointer<UInt8>, _ length: Int, slice: Int, of slices: Int,
                           low: UInt64, indexOfKey: [Int32], groupOfPlatform: [Int]) {
        var at = 0
        while at < length {
            let raw = UnsafeRawPointer(base + at)
            let idLength = Int(UInt16(littleEndian: raw.loadUnaligned(as: UInt16.self)))
            let platform = Int(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2, as: UInt16.self)))
            let first = UInt64(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4, as: UInt32.self)))
            let count = Int(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt16.self)))
            let bad = raw.load(fromByteOffset: 10, as: UInt8.self) & 1 != 0
            let cents = Int64(littleEndian: raw.loadUnaligned(fromByteOffset: 11, as: Int64.self))
            let id = base + at + BorrowerRecord.headerSize
            at += BorrowerRecord.headerSize + idLength
            let hash = LoanFields.hash(id, idLength)
            if slices > 1 && Int(truncatingIfNeeded: (hash >> 16) % UInt64(slices)) != slice { continue }
            let bit = UInt64(1) << UInt64(groupOfPlatform[platform])
            for key in first..<(first + UInt64(count)) {
                guard key >= low, key - low < UInt64(indexOfKey.count) else { continue }
                let index = indexOfKey[Int(key - low)]
                guard index >= 0 else { continue }
                table.add(hash: hash, id: id, idLength, period: Int(index), bit: bit, cents: cents, bad: bad)
            }
        }
    }

    private func emit() throws(SpillFile.Failure) {
        if table.overflowed { tallies[0].markOverflow() }
        var failure: SpillFile.Failure?
        table.forEach { period, mask, amount, bad in
            tallies[period].add(mask: mask, amount: amount, bad: bad)
            do throws(SpillFile.Failure) {
                try values.add(period: period, multi: mask.nonzeroBitCount >= 2, value: amount)
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
    }
}

/// Distinct (borrower, period) → groups mask, amount, bad amount; borrowers compared by their
/// bytes (kept in an arena), the hash only choosing the slot.
struct BorrowerPeriodTable {
    private var keys: [UInt64] = []
    /// Arena offset (32 bits), ID length (16), period index (16).
    private var meta: [UInt64] = []
    private var masks: [UInt64] = []
    private var amounts: [Int64] = []
    private var bads: [Int64] = []
    private var arena: [UInt8] = []
    private var mask = 0
    private var count = 0
    private(set) var overflowed = false

    mutating func reset(expected: Int) {
        var capacity = 64
        while capacity < expected * 2 { capacity <<= 1 }
        if capacity != keys.count || count > 0 || keys.isEmpty {
            if capacity == keys.count {
                for i in 0..<capacity { keys[i] = 0 }
            } else {
                keys = [UInt64](repeating: 0, count: capacity)
                meta = [UInt64](repeating: 0, count: capacity)
                masks = [UInt64](repeating: 0, count: capacity)
                amounts = [Int64](repeating: 0, count: capacity)
                bads = [Int64](repeating: 0, count: capacity)
            }
        }
        mask = capacity - 1
        count = 0
        arena.removeAll(keepingCapacity: true)
    }

    @inline(__always)
    mutating func add(hash: UInt64, id: UnsafePointer<UInt8>, _ length: Int, period: Int, bit: UInt64, cents: Int64, bad: Bool) {
        var key = (hash ^ UInt64(period) &* 0x9E37_79B9_7F4A_7C15) &* 0xD6E8_FEB8_6659_FD93
        key ^= key >> 29
        if key == 0 { key = 1 }
        var slot = Int(truncatingIfNeeded: key) & mask
        while true {
            let found = keys[slot]
            if found == 0 { break }
            if found == key {
                let packed = meta[slot]
                if Int(packed >> 32 & 0xFFFF) == length && Int(packed >> 48) == period
                    && arena.withUnsafeBufferPointer({ memcmp($0.baseAddress! + Int(packed & 0xFFFF_FFFF), id, length) == 0 }) {
                    masks[slot] |= bit
                    var wrapped = false
                    (amounts[slot], wrapped) = amounts[slot].addingReportingOverflow(cents)
                    if wrapped { overflowed = true }
                    if bad {
                        (bads[slot], wrapped) = bads[slot].addingReportingOverflow(cents)
                        if wrapped { overflowed = true }
                    }
                    return
                }
            }
            slot = (slot + 1) & mask
        }
        keys[slot] = key
        meta[slot] = UInt64(arena.count) | UInt64(length) << 32 | UInt64(period) << 48
        arena.append(contentsOf: UnsafeBufferPointer(start: id, count: length))
        masks[slot] = bit
        amounts[slot] = cents
        bads[slot] = bad ? cents : 0
        count += 1
        if count * 2 > mask + 1 { grow() }
    }

    private mutating func grow() {
        let (oldKeys, oldMeta, oldMasks, oldAmounts, oldBads) = (keys, meta, masks, amounts, bads)
        let capacity = (mask + 1) * 2
        keys = [UInt64](repeating: 0, count: capacity)
        meta = [UInt64](repeating: 0, count: capacity)
        masks = [UInt64](repeating: 0, count: capacity)
        amounts = [Int64](repeating: 0, count: capacity)
        bads = [Int64](repeating: 0, count: capacity)
        mask = capacity - 1
        for i in oldKeys.indices where oldKeys[i] != 0 {
            var slot = Int(truncatingIfNeeded: oldKeys[i]) & mask
            while keys[slot] != 0 { slot = (slot + 1) & mask }
            (keys[slot], meta[slot], masks[slot], amounts[slot], bads[slot]) = (oldKeys[i], oldMeta[i], oldMasks[i], oldAmounts[i], oldBads[i])
        }
    }

    /// Every entry: period index, groups mask, amount, bad amount.
    func forEach(_ body: (Int, UInt64, Int64, Int64) -> Void) {
        for i in keys.indices where keys[i] != 0 { body(Int(meta[i] >> 48), masks[i], amounts[i], bads[i]) }
    }
}
